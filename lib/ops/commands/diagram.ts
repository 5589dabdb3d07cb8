import type { CommandModule } from '../cli';

/** Placeholder: replaced by the `diagram` command. */
export const registerDiagram: CommandModule = () => {};
