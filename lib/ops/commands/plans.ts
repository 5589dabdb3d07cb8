import type { CommandModule } from '../cli';

/** Placeholder: replaced by the `plans` command. */
export const registerPlans: CommandModule = () => {};
