import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { Construct } from 'constructs';
import { describeAuth, routeKey } from '../config/routes';
import type { RouteConfig } from '../config/types';
import { mirrorIn, oneStack, partIn, type ServicePlacement } from '../stacks/placement';
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
  /**
   * The stack of each service: a route's methods go to its service's stack.
   * @default - every route in this construct's stack
   */
  readonly placement?: ServicePlacement;
}

/** API Gateway's default quota of resources per REST API (adjustable). */
export const API_RESOURCES_QUOTA = 300;

/**
 * Headers the gateway sets on every request it forwards, overwriting whatever the client sent, so a
 * service can trust who is calling. Values are API Gateway mapping expressions.
 */
const IDENTITY_HEADERS = {
  none: { subject: "'anonymous'", client: "'anonymous'" },
  jwt: { subject: 'context.authorizer.principalId', client: 'context.authorizer.client_id' },
  cognito: { subject: 'context.authorizer.claims.sub', client: 'context.authorizer.claims.client_id' },
} as const;

/** `/a/b/c` → `/a`, `/a/b`, `/a/b/c`. */
function pathPrefixes(path: string): string[] {
  const segments = path.split('/').slice(1);
  return segments.map((_, i) => `/${segments.slice(0, i + 1).join('/')}`);
}

/** `/a/b` → `/a`; `/a` → `/`. */
function parentOf(prefix: string): string {
  return prefix.slice(0, prefix.lastIndexOf('/')) || '/';
}

function lastSegment(prefix: string): string {
  return prefix.slice(prefix.lastIndexOf('/') + 1);
}

/** The names of a path's parameters: `{id}` gives `id`, greedy `{proxy+}` gives `proxy`. */
function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((match) => match[1]);
}

/**
 * The API's resources and methods, each forwarded over the VPC link to the mesh ingress at the same
 * path, behind the authorizer, scopes and API-key requirement its route declares.
 *
 * A route's methods are created in its service's stack. A resource (a path segment) is created in
 * the stack of the routes under it when they all share one, else in this construct's (the core)
 * stack, so that every stack refers only to the core stack and itself.
 */
export class ApiRoutes extends Construct {
  /** Every method by `'<METHOD> <path>'`. */
  public readonly methods: ReadonlyMap<string, apigw.Method>;
  /** Every resource the routes need, by path (`/orders/{orderId}`). */
  public readonly resources: ReadonlyMap<string, apigw.IResource>;

  constructor(scope: Construct, id: string, props: ApiRoutesProps) {
    super(scope, id);

    const { ingress } = props;
    const placement = props.placement ?? oneStack(Stack.of(this));
    const stackOfRoute = (route: RouteConfig) => placement.stackOf(route.service);

    // The stacks of the routes at and under each path.
    const stacksUnder = new Map<string, Set<Stack>>();
    for (const route of props.routes) {
      for (const prefix of pathPrefixes(route.path)) {
        const stacks = stacksUnder.get(prefix) ?? new Set<Stack>();
        stacks.add(stackOfRoute(route));
        stacksUnder.set(prefix, stacks);
      }
    }
    const core = Stack.of(this);
    const stackOfResource = (prefix: string): Stack => {
      const stacks = stacksUnder.get(prefix)!;
      return stacks.size === 1 ? [...stacks][0] : core;
    };

    // Where constructs for `prefix` go in `stack`: the resource itself when it is in that stack,
    // else plain constructs along the same path.
    const resources = new Map<string, apigw.Resource>();
    const scopeOf = (prefix: string, stack: Stack): Construct => {
      const resource = resources.get(prefix);
      if (resource && Stack.of(resource) === stack) return resource;
      if (prefix === '/') return mirrorIn(stack, this);
      return partIn(scopeOf(parentOf(prefix), stack), lastSegment(prefix));
    };
    const resourceFor = (prefix: string): apigw.IResource => {
      if (prefix === '/') return props.api.root;
      const existing = resources.get(prefix);
      if (existing) return existing;
      const parent = resourceFor(parentOf(prefix));
      const resource = new apigw.Resource(scopeOf(parentOf(prefix), stackOfResource(prefix)), lastSegment(prefix), {
        parent,
        pathPart: lastSegment(prefix),
      });
      resources.set(prefix, resource);
      return resource;
    };

    const methods = new Map<string, apigw.Method>();
    for (const route of props.routes) {
      const resource = resourceFor(route.path);
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

        const created = new apigw.Method(scopeOf(route.path, stackOfRoute(route)), method, {
          resource,
          httpMethod: method,
          integration,
          options: {
            requestValidator: props.requestValidator,
            apiKeyRequired: route.apiKey ?? false,
            requestParameters: {
              ...Object.fromEntries(parameters.map((name) => [`method.request.path.${name}`, true])),
              ...(auth.kind === 'none' ? {} : { 'method.request.header.Authorization': true }),
            },
            ...this.authorization(auth.kind, auth.scopes, props),
          },
        });
        methods.set(routeKey(method, route.path), created);
        this.acknowledgeAuthorization(created, route, auth.kind);
      }
    }
    this.methods = methods;
    this.resources = resources;

    // The root counts too.
    const apiResources = resources.size + 1;
    if (apiResources > API_RESOURCES_QUOTA) {
      Annotations.of(this).addWarningV2(
        '@platform/edge:api-resources-quota',
        `the API has ${apiResources} resources (path segments), over API Gateway's default quota of ${API_RESOURCES_QUOTA} per REST API: request an increase of "Resources per API" before deploying`,
      );
    }
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
