import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { platformNames } from '../platform-names';

/** Properties of a {@link PlatformRestApi}. */
export interface PlatformRestApiProps {
  /** The platform's name; the API is called `<name>-api`. */
  readonly platformName: string;
  /**
   * Days to keep the access logs.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly accessLogRetention?: logs.RetentionDays;
  /**
   * Whether to set the region-wide CloudWatch role that API Gateway logging needs.
   * @default true
   */
  readonly manageAccountLogRole?: boolean;
}

/**
 * The fields of each access-log line: one JSON object a request, with what operators look for
 * when a call fails or costs too much (caller, key, authorizer outcome, latencies).
 */
export const ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
  JSON.stringify({
    requestId: apigw.AccessLogField.contextRequestId(),
    requestTime: apigw.AccessLogField.contextRequestTime(),
    ip: apigw.AccessLogField.contextIdentitySourceIp(),
    httpMethod: apigw.AccessLogField.contextHttpMethod(),
    resourcePath: apigw.AccessLogField.contextResourcePath(),
    protocol: apigw.AccessLogField.contextProtocol(),
    status: apigw.AccessLogField.contextStatus(),
    responseLength: apigw.AccessLogField.contextResponseLength(),
    responseLatency: apigw.AccessLogField.contextResponseLatency(),
    integrationLatency: apigw.AccessLogField.contextIntegrationLatency(),
    integrationStatus: apigw.AccessLogField.contextIntegrationStatus(),
    apiKeyId: apigw.AccessLogField.contextIdentityApiKeyId(),
    principalId: apigw.AccessLogField.contextAuthorizerPrincipalId(),
    // The calling app: set by the JWT authorizer's context, or the Cognito access token's claim.
    clientId: '$context.authorizer.client_id',
    cognitoClientId: '$context.authorizer.claims.client_id',
    authorizerError: '$context.authorizer.error',
    errorMessage: apigw.AccessLogField.contextErrorMessage(),
    wafStatus: '$context.waf.status',
    xrayTraceId: apigw.AccessLogField.contextXrayTraceId(),
  }),
);

/**
 * The platform's REST API: regional endpoint, the access log group its stage writes to (with
 * retention, and a metric of throttled requests), and a request validator for the methods to use.
 * Its deployment and stage are an {@link ApiStage}, created after every method, which may be in
 * other stacks.
 */
export class PlatformRestApi extends Construct {
  /** The REST API. */
  public readonly api: apigw.RestApi;
  /** The stage's access logs. */
  public readonly accessLogGroup: logs.LogGroup;
  /** Validates required headers, path parameters and query strings before any integration runs. */
  public readonly requestValidator: apigw.RequestValidator;
  /**
   * Requests answered 429 (throttled by the stage, a usage plan or a quota), counted from the access
   * log: API Gateway publishes no metric of its own for them.
   */
  public readonly throttledRequests: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: PlatformRestApiProps) {
    super(scope, id);

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const manageAccountLogRole = props.manageAccountLogRole ?? true;
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: platformNames.restApi(props.platformName),
      description: `Front door of the ${props.platformName} platform`,
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: manageAccountLogRole,
      // Other APIs in the region use the same account setting: keep the role if this stack goes.
      cloudWatchRoleRemovalPolicy: manageAccountLogRole ? RemovalPolicy.RETAIN : undefined,
      // The stage is an ApiStage: its deployment must follow methods that may be in other stacks.
      deploy: false,
    });
    this.throttledRequests = new logs.MetricFilter(this, 'ThrottledRequests', {
      logGroup: this.accessLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: `Platform/${props.platformName}`,
      metricName: 'ThrottledRequests',
      metricValue: '1',
      defaultValue: 0,
    }).metric({ statistic: cloudwatch.Stats.SUM });

    this.requestValidator = this.api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'parameters-and-body',
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    if (manageAccountLogRole) {
      const role = this.api.node.findChild('CloudWatchRole');
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'The account-level API Gateway logging role: AWS maintains this policy for exactly that purpose, and it grants only CloudWatch Logs writes.',
      });
    }
  }
}
