import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { APIGatewayClient, APIGatewayServiceException, GetRestApisCommand, GetUsagePlansCommand, type UsagePlan } from '@aws-sdk/client-api-gateway';
import { App } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { PlatformConfig } from '../../lib/config/types';
import { Platform } from '../../lib/platform';
import { CDK_CONTEXT, referenceConfig } from '../helpers';
import { runOps, runOpsProcess } from './helpers/run';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const apigw = mockClient(APIGatewayClient);
const API_ID = 'a1b2c3d4e5';
/** The cloud assembly of the reference prod platform, one stack. */
let cdkOut: string;
/** The cloud assembly of the same platform split into core, two service stacks and API stack. */
let shardedOut: string;
/** The global options of a prod run against the one-stack cloud assembly. */
let PROD: string[];
/** The same against the split one. */
let SHARDED: string[];
/** The split platform's stacks, in deploy order. */
let shardedStacks: string[];
const tmpDirs: string[] = [];

function tmpDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

/**
 * A cloud assembly of the platform, as `cdk synth -c env=prod` writes it: manifest.json and a
 * template per stack. testApp()'s context (the project's feature flags, no Lambda bundling: the
 * bundles do not matter to usage plans), with an outdir.
 */
function synthPlatform(config: PlatformConfig, prefix: string): { outdir: string; platform: Platform } {
  const outdir = tmpDir(prefix);
  const app = new App({ outdir, context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const platform = new Platform(app, { config });
  app.synth();
  return { outdir, platform };
}

beforeAll(() => {
  // GIVEN the reference app's prod cloud assembly, as `cdk synth -c env=prod` writes it into cdk.out
  const one = synthPlatform(referenceConfig(), 'ops-plans-');
  expect(one.platform.stacks.map((s) => s.stackName)).toEqual(['shop-platform']);
  cdkOut = one.outdir;
  PROD = ['--env', 'prod', '--region', 'eu-west-1', '--cdk-out', cdkOut];

  // GIVEN the same platform split into stacks, its usage plans in shop-api
  const sharded = synthPlatform({ ...referenceConfig(), serviceStacks: 2 }, 'ops-plans-sharded-');
  // (the services hash into the two service stacks; an empty service stack is not created)
  shardedStacks = sharded.platform.stacks.map((s) => s.stackName);
  expect(shardedStacks[0]).toBe('shop-platform');
  expect(shardedStacks.slice(1, -1).length).toBeGreaterThan(0);
  for (const stack of shardedStacks.slice(1, -1)) expect(stack).toMatch(/^shop-services-0[12]$/);
  expect(shardedStacks.at(-1)).toBe('shop-api');
  expect(sharded.platform.apiStack.stackName).toBe('shop-api');
  shardedOut = sharded.outdir;
  SHARDED = ['--env', 'prod', '--region', 'eu-west-1', '--cdk-out', shardedOut];
}, 120_000);

afterAll(() => {
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  apigw.reset();
});

/** The prod plans as deployed from the template. */
function matchingPlans(): UsagePlan[] {
  return [
    {
      id: 'up-free',
      name: 'shop-free',
      throttle: { rateLimit: 5, burstLimit: 10 },
      quota: { limit: 10_000, offset: 0, period: 'MONTH' },
      apiStages: [{ apiId: API_ID, stage: 'prod' }],
    },
    {
      id: 'up-pro',
      name: 'shop-pro',
      throttle: { rateLimit: 100, burstLimit: 200 },
      quota: { limit: 5_000_000, offset: 0, period: 'MONTH' },
      apiStages: [{ apiId: API_ID, stage: 'prod', throttle: { '/orders/POST': { rateLimit: 20, burstLimit: 40 } } }],
    },
  ];
}

/**
 * The region as the CLI sees it: the APIs over two pages (the prod API on the second), and these
 * plans over two pages, with the dev platform's plan and someone else's among them.
 */
function givenLive(plans: UsagePlan[]) {
  apigw.on(GetRestApisCommand).resolves({ items: [{ id: 'dev123', name: 'shop-dev-api' }], position: 'apis-2' });
  apigw.on(GetRestApisCommand, { position: 'apis-2' }).resolves({ items: [{ id: API_ID, name: 'shop-api' }] });
  const [first, ...rest] = plans;
  apigw.on(GetUsagePlansCommand).resolves({
    items: [...(first ? [first] : []), { id: 'up-dev', name: 'shop-dev-free', apiStages: [{ apiId: 'dev123', stage: 'dev' }] }],
    position: 'plans-2',
  });
  apigw.on(GetUsagePlansCommand, { position: 'plans-2' }).resolves({ items: [{ id: 'up-other', name: 'partner-gold' }], position: 'plans-3' });
  apigw.on(GetUsagePlansCommand, { position: 'plans-3' }).resolves({ items: rest });
}

test('no drift: exit 0, and every page of APIs and plans was read', async () => {
  // GIVEN the live plans as the template says (and other platforms' plans around them)
  givenLive(matchingPlans());

  // WHEN
  const run = await runOps(...PROD, '--json', 'plans', 'diff');

  // THEN
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toEqual({ drift: false, differences: [] });
  expect(apigw).toHaveReceivedCommandTimes(GetRestApisCommand, 2);
  expect(apigw).toHaveReceivedCommandWith(GetRestApisCommand, { position: 'apis-2' });
  expect(apigw.commandCalls(GetUsagePlansCommand).map((call) => call.args[0].input.position)).toEqual([undefined, 'plans-2', 'plans-3']);
});

test('no drift, for people: one line', async () => {
  givenLive(matchingPlans());
  const run = await runOps(...PROD, 'plans', 'diff');
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(`no drift: the 2 usage plan(s) of ${path.join(cdkOut, 'shop-platform.template.json')} match the live ones\n`);
});

test('changed numbers: exit 1, and each differing field with the template and live values', async () => {
  // GIVEN live plans changed by hand: free's rate and quota period, pro's POST /orders burst, and a
  // per-method throttle the template does not have
  const plans = matchingPlans();
  plans[0] = { ...plans[0], throttle: { rateLimit: 50, burstLimit: 10 }, quota: { limit: 10_000, offset: 0, period: 'WEEK' } };
  plans[1] = {
    ...plans[1],
    apiStages: [
      {
        apiId: API_ID,
        stage: 'prod',
        throttle: { '/orders/POST': { rateLimit: 20, burstLimit: 80 }, '/orders/GET': { rateLimit: 1, burstLimit: 1 } },
      },
    ],
  };
  givenLive(plans);

  // WHEN
  const run = await runOps(...PROD, '--json', 'plans', 'diff');

  // THEN
  expect(run.code).toBe(1);
  expect(JSON.parse(run.stdout)).toEqual({
    drift: true,
    differences: [
      { plan: 'free', usagePlanName: 'shop-free', kind: 'differs', path: 'throttle.rateLimit', expected: 5, live: 50 },
      { plan: 'free', usagePlanName: 'shop-free', kind: 'differs', path: 'quota.period', expected: 'MONTH', live: 'WEEK' },
      { plan: 'pro', usagePlanName: 'shop-pro', kind: 'differs', path: 'apiStages[prod].throttle[/orders/POST].burstLimit', expected: 40, live: 80 },
      { plan: 'pro', usagePlanName: 'shop-pro', kind: 'differs', path: 'apiStages[prod].throttle[/orders/GET].rateLimit', expected: null, live: 1 },
      { plan: 'pro', usagePlanName: 'shop-pro', kind: 'differs', path: 'apiStages[prod].throttle[/orders/GET].burstLimit', expected: null, live: 1 },
    ],
  });
});

test('a plan missing live, one extra, a quota removed, a stage on another API: a table for people', async () => {
  // GIVEN no live 'free'; 'pro' without its quota and attached to the dev API's stage; a
  // leftover 'shop-legacy' plan
  const [, pro] = matchingPlans();
  givenLive([
    { ...pro, quota: undefined, apiStages: [{ apiId: 'dev123', stage: 'dev' }] },
    { id: 'up-legacy', name: 'shop-legacy', throttle: { rateLimit: 1000, burstLimit: 2000 } },
  ]);

  // WHEN
  const run = await runOps(...PROD, 'plans', 'diff');

  // THEN
  expect(run.code).toBe(1);
  expect(run.stdout).toBe(
    [
      'plan    field                template             live',
      '------  -------------------  -------------------  -----------------------',
      'free    (plan)               shop-free            missing',
      'pro     quota.limit          5000000              -',
      'pro     quota.period         MONTH                -',
      'pro     apiStages[prod].api  shop-api             -',
      'pro     apiStages[dev].api   -                    shop-dev-api (dev123)',
      'legacy  (plan)               not in the template  shop-legacy (up-legacy)',
      '',
      `6 difference(s) between ${path.join(cdkOut, 'shop-platform.template.json')} and the live usage plans`,
      '',
    ].join('\n'),
  );
});

const SYNTH_HINT = 'run `npm run synth -- -c env=prod` first (its -c env= must match --env prod; or point --cdk-out at the cloud assembly)';

test('no manifest.json in --cdk-out: a usage error naming the synth command, nothing asked of AWS', async () => {
  // GIVEN an empty cloud assembly directory
  const empty = tmpDir('ops-plans-empty-');
  // WHEN
  const run = await runOps('--env', 'prod', '--region', 'eu-west-1', '--cdk-out', empty, 'plans', 'diff');
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(`error: no ${path.join(empty, 'manifest.json')}: ${SYNTH_HINT}\n`);
  expect(run.stdout).toBe('');
  expect(apigw.calls()).toHaveLength(0);
});

test('no --cdk-out directory at all: the same usage error, naming the directory', async () => {
  // GIVEN a path where nothing was synthesized
  const missing = path.join(tmpDir('ops-plans-none-'), 'cdk.out');
  // WHEN
  const run = await runOps('--env', 'prod', '--region', 'eu-west-1', '--cdk-out', missing, 'plans', 'diff');
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(`error: no cloud assembly ${missing}: ${SYNTH_HINT}\n`);
  expect(apigw.calls()).toHaveLength(0);
});

test('no stack of the platform in the cloud assembly: one line naming the platform and the stacks there', async () => {
  // GIVEN the prod cloud assembly, but the CLI run for dev (platform shop-dev)
  // WHEN
  const run = await runOps('--env', 'dev', '--region', 'eu-west-1', '--cdk-out', shardedOut, 'plans', 'diff');
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(
    `error: no stack of the platform shop-dev (shop-dev-platform) in ${path.join(shardedOut, 'manifest.json')}, ` +
      `its stacks are ${shardedStacks.join(', ')}: ` +
      'run `npm run synth -- -c env=dev` (its -c env= must match --env dev) or point --cdk-out at the platform\'s cloud assembly\n',
  );
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(apigw.calls()).toHaveLength(0);
});

test('a manifest without stacks: the error says there are none', async () => {
  // GIVEN a cloud assembly whose manifest lists no stack
  const dir = tmpDir('ops-plans-nostacks-');
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '36.0.0', artifacts: { Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } } } }));
  // WHEN
  const run = await runOps('--env', 'prod', '--region', 'eu-west-1', '--cdk-out', dir, 'plans', 'diff');
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^error: no stack of the platform shop \(shop-platform\) in .*manifest\.json, it has no stacks: run `npm run synth -- -c env=prod`/);
  expect(apigw.calls()).toHaveLength(0);
});

test('a template the manifest lists but that is missing: one line naming the file and the stack', async () => {
  // GIVEN the split cloud assembly's manifest and templates, without shop-api's template
  const dir = tmpDir('ops-plans-partial-');
  for (const file of fs.readdirSync(shardedOut).filter((f) => f === 'manifest.json' || f.endsWith('.template.json'))) {
    if (file !== 'shop-api.template.json') fs.copyFileSync(path.join(shardedOut, file), path.join(dir, file));
  }
  // WHEN
  const run = await runOps('--env', 'prod', '--region', 'eu-west-1', '--cdk-out', dir, 'plans', 'diff');
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(
    `error: no template ${path.join(dir, 'shop-api.template.json')}, which ${path.join(dir, 'manifest.json')} lists for the stack shop-api: ` +
      'run `npm run synth -- -c env=prod` again\n',
  );
  expect(apigw.calls()).toHaveLength(0);
});

describe('a platform split into stacks: the usage plans are in <name>-api', () => {
  test('no drift: exit 0, and the message names shop-api\'s template', async () => {
    // GIVEN the live plans as shop-api's template says (its plans name the API by a cross-stack
    // reference to shop-platform's output, resolved to the API's name shop-api)
    givenLive(matchingPlans());
    // WHEN
    const json = await runOps(...SHARDED, '--json', 'plans', 'diff');
    const text = await runOps(...SHARDED, 'plans', 'diff');
    // THEN
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ drift: false, differences: [] });
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`no drift: the 2 usage plan(s) of ${path.join(shardedOut, 'shop-api.template.json')} match the live ones\n`);
  });

  test('drift: exit 1, each difference, and the template named', async () => {
    // GIVEN free's rate changed by hand and pro missing live
    const [free] = matchingPlans();
    givenLive([{ ...free, throttle: { rateLimit: 50, burstLimit: 10 } }]);
    // WHEN
    const json = await runOps(...SHARDED, '--json', 'plans', 'diff');
    const text = await runOps(...SHARDED, 'plans', 'diff');
    // THEN
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      drift: true,
      differences: [
        { plan: 'free', usagePlanName: 'shop-free', kind: 'differs', path: 'throttle.rateLimit', expected: 5, live: 50 },
        { plan: 'pro', usagePlanName: 'shop-pro', kind: 'missing-live' },
      ],
    });
    expect(text.code).toBe(1);
    expect(text.stdout).toBe(
      [
        'plan  field               template  live',
        '----  ------------------  --------  -------',
        'free  throttle.rateLimit  5         50',
        'pro   (plan)              shop-pro  missing',
        '',
        `2 difference(s) between ${path.join(shardedOut, 'shop-api.template.json')} and the live usage plans`,
        '',
      ].join('\n'),
    );
  });

});

test('no API of the platform in the region → exit 2 with one line', async () => {
  // GIVEN only the dev platform's API
  apigw.on(GetRestApisCommand).resolves({ items: [{ id: 'dev123', name: 'shop-dev-api' }] });
  // WHEN
  const run = await runOps(...PROD, 'plans', 'diff');
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toBe('error: no REST API named shop-api in eu-west-1: is the platform deployed there?\n');
});

test('access denied on GetUsagePlans → exit 2 and one error line', async () => {
  // GIVEN a caller who may list APIs but not usage plans
  apigw.on(GetRestApisCommand).resolves({ items: [{ id: API_ID, name: 'shop-api' }] });
  apigw.on(GetUsagePlansCommand).rejects(
    new APIGatewayServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'User: arn:aws:iam::111122223333:user/ops is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:eu-west-1::/usageplans',
    }),
  );
  // WHEN
  const run = await runOps(...PROD, 'plans', 'diff');
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(
    'error: access denied: User: arn:aws:iam::111122223333:user/ops is not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:eu-west-1::/usageplans\n',
  );
  expect(run.stdout).toBe('');
});

test.each([
  ['one stack', () => cdkOut, 'shop-platform.template.json'],
  ['split into stacks', () => shardedOut, 'shop-api.template.json'],
])('as a child process, with drift (%s): exit 1 and the table', (_, out, template) => {
  // GIVEN the scenario plans-drift: free's rate 50 (template 5), pro's POST /orders burst 80 (40)
  // WHEN
  const run = runOpsProcess(['--env', 'prod', '--cdk-out', out(), 'plans', 'diff'], { scenario: 'plans-drift' });
  // THEN
  expect(run.stderr).toBe('');
  expect(run.code).toBe(1);
  expect(run.stdout).toBe(
    [
      'plan  field                                              template  live',
      '----  -------------------------------------------------  --------  ----',
      'free  throttle.rateLimit                                 5         50',
      'pro   apiStages[prod].throttle[/orders/POST].burstLimit  40        80',
      '',
      `2 difference(s) between ${path.join(out(), template)} and the live usage plans`,
      '',
    ].join('\n'),
  );
});
