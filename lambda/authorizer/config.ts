/**
 * The authorizer's configuration, read from environment variables once per cold start.
 *
 * - `JWT_ISSUER` (required): the exact `iss` claim tokens must carry.
 * - `JWT_AUDIENCE` (required): comma-separated; a token's `aud` must contain one of them.
 * - `JWKS_URI` (optional, https): where the signing keys are published;
 *   defaults to `<issuer without trailing slashes>/.well-known/jwks.json`.
 * - `ROUTE_SCOPES` (required): JSON object `{"<METHOD> <path>": ["scope", ...]}`; METHOD is an
 *   HTTP method or `ANY`, path a REST API resource path (`/`, literal, `{param}` and a final
 *   `{name+}` segments). Every listed scope is required; `[]` means any valid token, and so does
 *   a route absent from the map.
 *
 * Anything missing or malformed is a {@link ConfigError}; the handler then rejects every request.
 */

/** A route behind the authorizer and the scopes a token needs, all of them, to call it. */
export interface RouteRule {
  /** The key as written in ROUTE_SCOPES, for example `'GET /orders/{id}'`. */
  readonly key: string;
  /** An upper-case HTTP method, or `'ANY'`. */
  readonly method: string;
  /** The resource path, starting with `/`. */
  readonly path: string;
  /** Scopes a token must all carry. */
  readonly scopes: readonly string[];
}

/** The validated configuration. */
export interface AuthorizerConfig {
  readonly issuer: string;
  readonly audience: readonly string[];
  readonly jwksUri: string;
  readonly routes: readonly RouteRule[];
}

/** The configuration cannot be used; no request may be allowed. */
export class ConfigError extends Error {}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
/** A literal path segment: no IAM wildcards (`*`, `?`), no braces, no whitespace. */
const LITERAL_SEGMENT = /^[A-Za-z0-9._~!$&'()+,;=:@%-]+$/;
const PARAM_SEGMENT = /^\{[A-Za-z0-9._-]+\}$/;
const GREEDY_SEGMENT = /^\{[A-Za-z0-9._-]+\+\}$/;
/** A scope: printable ASCII without spaces, quotes or backslashes (RFC 6749 section 3.3). */
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** `<issuer>/.well-known/jwks.json`, without doubling a trailing slash on the issuer. */
export function defaultJwksUri(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
}

function requireHttpsUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL`);
  }
  if (url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an https URL`);
  }
}

function parsePath(key: string, path: string): void {
  if (path === '/') return;
  const segments = path.slice(1).split('/');
  if (!path.startsWith('/') || segments.some((s) => s === '')) {
    throw new ConfigError(`ROUTE_SCOPES key "${key}": the path must start with / and have no empty segments`);
  }
  segments.forEach((segment, i) => {
    const greedy = GREEDY_SEGMENT.test(segment);
    if (greedy && i !== segments.length - 1) {
      throw new ConfigError(`ROUTE_SCOPES key "${key}": a {name+} segment must be the last`);
    }
    if (!greedy && !PARAM_SEGMENT.test(segment) && !LITERAL_SEGMENT.test(segment)) {
      throw new ConfigError(`ROUTE_SCOPES key "${key}": invalid path segment "${segment}"`);
    }
  });
}

/** Parses and validates ROUTE_SCOPES. */
export function parseRouteScopes(json: string): RouteRule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConfigError('ROUTE_SCOPES is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('ROUTE_SCOPES must be a JSON object');
  }
  return Object.entries(parsed as Record<string, unknown>).map(([key, scopes]) => {
    const match = /^(\S+) (\S+)$/.exec(key);
    if (!match || !METHODS.has(match[1])) {
      throw new ConfigError(`ROUTE_SCOPES key "${key}" is not "<METHOD> <path>" (METHOD upper case or ANY)`);
    }
    const method = match[1];
    const path = match[2];
    parsePath(key, path);
    if (!Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === 'string' && SCOPE.test(s))) {
      throw new ConfigError(`ROUTE_SCOPES["${key}"] must be an array of scope names`);
    }
    return { key, method, path, scopes: [...new Set(scopes)] };
  });
}

/** Reads the configuration; throws {@link ConfigError} when it is missing or malformed. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AuthorizerConfig {
  const issuer = env.JWT_ISSUER?.trim();
  if (!issuer) {
    throw new ConfigError('JWT_ISSUER is required');
  }
  const audience = [...new Set((env.JWT_AUDIENCE ?? '').split(',').map((a) => a.trim()).filter((a) => a !== ''))];
  if (audience.length === 0) {
    throw new ConfigError('JWT_AUDIENCE is required (comma-separated)');
  }
  const explicitJwksUri = env.JWKS_URI?.trim();
  const jwksUri = explicitJwksUri || defaultJwksUri(issuer);
  requireHttpsUrl(explicitJwksUri ? 'JWKS_URI' : 'JWT_ISSUER (from which the JWKS URI is derived)', jwksUri);
  if (env.ROUTE_SCOPES === undefined) {
    throw new ConfigError('ROUTE_SCOPES is required (use {} when no route needs a scope)');
  }
  return { issuer, audience, jwksUri, routes: parseRouteScopes(env.ROUTE_SCOPES) };
}
