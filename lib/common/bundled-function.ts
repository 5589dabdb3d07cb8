import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BASE_FUNCTION_ENVIRONMENT, environmentBytes, LAMBDA_ENVIRONMENT_LIMIT_BYTES } from './function-environment';

/** The project root: where package-lock.json and lambda/ are. */
const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Properties of a {@link BundledFunction}. */
export interface BundledFunctionProps {
  /** The folder under `lambda/` whose `index.ts` exports `handler`, for example `'authorizer'`. */
  readonly source: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /**
   * Environment variables. Never secrets: they are visible in the template.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Memory in MiB; CPU scales with it.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * The function's time limit.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Days to keep the function's logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A Lambda function from `lambda/<source>/index.ts`, bundled by the local esbuild (never Docker):
 * minified with source maps, Node.js 24 on arm64, X-Ray tracing, its own log group, and a role that
 * may write only to that log group (no AWS managed policy).
 */
export class BundledFunction extends Construct {
  /** The function. */
  public readonly function: nodejs.NodejsFunction;
  /** The function's execution role; grant it what the function needs. */
  public readonly role: iam.Role;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The function's memory in MiB. */
  public readonly memoryMiB: number;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    this.memoryMiB = props.memorySize ?? 256;
    // Stack traces point into the TypeScript sources rather than the minified bundle.
    const environment = { ...BASE_FUNCTION_ENVIRONMENT, ...props.environment };
    const bytes = environmentBytes(environment);
    if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
      throw new Error(`${this.node.path}: the function's environment is ${bytes} bytes; Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} (names and values together)`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.source}`,
    });
    // The log group is created here, so the function needs no logs:CreateLogGroup.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, 'lambda', props.source, 'index.ts'),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: this.memoryMiB,
      timeout: props.timeout ?? Duration.seconds(10),
      environment,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      bundling: {
        minify: true,
        sourceMap: true,
        // Paths inside the source map are relative to the project, so the bundle (and its asset
        // hash) is the same on every machine and in every clone.
        sourcesContent: false,
        target: 'node24',
        forceDockerBundling: false,
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; the logs actions are scoped to this function\'s log group.',
    });
  }
}
