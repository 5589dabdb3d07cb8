#!/usr/bin/env node
import { createPlatformApp } from '../lib/platform-app';
import { PlatformStack } from '../lib/platform';
import { DEFAULT_ENVIRONMENT, environments } from './environments';

const app = createPlatformApp();
const envName: string = app.node.tryGetContext('env') ?? DEFAULT_ENVIRONMENT;
const config = environments[envName];
if (!config) {
  throw new Error(`-c env=${envName}: unknown environment; known: ${Object.keys(environments).join(', ')}`);
}
new PlatformStack(app, `${config.name}-platform`, { config });
