import {
  APIGatewayClient,
  APIGatewayServiceException,
  GetUsageCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
} from '@aws-sdk/client-api-gateway';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { environments } from '../../bin/environments';
import { runOps, runOpsProcess } from './helpers/run';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const apigw = mockClient(APIGatewayClient);
const REGION = ['--region', 'eu-west-1'];
const RANGE = ['--from', '2026-03-01', '--to', '2026-03-15'];

/** A REST call plus an uncached JWT authorization (256 MiB for 100 ms) at list prices. */
const PER_CALL_USD = 3.5e-6 + 0.2e-6 + (256 / 1024) * 0.1 * 0.0000133334;

/**
 * The dev platform's 'pro' plan on the second page of plans; three keys over two pages; usage over
 * two pages, and a key that has left the plan but has usage.
 */
function givenProPlan() {
  apigw.on(GetUsagePlansCommand).resolves({ items: [{ id: 'up-free', name: 'shop-dev-free' }], position: 'plans-2' });
  apigw.on(GetUsagePlansCommand, { position: 'plans-2' }).resolves({ items: [{ id: 'up-pro', name: 'shop-dev-pro' }, { id: 'up-x', name: 'shop-pro' }] });
  apigw.on(GetUsagePlanKeysCommand).resolves({ items: [{ id: 'k-acme', name: 'shop-dev-acme', type: 'API_KEY' }], position: 'keys-2' });
  apigw.on(GetUsagePlanKeysCommand, { position: 'keys-2' }).resolves({
    items: [
      { id: 'k-beta', name: 'shop-dev-beta', type: 'API_KEY' },
      { id: 'k-idle', name: 'shop-dev-idle', type: 'API_KEY' },
    ],
  });
  apigw.on(GetUsageCommand).resolves({ items: { 'k-acme': [[100, 900], [250, 650]] }, position: 'usage-2' });
  apigw.on(GetUsageCommand, { position: 'usage-2' }).resolves({ items: { 'k-acme': [[50, 600]], 'k-beta': [[1000, 0]], 'k-gone': [[7, 0]] } });
}

beforeEach(() => {
  apigw.reset();
});

afterEach(() => {
  jest.restoreAllMocks();
});

test('calls and estimated cost per key, busiest first, from every page', async () => {
  // GIVEN
  givenProPlan();

  // WHEN
  const run = await runOps(...REGION, '--json', 'usage', '--plan', 'pro', ...RANGE);

  // THEN acme 100 + 250 + 50 over two pages, beta 1,000, the removed key 7, idle 0
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout);
  expect(report).toMatchObject({ plan: 'pro', usagePlanName: 'shop-dev-pro', usagePlanId: 'up-pro', from: '2026-03-01', to: '2026-03-15', keyCount: 4, totalCalls: 1407 });
  expect(report.keys.map((k: any) => [k.name, k.keyId, k.calls])).toEqual([
    ['shop-dev-beta', 'k-beta', 1000],
    ['shop-dev-acme', 'k-acme', 400],
    ['k-gone (not on the plan)', 'k-gone', 7],
    ['shop-dev-idle', 'k-idle', 0],
  ]);
  expect(report.perCallUsd).toBeCloseTo(PER_CALL_USD, 15);
  expect(report.keys[0].estimatedUsd).toBeCloseTo(1000 * PER_CALL_USD, 12);
  expect(report.keys[1].estimatedUsd).toBeCloseTo(400 * PER_CALL_USD, 12);
  expect(report.totalEstimatedUsd).toBeCloseTo(1407 * PER_CALL_USD, 12);

  // AND every page was asked for, with its position
  expect(apigw).toHaveReceivedCommandTimes(GetUsagePlansCommand, 2);
  expect(apigw).toHaveReceivedCommandWith(GetUsagePlansCommand, { position: 'plans-2' });
  expect(apigw).toHaveReceivedCommandTimes(GetUsagePlanKeysCommand, 2);
  expect(apigw).toHaveReceivedCommandWith(GetUsagePlanKeysCommand, { usagePlanId: 'up-pro', position: 'keys-2' });
  expect(apigw.commandCalls(GetUsageCommand).map((call) => call.args[0].input)).toEqual([
    { usagePlanId: 'up-pro', startDate: '2026-03-01', endDate: '2026-03-15', position: undefined, limit: 500 },
    { usagePlanId: 'up-pro', startDate: '2026-03-01', endDate: '2026-03-15', position: 'usage-2', limit: 500 },
  ]);
});

test('a table for people; --top limits the rows, not the totals', async () => {
  // GIVEN
  givenProPlan();
  // WHEN
  const run = await runOps(...REGION, 'usage', '--plan', 'pro', ...RANGE, '--top', '2');
  // THEN
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(
    [
      'usage plan shop-dev-pro (up-pro), 2026-03-01 to 2026-03-15, at $4.0333 per million calls',
      'key            key id  calls  est. USD',
      '-------------  ------  -----  --------',
      'shop-dev-beta  k-beta   1000   $0.0040',
      'shop-dev-acme  k-acme    400   $0.0016',
      '',
      'total (all 4 keys; the top 2 shown): 1,407 calls, $0.0057',
      '',
    ].join('\n'),
  );
});

test('prices come from config.cost.prices over the list prices; no JWT authorizer, no authorization cost', async () => {
  // GIVEN a dev config with a REST price of $1 per million and no JWT authorizer
  const dev = environments.dev;
  jest.replaceProperty(environments, 'dev', {
    ...dev,
    api: { ...dev.api, auth: { cognito: dev.api.auth!.cognito }, routes: dev.api.routes.filter((r) => r.auth === 'none') },
    cost: { ...dev.cost, prices: { restApiCallsPerMillion: 1 } },
  });
  givenProPlan();
  // WHEN
  const run = await runOps(...REGION, '--json', 'usage', '--plan', 'pro', ...RANGE);
  // THEN
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout);
  expect(report.perCallUsd).toBeCloseTo(1e-6, 15);
  expect(report.keys[0]).toEqual({ keyId: 'k-beta', name: 'shop-dev-beta', calls: 1000, estimatedUsd: expect.closeTo(0.001, 12) });
});

test('without --from/--to: the current month so far (UTC)', async () => {
  // GIVEN it is late on 15 March 2026, UTC
  jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-03-15T23:59:00Z'));
  givenProPlan();
  // WHEN
  const run = await runOps(...REGION, '--json', 'usage', '--plan', 'pro');
  // THEN
  expect(run.code).toBe(0);
  expect(apigw).toHaveReceivedCommandWith(GetUsageCommand, { startDate: '2026-03-01', endDate: '2026-03-15' });
});

test.each([
  [['--from', '2026-02-30'], 'error: --from 2026-02-30: not a date; use YYYY-MM-DD\n'],
  [['--to', '15/03/2026'], 'error: --to 15/03/2026: not a date; use YYYY-MM-DD\n'],
  [['--from', '2026-03-10', '--to', '2026-03-01'], 'error: --from 2026-03-10 is after --to 2026-03-01\n'],
  [['--top', '0'], 'error: --top 0: must be a positive whole number\n'],
])('%j → usage error, exit 2, nothing asked of AWS', async (args, message) => {
  // WHEN
  const run = await runOps(...REGION, 'usage', '--plan', 'pro', ...args);
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(message);
  expect(apigw.calls()).toHaveLength(0);
});

test('an unknown plan → exit 2, listing the config plans', async () => {
  // WHEN
  const run = await runOps(...REGION, '--env', 'prod', 'usage', '--plan', 'gold');
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toBe('error: --plan gold: no such rate plan in the prod config; its plans: free, pro\n');
  expect(apigw.calls()).toHaveLength(0);
});

test('without --plan → exit 2 (commander)', async () => {
  const run = await runOps(...REGION, 'usage');
  expect(run.code).toBe(2);
  expect(run.stderr).toContain("required option '--plan <name>' not specified");
});

test('the plan is not deployed → exit 2 with one line', async () => {
  // GIVEN a region with the prod platform's plans only
  apigw.on(GetUsagePlansCommand).resolves({ items: [{ id: 'up-x', name: 'shop-pro' }] });
  // WHEN
  const run = await runOps(...REGION, 'usage', '--plan', 'pro');
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toBe('error: no usage plan named shop-dev-pro in eu-west-1: is the platform deployed there?\n');
});

test('access denied on GetUsage → exit 2 and one error line', async () => {
  // GIVEN a caller who may list plans and keys but not read usage
  givenProPlan();
  apigw.on(GetUsageCommand).rejects(
    new APIGatewayServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:eu-west-1::/usageplans/up-pro/usage',
    }),
  );
  // WHEN
  const run = await runOps(...REGION, 'usage', '--plan', 'pro', ...RANGE);
  // THEN
  expect(run.code).toBe(2);
  expect(run.stderr).toBe(
    'error: access denied: not authorized to perform: apigateway:GET on resource: arn:aws:apigateway:eu-west-1::/usageplans/up-pro/usage\n',
  );
  expect(run.stdout).toBe('');
});

test('as a child process: the table, exit 0', () => {
  // GIVEN the scenario usage-pro (the same plan, keys and usage, without the removed key)
  // WHEN
  const run = runOpsProcess(['usage', '--plan', 'pro', ...RANGE], { scenario: 'usage-pro' });
  // THEN
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toBe(
    [
      'usage plan shop-dev-pro (up-pro), 2026-03-01 to 2026-03-15, at $4.0333 per million calls',
      'key            key id  calls  est. USD',
      '-------------  ------  -----  --------',
      'shop-dev-beta  k-beta   1000   $0.0040',
      'shop-dev-acme  k-acme    400   $0.0016',
      'shop-dev-idle  k-idle      0   $0.0000',
      '',
      'total (3 keys): 1,400 calls, $0.0056',
      '',
    ].join('\n'),
  );
});
