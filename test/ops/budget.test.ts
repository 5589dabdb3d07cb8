import 'aws-sdk-client-mock-jest';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AccessDeniedException,
  BudgetsClient,
  DescribeBudgetsCommand,
  DescribeNotificationsForBudgetCommand,
  NotFoundException,
} from '@aws-sdk/client-budgets';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { runOps, runOpsChild, runOpsProcess } from './helpers/run';
import {
  ACCOUNT,
  NOTIFICATIONS_ALARM,
  NOTIFICATIONS_FORECAST_ONLY,
  NOTIFICATIONS_OK,
  OTHER_BUDGETS,
  platformBudget,
} from './scenarios/budget-fixtures';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const budgets = mockClient(BudgetsClient);
const sts = mockClient(STSClient);

const SHOP_BUDGET = platformBudget('shop');
const NO_BUDGET =
  'error: no budget for platform shop: is the platform deployed, and is the cost allocation tag `platform` activated?';

beforeEach(() => {
  budgets.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
});

afterAll(() => {
  budgets.restore();
  sts.restore();
});

/** DescribeBudgets answers the other budgets on page 1 and the platform's on page 2. */
function twoPages(notifications = NOTIFICATIONS_OK): void {
  budgets
    .on(DescribeBudgetsCommand)
    .resolvesOnce({ Budgets: OTHER_BUDGETS, NextToken: 'token-2' })
    .resolvesOnce({ Budgets: [SHOP_BUDGET] });
  budgets.on(DescribeNotificationsForBudgetCommand).resolves({ Notifications: notifications });
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('budget: finding the platform budget', () => {
  test('pages DescribeBudgets with NextToken and finds the platform budget on page 2', async () => {
    // GIVEN an account whose budgets take two pages, the platform's on the second
    twoPages();

    // WHEN the operator asks for prod's budget
    const run = await runOps('--env', 'prod', 'budget');

    // THEN both pages were read, the second with the first's token, for the caller's account
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(budgets).toHaveReceivedCommandTimes(DescribeBudgetsCommand, 2);
    expect(budgets).toHaveReceivedNthCommandWith(1, DescribeBudgetsCommand, { AccountId: ACCOUNT });
    expect(budgets.commandCalls(DescribeBudgetsCommand)[0]!.args[0].input.NextToken).toBeUndefined();
    expect(budgets).toHaveReceivedNthCommandWith(2, DescribeBudgetsCommand, { AccountId: ACCOUNT, NextToken: 'token-2' });
    // AND the notifications are those of the platform's budget, not of shop-dev's on page 1
    expect(budgets).toHaveReceivedCommandWith(DescribeNotificationsForBudgetCommand, {
      AccountId: ACCOUNT,
      BudgetName: 'shop-Budget-1A2B3C4D5E6F',
    });
    expect(budgets).toHaveReceivedCommandTimes(DescribeNotificationsForBudgetCommand, 1);
    expect(run.stdout).toBe(
      [
        'budget    shop-Budget-1A2B3C4D5E6F (platform shop, account 111122223333)',
        'limit     500.00 USD monthly',
        'actual    412.50 USD  (82.5% of the limit)',
        'forecast  610.00 USD  (122.0% of the limit)',
        '',
        'notification  threshold  state',
        '------------  ---------  -----',
        'ACTUAL        > 50%      OK',
        'ACTUAL        > 80%      OK',
        'ACTUAL        > 100%     OK',
        'FORECASTED    > 100%     OK',
        '',
      ].join('\n'),
    );
  });

  test('the dev environment finds its own budget (shop-dev), not prod\'s', async () => {
    // GIVEN both platforms' budgets in one account
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [SHOP_BUDGET, ...OTHER_BUDGETS] });
    budgets.on(DescribeNotificationsForBudgetCommand).resolves({ Notifications: NOTIFICATIONS_OK });

    // WHEN the operator asks for the default environment (dev)
    const run = await runOps('budget');

    // THEN shop-dev's budget is the one shown
    expect(run.code).toBe(0);
    expect(budgets).toHaveReceivedCommandWith(DescribeNotificationsForBudgetCommand, { BudgetName: 'shop-dev-Budget-9Z8Y7X' });
    expect(run.stdout).toContain('budget    shop-dev-Budget-9Z8Y7X (platform shop-dev');
  });

  test('no budget with the platform tag: exit 2 and what to check', async () => {
    // GIVEN an account with budgets, none of them COST on the tag user:platform$shop
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: OTHER_BUDGETS });

    // WHEN the operator asks for prod's budget
    const run = await runOps('--env', 'prod', 'budget');

    // THEN one error line, exit 2, and no notifications asked for
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`^${escape(NO_BUDGET)} \\(looked for a COST budget filtered on user:platform\\$shop among 3 budget\\(s\\) of account 111122223333\\)\n$`));
    expect(budgets).toHaveReceivedCommandTimes(DescribeNotificationsForBudgetCommand, 0);
  });

  test('an account without any budget (DescribeBudgets: NotFoundException) is "no budget", exit 2', async () => {
    // GIVEN an account where Budgets answers NotFoundException: there are no budgets at all
    budgets.on(DescribeBudgetsCommand).rejects(new NotFoundException({ message: 'Unable to get budgets for account 111122223333', $metadata: {} }));

    // WHEN the operator asks for prod's budget
    const run = await runOps('--env', 'prod', 'budget');

    // THEN the same message as for a missing budget
    expect(run.code).toBe(2);
    expect(run.stderr.startsWith(NO_BUDGET)).toBe(true);
  });

  test('two budgets on the platform tag: the first is shown, and a note says so', async () => {
    // GIVEN two COST budgets filtered on the platform tag
    const second = platformBudget('shop', { BudgetName: 'shop-manual-copy' });
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [SHOP_BUDGET, second] });
    budgets.on(DescribeNotificationsForBudgetCommand).resolves({ Notifications: NOTIFICATIONS_OK });

    // WHEN the operator asks for prod's budget
    const run = await runOps('--env', 'prod', 'budget');

    // THEN the first is used and the note names both
    expect(run.code).toBe(0);
    expect(budgets).toHaveReceivedCommandWith(DescribeNotificationsForBudgetCommand, { BudgetName: SHOP_BUDGET.BudgetName });
    expect(run.stderr).toBe(
      'note: 2 COST budgets filter on user:platform$shop: shop-Budget-1A2B3C4D5E6F, shop-manual-copy; showing the first\n',
    );
  });

});

describe('budget: notifications and the exit code', () => {
  test('ACTUAL notifications in ALARM: exit 1, the table, and which thresholds spend is over', async () => {
    // GIVEN the platform's budget with ACTUAL 50 % and 80 % in ALARM
    twoPages(NOTIFICATIONS_ALARM);

    // WHEN the operator asks for prod's budget
    const run = await runOps('--env', 'prod', 'budget');

    // THEN the check fails with exit 1, and the output says which notifications fired
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      [
        'notification  threshold  state',
        '------------  ---------  -----',
        'ACTUAL        > 50%      ALARM',
        'ACTUAL        > 80%      ALARM',
        'ACTUAL        > 100%     OK',
        'FORECASTED    > 100%     ALARM',
        '',
        'over a threshold: actual spend > 50%, > 80% this period',
      ].join('\n'),
    );
  });

  test('no notification in ALARM: exit 0', async () => {
    // GIVEN every notification OK
    twoPages(NOTIFICATIONS_OK);
    // WHEN the operator asks for prod's budget
    const run = await runOps('--env', 'prod', 'budget');
    // THEN the check passes
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('ALARM');
    expect(run.stdout).not.toContain('over a threshold');
  });

  test('only the FORECASTED notification in ALARM: shown, but exit 0 (spend is not over a threshold yet)', async () => {
    // GIVEN only the forecast fired
    twoPages(NOTIFICATIONS_FORECAST_ONLY);
    // WHEN the operator asks for prod's budget
    const run = await runOps('--env', 'prod', 'budget');
    // THEN it is shown, and the check passes
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('FORECASTED    > 100%     ALARM');
  });

  test('a budget without notifications and without spend yet: dashes, exit 0', async () => {
    // GIVEN a new budget: no calculated spend, and Budgets answers NotFoundException for notifications
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [platformBudget('shop', { CalculatedSpend: undefined })] });
    budgets.on(DescribeNotificationsForBudgetCommand).rejects(new NotFoundException({ message: 'no notifications', $metadata: {} }));
    // WHEN the operator asks for prod's budget
    const run = await runOps('--env', 'prod', 'budget');
    // THEN
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('actual    -\nforecast  -\n\nno notifications\n');
  });

  test('--json: one document with the budget, the notifications and the verdict', async () => {
    // GIVEN notifications in ALARM
    twoPages(NOTIFICATIONS_ALARM);
    // WHEN the operator asks for JSON
    const run = await runOps('--env', 'prod', '--json', 'budget');
    // THEN stdout parses as the report
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      platform: 'shop',
      account: ACCOUNT,
      budget: {
        name: 'shop-Budget-1A2B3C4D5E6F',
        timeUnit: 'MONTHLY',
        limit: { amount: 500, unit: 'USD' },
        actual: { amount: 412.5, unit: 'USD' },
        forecast: { amount: 610, unit: 'USD' },
        actualPercentOfLimit: 82.5,
        forecastPercentOfLimit: 122,
      },
      configMonthlyBudgetUsd: 500,
      notifications: [
        { type: 'ACTUAL', comparison: 'GREATER_THAN', threshold: 50, thresholdType: 'PERCENTAGE', state: 'ALARM' },
        { type: 'ACTUAL', comparison: 'GREATER_THAN', threshold: 80, thresholdType: 'PERCENTAGE', state: 'ALARM' },
        { type: 'ACTUAL', comparison: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE', state: 'OK' },
        { type: 'FORECASTED', comparison: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE', state: 'ALARM' },
      ],
      overThreshold: true,
    });
  });
});

describe('budget: the live limit against the config', () => {
  test('a live limit other than cost.monthlyBudgetUsd is noted on stderr', async () => {
    // GIVEN a live limit of 650 USD, and prod's config says 500
    budgets.on(DescribeBudgetsCommand).resolves({ Budgets: [platformBudget('shop', { BudgetLimit: { Amount: '650.0', Unit: 'USD' } })] });
    budgets.on(DescribeNotificationsForBudgetCommand).resolves({ Notifications: NOTIFICATIONS_OK });

    // WHEN the operator asks for prod's budget
    const run = await runOps('--env', 'prod', 'budget');

    // THEN a note names both numbers and the file, and the check is unaffected
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'note: the live limit (650.00 USD) differs from cost.monthlyBudgetUsd in bin/environments/prod.ts (500.00 USD): ' +
        'the config has changed and is not deployed, or the budget was changed outside CloudFormation (the next deploy sets it back)\n',
    );
    expect(run.stdout).toContain('limit     650.00 USD monthly');
  });

  test('the same limit (Budgets writes "500.0") gives no note', async () => {
    twoPages();
    const run = await runOps('--env', 'prod', 'budget');
    expect(run.stderr).toBe('');
  });
});

describe('budget: AWS errors', () => {
  test('access denied on DescribeBudgets: exit 2 and one "error: access denied: …" line', async () => {
    // GIVEN credentials without budgets:ViewBudget
    const message = 'User: arn:aws:iam::111122223333:user/ops is not authorized to perform: budgets:ViewBudget';
    budgets.on(DescribeBudgetsCommand).rejects(new AccessDeniedException({ message, $metadata: { httpStatusCode: 403 } }));

    // WHEN the operator asks for prod's budget
    const run = await runOps('--env', 'prod', 'budget');

    // THEN exactly one line on stderr, nothing on stdout, exit 2
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: access denied: ${message}\n`);
  });

  test('access denied on DescribeNotificationsForBudget: exit 2 too', async () => {
    twoPages();
    budgets.on(DescribeNotificationsForBudgetCommand).rejects(new AccessDeniedException({ message: 'denied', $metadata: {} }));
    const run = await runOps('--env', 'prod', 'budget');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: access denied: denied\n');
  });
});

describe('budget as a child process', () => {
  test('bin/ops.ts budget with an ALARM notification: exit 1 and the table', () => {
    // GIVEN the budget-alarm scenario (platform budget on page 2, ACTUAL 50 % and 80 % in ALARM)
    // WHEN an operator runs the CLI
    const run = runOpsProcess(['--env', 'prod', 'budget'], { scenario: 'budget-alarm' });

    // THEN exit 1, the budget and its notifications, nothing on stderr
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('budget    shop-Budget-1A2B3C4D5E6F (platform shop, account 111122223333)');
    expect(run.stdout).toContain('ACTUAL        > 80%      ALARM');
    expect(run.stdout).toContain('over a threshold: actual spend > 50%, > 80% this period');
  });
});

/**
 * The SDK's retries, for real: aws-sdk-client-mock replaces `send` and with it the retry
 * middleware. So the CLI runs as a child process with its real BudgetsClient (standard retry
 * strategy, 5 attempts) pointed at a fake Budgets endpoint on 127.0.0.1 (AWS_ENDPOINT_URL_BUDGETS);
 * only STS is mocked (scenario sts-caller). The child is spawned asynchronously: spawnSync would
 * block this process, and with it the fake endpoint.
 */
describe('budget against a throttling Budgets endpoint', () => {
  interface Reply {
    readonly status: number;
    readonly body: unknown;
  }
  const requests: { target: string; body: any }[] = [];
  let replies: Record<string, Reply[]> = {};
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      requests.push({ target, body: JSON.parse(body || '{}') });
      const queue = replies[target] ?? [];
      const reply = (queue.length > 1 ? queue.shift() : queue[0]) ?? { status: 400, body: { __type: 'ValidationException', Message: `no reply for ${target}` } };
      res.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fake' });
      res.end(JSON.stringify(reply.body));
    });
  });
  let endpoint = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('DescribeBudgets throttled once is retried by the SDK, and the run succeeds', async () => {
    // GIVEN a Budgets endpoint that throttles the first DescribeBudgets, then answers
    replies = {
      'AWSBudgetServiceGateway.DescribeBudgets': [
        { status: 400, body: { __type: 'ThrottlingException', Message: 'Rate exceeded' } },
        { status: 200, body: { Budgets: [{ ...SHOP_BUDGET }] } },
      ],
      'AWSBudgetServiceGateway.DescribeNotificationsForBudget': [{ status: 200, body: { Notifications: NOTIFICATIONS_OK } }],
    };

    // WHEN an operator runs the CLI with (fake) credentials against it
    const run = await runOpsChild(['--env', 'prod', 'budget'], {
      scenario: 'sts-caller',
      env: {
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_ENDPOINT_URL_BUDGETS: endpoint,
      },
    });

    // THEN the same DescribeBudgets was sent twice, and the budget is shown
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(requests.map((r) => r.target)).toEqual([
      'AWSBudgetServiceGateway.DescribeBudgets',
      'AWSBudgetServiceGateway.DescribeBudgets',
      'AWSBudgetServiceGateway.DescribeNotificationsForBudget',
    ]);
    expect(requests[1]!.body).toEqual(requests[0]!.body);
    expect(requests[0]!.body).toEqual({ AccountId: ACCOUNT, MaxResults: 100 });
    expect(run.stdout).toContain('budget    shop-Budget-1A2B3C4D5E6F (platform shop, account 111122223333)');
  }, 20_000);
});

/** A string as a literal in a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
