import type { CommandModule } from '../cli';

/** Placeholder: replaced by the `canary` command. */
export const registerCanary: CommandModule = () => {};
