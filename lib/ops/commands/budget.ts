import type { CommandModule } from '../cli';

/** Placeholder: replaced by the `budget` command. */
export const registerBudget: CommandModule = () => {};
