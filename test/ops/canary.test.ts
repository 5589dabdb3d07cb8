import 'aws-sdk-client-mock-jest';
import { AppMeshClient, DescribeRouteCommand, NotFoundException, type RouteData, UpdateRouteCommand, type UpdateRouteCommandInput } from '@aws-sdk/client-app-mesh';
import { mockClient } from 'aws-sdk-client-mock';
import { environments } from '../../bin/environments';
import { parseWeights } from '../../lib/ops/commands/canary';
import { runOps, runOpsProcess } from './helpers/run';
import { ordersRoute } from './scenarios/canary-fixtures';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const appMesh = mockClient(AppMeshClient);

const ROUTE_AT = { meshName: 'shop', virtualRouterName: 'orders-router', routeName: 'orders-route' };
const WARNING_80_20 =
  'warning: props must follow: set mesh.services.orders.versions.v1.weight = 80, mesh.services.orders.versions.v2.weight = 20 ' +
  'in bin/environments/prod.ts, or the next deploy puts back v1=90, v2=10\n';

/** UpdateRoute answers as App Mesh does: the route with the spec it was given. */
function answerUpdates(): void {
  appMesh.on(UpdateRouteCommand).callsFake((input: UpdateRouteCommandInput): { route: RouteData } => ({
    route: { ...ordersRoute(), spec: input.spec, status: { status: 'ACTIVE' } },
  }));
}

beforeEach(() => {
  appMesh.reset();
  appMesh.on(DescribeRouteCommand).resolves({ route: ordersRoute() });
});

afterAll(() => {
  appMesh.restore();
});

describe('canary: shifting weights', () => {
  test('UpdateRoute gets the live spec with only the weights replaced (ports kept), and the result is printed', async () => {
    // GIVEN the live orders route at v1 90 / v2 10, with match, retries, timeout, priority and ports
    answerUpdates();

    // WHEN the operator moves 20 % to v2
    const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', 'v1=80,v2=20');

    // THEN the route was read where the constructs name it
    expect(run.code).toBe(0);
    expect(appMesh).toHaveReceivedCommandWith(DescribeRouteCommand, ROUTE_AT);
    // AND UpdateRoute got exactly the live spec with the new weights, nothing else changed
    const expected = {
      ...ROUTE_AT,
      spec: {
        priority: 10,
        httpRoute: {
          match: { prefix: '/' },
          action: {
            weightedTargets: [
              { virtualNode: 'orders-v1', weight: 80, port: 8080 },
              { virtualNode: 'orders-v2', weight: 20, port: 8080 },
            ],
          },
          retryPolicy: {
            maxRetries: 3,
            perRetryTimeout: { unit: 'ms', value: 2000 },
            httpRetryEvents: ['server-error', 'gateway-error'],
            tcpRetryEvents: ['connection-error'],
          },
          timeout: { perRequest: { unit: 'ms', value: 15000 } },
        },
      },
    };
    expect(appMesh).toHaveReceivedCommandTimes(UpdateRouteCommand, 1);
    expect(appMesh).toHaveReceivedCommandWith(UpdateRouteCommand, expected);
    expect(appMesh.commandCalls(UpdateRouteCommand)[0]!.args[0].input).toEqual(expected);
    // AND the plan, then the weights UpdateRoute answered, then the warning
    expect(run.stdout).toBe(
      [
        'version  virtual node  current  new',
        '-------  ------------  -------  ---',
        'v1       orders-v1          90   80',
        'v2       orders-v2          10   20',
        '',
        'updated orders-route in mesh shop (status ACTIVE):',
        'version  virtual node  weight',
        '-------  ------------  ------',
        'v1       orders-v1         80',
        'v2       orders-v2         20',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe(WARNING_80_20);
  });

  test('targets without a port get none; the live order of targets is kept', async () => {
    // GIVEN a live route listing v2 first, without ports
    appMesh.on(DescribeRouteCommand).resolves({
      route: ordersRoute([
        { virtualNode: 'orders-v2', weight: 10 },
        { virtualNode: 'orders-v1', weight: 90 },
      ]),
    });
    answerUpdates();

    // WHEN the operator drains v1
    const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', 'v1=0,v2=100');

    // THEN the targets are in the live order, with no port
    expect(run.code).toBe(0);
    expect(appMesh.commandCalls(UpdateRouteCommand)[0]!.args[0].input.spec!.httpRoute!.action!.weightedTargets).toEqual([
      { virtualNode: 'orders-v2', weight: 100 },
      { virtualNode: 'orders-v1', weight: 0 },
    ]);
  });

  test('the printed result is what UpdateRoute answered, not what was asked', async () => {
    // GIVEN an App Mesh whose answer differs from the request (say, another operator raced us)
    appMesh.on(UpdateRouteCommand).resolves({
      route: ordersRoute([
        { virtualNode: 'orders-v1', weight: 50, port: 8080 },
        { virtualNode: 'orders-v2', weight: 50, port: 8080 },
      ]),
    });
    // WHEN the operator asks for 80/20
    const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', 'v1=80,v2=20');
    // THEN the answer is printed
    expect(run.stdout).toContain('v1       orders-v1         50\nv2       orders-v2         50\n');
  });

  test('--dry-run shows current and new weights and the warning, and sends no UpdateRoute', async () => {
    // WHEN the operator previews 80/20
    const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', 'v1=80,v2=20', '--dry-run');

    // THEN exit 0, the table, the warning, and no change
    expect(run.code).toBe(0);
    expect(appMesh).toHaveReceivedCommandTimes(DescribeRouteCommand, 1);
    expect(appMesh).not.toHaveReceivedCommand(UpdateRouteCommand);
    expect(run.stdout).toBe(
      [
        'version  virtual node  current  new',
        '-------  ------------  -------  ---',
        'v1       orders-v1          90   80',
        'v2       orders-v2          10   20',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe(WARNING_80_20);
  });

  test('the warning lists only the versions whose weight the config must change, for the chosen environment', async () => {
    // GIVEN the live route already moved to 50/50 by an earlier run
    appMesh.on(DescribeRouteCommand).resolves({
      route: ordersRoute([
        { virtualNode: 'orders-v1', weight: 50 },
        { virtualNode: 'orders-v2', weight: 50 },
      ]),
    });
    // WHEN the operator previews 90/10 in dev (whose orders weights are prod's: 90/10)
    const run = await runOps('canary', 'orders', '--weights', 'v1=90,v2=10', '--dry-run');
    // THEN the mesh is dev's, and the props already match
    expect(run.code).toBe(0);
    expect(appMesh).toHaveReceivedCommandWith(DescribeRouteCommand, { meshName: 'shop-dev' });
    expect(run.stderr).toBe('note: these are the weights of mesh.services.orders.versions in bin/environments/dev.ts: the next deploy keeps v1=90, v2=10\n');

    // AND moving only v2's share names both versions that change
    const moved = await runOps('canary', 'orders', '--weights', 'v1=70,v2=30', '--dry-run');
    expect(moved.stderr).toBe(
      'warning: props must follow: set mesh.services.orders.versions.v1.weight = 70, mesh.services.orders.versions.v2.weight = 30 ' +
        'in bin/environments/dev.ts, or the next deploy puts back v1=90, v2=10\n',
    );
  });

  test('weights equal to the live ones: no UpdateRoute, and a note', async () => {
    // WHEN the operator asks for the weights the route already has
    const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', 'v1=90,v2=10');
    // THEN nothing is sent
    expect(run.code).toBe(0);
    expect(appMesh).not.toHaveReceivedCommand(UpdateRouteCommand);
    expect(run.stderr).toContain('note: the live route already has these weights: nothing to update\n');
  });

  test('--json: one document with the plan and the applied weights', async () => {
    answerUpdates();
    const run = await runOps('--env', 'prod', '--json', 'canary', 'orders', '--weights', 'v1=80,v2=20');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      service: 'orders',
      ...ROUTE_AT,
      dryRun: false,
      changed: true,
      targets: [
        { version: 'v1', virtualNode: 'orders-v1', current: 90, new: 80 },
        { version: 'v2', virtualNode: 'orders-v2', current: 10, new: 20 },
      ],
      applied: [
        { version: 'v1', virtualNode: 'orders-v1', weight: 80 },
        { version: 'v2', virtualNode: 'orders-v2', weight: 20 },
      ],
      status: 'ACTIVE',
    });
    expect(run.stderr).toBe(WARNING_80_20);
  });
});

describe('canary: usage errors (exit 2, nothing sent to App Mesh)', () => {
  test.each([
    ['not integers', 'v1=80.5,v2=19.5', 'v1: weight must be an integer from 0 to 100, got "80.5"; v2: weight must be an integer from 0 to 100, got "19.5"'],
    ['above 100', 'v1=120,v2=-20', 'v1: weight must be an integer from 0 to 100, got "120"; v2: weight must be an integer from 0 to 100, got "-20"'],
    ['sum 99', 'v1=80,v2=19', 'weights must sum to 100, got 99 (v1: 80, v2: 19)'],
    ['sum 101', 'v1=81, v2=20', 'weights must sum to 100, got 101 (v1: 81, v2: 20)'],
    ['an unknown version', 'v1=80,v3=20', 'v3: not a version of orders (its versions: v1, v2); weights must cover every version of orders: missing v2 (give v2=0 to send it no traffic)'],
    ['a duplicate', 'v1=80,v1=20,v2=0', 'v1: given twice'],
    ['a version left out', 'v1=100', 'weights must cover every version of orders: missing v2 (give v2=0 to send it no traffic)'],
    ['not name=weight', 'v1:80,v2=20', '"v1:80" is not <version>=<weight>'],
    ['an empty entry', 'v1=80,,v2=20', 'entry 2 is empty'],
    ['an empty weight', 'v1=,v2=100', 'v1: weight must be an integer from 0 to 100, got ""'],
  ])('%s (%s)', async (_, weights, message) => {
    // WHEN the operator passes invalid weights
    const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', weights);
    // THEN one error line that says what is wrong, exit 2, and App Mesh is not asked
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: --weights ${weights}: ${message}\n`);
    expect(appMesh.calls()).toHaveLength(0);
  });

  test('an unknown service: exit 2, listing the services', async () => {
    const run = await runOps('--env', 'prod', 'canary', 'payments', '--weights', 'v1=100');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: unknown service "payments": the services of prod are orders, inventory\n');
    expect(appMesh.calls()).toHaveLength(0);
  });

  test('a prototype key is not a service', async () => {
    const run = await runOps('--env', 'prod', 'canary', 'constructor', '--weights', 'v1=100');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: unknown service "constructor"/);
  });

  test('--weights is required', async () => {
    const run = await runOps('--env', 'prod', 'canary', 'orders');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: required option '--weights <list>' not specified");
    expect(appMesh.calls()).toHaveLength(0);
  });

  test('a single-version service takes its one weight of 100', () => {
    expect(parseWeights('v1=100', 'inventory', ['v1'])).toEqual(new Map([['v1', 100]]));
    expect(() => parseWeights('v1=50', 'inventory', ['v1'])).toThrow('weights must sum to 100, got 50 (v1: 50)');
  });
});

describe('canary: the live route', () => {
  test('a live target the config does not know is drift: exit 1, no UpdateRoute', async () => {
    // GIVEN a live route that also sends traffic to orders-v3, which prod's config does not declare
    appMesh.on(DescribeRouteCommand).resolves({
      route: ordersRoute([
        { virtualNode: 'orders-v1', weight: 70 },
        { virtualNode: 'orders-v2', weight: 10 },
        { virtualNode: 'orders-v3', weight: 20 },
      ]),
    });
    // WHEN the operator shifts weights
    const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', 'v1=80,v2=20');
    // THEN drift, exit 1, nothing changed
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: drift: the live route orders-route (orders-v1=70, orders-v2=10, orders-v3=20) does not match bin/environments/prod.ts: ' +
        'it targets virtual nodes the config does not declare for orders: orders-v3. Deploy the config (or fix it) before moving weights\n',
    );
    expect(appMesh).not.toHaveReceivedCommand(UpdateRouteCommand);
  });

  test('a declared version the live route lacks (not deployed yet) is drift too: exit 1', async () => {
    appMesh.on(DescribeRouteCommand).resolves({ route: ordersRoute([{ virtualNode: 'orders-v1', weight: 100 }]) });
    const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', 'v1=80,v2=20', '--dry-run');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('it has no target for v2 (orders-v2)');
    expect(appMesh).not.toHaveReceivedCommand(UpdateRouteCommand);
  });

  test('a route that is not an HTTP route is drift: exit 1', async () => {
    const { httpRoute, ...rest } = ordersRoute().spec!;
    appMesh.on(DescribeRouteCommand).resolves({ route: { ...ordersRoute(), spec: { ...rest, http2Route: httpRoute } } });
    const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', 'v1=80,v2=20');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: drift: route orders-route of virtual router orders-router in mesh shop is not an HTTP route with weighted targets ' +
        '(it has: http2Route); the platform builds an httpRoute: deploy to put it back\n',
    );
  });

  test('no such route: exit 2, where it looked, and App Mesh\'s end of support', async () => {
    appMesh.on(DescribeRouteCommand).rejects(new NotFoundException({ message: 'Route not found', $metadata: { httpStatusCode: 404 } }));
    const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', 'v1=80,v2=20');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: route orders-route of virtual router orders-router in mesh shop not found: is the platform deployed with the App Mesh backend? ' +
        '(App Mesh reached end of support on 2026-09-30; new meshes cannot be created; AWS said: Route not found)\n',
    );
  });
});

describe('canary as a child process', () => {
  test('bin/ops.ts canary --dry-run: exit 0, the table and the warning', () => {
    // GIVEN the canary-dry-run scenario (orders at 90/10; UpdateRoute would fail)
    // WHEN an operator previews 80/20
    const run = runOpsProcess(['--env', 'prod', 'canary', 'orders', '--weights', 'v1=80,v2=20', '--dry-run'], { scenario: 'canary-dry-run' });
    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'version  virtual node  current  new',
        '-------  ------------  -------  ---',
        'v1       orders-v1          90   80',
        'v2       orders-v2          10   20',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe(WARNING_80_20);
  });
});

describe('canary on Service Connect', () => {
  test('refuses with a usage error that says how rollouts work there, and calls no AWS API', async () => {
    // GIVEN prod rendered on Service Connect
    const prod = environments.prod!;
    const replaced = jest.replaceProperty(environments, 'prod', { ...prod, mesh: { ...prod.mesh, provider: 'service-connect' } });
    try {
      // WHEN
      const run = await runOps('--env', 'prod', 'canary', 'orders', '--weights', 'v1=80,v2=20');
      // THEN
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('prod runs on Service Connect, which holds no weights: set the new version\'s weight in its config and deploy');
      expect(appMesh.calls()).toHaveLength(0);
    } finally {
      replaced.restore();
    }
  });
});
