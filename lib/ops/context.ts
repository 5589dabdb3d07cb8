import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { BudgetsClient } from '@aws-sdk/client-budgets';
import { STSClient } from '@aws-sdk/client-sts';
import { environments } from '../../bin/environments';
import type { PlatformConfig } from '../config/types';
import { EXIT, OpsError } from './errors';
import { type Output, streamOutput } from './output';
import { progress, type Progress } from './progress';

/** The options every command takes. */
export interface GlobalOptions {
  /** The environment whose config describes what is deployed (`bin/environments`). */
  readonly env: string;
  /** An AWS profile; default: the standard provider chain. */
  readonly profile?: string;
  /** An AWS region; default: the standard provider chain. */
  readonly region?: string;
  /** JSON output for machines. */
  readonly json: boolean;
  /** The cloud assembly `cdk synth` wrote. */
  readonly cdkOut: string;
}

/** The AWS clients, made on first use with the same credentials, region and retry strategy. */
export interface OpsClients {
  readonly apiGateway: APIGatewayClient;
  readonly appMesh: AppMeshClient;
  readonly budgets: BudgetsClient;
  readonly sts: STSClient;
}

/** What a command works with. */
export interface OpsContext {
  readonly envName: string;
  /** The environment's platform config: the props that the deployed platform should match. */
  readonly config: PlatformConfig;
  readonly options: GlobalOptions;
  readonly out: Output;
  readonly clients: OpsClients;
  /** A progress indicator on stderr, for commands that page. */
  progress(label: string): Progress;
}

/** The streams a run writes to. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export function createContext(options: GlobalOptions, io: CliIo): OpsContext {
  const config = environments[options.env];
  if (!config) {
    throw new OpsError(`--env ${options.env}: unknown environment; known: ${Object.keys(environments).join(', ')}`, EXIT.USAGE);
  }
  // The SDK's standard retry strategy backs off on throttling; five attempts ride out API
  // Gateway's and Budgets' low request rates.
  const clientConfig = { region: options.region, profile: options.profile, retryMode: 'standard', maxAttempts: 5 };
  const cache = new Map<string, unknown>();
  const lazy = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  return {
    envName: options.env,
    config,
    options,
    out: streamOutput(options.json, io.stdout, io.stderr),
    clients: {
      get apiGateway() {
        return lazy('apiGateway', () => new APIGatewayClient(clientConfig));
      },
      get appMesh() {
        return lazy('appMesh', () => new AppMeshClient(clientConfig));
      },
      get budgets() {
        return lazy('budgets', () => new BudgetsClient(clientConfig));
      },
      get sts() {
        return lazy('sts', () => new STSClient(clientConfig));
      },
    },
    // Machines reading JSON get no spinner; people get one when stderr is a terminal.
    progress: (label) => (options.json ? { tick() {}, done() {} } : progress(label, io.stderr)),
  };
}
