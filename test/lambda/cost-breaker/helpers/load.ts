/**
 * Loads lambda/cost-breaker/index.ts afresh, as a cold start would: with the given environment, in
 * its own module registry (the configuration is read when the module loads), and with the
 * registry's own copy of the API Gateway client, which `mockClient` stubs unless told not to.
 */
import type * as ApiGatewaySdk from '@aws-sdk/client-api-gateway';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type * as BreakerModule from '../../../../lambda/cost-breaker/index';

/** Every variable the breaker reads; removed from the environment before each load. */
export const BREAKER_VARIABLES = [
  'REST_API_ID',
  'STAGE_NAME',
  'FLOOR_RATE_LIMIT',
  'FLOOR_BURST_LIMIT',
  'ALARM_NAMES',
  'BUDGET_NAME',
  'BUDGET_LIMIT_USD',
  'TRIP_ON_BUDGET_PERCENT',
  'PLATFORM',
  'AWS_LAMBDA_LOG_FORMAT',
] as const;

export const REST_API_ID = 'a1b2c3d4e5';
export const STAGE_NAME = 'prod';
export const SPEND_ALARM = 'shop-spend-per-hour';
export const OTHER_SPEND_ALARM = 'shop-spend-per-hour-lambda';
export const BUDGET_NAME = 'shop-monthly';
export const PLATFORM = 'shop';
/** The floor: 10 requests per second, bursts of 20. */
export const FLOOR = { rateLimit: 10, burstLimit: 20 } as const;

/** A complete, valid configuration. */
export const VALID_ENV: Readonly<Record<string, string>> = {
  REST_API_ID,
  STAGE_NAME,
  FLOOR_RATE_LIMIT: String(FLOOR.rateLimit),
  FLOOR_BURST_LIMIT: String(FLOOR.burstLimit),
  ALARM_NAMES: `${SPEND_ALARM}, ${OTHER_SPEND_ALARM}`,
  BUDGET_NAME,
  BUDGET_LIMIT_USD: '500',
  PLATFORM,
};

export interface LoadedBreaker {
  readonly handler: typeof BreakerModule.handler;
  /** The stub of this registry's APIGatewayClient; undefined when loaded with `mock: false`. */
  readonly apiGateway: AwsClientStub<ApiGatewaySdk.APIGatewayClient>;
  /** This registry's command classes, for the matchers' `instanceof`. */
  readonly GetStageCommand: typeof ApiGatewaySdk.GetStageCommand;
  readonly UpdateStageCommand: typeof ApiGatewaySdk.UpdateStageCommand;
}

/** Cold-starts the breaker with exactly `env` (over the process environment minus BREAKER_VARIABLES). */
export function loadBreaker(env: Readonly<Record<string, string | undefined>>, options: { mock?: boolean } = {}): LoadedBreaker {
  const saved = process.env;
  const next: NodeJS.ProcessEnv = { ...saved };
  for (const name of BREAKER_VARIABLES) delete next[name];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete next[name];
    else next[name] = value;
  }
  // The SDK warns, once per copy of it, on a Node.js older than it will support; Lambda runs 24.
  next.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env = next;
  try {
    let loaded: LoadedBreaker | undefined;
    jest.isolateModules(() => {
      const sdk = require('@aws-sdk/client-api-gateway') as typeof ApiGatewaySdk;
      const apiGateway = (options.mock ?? true) ? mockClient(sdk.APIGatewayClient) : (undefined as unknown as AwsClientStub<ApiGatewaySdk.APIGatewayClient>);
      const breaker = require('../../../../lambda/cost-breaker/index') as typeof BreakerModule;
      loaded = { handler: breaker.handler, apiGateway, GetStageCommand: sdk.GetStageCommand, UpdateStageCommand: sdk.UpdateStageCommand };
    });
    return loaded!;
  } finally {
    process.env = saved;
  }
}
