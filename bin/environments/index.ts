import type { PlatformConfig } from '../../lib/config/types';
import { dev } from './dev';
import { prod } from './prod';

/** The reference app's environments, chosen with `-c env=<name>`. */
export const environments: Record<string, PlatformConfig> = { dev, prod };

/** The environment `cdk synth` uses without `-c env`. */
export const DEFAULT_ENVIRONMENT = 'dev';
