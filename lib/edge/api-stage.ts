import { TreeInspector, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import type { ApiConfig } from '../config/types';
import { RatePlans } from './rate-plans';
import { ACCESS_LOG_FORMAT, type PlatformRestApi } from './rest-api';
import { StageWebAcl } from './stage-web-acl';

/** Properties of an {@link ApiStage}. */
export interface ApiStageProps {
  /** The platform's name. */
  readonly platformName: string;
  /** The API's configuration, already validated. */
  readonly api: ApiConfig;
  /** The REST API. */
  readonly restApi: PlatformRestApi;
  /** Every method of the API, by `'<METHOD> <path>'`, wherever they are. */
  readonly methods: ReadonlyMap<string, apigw.Method>;
}

/**
 * The API as deployed: a deployment of every method and the one stage (JSON access logs, execution
 * logs at ERROR level, X-Ray tracing, detailed metrics, the stage-wide default throttle), its rate
 * plans and its WAF web ACL.
 *
 * The deployment depends on every method, which may be in other stacks (the stack of this construct
 * is then deployed after theirs), and its logical ID hashes every method's properties, so any change
 * to a route deploys the API anew, as aws-cdk-lib's own latest deployment does within one stack.
 */
export class ApiStage extends Construct {
  /** The deployment. */
  public readonly deployment: apigw.Deployment;
  /** The stage. */
  public readonly stage: apigw.Stage;
  /** The usage plans and API keys. */
  public readonly ratePlans: RatePlans;
  /**
   * The web ACL.
   * @default - none when `api.waf.enabled` is false
   */
  public readonly webAcl?: StageWebAcl;

  constructor(scope: Construct, id: string, props: ApiStageProps) {
    super(scope, id);
    const { api, platformName, restApi } = props;

    this.deployment = new apigw.Deployment(this, 'Deployment', {
      api: restApi.api,
      description: `The routes of the ${platformName} platform`,
    });
    for (const [key, method] of [...props.methods].sort(([a], [b]) => a.localeCompare(b))) {
      this.deployment.addToLogicalId({ method: key, properties: cloudFormationProperties(method.node.defaultChild as apigw.CfnMethod) });
    }

    this.stage = new apigw.Stage(this, 'Stage', {
      deployment: this.deployment,
      stageName: api.stageName ?? 'prod',
      accessLogDestination: new apigw.LogGroupLogDestination(restApi.accessLogGroup),
      accessLogFormat: ACCESS_LOG_FORMAT,
      loggingLevel: apigw.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      tracingEnabled: true,
      metricsEnabled: true,
      throttlingRateLimit: api.throttle.rateLimit,
      throttlingBurstLimit: api.throttle.burstLimit,
    });

    this.ratePlans = new RatePlans(this, 'RatePlans', {
      platformName,
      stage: this.stage,
      plans: api.ratePlans ?? {},
      methods: props.methods,
    });

    if (api.waf?.enabled ?? true) {
      this.webAcl = new StageWebAcl(this, 'Waf', {
        platformName,
        stage: this.stage,
        ratePerIpPer5Minutes: api.waf?.ratePerIpPer5Minutes,
      });
    } else {
      Validations.of(this.stage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: 'WAF is turned off in the platform config (api.waf.enabled: false).',
      });
    }
  }
}

/** A resource's CloudFormation properties, as `cdk synth` renders them (tokens unresolved). */
function cloudFormationProperties(resource: apigw.CfnMethod): unknown {
  const inspector = new TreeInspector();
  resource.inspect(inspector);
  return inspector.attributes['aws:cdk:cloudformation:props'];
}
