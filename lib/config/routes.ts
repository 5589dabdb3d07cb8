import type { HttpMethod, JwtAuthConfig, RouteAuth, RouteConfig } from './types';

/** The key a route's method is known by in rate plans and ROUTE_SCOPES: `'<METHOD> <path>'`. */
export function routeKey(method: HttpMethod, path: string): string {
  return `${method} ${path}`;
}

/** Every `(method, path)` the routes declare, with the route that declares it. */
export function routeMethods(routes: readonly RouteConfig[]): { key: string; method: HttpMethod; route: RouteConfig }[] {
  return routes.flatMap((route) => route.methods.map((method) => ({ key: routeKey(method, route.path), method, route })));
}

/** Which authorizer a route uses. */
export type AuthorizerKind = 'none' | 'jwt' | 'cognito';

/** The authorizer a route's `auth` selects, and the scopes it requires. */
export function describeAuth(auth: RouteAuth): { kind: AuthorizerKind; scopes: string[] } {
  if (auth === 'none' || auth === 'jwt' || auth === 'cognito') return { kind: auth, scopes: [] };
  // A plain-JS `{ jwtScopes: undefined, cognitoScopes }` is a Cognito route, as the validator reads it.
  if ('cognitoScopes' in auth && auth.cognitoScopes !== undefined) return { kind: 'cognito', scopes: [...auth.cognitoScopes] };
  return { kind: 'jwt', scopes: [...(auth as { jwtScopes: string[] }).jwtScopes] };
}

/**
 * The JWT authorizer's ROUTE_SCOPES table: the scopes each JWT route requires, keyed
 * `'<METHOD> <path>'`. Routes that need only a valid token are left out (the authorizer treats a
 * route absent from the table that way), which keeps the table within Lambda's 4 KB of environment.
 */
export function jwtRouteScopes(routes: readonly RouteConfig[]): Record<string, string[]> {
  return Object.fromEntries(
    routeMethods(routes).flatMap(({ key, route }) => {
      const auth = describeAuth(route.auth);
      return auth.kind === 'jwt' && auth.scopes.length > 0 ? [[key, auth.scopes]] : [];
    }),
  );
}

/** The JWT authorizer's own environment variables, as the edge sets them (lib/edge/jwt-authorizer.ts). */
export function jwtAuthorizerEnvironment(jwt: JwtAuthConfig, routes: readonly RouteConfig[]): Record<string, string> {
  return {
    JWT_ISSUER: jwt.issuer,
    JWT_AUDIENCE: jwt.audience.join(','),
    ...(jwt.jwksUri ? { JWKS_URI: jwt.jwksUri } : {}),
    ROUTE_SCOPES: JSON.stringify(jwtRouteScopes(routes)),
  };
}
