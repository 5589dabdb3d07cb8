import { parseRouteScopes } from '../../../lambda/authorizer/config';
import { buildPolicy, parseMethodArn, routeResource, tokenScopes } from '../../../lambda/authorizer/policy';
import { invokeDecision } from './helpers/iam';

const PREFIX = 'arn:aws:execute-api:eu-west-1:123456789012:abc123defg';
const STAGE = { prefix: PREFIX, stage: 'prod' };

describe('method ARNs', () => {
  test.each([
    [`${PREFIX}/prod/GET/orders`, STAGE],
    [`${PREFIX}/prod/GET/`, STAGE],
    [`${PREFIX}/prod/POST/orders/42/items`, STAGE],
    ['arn:aws-cn:execute-api:cn-north-1:123456789012:a1b2c3/dev_1/GET/x', { prefix: 'arn:aws-cn:execute-api:cn-north-1:123456789012:a1b2c3', stage: 'dev_1' }],
  ])('%s splits into prefix and stage', (arn, expected) => {
    // GIVEN a method ARN  WHEN parsed  THEN prefix and stage are found
    expect(parseMethodArn(arn)).toEqual(expected);
  });

  test.each([
    [undefined],
    [''],
    ['arn:aws:lambda:eu-west-1:123456789012:function:x'],
    [`${PREFIX}/prod`],
    [`${PREFIX}/*/GET/orders`],
    ['arn:aws:execute-api:eu-west-1:1234:abc/prod/GET/x'],
  ])('%s is no method ARN', (arn) => {
    // GIVEN something else  WHEN parsed  THEN it is refused
    expect(parseMethodArn(arn)).toBeUndefined();
  });
});

describe('route resources', () => {
  test.each([
    ['GET', '/orders', `${PREFIX}/prod/GET/orders`],
    ['GET', '/', `${PREFIX}/prod/GET/`],
    ['ANY', '/inventory/{proxy+}', `${PREFIX}/prod/*/inventory/*`],
    ['DELETE', '/orders/{id}/items/{itemId}', `${PREFIX}/prod/DELETE/orders/*/items/*`],
  ])('%s %s → %s', (method, path, expected) => {
    // GIVEN a route  WHEN mapped  THEN it is the ARN API Gateway checks for that route's requests
    expect(routeResource(STAGE, { method, path })).toBe(expected);
  });
});

describe('token scopes', () => {
  test('come from scope (space-separated) and scp (array), without duplicates', () => {
    // GIVEN both claims  WHEN read  THEN their union
    expect(tokenScopes({ scope: ' orders:read  orders:write ', scp: ['orders:write', 'admin', 7] })).toEqual([
      'orders:read',
      'orders:write',
      'admin',
    ]);
  });

  test('a space-separated scp string counts too; other types do not', () => {
    // GIVEN odd claim types  WHEN read  THEN only strings count
    expect(tokenScopes({ scp: 'a b' })).toEqual(['a', 'b']);
    expect(tokenScopes({ scope: 42, scp: { a: 1 } })).toEqual([]);
    expect(tokenScopes({})).toEqual([]);
  });
});

describe('policy', () => {
  const routes = parseRouteScopes(
    JSON.stringify({
      'GET /orders': ['orders:read'],
      'POST /orders': ['orders:write'],
      'DELETE /orders/{id}': ['orders:write', 'orders:admin'],
      'ANY /inventory/{proxy+}': [],
    }),
  );

  test('allows the stage and denies the routes whose scopes the token lacks', () => {
    // GIVEN a token with orders:read and orders:write only
    // WHEN the policy is built
    const policy = buildPolicy(STAGE, routes, new Set(['orders:read', 'orders:write']));

    // THEN DELETE needs orders:admin as well, so only it is denied
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${PREFIX}/prod/*`] },
        { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [`${PREFIX}/prod/DELETE/orders/*`] },
      ],
    });
  });

  test('has no Deny statement when the token may call every route', () => {
    // GIVEN every scope  WHEN built  THEN only the Allow
    const policy = buildPolicy(STAGE, routes, new Set(['orders:read', 'orders:write', 'orders:admin']));
    expect(policy.Statement).toEqual([{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${PREFIX}/prod/*`] }]);
  });

  test('a route with {param} denied also covers deeper routes: errs towards deny, never allow', () => {
    // GIVEN GET /orders/{id} needing orders:read, and GET /orders/{id}/history needing nothing
    const overlapping = parseRouteScopes('{"GET /orders/{id}": ["orders:read"], "GET /orders/{id}/history": []}');
    // WHEN a token without orders:read gets its policy
    const policy = buildPolicy(STAGE, overlapping, new Set());
    // THEN GET /orders/{id} is denied, and so is the deeper route (IAM's * crosses /): a known limit
    expect(invokeDecision(policy, `${PREFIX}/prod/GET/orders/42`)).toBe('ExplicitDeny');
    expect(invokeDecision(policy, `${PREFIX}/prod/GET/orders/42/history`)).toBe('ExplicitDeny');
    // AND with orders:read both are allowed
    const withScope = buildPolicy(STAGE, overlapping, new Set(['orders:read']));
    expect(invokeDecision(withScope, `${PREFIX}/prod/GET/orders/42`)).toBe('Allow');
    expect(invokeDecision(withScope, `${PREFIX}/prod/GET/orders/42/history`)).toBe('Allow');
  });
});
