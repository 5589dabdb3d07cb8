import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { ApiConfig } from '../config/types';
import type { ServicePlacement } from '../stacks/placement';
import { ApiRoutes } from './api-routes';
import { CognitoAuth } from './cognito-auth';
import { JwtAuthorizer } from './jwt-authorizer';
import { PrivateIngress } from './private-ingress';
import { PlatformRestApi } from './rest-api';

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
  /**
   * The stack of each service: a route's methods go to its service's stack.
   * @default - every route in the edge's stack
   */
  readonly placement?: ServicePlacement;
}

/**
 * The platform's front door: the REST API, its authorizers, and the routes into the mesh over a VPC
 * link. Its stage, rate plans and WAF are an {@link ApiStage}, deployed after every route.
 */
export class Edge extends Construct {
  /** The REST API, its access logs and request validator. */
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
  /** The routes' resources and methods. */
  public readonly routes: ApiRoutes;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    const { api, platformName } = props;

    this.restApi = new PlatformRestApi(this, 'RestApi', {
      platformName,
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
      this.jwt = new JwtAuthorizer(this, 'Jwt', { platformName, ...api.auth.jwt, routes: api.routes });
    }

    this.routes = new ApiRoutes(this, 'Routes', {
      api: this.restApi.api,
      requestValidator: this.restApi.requestValidator,
      ingress: this.ingress,
      routes: api.routes,
      cognito: this.cognito,
      jwt: this.jwt,
      placement: props.placement,
    });
  }
}
