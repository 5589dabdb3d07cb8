/**
 * The IAM policy returned for a valid token.
 *
 * API Gateway caches the policy per token and reuses it for every method behind the authorizer, so
 * the policy must be right for every route, not only the one being called. It therefore:
 * - allows `execute-api:Invoke` on the whole stage (`<api>/<stage>/*`), and
 * - explicitly denies every ROUTE_SCOPES route whose scopes the token does not all carry.
 *
 * IAM's `*` matches across `/`, so a denied `{param}` route also covers paths below it. That errs
 * towards denying, never towards allowing.
 */
import type { RouteRule } from './config';

/** The part of a method ARN every route of the stage shares. */
export interface StageArn {
  /** `arn:<partition>:execute-api:<region>:<account>:<api-id>` */
  readonly prefix: string;
  readonly stage: string;
}

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: 'execute-api:Invoke';
  readonly Resource: string[];
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: PolicyStatement[];
}

const METHOD_ARN = /^(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[A-Za-z0-9]+)\/([A-Za-z0-9_-]+)\/[A-Z*]+\/.*$/;

/** Splits `arn:aws:execute-api:REGION:ACCOUNT:APIID/STAGE/METHOD/path`; undefined if it is not one. */
export function parseMethodArn(methodArn: unknown): StageArn | undefined {
  if (typeof methodArn !== 'string') return undefined;
  const match = METHOD_ARN.exec(methodArn);
  return match ? { prefix: match[1], stage: match[2] } : undefined;
}

/**
 * The resource ARN a route's requests carry: `<prefix>/<stage>/<METHOD, or * for ANY>/<path>`, the
 * path without its leading slash and with each `{param}` or `{proxy+}` segment replaced by `*`.
 */
export function routeResource(stage: StageArn, route: Pick<RouteRule, 'method' | 'path'>): string {
  const method = route.method === 'ANY' ? '*' : route.method;
  const path = route.path
    .slice(1)
    .split('/')
    .map((segment) => (segment.startsWith('{') ? '*' : segment))
    .join('/');
  return `${stage.prefix}/${stage.stage}/${method}/${path}`;
}

/** The token's scopes: the `scope` claim (space-separated) and the `scp` claim (array, or string). */
export function tokenScopes(payload: Readonly<Record<string, unknown>>): string[] {
  const scopes = new Set<string>();
  for (const claim of [payload.scope, payload.scp]) {
    const values = typeof claim === 'string' ? [claim] : Array.isArray(claim) ? claim : [];
    for (const value of values) {
      if (typeof value !== 'string') continue;
      for (const scope of value.split(/\s+/)) {
        if (scope !== '') scopes.add(scope);
      }
    }
  }
  return [...scopes];
}

/** The routes (as resource ARNs) a token with these scopes may not call. */
export function deniedResources(stage: StageArn, routes: readonly RouteRule[], scopes: ReadonlySet<string>): string[] {
  const denied = routes.filter((route) => !route.scopes.every((scope) => scopes.has(scope)));
  return [...new Set(denied.map((route) => routeResource(stage, route)))];
}

/** Allow the stage, deny the routes the scopes do not cover. */
export function buildPolicy(stage: StageArn, routes: readonly RouteRule[], scopes: ReadonlySet<string>): PolicyDocument {
  const statements: PolicyStatement[] = [
    { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${stage.prefix}/${stage.stage}/*`] },
  ];
  const denied = deniedResources(stage, routes, scopes);
  if (denied.length > 0) {
    statements.push({ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: denied });
  }
  return { Version: '2012-10-17', Statement: statements };
}
