import type { CommandModule } from '../cli';

/** Placeholder: replaced by the `usage` command. */
export const registerUsage: CommandModule = () => {};
