import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ApiConfig, PlatformConfig } from '../lib/config/types';
import { ApiStage } from '../lib/edge/api-stage';
import { Edge } from '../lib/edge/edge';
import { PlatformNetwork } from '../lib/network/network';

/** The feature flags of cdk.json, so that tests synthesize what `cdk synth` does. */
export const CDK_CONTEXT: Record<string, unknown> = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8'),
).context;

/**
 * A plain App with the project's feature flags, without the synth gates, and without bundling the
 * Lambda functions: tests of a template's shape need no bundle (the bundles are built and run by
 * the Lambdas' own tests, and by the gated reference-app test).
 */
export function testApp(): App {
  return new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
}

/** Network, edge and the API's stage in one stack, from an API config; returns them and the template. */
export function synthEdge(api: ApiConfig, platformName = 'shop'): { edge: Edge; apiStage: ApiStage; stack: Stack; template: Template } {
  const stack = new Stack(testApp(), 'Test');
  const network = new PlatformNetwork(stack, 'Network');
  const edge = new Edge(stack, 'Edge', {
    platformName,
    api,
    vpc: network.vpc,
    privateSubnets: network.privateSubnets,
    ingressPort: 8080,
  });
  const apiStage = new ApiStage(stack, 'Api', { platformName, api, restApi: edge.restApi, methods: edge.routes.methods });
  return { edge, apiStage, stack, template: Template.fromStack(stack) };
}

/** A config with one route per auth kind, to vary in tests. */
export function referenceConfig(): PlatformConfig {
  // A deep copy: tests change numbers in it.
  return structuredClone(require('../bin/environments/prod').prod as PlatformConfig);
}

/**
 * A template as JSON with asset hashes replaced, so snapshots do not change when only a bundle's
 * bytes do (the bundle is tested on its own).
 */
export function redactAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}
