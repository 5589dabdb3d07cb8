/** The test IAM evaluator is itself tested, so the policy tests that lean on it mean something. */
import { evaluate, iamMatches, invokeDecision } from './helpers/iam';

const STAGE = 'arn:aws:execute-api:eu-west-1:123456789012:abc123defg/prod';

describe('IAM pattern matching', () => {
  test.each([
    // pattern, value, matches
    [`${STAGE}/*`, `${STAGE}/GET/orders/42`, true],
    [`${STAGE}/GET/orders/*`, `${STAGE}/GET/orders/42/items`, true], // * crosses /
    [`${STAGE}/GET/orders/*`, `${STAGE}/GET/orders`, false],
    [`${STAGE}/GET/orders`, `${STAGE}/GET/orders/42`, false], // whole string
    [`${STAGE}/GET/orders`, `${STAGE}/GET/ordersX`, false],
    [`${STAGE}/*/inventory/*`, `${STAGE}/DELETE/inventory/a/b`, true],
    [`${STAGE}/GET/orders/?`, `${STAGE}/GET/orders/7`, true],
    [`${STAGE}/GET/orders/?`, `${STAGE}/GET/orders/42`, false], // ? is one character
    [`${STAGE}/GET/`, `${STAGE}/GET/`, true],
    ['arn:aws:execute-api:eu-west-1:123456789012:abc123defg/prod/GET/a.b', `${STAGE}/GET/aXb`, false], // . is literal
  ])('%s vs %s → %s', (pattern, value, expected) => {
    // GIVEN a pattern and a value  WHEN matched  THEN the result is as IAM would have it
    expect(iamMatches(pattern, value)).toBe(expected);
  });

  test('actions match case-insensitively, resources case-sensitively', () => {
    // GIVEN an Allow for execute-api:* on a lower-case path
    const policy = { Statement: [{ Effect: 'Allow', Action: 'execute-api:*', Resource: `${STAGE}/GET/orders` }] };
    // WHEN / THEN
    expect(evaluate(policy, 'Execute-API:Invoke', `${STAGE}/GET/orders`)).toBe('Allow');
    expect(evaluate(policy, 'execute-api:Invoke', `${STAGE}/GET/Orders`)).toBe('ImplicitDeny');
  });
});

describe('IAM evaluation', () => {
  const policy = {
    Statement: [
      { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: [`${STAGE}/*`] },
      { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [`${STAGE}/POST/orders`] },
    ],
  };

  test('an explicit Deny wins over an Allow', () => {
    // GIVEN a stage-wide Allow and a Deny on POST /orders
    // WHEN POST /orders is evaluated  THEN it is denied
    expect(invokeDecision(policy, `${STAGE}/POST/orders`)).toBe('ExplicitDeny');
  });

  test('an Allow applies where no Deny does', () => {
    // GIVEN the same policy  WHEN GET /orders is evaluated  THEN it is allowed
    expect(invokeDecision(policy, `${STAGE}/GET/orders`)).toBe('Allow');
  });

  test('nothing matching is the implicit deny', () => {
    // GIVEN the same policy  WHEN another stage or action is evaluated  THEN it is implicitly denied
    expect(invokeDecision(policy, 'arn:aws:execute-api:eu-west-1:123456789012:abc123defg/test/GET/orders')).toBe('ImplicitDeny');
    expect(evaluate(policy, 'execute-api:ManageConnections', `${STAGE}/GET/orders`)).toBe('ImplicitDeny');
    expect(invokeDecision({ Statement: [] }, `${STAGE}/GET/orders`)).toBe('ImplicitDeny');
  });
});
