import type { CommandModule } from '../cli';

/** Placeholder: replaced by the `breaker` command. */
export const registerBreaker: CommandModule = () => {};
