import type { HttpMethod, RouteAuth, RouteConfig } from './types';

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
  if ('jwtScopes' in auth) return { kind: 'jwt', scopes: [...auth.jwtScopes] };
  return { kind: 'cognito', scopes: [...auth.cognitoScopes] };
}
