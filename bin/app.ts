#!/usr/bin/env node
import { writeRatePlanCosts, summarizeRatePlanCosts } from '../lib/cost/rate-plan-costs';
import type { MeshProvider } from '../lib/config/types';
import { createPlatformApp } from '../lib/platform-app';
import { Platform, withMeshProvider } from '../lib/platform';
import { DEFAULT_ENVIRONMENT, environments } from './environments';

const app = createPlatformApp();
const envName: string = app.node.tryGetContext('env') ?? DEFAULT_ENVIRONMENT;
const config = environments[envName];
if (!config) {
  throw new Error(`-c env=${envName}: unknown environment; known: ${Object.keys(environments).join(', ')}`);
}
// -c mesh=service-connect renders the same services on the other backend; the config's own is the default.
const meshProvider: MeshProvider | undefined = app.node.tryGetContext('mesh');
const platform = new Platform(app, { config: withMeshProvider(config, meshProvider) });

const assembly = app.synth();
// The worst case of each rate plan, beside the templates, and its summary in the synth output.
writeRatePlanCosts(assembly.directory, platform.cost.ratePlanCosts);
console.error(summarizeRatePlanCosts(platform.cost.ratePlanCosts));
