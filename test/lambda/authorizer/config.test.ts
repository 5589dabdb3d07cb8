import { ConfigError, defaultJwksUri, loadConfig, parseRouteScopes } from '../../../lambda/authorizer/config';

const VALID = {
  JWT_ISSUER: 'https://idp.example.com/tenant/',
  JWT_AUDIENCE: 'orders-api, admin-api,,',
  ROUTE_SCOPES: JSON.stringify({ 'GET /orders': ['orders:read'], 'ANY /inventory/{proxy+}': [] }),
};

describe('authorizer configuration', () => {
  test('reads issuer, audiences, JWKS URI and route scopes', () => {
    // GIVEN a complete environment without JWKS_URI
    // WHEN it is loaded
    const config = loadConfig(VALID);

    // THEN the issuer is kept exactly, the audience list is split and trimmed, the JWKS URI derived
    expect(config).toEqual({
      issuer: 'https://idp.example.com/tenant/',
      audience: ['orders-api', 'admin-api'],
      jwksUri: 'https://idp.example.com/tenant/.well-known/jwks.json',
      routes: [
        { key: 'GET /orders', method: 'GET', path: '/orders', scopes: ['orders:read'] },
        { key: 'ANY /inventory/{proxy+}', method: 'ANY', path: '/inventory/{proxy+}', scopes: [] },
      ],
    });
  });

  test.each([
    ['https://idp.example.com', 'https://idp.example.com/.well-known/jwks.json'],
    ['https://idp.example.com/', 'https://idp.example.com/.well-known/jwks.json'],
    ['https://idp.example.com/tenant', 'https://idp.example.com/tenant/.well-known/jwks.json'],
    ['https://idp.example.com/tenant//', 'https://idp.example.com/tenant/.well-known/jwks.json'],
    [
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC',
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC/.well-known/jwks.json',
    ],
  ])('the default JWKS URI of %s is %s', (issuer, expected) => {
    // GIVEN an issuer with or without trailing slash  WHEN the JWKS URI is derived  THEN no slash is doubled or lost
    expect(defaultJwksUri(issuer)).toBe(expected);
  });

  test('an explicit JWKS_URI wins', () => {
    // GIVEN JWKS_URI  WHEN loaded  THEN it is used as is
    expect(loadConfig({ ...VALID, JWKS_URI: 'https://keys.example.com/jwks' }).jwksUri).toBe('https://keys.example.com/jwks');
  });

  test('an empty route map is valid: every route needs only a valid token', () => {
    // GIVEN ROUTE_SCOPES {}  WHEN loaded  THEN there are no scoped routes
    expect(loadConfig({ ...VALID, ROUTE_SCOPES: '{}' }).routes).toEqual([]);
  });

  test('accepts the root route and {param} segments', () => {
    // GIVEN routes with / and path parameters  WHEN parsed  THEN they are kept
    expect(parseRouteScopes('{"GET /": [], "DELETE /orders/{id}/items/{itemId}": ["a", "b", "a"]}')).toEqual([
      { key: 'GET /', method: 'GET', path: '/', scopes: [] },
      { key: 'DELETE /orders/{id}/items/{itemId}', method: 'DELETE', path: '/orders/{id}/items/{itemId}', scopes: ['a', 'b'] },
    ]);
  });

  test.each<[string, Record<string, string | undefined>, RegExp]>([
    ['no issuer', { ...VALID, JWT_ISSUER: undefined }, /JWT_ISSUER/],
    ['a blank issuer', { ...VALID, JWT_ISSUER: '  ' }, /JWT_ISSUER/],
    ['an issuer that is no URL and no JWKS_URI', { ...VALID, JWT_ISSUER: 'my-issuer' }, /JWT_ISSUER/],
    ['an http issuer and no JWKS_URI', { ...VALID, JWT_ISSUER: 'http://idp.example.com' }, /https/],
    ['an http JWKS_URI', { ...VALID, JWKS_URI: 'http://idp.example.com/jwks.json' }, /JWKS_URI/],
    ['no audience', { ...VALID, JWT_AUDIENCE: undefined }, /JWT_AUDIENCE/],
    ['only commas as audience', { ...VALID, JWT_AUDIENCE: ' , ,' }, /JWT_AUDIENCE/],
    ['no ROUTE_SCOPES', { ...VALID, ROUTE_SCOPES: undefined }, /ROUTE_SCOPES is required/],
    ['ROUTE_SCOPES that is not JSON', { ...VALID, ROUTE_SCOPES: '{"GET /orders": [' }, /not valid JSON/],
    ['ROUTE_SCOPES that is an array', { ...VALID, ROUTE_SCOPES: '[]' }, /JSON object/],
    ['ROUTE_SCOPES that is null', { ...VALID, ROUTE_SCOPES: 'null' }, /JSON object/],
    ['a lower-case method', { ...VALID, ROUTE_SCOPES: '{"get /orders": []}' }, /METHOD/],
    ['an unknown method', { ...VALID, ROUTE_SCOPES: '{"FETCH /orders": []}' }, /METHOD/],
    ['a key without a path', { ...VALID, ROUTE_SCOPES: '{"GET": []}' }, /METHOD/],
    ['a path without leading slash', { ...VALID, ROUTE_SCOPES: '{"GET orders": []}' }, /start with \//],
    ['an empty segment', { ...VALID, ROUTE_SCOPES: '{"GET /orders//x": []}' }, /empty segments/],
    ['a trailing slash', { ...VALID, ROUTE_SCOPES: '{"GET /orders/": []}' }, /empty segments/],
    ['a wildcard in the path', { ...VALID, ROUTE_SCOPES: '{"GET /orders/*": []}' }, /invalid path segment/],
    ['a greedy segment before the end', { ...VALID, ROUTE_SCOPES: '{"GET /{proxy+}/x": []}' }, /last/],
    ['scopes that are a string', { ...VALID, ROUTE_SCOPES: '{"GET /orders": "orders:read"}' }, /array of scope names/],
    ['a scope with a space', { ...VALID, ROUTE_SCOPES: '{"GET /orders": ["orders:read orders:write"]}' }, /array of scope names/],
    ['an empty scope', { ...VALID, ROUTE_SCOPES: '{"GET /orders": [""]}' }, /array of scope names/],
  ])('rejects %s', (_name, env, message) => {
    // GIVEN a broken environment  WHEN loaded  THEN a ConfigError says what is wrong
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
