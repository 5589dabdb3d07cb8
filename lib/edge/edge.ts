import { Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { describeAuth, routeMethods } from '../config/routes';
import type { ApiConfig } from '../config/types';
import { ApiRoutes } from './api-routes';
import { CognitoAuth } from './cognito-auth';
import { JwtAuthorizer } from './jwt-authorizer';
import { PrivateIngress } from './private-ingress';
import { RatePlans } from './rate-plans';
import { PlatformRestApi } from './rest-api';
import { StageWebAcl } from './stage-web-acl';

/** Properties of an {@link Edge}. */
export interface EdgeProps {
  /** The platform's name. */
  readonly platformName: string;
  /** The API's configuration, already validated by `validatePlatformConfig`. */
  readonly api: ApiConfig;
  /** The VPC the mesh runs in. */
  readonly vpc: ec2.IVpc;
  /** Its private subnets, for the load balancer. */
  readonly privateSubnets: ec2.SubnetSelection;
  /** The port the mesh ingress listens on. */
  readonly ingressPort: number;
}

/**
 * The platform's front door: the REST API and stage, its authorizers, routes into the mesh over a
 * VPC link, rate plans, and WAF.
 */
export class Edge extends Construct {
  /** The REST API, stage, access logs and request validator. */
  public readonly restApi: PlatformRestApi;
  /** The private path into the VPC. */
  public readonly ingress: PrivateIngress;
  /**
   * Cognito.
   * @default - none when `api.auth.cognito` is not set
   */
  public readonly cognito?: CognitoAuth;
  /**
   * The JWT authorizer.
   * @default - none when `api.auth.jwt` is not set
   */
  public readonly jwt?: JwtAuthorizer;
  /** The routes' methods. */
  public readonly routes: ApiRoutes;
  /** The usage plans and API keys. */
  public readonly ratePlans: RatePlans;
  /**
   * The web ACL.
   * @default - none when `api.waf.enabled` is false
   */
  public readonly webAcl?: StageWebAcl;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const { api, platformName } = props;

    this.restApi = new PlatformRestApi(this, 'RestApi', {
      platformName,
      stageName: api.stageName,
      throttle: api.throttle,
      accessLogRetention: api.accessLogRetentionDays,
      manageAccountLogRole: api.manageAccountLogRole,
    });
    this.ingress = new PrivateIngress(this, 'Ingress', {
      platformName,
      vpc: props.vpc,
      subnets: props.privateSubnets,
      port: props.ingressPort,
    });

    if (api.auth?.cognito) {
      this.cognito = new CognitoAuth(this, 'Cognito', { platformName, ...api.auth.cognito });
    }
    if (api.auth?.jwt) {
      const routeScopes = Object.fromEntries(
        routeMethods(api.routes).flatMap(({ key, route }) => {
          const auth = describeAuth(route.auth);
          return auth.kind === 'jwt' ? [[key, auth.scopes]] : [];
        }),
      );
      this.jwt = new JwtAuthorizer(this, 'Jwt', { platformName, ...api.auth.jwt, routeScopes });
    }

    this.routes = new ApiRoutes(this, 'Routes', {
      api: this.restApi.api,
      requestValidator: this.restApi.requestValidator,
      ingress: this.ingress,
      routes: api.routes,
      cognito: this.cognito,
      jwt: this.jwt,
    });

    this.ratePlans = new RatePlans(this, 'RatePlans', {
      platformName,
      stage: this.restApi.stage,
      plans: api.ratePlans ?? {},
      methods: this.routes.methods,
    });

    if (api.waf?.enabled ?? true) {
      this.webAcl = new StageWebAcl(this, 'Waf', {
        platformName,
        stage: this.restApi.stage,
        ratePerIpPer5Minutes: api.waf?.ratePerIpPer5Minutes,
      });
    } else {
      Validations.of(this.restApi.stage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason: 'WAF is turned off in the platform config (api.waf.enabled: false).',
      });
    }
  }

  /** The deployed stage. */
  public get stage(): apigw.Stage {
    return this.restApi.stage;
  }
}
