import { CfnParameter, Stack } from 'aws-cdk-lib';
import type { PlatformConfig } from '../../lib/config/types';
import { type ConfigProblem, PlatformConfigError, validatePlatformConfig } from '../../lib/config/validate';
import { configWith, minimalConfig, pathsOf, validConfig } from './fixtures';

/** The problems validation reports: none if it passes. Any other error fails the test. */
function problemsOf(config: PlatformConfig): ConfigProblem[] {
  try {
    validatePlatformConfig(config);
    return [];
  } catch (err) {
    if (!(err instanceof PlatformConfigError)) throw err;
    return err.problems;
  }
}

/** `[path, value, rule]`: the valid config with `path` set to `value` has that one problem, at `path`. */
type Case = [path: string, value: unknown, rule: string];

/** The valid config with `changes` applied reports exactly the `expected` problems, in order. */
function expectProblems(changes: Record<string, unknown>, expected: [path: string, rule: string][]): void {
  // GIVEN
  const config = configWith(changes);

  // WHEN / THEN
  expect(problemsOf(config)).toEqual(expected.map(([path, rule]) => ({ path, rule })));
  for (const [path, rule] of expected) {
    expect(() => validatePlatformConfig(config)).toThrow(`\n  - ${path}: ${rule}`);
  }
}

/** The valid config with `path` set to `value` has one problem, at `path`. */
function expectOneProblem([path, value, rule]: Case): void {
  expectProblems({ [path]: value }, [[path, rule]]);
}

/** The valid config with `path` set to `value` passes. */
function expectValid(path: string, value: unknown): void {
  expectProblems({ [path]: value }, []);
}

const RETENTION_RULE =
  "must be one of CloudWatch Logs' retention periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, " +
  '731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)';
const KNOWN_ROUTE_KEYS =
  'GET /health, GET /orders, POST /orders, GET /orders/{id}, DELETE /orders/{id}, GET /inventory/{sku}, ' +
  'ANY /admin/{proxy+}';

describe('a valid config', () => {
  test.each([
    ['the full design sample', validConfig()],
    ['only the required fields', minimalConfig()],
    [
      'an existing user pool instead of a Cognito domain',
      configWith({ 'api.auth.cognito.domainPrefix': undefined, 'api.auth.cognito.userPoolId': 'eu-west-1_AbC123' }),
    ],
  ])('passes: %s', (_name, config) => {
    // WHEN / THEN
    expect(() => validatePlatformConfig(config)).not.toThrow();
  });

  test('passes with CDK tokens where numbers and strings are deploy-time values', () => {
    // GIVEN
    const stack = new Stack();
    const num = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
    const str = (id: string) => new CfnParameter(stack, id).valueAsString;
    const config = configWith({
      name: str('Name'),
      'network.cidr': str('Cidr'),
      'network.natGateways': num('Nat'),
      'network.flowLogRetentionDays': num('FlowLogDays'),
      'api.stageName': str('Stage'),
      'api.throttle': { rateLimit: num('Rate'), burstLimit: num('Burst') },
      'api.ratePlans.free.throttle': { rateLimit: 5, burstLimit: num('FreeBurst') },
      'api.ratePlans.free.quota.limit': num('FreeQuota'),
      'api.auth.cognito.domainPrefix': undefined,
      'api.auth.cognito.userPoolId': str('UserPoolId'),
      'api.auth.cognito.accessTokenValidityMinutes': num('TokenMinutes'),
      'api.auth.jwt.issuer': str('Issuer'),
      'api.auth.jwt.cacheTtlSeconds': num('CacheTtl'),
      'api.accessLogRetentionDays': num('AccessLogDays'),
      'api.waf.ratePerIpPer5Minutes': num('WafRate'),
      'mesh.ingressPort': num('IngressPort'),
      'mesh.services.orders.port': num('OrdersPort'),
    });

    // WHEN / THEN
    expect(problemsOf(config)).toEqual([]);
  });
});

describe('problems', () => {
  test('are all reported at once, in the order of the walk, one a line', () => {
    // GIVEN
    const config = configWith({
      'api.ratePlans.free.throttle': { rateLimit: 5, burstLimit: 3 },
      'api.routes[1].service': 'billing',
    });

    // WHEN / THEN
    expect(() => validatePlatformConfig(config)).toThrow(
      new PlatformConfigError('shop', [
        { path: 'api.ratePlans.free.throttle.burstLimit', rule: 'must be at least rateLimit (5), got 3' },
        {
          path: 'api.routes[1].service',
          rule: "'billing' is not a service in mesh.services (known: inventory, orders)",
        },
      ]),
    );
    expect(() => validatePlatformConfig(config)).toThrow(
      [
        "Invalid platform config 'shop': 2 problems",
        '  - api.ratePlans.free.throttle.burstLimit: must be at least rateLimit (5), got 3',
        "  - api.routes[1].service: 'billing' is not a service in mesh.services (known: inventory, orders)",
      ].join('\n'),
    );
  });

  test('from every part of the config are reported together', () => {
    // GIVEN
    const config = configWith({
      name: 'Shop',
      'network.natGateways': 3,
      'api.stageName': 'v 1',
      'api.auth.jwt.issuer': 'http://login.example.com',
      'api.ratePlans.pro.methods': { 'PUT /orders': { rateLimit: 1, burstLimit: 1 } },
      'api.routes[0].path': '/health/',
      'api.waf.ratePerIpPer5Minutes': 5,
      'mesh.ingressPort': 15001,
    });

    // WHEN
    const problems = problemsOf(config);

    // THEN
    expect(problems.map((p) => p.path)).toEqual([
      'name',
      'network.natGateways',
      'api.stageName',
      'api.auth.jwt.issuer',
      "api.ratePlans.pro.methods['PUT /orders']",
      'api.routes[0].path',
      'api.waf.ratePerIpPer5Minutes',
      'mesh.ingressPort',
    ]);
  });

  test('are counted in the singular when there is one', () => {
    // GIVEN
    const config = configWith({ 'api.stageName': '' });

    // WHEN / THEN
    expect(() => validatePlatformConfig(config)).toThrow(
      "Invalid platform config 'shop': 1 problem\n  - api.stageName: must match /^[A-Za-z0-9_-]{1,128}$/, got ''",
    );
  });

  test('are thrown as a PlatformConfigError', () => {
    // GIVEN
    const config = configWith({ 'api.stageName': '' });

    // WHEN
    const thrown = (() => {
      try {
        validatePlatformConfig(config);
      } catch (err) {
        return err;
      }
      return undefined;
    })();

    // THEN
    expect(thrown).toBeInstanceOf(PlatformConfigError);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe('PlatformConfigError');
  });
});

describe('name', () => {
  test.each(['Shop', '1shop', 'shop_1', '', 'a'.repeat(21)])('rejects %p', (name) => {
    expectOneProblem([
      'name',
      name,
      'must match /^[a-z][a-z0-9-]{0,19}$/ (lowercase letters, digits and hyphens, starting with a letter, ' +
        `at most 20 characters), got '${name}'`,
    ]);
  });

  test.each(['a', 'shop-2', 'a'.repeat(20)])('accepts %p', (name) => expectValid('name', name));
});

describe('throttles', () => {
  const throttles = ['api.throttle', 'api.ratePlans.free.throttle', "api.ratePlans.pro.methods['POST /orders']"];
  const RATE_RULE = 'must be an integer from 0 to 10000 (the regional account default rps)';
  const BURST_RULE = 'must be an integer from 0 to 5000 (the regional account default burst)';

  test.each(
    throttles.flatMap((throttle): Case[] => [
      [`${throttle}.rateLimit`, -1, `${RATE_RULE}, got -1`],
      [`${throttle}.rateLimit`, 1.5, `${RATE_RULE}, got 1.5`],
      [`${throttle}.rateLimit`, 10_001, `${RATE_RULE}, got 10001`],
      [`${throttle}.rateLimit`, '5', `${RATE_RULE}, got '5'`],
      [`${throttle}.rateLimit`, undefined, 'is required, got undefined'],
      [`${throttle}.burstLimit`, -1, `${BURST_RULE}, got -1`],
      [`${throttle}.burstLimit`, 5001, `${BURST_RULE}, got 5001`],
      [`${throttle}.burstLimit`, NaN, `${BURST_RULE}, got NaN`],
      [`${throttle}.burstLimit`, null, `${BURST_RULE}, got null`],
    ]),
  )('%s = %p', (...args) => expectOneProblem(args));

  test.each(throttles)('%s: burstLimit must be at least rateLimit', (throttle) =>
    expectProblems({ [throttle]: { rateLimit: 5, burstLimit: 3 } }, [
      [`${throttle}.burstLimit`, 'must be at least rateLimit (5), got 3'],
    ]),
  );

  test.each(throttles)('%s accepts the bounds', (throttle) => {
    expectValid(throttle, { rateLimit: 0, burstLimit: 0 });
    expectValid(throttle, { rateLimit: 5000, burstLimit: 5000 });
  });

  test.each<Case>([
    ['api.throttle', undefined, 'is required, got undefined'],
    ['api.ratePlans.free.throttle', undefined, 'is required, got undefined'],
    ['api.throttle', [100, 200], 'must be an object, got [100, 200]'],
  ])('%s = %p', (...args) => expectOneProblem(args));
});

describe('rate plans', () => {
  const THROTTLE = { rateLimit: 1, burstLimit: 1 };
  const PLAN_NAME_RULE = 'plan name must match /^[A-Za-z0-9_-]{1,64}$/';
  const KEY_NAME_RULE = 'must match /^[A-Za-z0-9_-]{1,64}$/';
  const ONE_PLAN = '(an API key belongs to one plan)';
  const unknownMethod = (key: string): Case => [
    `api.ratePlans.pro.methods['${key}']`,
    THROTTLE,
    `'${key}' is not a method a route declares (known: ${KNOWN_ROUTE_KEYS})`,
  ];

  test.each<Case>([
    ['api.ratePlans.free.quota.limit', 0, 'must be a positive integer, got 0'],
    ['api.ratePlans.free.quota.limit', 2.5, 'must be a positive integer, got 2.5'],
    ['api.ratePlans.free.quota.limit', undefined, 'is required, got undefined'],
    ['api.ratePlans.free.quota.period', 'YEAR', "must be one of DAY, WEEK, MONTH, got 'YEAR'"],
    ['api.ratePlans.free.quota.period', 'day', "must be one of DAY, WEEK, MONTH, got 'day'"],
    ['api.ratePlans.free.quota.period', undefined, 'is required, got undefined'],
    ["api.ratePlans['free plan']", { throttle: THROTTLE }, `${PLAN_NAME_RULE}, got 'free plan'`],
    [`api.ratePlans.${'p'.repeat(65)}`, { throttle: THROTTLE }, `${PLAN_NAME_RULE}, got '${'p'.repeat(65)}'`],
    ['api.ratePlans.free', 'gold', "must be an object, got 'gold'"],
    unknownMethod('POST /order'),
    unknownMethod('post /orders'),
    unknownMethod('GET  /orders'),
    unknownMethod('GET /admin/{proxy+}'),
    ['api.ratePlans.pro.apiKeys[0]', 'acme corp', `${KEY_NAME_RULE}, got 'acme corp'`],
    ['api.ratePlans.pro.apiKeys[0]', '', `${KEY_NAME_RULE}, got ''`],
    ['api.ratePlans.pro.apiKeys[0]', 7, 'must be a string, got 7'],
    ['api.ratePlans.pro.apiKeys[1]', 'acme', `'acme' is already on api.ratePlans.pro.apiKeys[0] ${ONE_PLAN}`],
    ['api.ratePlans.pro.apiKeys[0]', 'trial', `'trial' is already on api.ratePlans.free.apiKeys[0] ${ONE_PLAN}`],
    ['api.ratePlans.pro.apiKeys', 'acme', "must be an array of API key names, got 'acme'"],
  ])('%s = %p', (...args) => expectOneProblem(args));

  test.each([
    ['the ANY method a route declares', "api.ratePlans.pro.methods['ANY /admin/{proxy+}']", THROTTLE],
    ['no keys', 'api.ratePlans.pro.apiKeys', []],
    ['no quota', 'api.ratePlans.pro.quota', undefined],
    ['a 64-character name', `api.ratePlans.${'p'.repeat(64)}`, { throttle: THROTTLE }],
  ])('accepts %s', (_name, path, value) => expectValid(path, value));
});

describe('stage name', () => {
  test.each(['v 1', 'prod/v1', '', 's'.repeat(129)])('rejects %p', (stageName) => {
    expectOneProblem(['api.stageName', stageName, `must match /^[A-Za-z0-9_-]{1,128}$/, got '${stageName}'`]);
  });

  test.each(['v1', 'blue_green-2', 's'.repeat(128)])('accepts %p', (stageName) =>
    expectValid('api.stageName', stageName),
  );
});

describe('routes', () => {
  const route = (path: string, methods: string[]) => ({ path, methods, service: 'orders', auth: 'none' });

  test.each<Case>([
    ['api.routes', undefined, 'is required, got undefined'],
    ['api.routes', [], 'must be a non-empty array of routes, got []'],
    ['api.routes[0]', null, 'must be an object, got null'],
  ])('%s = %p', (...args) => expectOneProblem(args));

  describe('path', () => {
    const SEGMENT_RULE =
      'must be a literal of [A-Za-z0-9._~-], a {name} or a final {name+} (name [A-Za-z_][A-Za-z0-9_]*)';

    test.each<[string, string]>([
      ['health', "must start with '/', got 'health'"],
      ['/health/', "must not end with '/', got '/health/'"],
      ['/health//live', "must not contain empty segments, got '/health//live'"],
      ['/health check', `segment 'health check' ${SEGMENT_RULE}, got '/health check'`],
      ['/health?full', `segment 'health?full' ${SEGMENT_RULE}, got '/health?full'`],
      ['/{id', `segment '{id' ${SEGMENT_RULE}, got '/{id'`],
      ['/{health-id}', `segment '{health-id}' ${SEGMENT_RULE}, got '/{health-id}'`],
      ['/{}', `segment '{}' ${SEGMENT_RULE}, got '/{}'`],
      ['/{rest+}/health', "greedy segment '{rest+}' must be the last segment, got '/{rest+}/health'"],
    ])('rejects %p', (path, rule) => expectOneProblem(['api.routes[0].path', path, rule]));

    test('reports each problem of a path', () => {
      // GIVEN
      const config = configWith({ 'api.routes[0].path': '/a b//c/' });

      // WHEN / THEN
      expect(problemsOf(config)).toEqual([
        { path: 'api.routes[0].path', rule: "must not end with '/', got '/a b//c/'" },
        { path: 'api.routes[0].path', rule: "must not contain empty segments, got '/a b//c/'" },
        { path: 'api.routes[0].path', rule: `segment 'a b' ${SEGMENT_RULE}, got '/a b//c/'` },
      ]);
    });

    test.each(['/', '/{proxy+}', '/v1/health.json', '/a-b_c~d', '/health/{check_id}'])('accepts %p', (path) =>
      expectValid('api.routes[0].path', path),
    );

    test.each<[string, string]>([
      ['/orders/{orderId}', "parameter '{orderId}' conflicts with '{id}' of api.routes[2] under '/orders'"],
      ['/orders/{orderId}/items', "parameter '{orderId}' conflicts with '{id}' of api.routes[2] under '/orders'"],
      ['/orders/{id+}', "parameter '{id+}' conflicts with '{id}' of api.routes[2] under '/orders'"],
      ['/admin/{path}', "parameter '{path}' conflicts with '{proxy+}' of api.routes[4] under '/admin'"],
    ])('rejects %p beside a sibling parameter of another name', (path, conflict) => {
      expectProblems({ 'api.routes[5]': route(path, ['PUT']) }, [
        ['api.routes[5].path', `${conflict} (API Gateway allows one parameter name per level), got '${path}'`],
      ]);
    });

    test.each(['/orders/{id}/items', '/orders/{id}/items/{itemId}', '/orders/all'])(
      'accepts %p beside the sibling parameters',
      (path) => expectValid('api.routes[5]', route(path, ['PUT'])),
    );
  });

  describe('methods', () => {
    const METHODS_RULE = 'must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY';

    test.each<Case>([
      ['api.routes[0].methods', [], 'must be a non-empty array of HTTP methods, got []'],
      ['api.routes[0].methods', 'GET', "must be a non-empty array of HTTP methods, got 'GET'"],
      ['api.routes[0].methods', undefined, 'is required, got undefined'],
      ['api.routes[0].methods[1]', 'FETCH', `${METHODS_RULE}, got 'FETCH'`],
      ['api.routes[0].methods[0]', 'get', `${METHODS_RULE}, got 'get'`],
      ['api.routes[1].methods[2]', 'GET', "'GET' is already listed at methods[0]"],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test.each<[string, string[], string]>([
      ['/orders', ['POST'], "'POST /orders' is already declared by api.routes[1]"],
      ['/orders', ['ANY'], "'ANY /orders' overlaps 'GET /orders' of api.routes[1] (ANY overlaps every method)"],
      [
        '/admin/{proxy+}',
        ['GET'],
        "'GET /admin/{proxy+}' overlaps 'ANY /admin/{proxy+}' of api.routes[4] (ANY overlaps every method)",
      ],
    ])('rejects %p %p, declared by an earlier route', (path, methods, rule) =>
      expectProblems({ 'api.routes[5]': route(path, methods) }, [['api.routes[5].methods', rule]]),
    );

    test('reports each duplicated method of a route', () =>
      expectProblems({ 'api.routes[5]': route('/orders/{id}', ['DELETE', 'PATCH', 'GET']) }, [
        ['api.routes[5].methods', "'DELETE /orders/{id}' is already declared by api.routes[2]"],
        ['api.routes[5].methods', "'GET /orders/{id}' is already declared by api.routes[2]"],
      ]));

    test('accepts the same path with other methods in another route', () =>
      expectValid('api.routes[5]', route('/orders', ['PUT', 'PATCH'])));
  });

  describe('service', () => {
    const UNKNOWN = 'is not a service in mesh.services (known: inventory, orders)';

    test.each<Case>([
      ['api.routes[1].service', 'billing', `'billing' ${UNKNOWN}`],
      ['api.routes[1].service', 'Orders', `'Orders' ${UNKNOWN}`],
      ['api.routes[1].service', undefined, 'is required, got undefined'],
      ['api.routes[1].service', ['orders'], "must be a string, got ['orders']"],
    ])('%s = %p', (...args) => expectOneProblem(args));
  });

  describe('auth', () => {
    const SHAPE_RULE = "must be 'none', 'jwt', 'cognito', { jwtScopes } or { cognitoScopes }";

    test.each<Case>([
      ['api.routes[0].auth', undefined, 'is required, got undefined'],
      ['api.routes[0].auth', 'oauth', `${SHAPE_RULE}, got 'oauth'`],
      ['api.routes[0].auth', {}, `${SHAPE_RULE}, got {}`],
      ['api.routes[0].auth', { scopes: ['admin'] }, `${SHAPE_RULE}, got { scopes: ['admin'] }`],
      [
        'api.routes[0].auth',
        { jwtScopes: ['admin'], cognitoScopes: ['orders.read'] },
        `${SHAPE_RULE}, got { jwtScopes: ['admin'], cognitoScopes: ['orders.read'] }`,
      ],
      ['api.routes[4].auth.jwtScopes', [], 'must be a non-empty array of non-empty strings, got []'],
      ['api.routes[4].auth.jwtScopes', 'admin', "must be a non-empty array of non-empty strings, got 'admin'"],
      ['api.routes[4].auth.jwtScopes[1]', '', "must be a non-empty string, got ''"],
      ['api.routes[2].auth.cognitoScopes', [], 'must be a non-empty array of non-empty strings, got []'],
      ['api.routes[2].auth.cognitoScopes[0]', 42, 'must be a non-empty string, got 42'],
      [
        'api.routes[2].auth.cognitoScopes[1]',
        'orders.admin',
        "'orders.admin' is not a scope declared on the resource server " +
          '(api.auth.cognito.scopes: orders.read, orders.write, inventory.read)',
      ],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test('takes a scope list left undefined as absent', () =>
      expectValid('api.routes[2].auth', { jwtScopes: undefined, cognitoScopes: ['orders.write'] }));

    test('JWT auth requires api.auth.jwt', () => {
      const NO_JWT = 'requires api.auth.jwt, which is not configured';
      expectProblems({ 'api.auth.jwt': undefined }, [
        ['api.routes[3].auth', `${NO_JWT}, got 'jwt'`],
        ['api.routes[4].auth', `${NO_JWT}, got { jwtScopes: ['admin'] }`],
      ]);
    });

    test('Cognito auth requires api.auth.cognito', () => {
      const NO_COGNITO = 'requires api.auth.cognito, which is not configured';
      expectProblems({ 'api.auth.cognito': undefined, 'api.routes[0].auth': 'cognito' }, [
        ['api.routes[0].auth', `${NO_COGNITO}, got 'cognito'`],
        ['api.routes[1].auth', `${NO_COGNITO}, got { cognitoScopes: ['orders.read', 'orders.write'] }`],
        ['api.routes[2].auth', `${NO_COGNITO}, got { cognitoScopes: ['orders.write'] }`],
      ]);
    });
  });

  describe('apiKey', () => {
    const NO_PLAN_RULE =
      'requires at least one rate plan in api.ratePlans (a key that is on no plan cannot call anything), got true';

    test.each([
      ['no rate plans', undefined],
      ['empty rate plans', {}],
    ])('with %s, apiKey: true is rejected', (_name, ratePlans) =>
      expectProblems({ 'api.ratePlans': ratePlans }, [
        ['api.routes[1].apiKey', NO_PLAN_RULE],
        ['api.routes[2].apiKey', NO_PLAN_RULE],
      ]),
    );

    test('must be a boolean', () =>
      expectOneProblem(['api.routes[1].apiKey', 'yes', "must be true or false, got 'yes'"]));

    test('apiKey: false needs no plan', () =>
      expectProblems(
        { 'api.ratePlans': undefined, 'api.routes[1].apiKey': false, 'api.routes[2].apiKey': undefined },
        [],
      ));
  });
});

describe('auth.cognito', () => {
  const PREFIX_RULE =
    'must match /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/ (lowercase letters, digits and hyphens, at most 63 ' +
    'characters, starting and ending with a letter or digit)';
  const SCOPE_RULE = "must match /^[\\x21\\x23-\\x2E\\x30-\\x5B\\x5D-\\x7E]+$/ (Cognito's scope-name charset)";
  const RESERVED_RULE = 'must not contain the reserved words aws, amazon or cognito';
  const POOL_RULE = 'must match /^[\\w-]+_[0-9a-zA-Z]+$/ (for example us-east-1_AbC123)';
  const cognito = 'api.auth.cognito';

  test.each<Case>([
    [`${cognito}.scopes`, [], 'must be a non-empty array of scope names, got []'],
    [`${cognito}.scopes`, undefined, 'is required, got undefined'],
    [`${cognito}.scopes[3]`, 'orders.read', "'orders.read' is already declared at scopes[0]"],
    [`${cognito}.scopes[3]`, 'orders admin', `${SCOPE_RULE}, got 'orders admin'`],
    [`${cognito}.scopes[3]`, 'say"hi"', `${SCOPE_RULE}, got 'say"hi"'`],
    [`${cognito}.scopes[3]`, 'orders/admin', `${SCOPE_RULE}, got 'orders/admin'`],
    [`${cognito}.scopes[3]`, 'orders\\admin', `${SCOPE_RULE}, got 'orders\\\\admin'`],
    [`${cognito}.scopes[3]`, 'orders.é', `${SCOPE_RULE}, got 'orders.é'`],
    [`${cognito}.scopes[3]`, '', `${SCOPE_RULE}, got ''`],
    [`${cognito}.domainPrefix`, undefined, 'is required unless userPoolId is given, got undefined'],
    [`${cognito}.domainPrefix`, 'Shop', `${PREFIX_RULE}, got 'Shop'`],
    [`${cognito}.domainPrefix`, '-shop', `${PREFIX_RULE}, got '-shop'`],
    [`${cognito}.domainPrefix`, 'shop-', `${PREFIX_RULE}, got 'shop-'`],
    [`${cognito}.domainPrefix`, 'shop_partners', `${PREFIX_RULE}, got 'shop_partners'`],
    [`${cognito}.domainPrefix`, 's'.repeat(64), `${PREFIX_RULE}, got '${'s'.repeat(64)}'`],
    [`${cognito}.domainPrefix`, 'shop-aws', `${RESERVED_RULE}, got 'shop-aws'`],
    [`${cognito}.domainPrefix`, 'amazonshop', `${RESERVED_RULE}, got 'amazonshop'`],
    [`${cognito}.domainPrefix`, 'shop-cognito-1', `${RESERVED_RULE}, got 'shop-cognito-1'`],
    [`${cognito}.userPoolId`, 'eu-west-1', `${POOL_RULE}, got 'eu-west-1'`],
    [`${cognito}.userPoolId`, 'eu-west-1_', `${POOL_RULE}, got 'eu-west-1_'`],
    [`${cognito}.accessTokenValidityMinutes`, 4, 'must be an integer from 5 to 1440, got 4'],
    [`${cognito}.accessTokenValidityMinutes`, 1441, 'must be an integer from 5 to 1440, got 1441'],
    [`${cognito}.accessTokenValidityMinutes`, 30.5, 'must be an integer from 5 to 1440, got 30.5'],
    [`${cognito}.resourceServerId`, '', "must be non-empty and contain no whitespace, got ''"],
    [`${cognito}.resourceServerId`, 'shop api', "must be non-empty and contain no whitespace, got 'shop api'"],
  ])('%s = %p', (...args) => expectOneProblem(args));

  test.each<[string, unknown]>([
    ['accessTokenValidityMinutes', 5],
    ['accessTokenValidityMinutes', 1440],
    ['domainPrefix', 's'.repeat(63)],
    ['domainPrefix', '0'],
    ['scopes[3]', 'orders:admin~*'],
  ])('accepts %s = %p', (field, value) => expectValid(`${cognito}.${field}`, value));
});

describe('auth.jwt', () => {
  test.each<Case>([
    ['api.auth.jwt.issuer', undefined, 'is required, got undefined'],
    ['api.auth.jwt.issuer', 'http://login.example.com/', "must be an https URL, got 'http://login.example.com/'"],
    ['api.auth.jwt.issuer', 'login.example.com', "must be an https URL, got 'login.example.com'"],
    ['api.auth.jwt.issuer', 'https://', "must be an https URL, got 'https://'"],
    ['api.auth.jwt.audience', [], 'must be a non-empty array of non-empty strings, got []'],
    ['api.auth.jwt.audience', 'shop-api', "must be a non-empty array of non-empty strings, got 'shop-api'"],
    ['api.auth.jwt.audience[1]', '', "must be a non-empty string, got ''"],
    ['api.auth.jwt.jwksUri', 'ftp://example.com/keys', "must be an https URL, got 'ftp://example.com/keys'"],
    ['api.auth.jwt.cacheTtlSeconds', -1, 'must be an integer from 0 to 3600, got -1'],
    ['api.auth.jwt.cacheTtlSeconds', 3601, 'must be an integer from 0 to 3600, got 3601'],
    ['api.auth.jwt.cacheTtlSeconds', 0.5, 'must be an integer from 0 to 3600, got 0.5'],
  ])('%s = %p', (...args) => expectOneProblem(args));

  test.each<[string, unknown]>([
    ['cacheTtlSeconds', 0],
    ['cacheTtlSeconds', 3600],
    ['jwksUri', undefined],
    ['issuer', 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123'],
  ])('accepts %s = %p', (field, value) => expectValid(`api.auth.jwt.${field}`, value));
});

describe('log retention', () => {
  const paths = ['api.accessLogRetentionDays', 'network.flowLogRetentionDays'];

  test.each(
    paths.flatMap((path): Case[] => [
      ...[-1, 0, 2, 91, 3654].map((days): Case => [path, days, `${RETENTION_RULE}, got ${days}`]),
      [path, '90', `${RETENTION_RULE}, got '90'`],
    ]),
  )('%s = %p', (...args) => expectOneProblem(args));

  test.each(paths.flatMap((path) => [1, 400, 3653].map((days): [string, number] => [path, days])))(
    'accepts %s = %p',
    (path, days) => expectValid(path, days),
  );
});

describe('waf', () => {
  test.each<Case>([
    ['api.waf.ratePerIpPer5Minutes', 9, 'must be an integer from 10 to 2000000000, got 9'],
    ['api.waf.ratePerIpPer5Minutes', 2_000_000_001, 'must be an integer from 10 to 2000000000, got 2000000001'],
    ['api.waf.ratePerIpPer5Minutes', 100.5, 'must be an integer from 10 to 2000000000, got 100.5'],
    ['api.waf.enabled', 'no', "must be true or false, got 'no'"],
    ['api.waf', true, 'must be an object, got true'],
  ])('%s = %p', (...args) => expectOneProblem(args));

  test.each([10, 2_000_000_000])('accepts ratePerIpPer5Minutes = %p', (rate) =>
    expectValid('api.waf.ratePerIpPer5Minutes', rate),
  );
});

describe('mesh', () => {
  const PORT_RULE = 'must be an integer from 1 to 65535';
  const RESERVED_RULE = 'must not be a port the Envoy sidecar reserves (15000, 15001, 9901)';
  const ports = ['mesh.ingressPort', 'mesh.services.orders.port'];

  test.each(
    ports.flatMap((path): Case[] => [
      [path, 0, `${PORT_RULE}, got 0`],
      [path, 65_536, `${PORT_RULE}, got 65536`],
      [path, 80.5, `${PORT_RULE}, got 80.5`],
      [path, '8080', `${PORT_RULE}, got '8080'`],
      [path, 15_000, `${RESERVED_RULE}, got 15000`],
      [path, 15_001, `${RESERVED_RULE}, got 15001`],
      [path, 9901, `${RESERVED_RULE}, got 9901`],
    ]),
  )('%s = %p', (...args) => expectOneProblem(args));

  test.each(ports.flatMap((path) => [1, 65_535].map((port): [string, number] => [path, port])))(
    'accepts %s = %p',
    (path, port) => expectValid(path, port),
  );

  const NAME_RULE = 'service name must match /^[a-z][a-z0-9-]{0,31}$/';

  test.each<Case>([
    ['mesh.services.Payments', { port: 8083 }, `${NAME_RULE}, got 'Payments'`],
    ['mesh.services.pay_ments', { port: 8083 }, `${NAME_RULE}, got 'pay_ments'`],
    ["mesh.services['1pay']", { port: 8083 }, `${NAME_RULE}, got '1pay'`],
    [`mesh.services.${'s'.repeat(33)}`, { port: 8083 }, `${NAME_RULE}, got '${'s'.repeat(33)}'`],
    ['mesh.services.orders.port', undefined, 'is required, got undefined'],
    ['mesh.services.orders', 8082, 'must be an object, got 8082'],
  ])('%s = %p', (...args) => expectOneProblem(args));

  test('needs at least one service', () => {
    // GIVEN
    const config = configWith({ 'mesh.services': {} }, minimalConfig());

    // WHEN / THEN
    expect(problemsOf(config)).toEqual([
      { path: 'api.routes[0].service', rule: "'web' is not a service in mesh.services (known: none)" },
      { path: 'mesh.services', rule: 'must declare at least one service, got {}' },
    ]);
  });

  test('accepts a 32-character service name', () => expectValid(`mesh.services.${'s'.repeat(32)}`, { port: 9000 }));
});

describe('network', () => {
  const FORMAT_RULE = "must be an IPv4 CIDR block such as '10.0.0.0/16'";
  const PREFIX_RULE = 'must have a prefix length from /16 to /18 (room for two /20 private and two /24 public subnets)';

  test.each<[unknown, string]>([
    ['10.0.0.0', `${FORMAT_RULE}, got '10.0.0.0'`],
    ['10.0.0/16', `${FORMAT_RULE}, got '10.0.0/16'`],
    ['256.0.0.0/16', `${FORMAT_RULE}, got '256.0.0.0/16'`],
    ['10.0.0.00/16', `${FORMAT_RULE}, got '10.0.0.00/16'`],
    ['10.0.0.0/016', `${FORMAT_RULE}, got '10.0.0.0/016'`],
    ['10.0.0.0/33', `${FORMAT_RULE}, got '10.0.0.0/33'`],
    [' 10.0.0.0/16', `${FORMAT_RULE}, got ' 10.0.0.0/16'`],
    ['fd00::/16', `${FORMAT_RULE}, got 'fd00::/16'`],
    ['10.0.0.0/8', `${PREFIX_RULE}, got '10.0.0.0/8'`],
    ['10.0.0.0/15', `${PREFIX_RULE}, got '10.0.0.0/15'`],
    ['10.0.0.0/19', `${PREFIX_RULE}, got '10.0.0.0/19'`],
    ['10.0.1.0/16', "must have its host bits zero ('10.0.0.0/16'), got '10.0.1.0/16'"],
    ['172.16.5.129/18', "must have its host bits zero ('172.16.0.0/18'), got '172.16.5.129/18'"],
    [10, 'must be a string, got 10'],
  ])('rejects cidr %p', (cidr, rule) => expectOneProblem(['network.cidr', cidr, rule]));

  test.each(['10.0.0.0/16', '172.16.0.0/17', '192.168.0.0/18', '255.255.192.0/18'])('accepts cidr %p', (cidr) =>
    expectValid('network.cidr', cidr),
  );

  test.each([-1, 3, 1.5])('rejects natGateways %p', (natGateways) =>
    expectOneProblem([
      'network.natGateways',
      natGateways,
      `must be an integer from 0 to 2 (the VPC spans two AZs), got ${natGateways}`,
    ]),
  );

  test.each([0, 2])('accepts natGateways %p', (natGateways) => expectValid('network.natGateways', natGateways));

  test('accepts no network at all', () => expectValid('network', undefined));
});

describe('plain-JS configs', () => {
  test.each<[string, unknown, [string, string][]]>([
    ['null', null, [['config', 'must be an object, got null']]],
    [
      'an empty object',
      {},
      [
        ['name', 'is required, got undefined'],
        ['api', 'is required, got undefined'],
        ['mesh', 'is required, got undefined'],
      ],
    ],
    [
      'parts of the wrong type',
      { name: 7, network: 'default', api: { throttle: 100, routes: {} }, mesh: { services: [] } },
      [
        ['name', 'must be a string, got 7'],
        ['network', "must be an object, got 'default'"],
        ['api.throttle', 'must be an object, got 100'],
        ['api.routes', 'must be a non-empty array of routes, got {}'],
        ['mesh.services', 'must be an object, got []'],
      ],
    ],
  ])('%s gets problems, not a crash', (_name, config, expected) => {
    // WHEN
    const problems = problemsOf(config as PlatformConfig);

    // THEN
    expect(problems).toEqual(expected.map(([path, rule]) => ({ path, rule })));
  });

  test('any field of any type gets problems or passes, never a crash', () => {
    // GIVEN
    const junk = [undefined, null, 0, -1, '', 'x', true, [], [null], {}, { x: 1 }];

    // WHEN
    const crashes = pathsOf(validConfig()).flatMap((path) =>
      junk.flatMap((value) => {
        try {
          problemsOf(configWith({ [path]: value }));
          return [];
        } catch (err) {
          return [`${path} = ${JSON.stringify(value)}: ${String(err)}`];
        }
      }),
    );

    // THEN
    expect(crashes).toEqual([]);
  });
});
