import { Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { describeAuth, routeKey } from '../config/routes';
import type { RouteConfig } from '../config/types';
import type { CognitoAuth } from './cognito-auth';
import type { JwtAuthorizer } from './jwt-authorizer';
import type { PrivateIngress } from './private-ingress';

/** Properties of an {@link ApiRoutes}. */
export interface ApiRoutesProps {
  /** The API to add the routes to. */
  readonly api: apigw.RestApi;
  /** The validator every method uses. */
  readonly requestValidator: apigw.IRequestValidator;
  /** The private path to the mesh. */
  readonly ingress: PrivateIngress;
  /** The routes. */
  readonly routes: readonly RouteConfig[];
  /**
   * The Cognito authorizer, required when a route uses Cognito auth.
   * @default - none
   */
  readonly cognito?: CognitoAuth;
  /**
   * The JWT authorizer, required when a route uses JWT auth.
   * @default - none
   */
  readonly jwt?: JwtAuthorizer;
}

/**
 * Headers the gateway sets on every request it forwards, overwriting whatever the client sent, so a
 * service can trust who is calling. Values are API Gateway mapping expressions.
 */
const IDENTITY_HEADERS = {
  none: { subject: "'anonymous'", client: "'anonymous'" },
  jwt: { subject: 'context.authorizer.principalId', client: 'context.authorizer.client_id' },
  cognito: { subject: 'context.authorizer.claims.sub', client: 'context.authorizer.claims.client_id' },
} as const;

/** The names of a path's parameters: `{id}` gives `id`, greedy `{proxy+}` gives `proxy`. */
function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1]);
}

/**
 * The API's resources and methods, each forwarded over the VPC link to the mesh ingress at the same
 * path, behind the authorizer, scopes and API-key requirement its route declares.
 */
export class ApiRoutes extends Construct {
  /** Every method by `'<METHOD> <path>'`. */
  public readonly methods: ReadonlyMap<string, apigw.Method>;

  constructor(scope: Construct, id: string, props: ApiRoutesProps) {
    super(scope, id);

    const { ingress } = props;
    const methods = new Map<string, apigw.Method>();
    for (const route of props.routes) {
      const resource = props.api.root.resourceForPath(route.path);
      const parameters = pathParameters(route.path);
      const auth = describeAuth(route.auth);
      const identity = IDENTITY_HEADERS[auth.kind];
      const uriPath = route.path.replace(/\{([^}+]+)\+\}/g, '{$1}');

      for (const method of route.methods) {
        const integration = new apigw.Integration({
          type: apigw.IntegrationType.HTTP_PROXY,
          integrationHttpMethod: method,
          uri: `http://${ingress.loadBalancer.loadBalancerDnsName}:${ingress.port}${uriPath}`,
          options: {
            connectionType: apigw.ConnectionType.VPC_LINK,
            vpcLink: ingress.vpcLink,
            requestParameters: {
              ...Object.fromEntries(parameters.map((name) => [`integration.request.path.${name}`, `method.request.path.${name}`])),
              'integration.request.header.x-platform-subject': identity.subject,
              'integration.request.header.x-platform-client': identity.client,
            },
          },
        });

        const created = resource.addMethod(method, integration, {
          requestValidator: props.requestValidator,
          apiKeyRequired: route.apiKey ?? false,
          requestParameters: {
            ...Object.fromEntries(parameters.map((name) => [`method.request.path.${name}`, true])),
            ...(auth.kind === 'none' ? {} : { 'method.request.header.Authorization': true }),
          },
          ...this.authorization(auth.kind, auth.scopes, props),
        });
        methods.set(routeKey(method, route.path), created);
        this.acknowledgeAuthorization(created, route, auth.kind);
      }
    }
    this.methods = methods;
  }

  private authorization(
    kind: 'none' | 'jwt' | 'cognito',
    scopes: string[],
    props: ApiRoutesProps,
  ): Pick<apigw.MethodOptions, 'authorizationType' | 'authorizer' | 'authorizationScopes'> {
    switch (kind) {
      case 'none':
        return { authorizationType: apigw.AuthorizationType.NONE };
      case 'jwt':
        // Scopes are enforced by the policy the authorizer returns (ROUTE_SCOPES).
        return { authorizationType: apigw.AuthorizationType.CUSTOM, authorizer: props.jwt!.authorizer };
      case 'cognito': {
        const cognito = props.cognito!;
        // Without scopes a Cognito authorizer accepts only ID tokens, which machine clients never
        // get: a route without its own scopes accepts an access token with any of the API's scopes.
        const required = scopes.length > 0 ? scopes : cognito.resourceServerScopeNames;
        return {
          authorizationType: apigw.AuthorizationType.COGNITO,
          authorizer: cognito.authorizer,
          authorizationScopes: required.map((name) => cognito.oauthScope(name)),
        };
      }
    }
  }

  private acknowledgeAuthorization(method: apigw.Method, route: RouteConfig, kind: 'none' | 'jwt' | 'cognito'): void {
    if (kind === 'none') {
      const reason = `The route ${route.path} is declared public in the platform config (auth: 'none'); WAF and the stage throttle still apply.`;
      Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason }, { id: 'AwsSolutions-COG4', reason });
    } else if (kind === 'jwt') {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: `The route ${route.path} is authorized by the Lambda JWT authorizer, which verifies tokens of the configured OIDC issuer and their scopes.`,
      });
    }
  }
}
