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
      'mesh.namespace': str('Namespace'),
      'mesh.ingress': { port: num('IngressPort'), desiredCount: num('IngressTasks') },
      'mesh.certificates': { generation: num('CertGeneration'), validityDays: num('CertDays') },
      'mesh.logRetentionDays': num('MeshLogDays'),
      'mesh.services.orders.port': num('OrdersPort'),
      'mesh.services.orders.versions.v1.image': str('OrdersImage'),
      'mesh.services.orders.versions.v1.weight': num('OrdersWeight'),
      'mesh.services.orders.versions.v1.desiredCount': num('OrdersTasks'),
      'mesh.services.orders.versions.v1.cpu': num('OrdersCpu'),
      'mesh.services.orders.versions.v1.environment.LOG_LEVEL': str('LogLevel'),
      'mesh.services.orders.versions.v1.autoscaling': {
        minCapacity: num('OrdersMin'),
        maxCapacity: num('OrdersMax'),
        targetCpuPercent: num('OrdersCpuTarget'),
      },
      'mesh.services.orders.versions.v2.memoryMiB': num('CanaryMemory'),
      'mesh.services.orders.healthCheckPath': str('HealthCheckPath'),
      'mesh.services.orders.timeoutMs': num('Timeout'),
      'mesh.services.orders.retries': { attempts: num('Attempts'), perTryTimeoutMs: 20_000 },
      'mesh.services.orders.circuitBreaker': {
        maxServerErrors: num('MaxErrors'),
        intervalSeconds: num('Interval'),
        ejectSeconds: num('Eject'),
        maxEjectionPercent: num('MaxEjection'),
      },
      'cost.monthlyBudgetUsd': num('Budget'),
      'cost.alertEmails': [str('AlertEmail'), 'ops@shop.example'],
      'cost.alertTopicArn': str('AlertTopic'),
      'cost.actualThresholdsPercent': [num('Warn'), num('Alarm')],
      'cost.forecastThresholdPercent': num('Forecast'),
      'cost.prices': {
        restApiCallsPerMillion: num('RestPrice'),
        lambdaRequestsPerMillion: num('LambdaPrice'),
        lambdaGbSecond: num('GbSecondPrice'),
      },
      'cost.spendAlarm': { burstFactor: num('BurstFactor'), evaluationHours: num('EvaluationHours') },
      'cost.warnWhenKeysCanExhaustBudget': num('WarnKeys'),
      'cost.breaker': {
        floor: { rateLimit: num('FloorRate'), burstLimit: num('FloorBurst') },
        tripOnBudgetPercent: num('TripPercent'),
      },
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
      'mesh.ingress.port': 15001,
      'mesh.services.orders.versions.v2.weight': 5,
      'cost.monthlyBudgetUsd': 0,
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
      'mesh.ingress.port',
      'mesh.services.orders.versions',
      'cost.monthlyBudgetUsd',
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
    // The breaker's floor must not be above the stage's or a plan's throttle: it goes down with them.
    const floor = { rateLimit: 0, burstLimit: 0 };
    expectProblems({ [throttle]: { rateLimit: 0, burstLimit: 0 }, 'cost.breaker.floor': floor }, []);
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
  /** A public route to the service the fixture's routes send `path` to. */
  const route = (path: string, methods: string[]) => ({ path, methods, service: path.startsWith('/admin') ? 'inventory' : 'orders', auth: 'none' });

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

    test('one path goes to one service: the mesh ingress routes by path, not by method', () =>
      expectProblems({ 'api.routes[5]': { path: '/orders/{id}', methods: ['PUT'], service: 'inventory', auth: 'jwt' } }, [
        [
          'api.routes[5].service',
          "must be 'orders', as for '/orders/{id}' in api.routes[2]: the mesh ingress sends a path to one service whatever " +
            "the method (move the method to that service, or give it its own path), got 'inventory'",
        ],
      ]));

    test('another method of a path on the same service passes', () =>
      expectProblems({ 'api.routes[5]': { path: '/orders/{id}', methods: ['PUT'], service: 'orders', auth: 'jwt' } }, []));
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

describe('the JWT authorizer\'s environment', () => {
  /** The valid config with `count` more JWT routes, each requiring `scope`. */
  const withScopedRoutes = (count: number, scope: string) =>
    configWith(
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => [
          `api.routes[${5 + i}]`,
          { path: `/reports/r${i}`, methods: ['GET'], service: 'orders', auth: { jwtScopes: [scope] } },
        ]),
      ),
    );

  test('is refused over the 4,096 bytes Lambda allows, at api.routes, with the size', () => {
    // GIVEN 80 routes that each add about 57 bytes of scopes to ROUTE_SCOPES
    const config = withScopedRoutes(80, 'reports:read-the-quarterly-figures');

    // WHEN / THEN
    const problems = problemsOf(config);
    expect(problems).toEqual([
      {
        path: 'api.routes',
        rule: expect.stringMatching(/^the JWT authorizer's environment .* must fit in Lambda's 4096 bytes, got \d{4}: fewer or shorter jwtScopes/),
      },
    ]);
  });

  test('routes that need only a valid token take no room: hundreds of them pass', () => {
    // GIVEN 300 routes with auth 'jwt'
    const config = configWith(
      Object.fromEntries(
        Array.from({ length: 300 }, (_, i) => [`api.routes[${5 + i}]`, { path: `/reports/r${i}`, methods: ['GET'], service: 'orders', auth: 'jwt' }]),
      ),
    );

    // WHEN / THEN
    expect(problemsOf(config)).toEqual([]);
  });

  test('a few scoped routes pass', () => {
    expect(problemsOf(withScopedRoutes(5, 'reports:read'))).toEqual([]);
  });
});

describe('serviceStacks', () => {
  test.each<Case>([
    ['serviceStacks', -1, 'must be an integer from 0 to 99, got -1'],
    ['serviceStacks', 100, 'must be an integer from 0 to 99, got 100'],
    ['serviceStacks', 2.5, 'must be an integer from 0 to 99, got 2.5'],
    ['serviceStacks', '3', "must be an integer from 0 to 99, got '3'"],
  ])('%s = %p', (...args) => expectOneProblem(args));

  test.each([0, 1, 99])('accepts %p', (value) => expectValid('serviceStacks', value));

  test('refuses a token: the count decides the stacks at synth', () => {
    // GIVEN a count only known at deploy time
    const count = new CfnParameter(new Stack(), 'Count', { type: 'Number' }).valueAsNumber;

    // WHEN / THEN
    expect(problemsOf(configWith({ serviceStacks: count }))).toEqual([
      { path: 'serviceStacks', rule: 'must be a number known at synth (it decides the stacks), got a token' },
    ]);
  });
});

describe('log retention', () => {
  const paths = ['api.accessLogRetentionDays', 'network.flowLogRetentionDays', 'mesh.logRetentionDays'];

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
  const ORDERS = 'mesh.services.orders';
  const V1 = `${ORDERS}.versions.v1`;
  const V2 = `${ORDERS}.versions.v2`;
  const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

  test('problems are reported in the order of the walk: the mesh, then each service and its versions', () => {
    // GIVEN
    const config = configWith({
      'mesh.provider': 'istio',
      'mesh.namespace': 'local',
      'mesh.ingress.desiredCount': 0,
      'mesh.certificates.validityDays': 0,
      'mesh.logRetentionDays': 2,
      [`${ORDERS}.port`]: 0,
      [`${V1}.image`]: 'orders',
      [`${V1}.weight`]: 80,
      [`${V1}.cpu`]: 300,
      [`${V2}.environment`]: { APPMESH_RESOURCE_ARN: 'x' },
      [`${ORDERS}.calls`]: ['orders'],
      [`${ORDERS}.healthCheckPath`]: 'health',
      [`${ORDERS}.timeoutMs`]: 1000,
      [`${ORDERS}.retries.attempts`]: 11,
      [`${ORDERS}.circuitBreaker.maxServerErrors`]: 0,
    });

    // WHEN / THEN
    expect(problemsOf(config).map((p) => p.path)).toEqual([
      'mesh.provider',
      'mesh.namespace',
      'mesh.ingress.desiredCount',
      'mesh.certificates.validityDays',
      'mesh.logRetentionDays',
      `${ORDERS}.port`,
      `${V1}.image`,
      `${V1}.cpu`,
      `${V2}.environment.APPMESH_RESOURCE_ARN`,
      `${ORDERS}.versions`,
      `${ORDERS}.calls[0]`,
      `${ORDERS}.healthCheckPath`,
      `${ORDERS}.retries.attempts`,
      `${ORDERS}.retries.perTryTimeoutMs`,
      `${ORDERS}.circuitBreaker.maxServerErrors`,
    ]);
  });

  describe('provider', () => {
    const PROVIDER_RULE = 'must be a known mesh provider (app-mesh, service-connect)';

    test.each<[unknown, string]>([
      ['istio', "'istio'"],
      ['App-Mesh', "'App-Mesh'"],
      ['ecs-service-connect', "'ecs-service-connect'"],
      ['', "''"],
      [7, '7'],
    ])('rejects %p', (provider, got) =>
      expectOneProblem(['mesh.provider', provider, `${PROVIDER_RULE}, got ${got}`]),
    );

    test.each(['app-mesh', 'service-connect', undefined])('accepts %p', (provider) => expectValid('mesh.provider', provider));
  });

  describe('serviceConnect', () => {
    const CA_ARN = 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';
    const CA_RULE =
      'must match /^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:\\d{12}:certificate-authority\\/[0-9a-f-]{36}$/ ' +
      '(an AWS Private CA: arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>)';

    test.each([CA_ARN, CA_ARN.replace('arn:aws:', 'arn:aws-us-gov:')])('accepts the CA %p', (arn) =>
      expectValid('mesh.serviceConnect.certificateAuthorityArn', arn),
    );

    test.each([
      'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
      'arn:aws:acm-pca:eu-west-1:1234:certificate-authority/11111111-2222-3333-4444-555555555555',
      '11111111-2222-3333-4444-555555555555',
    ])('rejects the CA %p', (arn) =>
      expectOneProblem(['mesh.serviceConnect.certificateAuthorityArn', arn, `${CA_RULE}, got '${arn}'`]),
    );

    test.each<Case>([
      ['mesh.serviceConnect.rollout.strategy', 'blue-green', "must be one of canary, linear, got 'blue-green'"],
      ['mesh.serviceConnect.rollout.stepBakeMinutes', 1441, 'must be an integer from 0 to 1440, got 1441'],
      ['mesh.serviceConnect.rollout.bakeMinutes', -1, 'must be an integer from 0 to 1440, got -1'],
      ['mesh.serviceConnect.rollout.bakeMinutes', 2.5, 'must be an integer from 0 to 1440, got 2.5'],
      ['mesh.serviceConnect', 'fast', "must be an object, got 'fast'"],
    ])('%s = %p', (...c) => expectOneProblem(c));

    test('a canary waits at most 33 hours in all, as CloudFormation allows', () =>
      expectProblems({ 'mesh.serviceConnect.rollout': { stepBakeMinutes: 1440, bakeMinutes: 541 } }, [
        [
          'mesh.serviceConnect.rollout',
          "stepBakeMinutes and bakeMinutes of a canary must add up to at most 1980 (33 hours, CloudFormation's limit), got 1440 + 541",
        ],
      ]));

    test.each<Record<string, unknown>>([
      { stepBakeMinutes: 1440, bakeMinutes: 540 },
      { strategy: 'linear', stepBakeMinutes: 1440, bakeMinutes: 1440 },
    ])('accepts the waits %p', (rollout) => expectProblems({ 'mesh.serviceConnect.rollout': rollout }, []));

    test.each<[string, unknown]>([
      ['mesh.serviceConnect.rollout.strategy', 'linear'],
      ['mesh.serviceConnect.rollout.stepBakeMinutes', 0],
      ['mesh.serviceConnect.rollout.bakeMinutes', 1440],
    ])('accepts %s = %p', (path, value) => expectValid(path, value));

    describe('versions on Service Connect', () => {
      const ORDERS_VERSIONS = 'mesh.services.orders.versions';
      const onServiceConnect = { 'mesh.provider': 'service-connect' };

      test('the reference split (v1: 90, v2: 10) is a canary and passes', () => expectProblems(onServiceConnect, []));

      test('a steady three-way split fails, saying why and what to write instead', () =>
        expectProblems({ ...onServiceConnect, [`${ORDERS_VERSIONS}.v3`]: { image: 'orders:1.6', weight: 5 }, [`${ORDERS_VERSIONS}.v1.weight`]: 85 }, [
          [
            ORDERS_VERSIONS,
            'Service Connect cannot hold a steady split between 3 versions (v1: 85, v2: 10, v3: 5): an ECS service runs one ' +
              'version and moves traffic to the next only while it deploys. Keep the version that runs now and the newest, whose ' +
              "weight is the share it takes at each step (for example v2: 90, v3: 10), or use mesh.provider 'app-mesh'",
          ],
        ]));

      test('the same three-way split passes on App Mesh', () =>
        expectProblems({ [`${ORDERS_VERSIONS}.v3`]: { image: 'orders:1.6', weight: 5 }, [`${ORDERS_VERSIONS}.v1.weight`]: 85 }, []));

      test('a newest version without traffic fails: Service Connect cannot run it', () =>
        expectProblems({ ...onServiceConnect, [`${ORDERS_VERSIONS}.v1.weight`]: 100, [`${ORDERS_VERSIONS}.v2.weight`]: 0 }, [
          [
            `${ORDERS_VERSIONS}.v2.weight`,
            'must be above 0 on Service Connect, got 0 (v1: 100, v2: 0): it deploys the newest version and cannot run one ' +
              'without traffic. Give v2 the share it should take at each step, or remove it',
          ],
        ]));

      test('a linear rollout needs steps of at least 3 percent', () =>
        expectProblems(
          { ...onServiceConnect, 'mesh.serviceConnect.rollout.strategy': 'linear', [`${ORDERS_VERSIONS}.v1.weight`]: 98, [`${ORDERS_VERSIONS}.v2.weight`]: 2 },
          [
            [
              `${ORDERS_VERSIONS}.v2.weight`,
              "must be at least 3 for a linear rollout (ECS moves 3 to 100 percent a step), got 2: raise it or use rollout strategy 'canary'",
            ],
          ],
        ));

      test('the newest is by natural order: v10 after v9', () =>
        expectProblems(
          {
            ...onServiceConnect,
            [ORDERS_VERSIONS]: { v9: { image: 'orders:1.9', weight: 100 }, v10: { image: 'orders:1.10', weight: 0 } },
          },
          [
            [
              `${ORDERS_VERSIONS}.v10.weight`,
              'must be above 0 on Service Connect, got 0 (v9: 100, v10: 0): it deploys the newest version and cannot run one ' +
                'without traffic. Give v10 the share it should take at each step, or remove it',
            ],
          ],
        ));
    });
  });

  describe('namespace', () => {
    const DNS_RULE =
      'must be a lowercase DNS name: at least two labels of a-z, 0-9 and hyphens, each 1 to 63 characters and ' +
      'not starting or ending with a hyphen, at most 203 characters in all (room for <version>.<service>. before it)';
    const labels = (last: number) => `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(last)}`;

    test.each([
      'Shop.local',
      'local',
      'shop..local',
      '.shop.local',
      'shop.local.',
      '-shop.local',
      'shop-.local',
      'shop.-local',
      'shop_1.local',
      'shop local',
      '',
      `${'a'.repeat(64)}.local`,
      labels(12),
    ])('rejects %p', (namespace) => expectOneProblem(['mesh.namespace', namespace, `${DNS_RULE}, got '${namespace}'`]));

    test('must be a string', () => expectOneProblem(['mesh.namespace', 7, 'must be a string, got 7']));

    test.each(['shop.local', 'a.b', '0.0', 'orders-1.internal.example.com', `${'a'.repeat(63)}.local`, labels(11)])(
      'accepts %p',
      (namespace) => expectValid('mesh.namespace', namespace),
    );
  });

  describe('ports', () => {
    const PORT_RULE = 'must be an integer from 1 to 65535';
    const RESERVED_RULE = 'must not be a port the Envoy sidecar reserves (15000, 15001, 9901)';
    const ports = ['mesh.ingress.port', `${ORDERS}.port`];

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

    test('a service needs a port', () => expectOneProblem([`${ORDERS}.port`, undefined, 'is required, got undefined']));

    test('services may share a port, and the ingress may listen on it too (each task has its own interface)', () =>
      expectProblems(
        { 'mesh.ingress.port': 9000, 'mesh.services.inventory.port': 9000, [`${ORDERS}.port`]: 9000 },
        [],
      ));

    test('the ingress port defaults', () => expectValid('mesh.ingress', undefined));
  });

  describe('ingress and certificates', () => {
    test.each<Case>([
      ['mesh.ingress', 8080, 'must be an object, got 8080'],
      ['mesh.ingress.desiredCount', 0, 'must be an integer from 1 to 100, got 0'],
      ['mesh.ingress.desiredCount', 101, 'must be an integer from 1 to 100, got 101'],
      ['mesh.ingress.desiredCount', 1.5, 'must be an integer from 1 to 100, got 1.5'],
      ['mesh.certificates', 'v2', "must be an object, got 'v2'"],
      ['mesh.certificates.generation', 0, 'must be a positive integer, got 0'],
      ['mesh.certificates.generation', -1, 'must be a positive integer, got -1'],
      ['mesh.certificates.generation', 1.5, 'must be a positive integer, got 1.5'],
      ['mesh.certificates.generation', '2', "must be a positive integer, got '2'"],
      ['mesh.certificates.validityDays', 0, 'must be an integer from 1 to 825, got 0'],
      ['mesh.certificates.validityDays', 826, 'must be an integer from 1 to 825, got 826'],
      ['mesh.certificates.validityDays', 30.5, 'must be an integer from 1 to 825, got 30.5'],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test.each<[string, unknown]>([
      ['ingress.desiredCount', 1],
      ['ingress.desiredCount', 100],
      ['certificates.generation', 1],
      ['certificates.generation', 2 ** 31],
      ['certificates.validityDays', 1],
      ['certificates.validityDays', 825],
      ['certificates', {}],
    ])('accepts %s = %p', (field, value) => expectValid(`mesh.${field}`, value));
  });

  describe('services', () => {
    const SERVICE = { port: 8083, versions: { v1: { image: 'payments:1', weight: 100 } } };
    const NAME_RULE = 'service name must match /^[a-z][a-z0-9-]{0,31}$/';

    test.each<Case>([
      ['mesh.services.Payments', SERVICE, `${NAME_RULE}, got 'Payments'`],
      ['mesh.services.pay_ments', SERVICE, `${NAME_RULE}, got 'pay_ments'`],
      ["mesh.services['1pay']", SERVICE, `${NAME_RULE}, got '1pay'`],
      [`mesh.services.${'s'.repeat(33)}`, SERVICE, `${NAME_RULE}, got '${'s'.repeat(33)}'`],
      ['mesh.services.ingress', SERVICE, "service name 'ingress' is taken by the mesh ingress (ingress.<namespace>), got 'ingress'"],
      [ORDERS, 8082, 'must be an object, got 8082'],
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

    test('accepts a 32-character service name', () => expectValid(`mesh.services.${'s'.repeat(32)}`, SERVICE));

    test('a route to a service the mesh does not have is reported at the route, as a call to it is', () =>
      expectProblems({ 'mesh.services.inventory': undefined }, [
        ['api.routes[3].service', "'inventory' is not a service in mesh.services (known: orders)"],
        ['api.routes[4].service', "'inventory' is not a service in mesh.services (known: orders)"],
        [`${ORDERS}.calls[0]`, "'inventory' is not a service in mesh.services (known: orders)"],
      ]));
  });

  describe('versions', () => {
    const NAME_RULE = 'version name must match /^[a-z][a-z0-9-]{0,15}$/';
    const VERSION = { image: 'orders:1.6', weight: 0 };

    test.each<Case>([
      [`${ORDERS}.versions`, {}, 'must declare at least one version, got {}'],
      [`${ORDERS}.versions`, undefined, 'is required, got undefined'],
      [`${ORDERS}.versions`, [VERSION], "must be an object, got [{ image: 'orders:1.6', weight: 0 }]"],
      [V2, 'orders:1.5', "must be an object, got 'orders:1.5'"],
      [`${ORDERS}.versions.V3`, VERSION, `${NAME_RULE}, got 'V3'`],
      [`${ORDERS}.versions['3']`, VERSION, `${NAME_RULE}, got '3'`],
      [`${ORDERS}.versions.v_3`, VERSION, `${NAME_RULE}, got 'v_3'`],
      [`${ORDERS}.versions.${'v'.repeat(17)}`, VERSION, `${NAME_RULE}, got '${'v'.repeat(17)}'`],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test.each(['v3', 'canary', 'v1-canary', 'v'.repeat(16)])('accepts the version name %p', (name) =>
      expectValid(`${ORDERS}.versions['${name}']`, VERSION),
    );
  });

  describe('weights', () => {
    const WEIGHT_RULE = 'must be an integer from 0 to 100';

    test.each<Case>([
      [`${V1}.weight`, 89.5, `${WEIGHT_RULE}, got 89.5`],
      [`${V1}.weight`, -1, `${WEIGHT_RULE}, got -1`],
      [`${V1}.weight`, 101, `${WEIGHT_RULE}, got 101`],
      [`${V1}.weight`, '90', `${WEIGHT_RULE}, got '90'`],
      [`${V1}.weight`, undefined, 'is required, got undefined'],
    ])('%s = %p: the weight is reported, not the sum', (...args) => expectOneProblem(args));

    test.each<[string, Record<string, unknown>, string]>([
      [ORDERS, { [`${V2}.weight`]: 5 }, 'got 95 (v1: 90, v2: 5)'],
      [ORDERS, { [`${V2}.weight`]: 20 }, 'got 110 (v1: 90, v2: 20)'],
      [ORDERS, { [`${V1}.weight`]: 0, [`${V2}.weight`]: 0 }, 'got 0 (v1: 0, v2: 0)'],
      ['mesh.services.inventory', { 'mesh.services.inventory.versions.v1.weight': 99 }, 'got 99 (v1: 99)'],
      [
        ORDERS,
        { [`${ORDERS}.versions['v2-canary']`]: { image: 'orders:1.6', weight: 5 } },
        "got 105 (v1: 90, v2: 10, 'v2-canary': 5)",
      ],
    ])('%s: weights must sum to 100, %s', (service, changes, got) =>
      expectProblems(changes, [[`${service}.versions`, `weights must sum to 100, ${got}`]]),
    );

    test.each<Record<string, unknown>>([
      { [`${V1}.weight`]: 100, [`${V2}.weight`]: 0 },
      { [`${V1}.weight`]: 0, [`${V2}.weight`]: 100 },
      { [`${V1}.weight`]: 50, [`${V2}.weight`]: 25, [`${ORDERS}.versions.v3`]: { image: 'orders:1.6', weight: 25 } },
    ])('accepts weights that sum to 100: %p', (changes) => expectProblems(changes, []));
  });

  describe('image', () => {
    const WHITESPACE_RULE = 'must be non-empty and contain no whitespace';
    const SHAPE_RULE =
      'must be an image reference: [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], the repository in ' +
      'lowercase';
    const UNTAGGED_RULE =
      "must name a tag or a digest ('repository:tag' or 'repository@sha256:<digest>'): an untagged image means " +
      ':latest, which makes deploys unrepeatable';

    test.each<[unknown, string]>([
      [undefined, 'is required, got undefined'],
      [7, 'must be a string, got 7'],
      ['', `${WHITESPACE_RULE}, got ''`],
      ['orders 1.4', `${WHITESPACE_RULE}, got 'orders 1.4'`],
      [' orders:1.4', `${WHITESPACE_RULE}, got ' orders:1.4'`],
      ['orders:1.4\n', `${WHITESPACE_RULE}, got 'orders:1.4\n'`],
      ['orders', `${UNTAGGED_RULE}, got 'orders'`],
      ['public.ecr.aws/shop/orders', `${UNTAGGED_RULE}, got 'public.ecr.aws/shop/orders'`],
      ['registry:5000/app', `${UNTAGGED_RULE}, got 'registry:5000/app'`],
      ['localhost:5000/shop/orders', `${UNTAGGED_RULE}, got 'localhost:5000/shop/orders'`],
      ['Orders:1.4', `${SHAPE_RULE}, got 'Orders:1.4'`],
      ['shop/Orders:1.4', `${SHAPE_RULE}, got 'shop/Orders:1.4'`],
      ['orders:', `${SHAPE_RULE}, got 'orders:'`],
      ['orders:-1', `${SHAPE_RULE}, got 'orders:-1'`],
      ['orders:1.4:2', `${SHAPE_RULE}, got 'orders:1.4:2'`],
      [`orders:${'t'.repeat(129)}`, `${SHAPE_RULE}, got 'orders:${'t'.repeat(129)}'`],
      ['orders@sha256:abc', `${SHAPE_RULE}, got 'orders@sha256:abc'`],
      [`orders@${DIGEST.toUpperCase()}`, `${SHAPE_RULE}, got 'orders@${DIGEST.toUpperCase()}'`],
      ['orders@latest', `${SHAPE_RULE}, got 'orders@latest'`],
      ['/orders:1.4', `${SHAPE_RULE}, got '/orders:1.4'`],
      ['shop//orders:1.4', `${SHAPE_RULE}, got 'shop//orders:1.4'`],
      [':1.4', `${SHAPE_RULE}, got ':1.4'`],
      ['https://registry/orders:1.4', `${SHAPE_RULE}, got 'https://registry/orders:1.4'`],
    ])('rejects %p', (image, rule) => expectOneProblem([`${V1}.image`, image, rule]));

    test.each([
      'orders:1.4',
      'orders:latest',
      `orders@${DIGEST}`,
      `orders:1.4@${DIGEST}`,
      'registry:5000/app:1.0',
      `registry:5000/app@${DIGEST}`,
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/orders:2024-05-01_abc',
      'ghcr.io/acme/my_app__x.y-z:v1',
      'Registry.Example.com/orders:1',
      '[::1]:5000/orders:1',
      `orders:${'t'.repeat(128)}`,
    ])('accepts %p', (image) => expectValid(`${V1}.image`, image));

    test('rejects a long malformed reference quickly', () => {
      // GIVEN a long reference that almost matches everywhere
      const image = `${'a-'.repeat(5000)}!`;

      // WHEN / THEN
      const start = Date.now();
      expectOneProblem([`${V1}.image`, image, `${SHAPE_RULE}, got '${image}'`]);
      expect(Date.now() - start).toBeLessThan(1000);
    });
  });

  describe('desiredCount, cpu and memory', () => {
    const CPU_RULE = 'must be one of 256, 512, 1024, 2048, 4096 (Fargate CPU units)';
    const sizes = (cpu: number, text: string) => `a size Fargate allows for cpu ${cpu} (${text})`;

    test.each<Case>([
      [`${V1}.desiredCount`, -1, 'must be an integer from 0 to 100, got -1'],
      [`${V1}.desiredCount`, 101, 'must be an integer from 0 to 100, got 101'],
      [`${V1}.desiredCount`, 1.5, 'must be an integer from 0 to 100, got 1.5'],
      [`${V1}.cpu`, 300, `${CPU_RULE}, got 300`],
      [`${V1}.cpu`, 8192, `${CPU_RULE}, got 8192`],
      [`${V1}.cpu`, 0, `${CPU_RULE}, got 0`],
      [`${V1}.cpu`, '512', `${CPU_RULE}, got '512'`],
      [`${V1}.cpu`, null, `${CPU_RULE}, got null`],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test.each<[cpu: number | undefined, memoryMiB: unknown, rule: string]>([
      [256, 4096, `must be ${sizes(256, '512, 1024 or 2048')}, got 4096`],
      [256, 1536, `must be ${sizes(256, '512, 1024 or 2048')}, got 1536`],
      [512, 512, `must be ${sizes(512, '1024 to 4096 in steps of 1024')}, got 512`],
      [512, 5120, `must be ${sizes(512, '1024 to 4096 in steps of 1024')}, got 5120`],
      [512, '1024', `must be ${sizes(512, '1024 to 4096 in steps of 1024')}, got '1024'`],
      [512, null, `must be ${sizes(512, '1024 to 4096 in steps of 1024')}, got null`],
      [1024, 1024, `must be ${sizes(1024, '2048 to 8192 in steps of 1024')}, got 1024`],
      [1024, 2500, `must be ${sizes(1024, '2048 to 8192 in steps of 1024')}, got 2500`],
      [1024, 9216, `must be ${sizes(1024, '2048 to 8192 in steps of 1024')}, got 9216`],
      [2048, 3072, `must be ${sizes(2048, '4096 to 16384 in steps of 1024')}, got 3072`],
      [2048, 17_408, `must be ${sizes(2048, '4096 to 16384 in steps of 1024')}, got 17408`],
      [4096, 7168, `must be ${sizes(4096, '8192 to 30720 in steps of 1024')}, got 7168`],
      [4096, 31_744, `must be ${sizes(4096, '8192 to 30720 in steps of 1024')}, got 31744`],
      [
        undefined,
        512,
        'must be a size Fargate allows for the default cpu 512 (1024 to 4096 in steps of 1024), got 512',
      ],
      [
        2048,
        undefined,
        `defaults to 1024, which is not ${sizes(2048, '4096 to 16384 in steps of 1024')}, got undefined`,
      ],
      [
        1024,
        undefined,
        `defaults to 1024, which is not ${sizes(1024, '2048 to 8192 in steps of 1024')}, got undefined`,
      ],
      [
        4096,
        undefined,
        `defaults to 1024, which is not ${sizes(4096, '8192 to 30720 in steps of 1024')}, got undefined`,
      ],
    ])('cpu %p with memoryMiB %p', (cpu, memoryMiB, rule) =>
      expectProblems({ [`${V2}.cpu`]: cpu, [`${V2}.memoryMiB`]: memoryMiB }, [[`${V2}.memoryMiB`, rule]]),
    );

    test.each<[cpu: number | undefined, memoryMiB: number | undefined]>([
      [undefined, undefined],
      [undefined, 4096],
      [256, undefined],
      [256, 512],
      [256, 2048],
      [512, undefined],
      [512, 3072],
      [1024, 2048],
      [1024, 8192],
      [2048, 4096],
      [2048, 16_384],
      [4096, 8192],
      [4096, 30_720],
    ])('accepts cpu %p with memoryMiB %p', (cpu, memoryMiB) =>
      expectProblems({ [`${V2}.cpu`]: cpu, [`${V2}.memoryMiB`]: memoryMiB }, []),
    );

    test('an invalid cpu is reported alone, not the memory against it', () =>
      expectProblems({ [`${V2}.cpu`]: 300, [`${V2}.memoryMiB`]: 5 }, [[`${V2}.cpu`, `${CPU_RULE}, got 300`]]));

    test.each([0, 100])('accepts desiredCount %p', (count) => expectValid(`${V2}.desiredCount`, count));
  });

  describe('environment', () => {
    const NAME_RULE = 'variable name must match /^[A-Za-z_][A-Za-z0-9_]*$/';

    test.each<Case>([
      [`${V1}.environment['LOG-LEVEL']`, 'info', `${NAME_RULE}, got 'LOG-LEVEL'`],
      [`${V1}.environment['1ST']`, 'x', `${NAME_RULE}, got '1ST'`],
      [`${V1}.environment['']`, 'x', `${NAME_RULE}, got ''`],
      [`${V1}.environment.LOG_LEVEL`, 3, 'must be a string, got 3'],
      [`${V1}.environment.LOG_LEVEL`, null, 'must be a string, got null'],
      [
        `${V1}.environment.APPMESH_RESOURCE_ARN`,
        'arn:aws:appmesh:eu-west-1:123456789012:mesh/shop',
        "must not be set: it is the Envoy proxy's variable, which the mesh sets, " +
          "got 'arn:aws:appmesh:eu-west-1:123456789012:mesh/shop'",
      ],
      [`${V1}.environment`, ['LOG_LEVEL=info'], "must be an object, got ['LOG_LEVEL=info']"],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test('accepts any string values, empty ones too', () =>
      expectValid(`${V1}.environment`, { _PRIVATE: '', lower_case: 'a b', A1: '=' }));
  });

  describe('autoscaling', () => {
    const MAX_RULE = 'must be an integer from 1 to 1000';
    const CPU_RULE = 'must be an integer from 10 to 90';

    test.each<Case>([
      [`${V1}.autoscaling`, 'on', "must be an object, got 'on'"],
      [`${V1}.autoscaling.maxCapacity`, undefined, 'is required, got undefined'],
      [`${V1}.autoscaling.maxCapacity`, 0, `${MAX_RULE}, got 0`],
      [`${V1}.autoscaling.maxCapacity`, 1001, `${MAX_RULE}, got 1001`],
      [`${V1}.autoscaling.maxCapacity`, 6.5, `${MAX_RULE}, got 6.5`],
      [`${V1}.autoscaling.minCapacity`, -1, 'must be an integer from 0 to maxCapacity (6), got -1'],
      [`${V1}.autoscaling.minCapacity`, 7, 'must be an integer from 0 to maxCapacity (6), got 7'],
      [`${V1}.autoscaling.minCapacity`, 1.5, 'must be an integer from 0 to maxCapacity (6), got 1.5'],
      [`${V1}.autoscaling.targetCpuPercent`, 9, `${CPU_RULE}, got 9`],
      [`${V1}.autoscaling.targetCpuPercent`, 91, `${CPU_RULE}, got 91`],
      [`${V1}.autoscaling.targetCpuPercent`, 50.5, `${CPU_RULE}, got 50.5`],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test('minCapacity is checked against 1000 when maxCapacity is unusable', () =>
      expectProblems({ [`${V1}.autoscaling.maxCapacity`]: 0, [`${V1}.autoscaling.minCapacity`]: 1001 }, [
        [`${V1}.autoscaling.maxCapacity`, `${MAX_RULE}, got 0`],
        [`${V1}.autoscaling.minCapacity`, 'must be an integer from 0 to 1000, got 1001'],
      ]));

    test.each<[string, Record<string, unknown>, number]>([
      ['desiredCount', { [`${V2}.desiredCount`]: 4 }, 4],
      ['desiredCount left to its default', { [`${V2}.desiredCount`]: undefined }, 2],
    ])('minCapacity defaults to the %s, which must not exceed maxCapacity', (_name, changes, tasks) =>
      expectProblems({ ...changes, [`${V2}.autoscaling`]: { maxCapacity: 1 } }, [
        [
          `${V2}.autoscaling.minCapacity`,
          `defaults to desiredCount (${tasks}), which is more than maxCapacity (1), got undefined`,
        ],
      ]),
    );

    test.each<Record<string, unknown>>([
      { maxCapacity: 1 },
      { minCapacity: 0, maxCapacity: 1 },
      { minCapacity: 1000, maxCapacity: 1000 },
      { minCapacity: 1, maxCapacity: 1, targetCpuPercent: 10 },
      { maxCapacity: 1000, targetCpuPercent: 90 },
    ])('accepts %p', (autoscaling) => expectValid(`${V2}.autoscaling`, autoscaling));
  });

  describe('calls', () => {
    test.each<Case>([
      [`${ORDERS}.calls[0]`, 'billing', "'billing' is not a service in mesh.services (known: inventory, orders)"],
      [`${ORDERS}.calls[0]`, 'orders', "'orders' is the service itself (a service may not call itself)"],
      [`${ORDERS}.calls[1]`, 'inventory', "'inventory' is already listed at calls[0]"],
      [`${ORDERS}.calls[0]`, 7, 'must be a string, got 7'],
      [`${ORDERS}.calls`, 'inventory', "must be an array of service names, got 'inventory'"],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test.each<[string, unknown]>([
      [`${ORDERS}.calls`, []],
      [`${ORDERS}.calls`, undefined],
      ['mesh.services.inventory.calls', ['orders']],
    ])('accepts %s = %p', (path, calls) => expectValid(path, calls));
  });

  describe('health check, timeout, retries and circuit breaker', () => {
    const PATH_RULE = "must start with '/' and contain no whitespace";
    const MS_RULE = 'must be an integer from 1 to 3600000';
    const POSITIVE_RULE = 'must be a positive integer';

    test.each<Case>([
      [`${ORDERS}.healthCheckPath`, 'health', `${PATH_RULE}, got 'health'`],
      [`${ORDERS}.healthCheckPath`, '', `${PATH_RULE}, got ''`],
      [`${ORDERS}.healthCheckPath`, '/health check', `${PATH_RULE}, got '/health check'`],
      [`${ORDERS}.healthCheckPath`, 7, 'must be a string, got 7'],
      [`${ORDERS}.timeoutMs`, 0, `${MS_RULE}, got 0`],
      [`${ORDERS}.timeoutMs`, 3_600_001, `${MS_RULE}, got 3600001`],
      [`${ORDERS}.timeoutMs`, 1.5, `${MS_RULE}, got 1.5`],
      [`${ORDERS}.retries`, 3, 'must be an object, got 3'],
      [`${ORDERS}.retries.attempts`, -1, 'must be an integer from 0 to 10, got -1'],
      [`${ORDERS}.retries.attempts`, 11, 'must be an integer from 0 to 10, got 11'],
      [`${ORDERS}.retries.attempts`, 2.5, 'must be an integer from 0 to 10, got 2.5'],
      [`${ORDERS}.retries.perTryTimeoutMs`, 0, `${MS_RULE}, got 0`],
      [`${ORDERS}.retries.perTryTimeoutMs`, 3_600_001, `${MS_RULE}, got 3600001`],
      [`${ORDERS}.retries.perTryTimeoutMs`, 20_000, 'must be at most timeoutMs (15000), got 20000'],
      [`${ORDERS}.circuitBreaker`, true, 'must be an object, got true'],
      [`${ORDERS}.circuitBreaker.maxServerErrors`, 0, `${POSITIVE_RULE}, got 0`],
      [`${ORDERS}.circuitBreaker.maxServerErrors`, 2.5, `${POSITIVE_RULE}, got 2.5`],
      [`${ORDERS}.circuitBreaker.intervalSeconds`, 0, `${POSITIVE_RULE}, got 0`],
      [`${ORDERS}.circuitBreaker.ejectSeconds`, -30, `${POSITIVE_RULE}, got -30`],
      [`${ORDERS}.circuitBreaker.maxEjectionPercent`, -1, 'must be an integer from 0 to 100, got -1'],
      [`${ORDERS}.circuitBreaker.maxEjectionPercent`, 101, 'must be an integer from 0 to 100, got 101'],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test.each<[string, Record<string, unknown>, string]>([
      ['the default timeoutMs', { [`${ORDERS}.timeoutMs`]: undefined }, '(15000, the default), got 20000'],
      ['a shorter timeoutMs', { [`${ORDERS}.timeoutMs`]: 10_000 }, '(10000), got 20000'],
    ])('perTryTimeoutMs must be at most %s', (_name, changes, got) =>
      expectProblems({ ...changes, [`${ORDERS}.retries.perTryTimeoutMs`]: 20_000 }, [
        [`${ORDERS}.retries.perTryTimeoutMs`, `must be at most timeoutMs ${got}`],
      ]),
    );

    test('accepts timeoutMs = 1 with a per-try limit of 1', () =>
      expectProblems({ [`${ORDERS}.timeoutMs`]: 1, [`${ORDERS}.retries.perTryTimeoutMs`]: 1 }, []));

    test('perTryTimeoutMs is not compared with an invalid timeoutMs', () =>
      expectProblems({ [`${ORDERS}.timeoutMs`]: 0, [`${ORDERS}.retries.perTryTimeoutMs`]: 20_000 }, [
        [`${ORDERS}.timeoutMs`, `${MS_RULE}, got 0`],
      ]));

    test.each<[string, unknown]>([
      ['healthCheckPath', '/'],
      ['healthCheckPath', '/healthz?full=1'],
      ['timeoutMs', 2000],
      ['timeoutMs', 3_600_000],
      ['retries', { attempts: 0, perTryTimeoutMs: 15_000 }],
      ['retries', { attempts: 10, perTryTimeoutMs: 1 }],
      ['retries', {}],
      ['circuitBreaker', { maxServerErrors: 1, intervalSeconds: 1, ejectSeconds: 1, maxEjectionPercent: 0 }],
      ['circuitBreaker', { maxEjectionPercent: 100 }],
    ])('accepts %s = %p', (field, value) => expectValid(`${ORDERS}.${field}`, value));
  });
});

describe('network.existingVpc', () => {
  const VPC = {
    vpcId: 'vpc-0123456789abcdef0',
    cidr: '10.40.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'],
  };

  test('accepts a complete description', () => expectValid('network.existingVpc', VPC));

  test.each<Case>([
    ['network.existingVpc.vpcId', 'vpc-XYZ', "must match /^vpc-[0-9a-f]{8,17}$/ (a VPC id such as vpc-0123456789abcdef0), got 'vpc-XYZ'"],
    ['network.existingVpc.vpcId', undefined, 'is required, got undefined'],
    ['network.existingVpc.cidr', '10.40.0.0', "must be an IPv4 CIDR block such as '10.0.0.0/16', got '10.40.0.0'"],
    ['network.existingVpc.privateSubnetIds[1]', 'sub-1', "must match /^subnet-[0-9a-f]{8,17}$/ (a subnet id), got 'sub-1'"],
    ['network.existingVpc.availabilityZones', ['eu-west-1a'], "must name exactly two Availability Zones, got ['eu-west-1a']"],
    [
      'network.existingVpc.privateSubnetIds',
      ['subnet-0aaaaaaaaaaaaaaa1'],
      "must give one private subnet per Availability Zone (2), got ['subnet-0aaaaaaaaaaaaaaa1']",
    ],
  ])('%s = %p', (path, value, rule) =>
    expectProblems({ 'network.existingVpc': structuredClone(VPC), [path]: value }, [[path, rule]]),
  );
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

describe('cost', () => {
  const BUDGET_RULE = 'must be a positive number of US dollars, at most 1000000000';
  const PERCENT_RULE = 'must be a percentage of the budget in (0, 1000]';

  test('problems are reported in the order of the walk: the fields of cost as declared, the breaker last', () => {
    // GIVEN
    const config = configWith({
      'cost.monthlyBudgetUsd': 0,
      'cost.alertEmails[0]': 'ops',
      'cost.alertTopicArn': 'shop-alerts',
      'cost.actualThresholdsPercent[0]': 0,
      'cost.forecastThresholdPercent': 0,
      'cost.prices.lambdaGbSecond': -1,
      'cost.spendAlarm.burstFactor': 0,
      'cost.spendAlarm.evaluationHours': 0,
      'cost.warnWhenKeysCanExhaustBudget': 0,
      'cost.breaker.floor': { rateLimit: 6, burstLimit: 11 },
      'cost.breaker.tripOnBudgetPercent': 0,
    });

    // WHEN
    const problems = problemsOf(config);

    // THEN
    expect(problems.map((p) => p.path)).toEqual([
      'cost.monthlyBudgetUsd',
      'cost.alertEmails[0]',
      'cost.alertTopicArn',
      'cost.actualThresholdsPercent[0]',
      'cost.forecastThresholdPercent',
      'cost.prices.lambdaGbSecond',
      'cost.spendAlarm.burstFactor',
      'cost.spendAlarm.evaluationHours',
      'cost.warnWhenKeysCanExhaustBudget',
      'cost.breaker.floor.rateLimit',
      'cost.breaker.floor.burstLimit',
      'cost.breaker.tripOnBudgetPercent',
    ]);
  });

  describe('budget', () => {
    test.each<Case>([
      ['cost', undefined, 'is required, got undefined'],
      ['cost', 500, 'must be an object, got 500'],
      ['cost.monthlyBudgetUsd', undefined, 'is required, got undefined'],
      ['cost.monthlyBudgetUsd', 0, `${BUDGET_RULE}, got 0`],
      ['cost.monthlyBudgetUsd', -100, `${BUDGET_RULE}, got -100`],
      ['cost.monthlyBudgetUsd', NaN, `${BUDGET_RULE}, got NaN`],
      ['cost.monthlyBudgetUsd', Infinity, `${BUDGET_RULE}, got Infinity`],
      ['cost.monthlyBudgetUsd', 1_000_000_001, `${BUDGET_RULE}, got 1000000001`],
      ['cost.monthlyBudgetUsd', '500', `${BUDGET_RULE}, got '500'`],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test.each([0.01, 499.99, 1_000_000_000])('accepts monthlyBudgetUsd = %p', (budget) =>
      expectValid('cost.monthlyBudgetUsd', budget),
    );
  });

  describe('alert recipients', () => {
    const EMAIL_RULE = 'must be an e-mail address (something@domain.tld, no spaces)';
    const ARN_RULE =
      'must be an SNS topic ARN (arn:<partition>:sns:<region>:<12-digit account>:<topic name of letters, ' +
      'digits, hyphens and underscores>)';
    const NEITHER_RULE = 'needs alertEmails or alertTopicArn (someone must hear the alarms), got neither';
    const emails = (count: number) => Array.from({ length: count }, (_, i) => `ops${i}@shop.example`);

    test.each([
      'finance',
      'finance@shop',
      'fin ance@shop.example',
      'finance@shop.example ',
      '@shop.example',
      'finance@',
      'finance@.example',
      'finance@shop..example',
      'finance@shop.',
      'a@b@shop.example',
      '',
    ])('rejects alertEmails[1] = %p', (email) =>
      expectOneProblem(['cost.alertEmails[1]', email, `${EMAIL_RULE}, got '${email}'`]),
    );

    test.each([
      'shop-alerts',
      'arn:aws:sqs:eu-west-1:123456789012:shop-alerts',
      'arn:aws:sns:eu-west-1:12345678901:shop-alerts',
      'arn:aws:sns:eu-west-1:123456789012:',
      'arn:aws:sns:eu-west-1:123456789012:shop.alerts',
      'arn:aws:sns::123456789012:shop-alerts',
      'arn:aws:sns:eu-west-1:123456789012:shop-alerts:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
      `arn:aws:sns:eu-west-1:123456789012:${'a'.repeat(257)}`,
      ' arn:aws:sns:eu-west-1:123456789012:shop-alerts',
    ])('rejects alertTopicArn = %p', (arn) =>
      expectOneProblem(['cost.alertTopicArn', arn, `${ARN_RULE}, got '${arn}'`]),
    );

    test.each<Case>([
      ['cost.alertEmails', 'ops@shop.example', "must be an array of e-mail addresses, got 'ops@shop.example'"],
      ['cost.alertEmails[1]', 7, 'must be a string, got 7'],
      ['cost.alertEmails[1]', null, 'must be a string, got null'],
      ['cost.alertEmails[1]', 'ops@shop.example', "'ops@shop.example' is already listed at alertEmails[0]"],
      ['cost.alertEmails[1]', 'OPS@Shop.Example', "'OPS@Shop.Example' is already listed at alertEmails[0]"],
      [
        'cost.alertEmails',
        emails(11),
        'must list at most 10 addresses (AWS Budgets allows 10 e-mail subscribers per notification), got 11 addresses',
      ],
      ['cost.alertTopicArn', 7, 'must be a string, got 7'],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test.each<[string, unknown]>([
      ['cost.alertEmails[1]', 'first.last+cost@mail.shop.example'],
      ['cost.alertEmails[1]', "o'brien@shop.example"],
      ['cost.alertEmails', emails(10)],
      ['cost.alertEmails', []],
      ['cost.alertTopicArn', 'arn:aws-cn:sns:cn-north-1:123456789012:alerts'],
      ['cost.alertTopicArn', 'arn:aws-us-gov:sns:us-gov-west-1:123456789012:Cost_Alerts-2'],
      ['cost.alertTopicArn', `arn:aws:sns:ap-southeast-4:123456789012:${'a'.repeat(256)}`],
    ])('accepts %s = %p', (path, value) => expectValid(path, value));

    test.each<[string, Record<string, unknown>]>([
      ['neither field', { 'cost.alertEmails': undefined, 'cost.alertTopicArn': undefined }],
      ['no e-mail address and no topic', { 'cost.alertEmails': [], 'cost.alertTopicArn': undefined }],
    ])('rejects %s', (_name, changes) => expectProblems(changes, [['cost', NEITHER_RULE]]));

    test.each<[string, Record<string, unknown>]>([
      ['e-mail addresses without a topic', { 'cost.alertTopicArn': undefined }],
      ['a topic without e-mail addresses', { 'cost.alertEmails': undefined }],
      ['a topic and an empty list of e-mail addresses', { 'cost.alertEmails': [] }],
    ])('accepts %s', (_name, changes) => expectProblems(changes, []));

    test('an alertEmails of the wrong type is reported alone, not as no e-mail address', () =>
      expectProblems({ 'cost.alertEmails': 'ops@shop.example', 'cost.alertTopicArn': undefined }, [
        ['cost.alertEmails', "must be an array of e-mail addresses, got 'ops@shop.example'"],
      ]));
  });

  describe('thresholds', () => {
    const THRESHOLDS = 'cost.actualThresholdsPercent';
    const ARRAY_RULE = 'must be a non-empty array of percentages of the budget';
    const COUNT_RULE =
      'must list at most 4 thresholds (AWS Budgets allows 5 notifications per budget, and the forecast takes 1)';

    test.each<Case>([
      [THRESHOLDS, [], `${ARRAY_RULE}, got []`],
      [THRESHOLDS, 80, `${ARRAY_RULE}, got 80`],
      [`${THRESHOLDS}[0]`, 0, `${PERCENT_RULE}, got 0`],
      [`${THRESHOLDS}[0]`, -10, `${PERCENT_RULE}, got -10`],
      [`${THRESHOLDS}[2]`, 1000.5, `${PERCENT_RULE}, got 1000.5`],
      [`${THRESHOLDS}[2]`, Infinity, `${PERCENT_RULE}, got Infinity`],
      [`${THRESHOLDS}[0]`, NaN, `${PERCENT_RULE}, got NaN`],
      [`${THRESHOLDS}[0]`, '50', `${PERCENT_RULE}, got '50'`],
      [`${THRESHOLDS}[0]`, null, `${PERCENT_RULE}, got null`],
      [`${THRESHOLDS}[1]`, 50, '50 is already listed at actualThresholdsPercent[0]'],
      [`${THRESHOLDS}[2]`, 50, '50 is already listed at actualThresholdsPercent[0]'],
      [THRESHOLDS, [10, 20, 30, 40, 50], `${COUNT_RULE}, got [10, 20, 30, 40, 50]`],
      ['cost.forecastThresholdPercent', 0, `${PERCENT_RULE}, got 0`],
      ['cost.forecastThresholdPercent', 1001, `${PERCENT_RULE}, got 1001`],
      ['cost.forecastThresholdPercent', '100', `${PERCENT_RULE}, got '100'`],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test('reports each problem of a threshold list', () =>
      expectProblems({ [THRESHOLDS]: [50, 0, 50, 80, 100] }, [
        [`${THRESHOLDS}[1]`, `${PERCENT_RULE}, got 0`],
        [`${THRESHOLDS}[2]`, '50 is already listed at actualThresholdsPercent[0]'],
        [THRESHOLDS, `${COUNT_RULE}, got [50, 0, 50, 80, 100]`],
      ]));

    test.each<[string, unknown]>([
      [THRESHOLDS, [0.5, 1000]],
      [THRESHOLDS, [25, 50, 75, 100]],
      [THRESHOLDS, [120]],
      [THRESHOLDS, undefined],
      ['cost.forecastThresholdPercent', 0.1],
      ['cost.forecastThresholdPercent', 1000],
    ])('accepts %s = %p', (path, value) => expectValid(path, value));
  });

  describe('prices', () => {
    const priceRule = (unit: string) => `must be a finite number of US dollars per ${unit}, at least 0`;

    test.each<Case>([
      ['cost.prices', 3.5, 'must be an object, got 3.5'],
      ['cost.prices.restApiCallsPerMillion', -1, `${priceRule('million REST API calls')}, got -1`],
      ['cost.prices.restApiCallsPerMillion', '3.5', `${priceRule('million REST API calls')}, got '3.5'`],
      ['cost.prices.lambdaRequestsPerMillion', -0.2, `${priceRule('million Lambda requests')}, got -0.2`],
      ['cost.prices.lambdaRequestsPerMillion', Infinity, `${priceRule('million Lambda requests')}, got Infinity`],
      ['cost.prices.lambdaGbSecond', -0.0000133334, `${priceRule('Lambda GB-second')}, got -0.0000133334`],
      ['cost.prices.lambdaGbSecond', NaN, `${priceRule('Lambda GB-second')}, got NaN`],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test('reports each negative price', () =>
      expectProblems({
        'cost.prices': { restApiCallsPerMillion: -1, lambdaRequestsPerMillion: 0, lambdaGbSecond: -2 },
      }, [
        ['cost.prices.restApiCallsPerMillion', `${priceRule('million REST API calls')}, got -1`],
        ['cost.prices.lambdaGbSecond', `${priceRule('Lambda GB-second')}, got -2`],
      ]));

    test.each<[string, unknown]>([
      ['cost.prices', { restApiCallsPerMillion: 0, lambdaRequestsPerMillion: 0, lambdaGbSecond: 0 }],
      ['cost.prices', {}],
      ['cost.prices.restApiCallsPerMillion', 1e6],
    ])('accepts %s = %p', (path, value) => expectValid(path, value));
  });

  describe('spend alarm and key warning', () => {
    const FACTOR_RULE = 'must be a number from 1 to 1000';
    const HOURS_RULE = 'must be an integer from 1 to 24';
    const KEYS_RULE = 'must be an integer from 1 to 10000';

    test.each<Case>([
      ['cost.spendAlarm', 'on', "must be an object, got 'on'"],
      ['cost.spendAlarm.burstFactor', 0.5, `${FACTOR_RULE}, got 0.5`],
      ['cost.spendAlarm.burstFactor', 1001, `${FACTOR_RULE}, got 1001`],
      ['cost.spendAlarm.burstFactor', NaN, `${FACTOR_RULE}, got NaN`],
      ['cost.spendAlarm.burstFactor', '3', `${FACTOR_RULE}, got '3'`],
      ['cost.spendAlarm.evaluationHours', 0, `${HOURS_RULE}, got 0`],
      ['cost.spendAlarm.evaluationHours', 25, `${HOURS_RULE}, got 25`],
      ['cost.spendAlarm.evaluationHours', 1.5, `${HOURS_RULE}, got 1.5`],
      ['cost.warnWhenKeysCanExhaustBudget', 0, `${KEYS_RULE}, got 0`],
      ['cost.warnWhenKeysCanExhaustBudget', 10_001, `${KEYS_RULE}, got 10001`],
      ['cost.warnWhenKeysCanExhaustBudget', 2.5, `${KEYS_RULE}, got 2.5`],
      ['cost.warnWhenKeysCanExhaustBudget', '10', `${KEYS_RULE}, got '10'`],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test.each<[string, unknown]>([
      ['cost.spendAlarm', { burstFactor: 1, evaluationHours: 1 }],
      ['cost.spendAlarm', { burstFactor: 1000, evaluationHours: 24 }],
      ['cost.spendAlarm', { burstFactor: 1.5 }],
      ['cost.spendAlarm', {}],
      ['cost.warnWhenKeysCanExhaustBudget', 1],
      ['cost.warnWhenKeysCanExhaustBudget', 10_000],
    ])('accepts %s = %p', (path, value) => expectValid(path, value));
  });

  describe('breaker', () => {
    const FLOOR = 'cost.breaker.floor';
    const NO_PLAN_RULE =
      'requires at least one rate plan in api.ratePlans (a key that is on no plan cannot call anything), got true';
    const atMost = (field: string, lowest: string, got: number) =>
      `must be at most every rate plan's and the stage's ${field} (lowest: ${lowest}), got ${got}`;

    test.each<Case>([
      ['cost.breaker', 'on', "must be an object, got 'on'"],
      [FLOOR, undefined, 'is required, got undefined'],
      [FLOOR, [1, 2], 'must be an object, got [1, 2]'],
      [`${FLOOR}.rateLimit`, undefined, 'is required, got undefined'],
      [`${FLOOR}.rateLimit`, -1, 'must be an integer from 0 to 10000 (the regional account default rps), got -1'],
      [`${FLOOR}.rateLimit`, 1.5, 'must be an integer from 0 to 10000 (the regional account default rps), got 1.5'],
      [`${FLOOR}.burstLimit`, 5001, 'must be an integer from 0 to 5000 (the regional account default burst), got 5001'],
      [`${FLOOR}.burstLimit`, 0, 'must be at least rateLimit (1), got 0'],
      ['cost.breaker.tripOnBudgetPercent', 0, `${PERCENT_RULE}, got 0`],
      ['cost.breaker.tripOnBudgetPercent', 1001, `${PERCENT_RULE}, got 1001`],
      ['cost.breaker.tripOnBudgetPercent', '100', `${PERCENT_RULE}, got '100'`],
    ])('%s = %p', (...args) => expectOneProblem(args));

    test("a floor above both of the lowest limits is reported for each, at the floor's field", () =>
      expectProblems({ [FLOOR]: { rateLimit: 50, burstLimit: 100 } }, [
        [`${FLOOR}.rateLimit`, atMost('rateLimit', 'api.ratePlans.free.throttle.rateLimit = 5', 50)],
        [`${FLOOR}.burstLimit`, atMost('burstLimit', 'api.ratePlans.free.throttle.burstLimit = 10', 100)],
      ]));

    test.each<[string, Record<string, unknown>, [string, string][]]>([
      [
        "a plan's rateLimit",
        { [FLOOR]: { rateLimit: 6, burstLimit: 10 } },
        [[`${FLOOR}.rateLimit`, atMost('rateLimit', 'api.ratePlans.free.throttle.rateLimit = 5', 6)]],
      ],
      [
        "a plan's burstLimit",
        { [FLOOR]: { rateLimit: 5, burstLimit: 11 } },
        [[`${FLOOR}.burstLimit`, atMost('burstLimit', 'api.ratePlans.free.throttle.burstLimit = 10', 11)]],
      ],
      [
        "the stage's, when it is the lowest",
        { 'api.throttle': { rateLimit: 3, burstLimit: 20 }, [FLOOR]: { rateLimit: 4, burstLimit: 4 } },
        [[`${FLOOR}.rateLimit`, atMost('rateLimit', 'api.throttle.rateLimit = 3', 4)]],
      ],
      [
        "the stage's, on a tie with a plan (the first in the walk)",
        { 'api.throttle': { rateLimit: 5, burstLimit: 10 }, [FLOOR]: { rateLimit: 6, burstLimit: 10 } },
        [[`${FLOOR}.rateLimit`, atMost('rateLimit', 'api.throttle.rateLimit = 5', 6)]],
      ],
      [
        "another plan's, when it is the lowest",
        { 'api.ratePlans.pro.throttle': { rateLimit: 0, burstLimit: 0 } },
        [
          [`${FLOOR}.rateLimit`, atMost('rateLimit', 'api.ratePlans.pro.throttle.rateLimit = 0', 1)],
          [`${FLOOR}.burstLimit`, atMost('burstLimit', 'api.ratePlans.pro.throttle.burstLimit = 0', 1)],
        ],
      ],
      [
        'a plan whose name is not an identifier, by its quoted key',
        {
          'api.ratePlans.free': undefined,
          "api.ratePlans['free tier']": { throttle: { rateLimit: 0, burstLimit: 4 } },
        },
        [
          ["api.ratePlans['free tier']", "plan name must match /^[A-Za-z0-9_-]{1,64}$/, got 'free tier'"],
          [`${FLOOR}.rateLimit`, atMost('rateLimit', "api.ratePlans['free tier'].throttle.rateLimit = 0", 1)],
        ],
      ],
    ])('the floor is compared with the lowest limit: %s', (_name, changes, expected) =>
      expectProblems(changes, expected),
    );

    test('only resolved, valid limits are compared', () => {
      // GIVEN
      const stack = new Stack();
      const num = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;

      // WHEN / THEN: a token or an invalid plan limit is passed over, for the next lowest
      const floor = (rateLimit: number, burstLimit: number) => ({ [FLOOR]: { rateLimit, burstLimit } });
      expectProblems({ 'api.ratePlans.free.throttle.rateLimit': num('FreeRate'), ...floor(6, 10) }, []);
      expectProblems({ 'api.ratePlans.free.throttle.rateLimit': 5.5, ...floor(6, 10) }, [
        [
          'api.ratePlans.free.throttle.rateLimit',
          'must be an integer from 0 to 10000 (the regional account default rps), got 5.5',
        ],
      ]);
      expectProblems({ 'api.ratePlans.free.throttle.burstLimit': -1, ...floor(5, 11) }, [
        [
          'api.ratePlans.free.throttle.burstLimit',
          'must be an integer from 0 to 5000 (the regional account default burst), got -1',
        ],
      ]);
      // nor is a plan's throttle whose burst is below its rate
      expectProblems({ 'api.ratePlans.free.throttle': { rateLimit: 5, burstLimit: 3 }, ...floor(5, 10) }, [
        ['api.ratePlans.free.throttle.burstLimit', 'must be at least rateLimit (5), got 3'],
      ]);
      // a floor of tokens is not compared, nor one beside an api of the wrong shape
      expectProblems({ [FLOOR]: { rateLimit: num('FloorRate'), burstLimit: num('FloorBurst') } }, []);
      expectProblems({ 'api.ratePlans': 'gold', 'api.throttle': 'fast', [FLOOR]: { rateLimit: 6, burstLimit: 11 } }, [
        ['api.throttle', "must be an object, got 'fast'"],
        ['api.ratePlans', "must be an object, got 'gold'"],
        ['api.routes[1].apiKey', NO_PLAN_RULE],
        ['api.routes[2].apiKey', NO_PLAN_RULE],
      ]);
    });

    test.each<[string, unknown]>([
      [FLOOR, { rateLimit: 0, burstLimit: 0 }],
      [FLOOR, { rateLimit: 5, burstLimit: 10 }],
      ['cost.breaker.tripOnBudgetPercent', 0.5],
      ['cost.breaker.tripOnBudgetPercent', 1000],
      ['cost.breaker', undefined],
      ['cost.breaker', { floor: { rateLimit: 1, burstLimit: 1 } }],
    ])('accepts %s = %p', (path, value) => expectValid(path, value));
  });
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
        ['cost', 'is required, got undefined'],
      ],
    ],
    [
      'parts of the wrong type',
      { name: 7, network: 'default', api: { throttle: 100, routes: {} }, mesh: { services: [] }, cost: 'cheap' },
      [
        ['name', 'must be a string, got 7'],
        ['network', "must be an object, got 'default'"],
        ['api.throttle', 'must be an object, got 100'],
        ['api.routes', 'must be a non-empty array of routes, got {}'],
        ['mesh.services', 'must be an object, got []'],
        ['cost', "must be an object, got 'cheap'"],
      ],
    ],
    [
      'a cost of the wrong shapes',
      {
        ...minimalConfig(),
        cost: {
          monthlyBudgetUsd: '100',
          alertEmails: 'ops@example.com',
          actualThresholdsPercent: {},
          prices: [],
          spendAlarm: 2,
          breaker: { floor: 1 },
        },
      },
      [
        ['cost.monthlyBudgetUsd', "must be a positive number of US dollars, at most 1000000000, got '100'"],
        ['cost.alertEmails', "must be an array of e-mail addresses, got 'ops@example.com'"],
        ['cost.actualThresholdsPercent', 'must be a non-empty array of percentages of the budget, got {}'],
        ['cost.prices', 'must be an object, got []'],
        ['cost.spendAlarm', 'must be an object, got 2'],
        ['cost.breaker.floor', 'must be an object, got 1'],
      ],
    ],
    [
      'a mesh of the wrong shapes',
      {
        ...minimalConfig(),
        mesh: {
          ingress: 8080,
          services: { web: { port: 3000, versions: { v1: 'web:1', v2: { image: ['web:2'] } }, calls: {} } },
        },
      },
      [
        ['mesh.ingress', 'must be an object, got 8080'],
        ['mesh.services.web.versions.v1', "must be an object, got 'web:1'"],
        ['mesh.services.web.versions.v2.image', "must be a string, got ['web:2']"],
        ['mesh.services.web.versions.v2.weight', 'is required, got undefined'],
        ['mesh.services.web.calls', 'must be an array of service names, got {}'],
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
