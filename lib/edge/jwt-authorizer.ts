import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { BundledFunction } from '../common/bundled-function';
import { jwtAuthorizerEnvironment } from '../config/routes';
import type { JwtAuthConfig, RouteConfig } from '../config/types';

/** Properties of a {@link JwtAuthorizer}. */
export interface JwtAuthorizerProps extends JwtAuthConfig {
  /** The platform's name; the authorizer is called `<name>-jwt`. */
  readonly platformName: string;
  /**
   * The API's routes: the authorizer is given the scopes of each JWT route that requires some. Every
   * policy it returns covers all of them, which is what makes a cached policy right for every route
   * it is reused on.
   */
  readonly routes: readonly RouteConfig[];
}

/**
 * A Lambda TOKEN authorizer for JWTs from any OIDC issuer (lambda/authorizer, aws-jwt-verify).
 * API Gateway rejects a header that is not `Bearer <jwt>` before invoking the function.
 */
export class JwtAuthorizer extends Construct {
  /** The authorizer function. */
  public readonly handler: BundledFunction;
  /** The API Gateway authorizer for routes with JWT auth. */
  public readonly authorizer: apigw.TokenAuthorizer;

  constructor(scope: Construct, id: string, props: JwtAuthorizerProps) {
    super(scope, id);

    this.handler = new BundledFunction(this, 'Handler', {
      source: 'authorizer',
      description: `Verifies JWTs from ${props.issuer} for the ${props.platformName} API`,
      environment: jwtAuthorizerEnvironment(props, props.routes),
      // The JWKS fetch times out well before this; verification itself takes about a millisecond.
      timeout: Duration.seconds(5),
    });

    this.authorizer = new apigw.TokenAuthorizer(this, 'Authorizer', {
      authorizerName: `${props.platformName}-jwt`,
      handler: this.handler.function,
      identitySource: apigw.IdentitySource.header('Authorization'),
      validationRegex: '^Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$',
      resultsCacheTtl: Duration.seconds(props.cacheTtlSeconds ?? 300),
    });
  }
}
