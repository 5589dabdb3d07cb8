import type { CommandModule } from '../cli';
import { registerBreaker } from './breaker';
import { registerBudget } from './budget';
import { registerCanary } from './canary';
import { registerDiagram } from './diagram';
import { registerPlans } from './plans';
import { registerUsage } from './usage';

/** Every command of the CLI, in the order `--help` lists them. */
export const COMMANDS: CommandModule[] = [registerPlans, registerUsage, registerBudget, registerCanary, registerBreaker, registerDiagram];
