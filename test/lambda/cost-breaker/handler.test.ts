/**
 * The breaker's handler against a mocked API Gateway (aws-sdk-client-mock): which messages trip it,
 * the exact UpdateStage it sends, that it never raises a limit, its logs and its EMF metrics, and
 * how it fails. Each test cold-starts the module (helpers/load.ts).
 */
import 'aws-sdk-client-mock-jest';
import { BUDGET_NAME, FLOOR, type LoadedBreaker, loadBreaker, OTHER_SPEND_ALARM, PLATFORM, REST_API_ID, SPEND_ALARM, STAGE_NAME, VALID_ENV } from './helpers/load';
import { type Captured, captureConsole } from './helpers/logs';
import { alarmMessage, budgetMessage, snsEvent, stage } from './helpers/messages';

const RATE_PATCH = { op: 'replace', path: '/*/*/throttling/rateLimit', value: String(FLOOR.rateLimit) };
const BURST_PATCH = { op: 'replace', path: '/*/*/throttling/burstLimit', value: String(FLOOR.burstLimit) };
/** The stage's throttle before the breaker trips: well above the floor. */
const NORMAL = { rateLimit: 500, burstLimit: 1000 };

let logs: Captured;

beforeEach(() => {
  logs = captureConsole();
});

afterEach(() => {
  jest.restoreAllMocks();
});

/** A breaker with the valid configuration whose GetStage answers `limits`. */
function breakerWithStage(limits: { rateLimit?: number; burstLimit?: number } | undefined, env = VALID_ENV): LoadedBreaker {
  const breaker = loadBreaker(env);
  breaker.apiGateway.on(breaker.GetStageCommand).resolves(stage(limits));
  breaker.apiGateway.on(breaker.UpdateStageCommand).resolves({});
  return breaker;
}

function expectNoSdkCall(breaker: LoadedBreaker): void {
  expect(breaker.apiGateway.calls()).toHaveLength(0);
}

const decision = (reason: string) => logs.records().filter((r) => r.reason === reason);

describe('spend alarms', () => {
  test('ALARM from a listed spend alarm lowers both limits to the floor with exactly one GetStage and one UpdateStage', async () => {
    // GIVEN a stage throttled well above the floor
    const breaker = breakerWithStage(NORMAL);

    // WHEN a listed spend alarm goes from OK to ALARM
    const result = await breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM', 'OK')));

    // THEN the stage is read, then updated with exactly the two replace operations
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.GetStageCommand, 1);
    expect(breaker.apiGateway).toHaveReceivedCommandWith(breaker.GetStageCommand, { restApiId: REST_API_ID, stageName: STAGE_NAME });
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.UpdateStageCommand, 1);
    expect(breaker.apiGateway).toHaveReceivedCommandWith(breaker.UpdateStageCommand, {
      restApiId: REST_API_ID,
      stageName: STAGE_NAME,
      patchOperations: [RATE_PATCH, BURST_PATCH],
    });
    expect(breaker.apiGateway.commandCalls(breaker.UpdateStageCommand)[0].args[0].input).toEqual({
      restApiId: REST_API_ID,
      stageName: STAGE_NAME,
      patchOperations: [RATE_PATCH, BURST_PATCH],
    });
    expect(breaker.apiGateway.calls()).toHaveLength(2);
    expect(result).toEqual({ triggers: 1, unrecognized: 0, outcome: 'tripped' });
    // AND one line tells what tripped it and the limits before and after
    expect(decision('tripped')).toEqual([
      expect.objectContaining({
        level: 'WARN',
        alarmName: SPEND_ALARM,
        restApiId: REST_API_ID,
        stageName: STAGE_NAME,
        previous: NORMAL,
        new: FLOOR,
      }),
    ]);
    expect(decision('spend_alarm')).toEqual([expect.objectContaining({ level: 'INFO', alarmName: SPEND_ALARM, newState: 'ALARM', oldState: 'OK' })]);
  });

  test('every listed alarm trips it, not only the first', async () => {
    // GIVEN the second of the two listed alarms
    const breaker = breakerWithStage(NORMAL);
    // WHEN it goes to ALARM
    await breaker.handler(snsEvent(alarmMessage(OTHER_SPEND_ALARM, 'ALARM')));
    // THEN the stage is updated
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.UpdateStageCommand, 1);
  });

  test('a second ALARM when the stage is already at the floor changes nothing', async () => {
    // GIVEN a stage whose throttle is the floor (the first ALARM set it)
    const breaker = breakerWithStage(FLOOR);

    // WHEN the alarm fires again
    const result = await breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM')));

    // THEN the stage is read but not updated, and the decision is logged
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.GetStageCommand, 1);
    expect(breaker.apiGateway).not.toHaveReceivedCommand(breaker.UpdateStageCommand);
    expect(result.outcome).toBe('already_at_floor');
    expect(decision('already_at_floor')).toEqual([expect.objectContaining({ level: 'INFO', alarmName: SPEND_ALARM, previous: FLOOR, floor: FLOOR })]);
  });

  test('limits an operator set below the floor are never raised', async () => {
    // GIVEN a stage throttled below the floor
    const breaker = breakerWithStage({ rateLimit: 2, burstLimit: 5 });

    // WHEN a spend alarm fires
    await breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM')));

    // THEN nothing is updated
    expect(breaker.apiGateway).not.toHaveReceivedCommand(breaker.UpdateStageCommand);
    expect(decision('already_at_floor')).toHaveLength(1);
  });

  test.each([
    ['the rate above, the burst below', { rateLimit: 50, burstLimit: 5 }, [RATE_PATCH], { rateLimit: FLOOR.rateLimit, burstLimit: 5 }],
    ['the rate below, the burst above', { rateLimit: 3, burstLimit: 400 }, [BURST_PATCH], { rateLimit: 3, burstLimit: FLOOR.burstLimit }],
    ['the rate at the floor, the burst above', { rateLimit: FLOOR.rateLimit, burstLimit: 21 }, [BURST_PATCH], FLOOR],
    ['no burst limit on the stage', { rateLimit: 5 }, [BURST_PATCH], { rateLimit: 5, burstLimit: FLOOR.burstLimit }],
    ['no default method settings at all', undefined, [RATE_PATCH, BURST_PATCH], FLOOR],
    ['-1 (no limit) for both', { rateLimit: -1, burstLimit: -1 }, [RATE_PATCH, BURST_PATCH], FLOOR],
  ])('%s: only the limits above the floor (or absent) are replaced', async (_name, current, patch, after) => {
    // GIVEN a stage with `current` default throttling
    const breaker = breakerWithStage(current);

    // WHEN a spend alarm fires
    await breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM')));

    // THEN exactly the operations for the limits that must drop are sent
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.UpdateStageCommand, 1);
    expect(breaker.apiGateway.commandCalls(breaker.UpdateStageCommand)[0].args[0].input.patchOperations).toEqual(patch);
    expect(decision('tripped')[0]).toMatchObject({ new: after });
  });

  test.each<['OK' | 'INSUFFICIENT_DATA', 'ALARM' | 'OK' | 'INSUFFICIENT_DATA']>([
    ['OK', 'ALARM'],
    ['INSUFFICIENT_DATA', 'OK'],
    ['INSUFFICIENT_DATA', 'ALARM'],
  ])('a listed alarm going to %s (from %s) makes no SDK call', async (newState, oldState) => {
    // GIVEN a listed spend alarm
    const breaker = breakerWithStage(NORMAL);

    // WHEN it leaves ALARM or has no data
    const result = await breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, newState, oldState)));

    // THEN no API call is made, and the decision is logged
    expectNoSdkCall(breaker);
    expect(result).toEqual({ triggers: 0, unrecognized: 0, outcome: 'no_trigger' });
    expect(decision('alarm_not_in_alarm_state')).toEqual([expect.objectContaining({ level: 'INFO', alarmName: SPEND_ALARM, newState, oldState })]);
  });

  test("another alarm's ALARM makes no SDK call", async () => {
    // GIVEN an alarm that is not a listed spend alarm (a name that merely starts like one)
    const breaker = breakerWithStage(NORMAL);

    // WHEN it goes to ALARM
    await breaker.handler(snsEvent(alarmMessage(`${SPEND_ALARM}-latency`, 'ALARM'), alarmMessage('shop-5xx', 'ALARM')));

    // THEN nothing is called, and both are logged as ignored
    expectNoSdkCall(breaker);
    expect(decision('alarm_not_listed').map((r) => r.alarmName)).toEqual([`${SPEND_ALARM}-latency`, 'shop-5xx']);
  });
});

describe('AWS Budgets notifications', () => {
  test('ACTUAL at 100 % of the budget trips the breaker', async () => {
    // GIVEN the platform's budget of $500
    const breaker = breakerWithStage(NORMAL);

    // WHEN AWS Budgets reports ACTUAL spend over a $500 threshold
    const result = await breaker.handler(
      snsEvent(budgetMessage({ budgetName: BUDGET_NAME, alertType: 'ACTUAL', thresholdUsd: 500, budgetedUsd: 500, amountUsd: 503.1 })),
    );

    // THEN the stage is lowered to the floor
    expect(breaker.apiGateway).toHaveReceivedCommandWith(breaker.UpdateStageCommand, { patchOperations: [RATE_PATCH, BURST_PATCH] });
    expect(result.outcome).toBe('tripped');
    expect(decision('budget_threshold_reached')).toEqual([
      expect.objectContaining({ budgetName: BUDGET_NAME, alertType: 'ACTUAL', thresholdUsd: 500, thresholdPercent: 100, budgetedUsd: 500, amountUsd: 503.1 }),
    ]);
    expect(decision('tripped')).toEqual([expect.objectContaining({ budgetName: BUDGET_NAME, previous: NORMAL, new: FLOOR })]);
  });

  test('ACTUAL above 100 % (a 120 % threshold) trips it too', async () => {
    const breaker = breakerWithStage(NORMAL);
    // WHEN the threshold is $600 of $500
    await breaker.handler(snsEvent(budgetMessage({ budgetName: BUDGET_NAME, alertType: 'ACTUAL', thresholdUsd: 600, budgetedUsd: 500, amountUsd: 601 })));
    // THEN it trips
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.UpdateStageCommand, 1);
  });

  test('ACTUAL at 80 % of the budget is ignored', async () => {
    // GIVEN the default trip percentage (100)
    const breaker = breakerWithStage(NORMAL);

    // WHEN AWS Budgets reports ACTUAL spend over $400 of $500
    await breaker.handler(snsEvent(budgetMessage({ budgetName: BUDGET_NAME, alertType: 'ACTUAL', thresholdUsd: 400, budgetedUsd: 500, amountUsd: 412.34 })));

    // THEN nothing is called
    expectNoSdkCall(breaker);
    expect(decision('budget_threshold_below_trip_percent')).toEqual([expect.objectContaining({ budgetName: BUDGET_NAME, thresholdPercent: 80, tripOnBudgetPercent: 100 })]);
  });

  test('with TRIP_ON_BUDGET_PERCENT=80, the 80 % notification trips it', async () => {
    // GIVEN a breaker that trips at 80 % of the budget
    const breaker = breakerWithStage(NORMAL, { ...VALID_ENV, TRIP_ON_BUDGET_PERCENT: '80' });

    // WHEN AWS Budgets reports ACTUAL spend over $400 of $500 (80.000…01 % in floating point)
    await breaker.handler(snsEvent(budgetMessage({ budgetName: BUDGET_NAME, alertType: 'ACTUAL', thresholdUsd: 400, budgetedUsd: 500, amountUsd: 400.01 })));

    // THEN it trips
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.UpdateStageCommand, 1);
  });

  test('without a Budgeted Amount line, the percentage is of BUDGET_LIMIT_USD', async () => {
    // GIVEN BUDGET_LIMIT_USD=500 and a notification that does not state the budgeted amount
    const breaker = breakerWithStage(NORMAL);

    // WHEN the thresholds are $500 (100 %) and $499 (99.8 %)
    await breaker.handler(snsEvent(budgetMessage({ budgetName: BUDGET_NAME, alertType: 'ACTUAL', thresholdUsd: 499, amountUsd: 499.5 })));
    expectNoSdkCall(breaker);
    await breaker.handler(snsEvent(budgetMessage({ budgetName: BUDGET_NAME, alertType: 'ACTUAL', thresholdUsd: 500, amountUsd: 500.5 })));

    // THEN only the 100 % one trips, and the log says where the budget came from
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.UpdateStageCommand, 1);
    expect(decision('budget_threshold_reached')).toEqual([expect.objectContaining({ budgetedUsd: 500, budgetedFrom: 'BUDGET_LIMIT_USD' })]);
  });

  test('FORECASTED spend is ignored, even far above the budget', async () => {
    const breaker = breakerWithStage(NORMAL);
    // WHEN AWS Budgets forecasts 200 % of the budget
    await breaker.handler(snsEvent(budgetMessage({ budgetName: BUDGET_NAME, alertType: 'FORECASTED', thresholdUsd: 1000, budgetedUsd: 500, amountUsd: 1500 })));
    // THEN nothing is called
    expectNoSdkCall(breaker);
    expect(decision('budget_alert_forecasted')).toEqual([expect.objectContaining({ budgetName: BUDGET_NAME, alertType: 'FORECASTED' })]);
  });

  test("another budget's ACTUAL 100 % notification is ignored", async () => {
    const breaker = breakerWithStage(NORMAL);
    // WHEN another budget (whose name contains ours) is exceeded
    await breaker.handler(snsEvent(budgetMessage({ budgetName: `${BUDGET_NAME}-ec2`, alertType: 'ACTUAL', thresholdUsd: 100, budgetedUsd: 100, amountUsd: 150 })));
    // THEN nothing is called
    expectNoSdkCall(breaker);
    expect(decision('budget_not_listed')).toEqual([expect.objectContaining({ budgetName: `${BUDGET_NAME}-ec2` })]);
  });
});

describe('messages that are not understood', () => {
  const SECRET_TAIL = 'tail-that-must-not-be-logged-0123456789';

  test.each([
    ['plain text', `hello, this is not a notification at all and it goes on and on for a while ${SECRET_TAIL}`],
    ['truncated JSON', `{"AlarmName": "${SPEND_ALARM}", "NewStateValue": "ALARM", ${SECRET_TAIL}`],
    ['JSON of another shape', JSON.stringify({ detail: { state: 'ALARM' }, padding: 'x'.repeat(80), secret: SECRET_TAIL })],
    ['a JSON array', JSON.stringify([{ AlarmName: SPEND_ALARM, NewStateValue: 'ALARM' }, 'x'.repeat(80), SECRET_TAIL])],
    ['JSON with a numeric AlarmName', JSON.stringify({ AlarmName: 42, NewStateValue: 'ALARM', padding: 'x'.repeat(80), secret: SECRET_TAIL })],
    ['a budget notification without an alert type', `Budget Name: ${BUDGET_NAME}\nAlert Threshold: > $500.00\n${'x'.repeat(80)}${SECRET_TAIL}`],
    ['a budget notification without a threshold', `Budget Name: ${BUDGET_NAME}\nAlert Type: ACTUAL\n${'x'.repeat(80)}${SECRET_TAIL}`],
    ['JSON null', 'null'],
    ['an empty message', ''],
    ['a blank message', '  \n '],
  ])('%s: logged with a short preview, ignored, no throw, no SDK call', async (_name, message) => {
    // GIVEN a breaker
    const breaker = breakerWithStage(NORMAL);

    // WHEN the message arrives
    const result = await breaker.handler(snsEvent({ message }));

    // THEN the invocation succeeds without calling API Gateway
    expect(result).toEqual({ triggers: 0, unrecognized: 1, outcome: 'no_trigger' });
    expectNoSdkCall(breaker);
    // AND one WARN line says so, with at most a short preview of the message
    const [warning, ...others] = decision('unrecognized_message');
    expect(others).toEqual([]);
    expect(warning).toMatchObject({ level: 'WARN', length: message.length });
    expect(logs.lines.find((l) => l.line.includes('unrecognized_message'))?.method).toBe('warn');
    expect(String(warning.preview).length).toBeLessThanOrEqual(65);
    expect(logs.text()).not.toContain(SECRET_TAIL);
  });

  test('records without a message, and an event without records, are ignored too', async () => {
    const breaker = breakerWithStage(NORMAL);
    // WHEN the event is malformed in several ways
    await expect(breaker.handler({} as never)).resolves.toEqual({ triggers: 0, unrecognized: 0, outcome: 'no_trigger' });
    await expect(breaker.handler({ Records: [{}, null, { Sns: { Message: 42 } }] } as never)).resolves.toEqual({
      triggers: 0,
      unrecognized: 3,
      outcome: 'no_trigger',
    });
    // THEN nothing is called and each is logged
    expectNoSdkCall(breaker);
    expect(decision('unrecognized_message')).toHaveLength(4);
  });

  test('an unrecognized message does not stop the other records from tripping the breaker', async () => {
    const breaker = breakerWithStage(NORMAL);
    // WHEN garbage and a spend alarm arrive together
    const result = await breaker.handler(snsEvent({ message: 'garbage' }, alarmMessage(SPEND_ALARM, 'ALARM')));
    // THEN it trips
    expect(result).toEqual({ triggers: 1, unrecognized: 1, outcome: 'tripped' });
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.UpdateStageCommand, 1);
  });
});

describe('several records in one event', () => {
  test('trip the breaker once', async () => {
    // GIVEN a breaker
    const breaker = breakerWithStage(NORMAL);

    // WHEN two spend alarms and the budget notification arrive in one event, with an OK in between
    const result = await breaker.handler(
      snsEvent(
        alarmMessage(SPEND_ALARM, 'ALARM'),
        alarmMessage(OTHER_SPEND_ALARM, 'OK'),
        alarmMessage(OTHER_SPEND_ALARM, 'ALARM'),
        budgetMessage({ budgetName: BUDGET_NAME, alertType: 'ACTUAL', thresholdUsd: 500, budgetedUsd: 500, amountUsd: 510 }),
      ),
    );

    // THEN one GetStage and one UpdateStage are made, and the log names what asked for it
    expect(result).toEqual({ triggers: 3, unrecognized: 0, outcome: 'tripped' });
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.GetStageCommand, 1);
    expect(breaker.apiGateway).toHaveReceivedCommandTimes(breaker.UpdateStageCommand, 1);
    expect(decision('tripped')).toEqual([
      expect.objectContaining({
        alarmName: SPEND_ALARM,
        budgetName: BUDGET_NAME,
        triggers: [
          { reason: 'spend_alarm', alarmName: SPEND_ALARM },
          { reason: 'spend_alarm', alarmName: OTHER_SPEND_ALARM },
          { reason: 'budget_threshold_reached', budgetName: BUDGET_NAME },
        ],
      }),
    ]);
    expect(logs.emf().filter((d) => 'BreakerTripped' in d)).toHaveLength(1);
  });
});

describe('the BreakerTripped metric (EMF)', () => {
  const expectedDocument = (metric: string, value: number) => ({
    _aws: {
      Timestamp: expect.any(Number),
      CloudWatchMetrics: [{ Namespace: 'Platform/CostBreaker', Dimensions: [['Platform']], Metrics: [{ Name: metric, Unit: 'Count' }] }],
    },
    Platform: PLATFORM,
    [metric]: value,
  });

  test('is printed once, with the namespace, the Platform dimension and the value 1, when the stage was updated', async () => {
    const breaker = breakerWithStage(NORMAL);
    // WHEN the breaker trips
    await breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM')));
    // THEN one EMF document is printed on stdout (console.log: the text log format)
    const docs = logs.emf();
    expect(docs).toEqual([expect.objectContaining(expectedDocument('BreakerTripped', 1))]);
    expect(logs.lines.find((l) => l.line.includes('"_aws"'))?.method).toBe('log');
    expect(Math.abs((docs[0]._aws as { Timestamp: number }).Timestamp - Date.now())).toBeLessThan(60_000);
  });

  test.each([
    ['the stage is already at the floor', FLOOR, alarmMessage(SPEND_ALARM, 'ALARM')],
    ['nothing asked for it', NORMAL, alarmMessage(SPEND_ALARM, 'OK')],
  ])('is not printed when %s', async (_name, limits, message) => {
    const breaker = breakerWithStage(limits);
    // WHEN the breaker does not change the stage
    await breaker.handler(snsEvent(message));
    // THEN no metric is printed
    expect(breaker.apiGateway).not.toHaveReceivedCommand(breaker.UpdateStageCommand);
    expect(logs.emf()).toEqual([]);
  });

  test('BreakerIgnoredMessages counts the unrecognized messages of an invocation', async () => {
    const breaker = breakerWithStage(NORMAL);
    // WHEN two of three messages are not understood
    await breaker.handler(snsEvent({ message: 'x' }, { message: '{}' }, alarmMessage(SPEND_ALARM, 'OK')));
    // THEN one document counts them
    expect(logs.emf()).toEqual([expect.objectContaining(expectedDocument('BreakerIgnoredMessages', 2))]);
  });

  test('with the Lambda JSON log format, the document goes straight to stdout, not through the runtime console', async () => {
    // GIVEN the JSON log format, whose console.log would wrap the document and hide it from CloudWatch
    const breaker = breakerWithStage(NORMAL, { ...VALID_ENV, AWS_LAMBDA_LOG_FORMAT: 'JSON' });
    const written: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });

    // WHEN the breaker trips
    await breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM')));

    // THEN the EMF document is one line written to process.stdout, and console.log carried none
    expect(written).toHaveLength(1);
    expect(written[0].endsWith('\n')).toBe(true);
    expect(JSON.parse(written[0])).toEqual(expect.objectContaining(expectedDocument('BreakerTripped', 1)));
    expect(logs.emf()).toEqual([]);
  });
});

describe('API Gateway failures', () => {
  test.each([
    ['UpdateStage', 'AccessDeniedException', 403],
    ['UpdateStage', 'BadRequestException', 400],
    ['GetStage', 'AccessDeniedException', 403],
    ['GetStage', 'NotFoundException', 404],
  ])('%s failing with %s: the handler logs it, then throws it', async (operation, name, status) => {
    // GIVEN an API Gateway that refuses one call
    const breaker = breakerWithStage(NORMAL);
    const error = Object.assign(new Error(`${name}: refused`), { name, $fault: 'client', $metadata: { httpStatusCode: status, attempts: 1, totalRetryDelay: 0 } });
    breaker.apiGateway.on(operation === 'GetStage' ? breaker.GetStageCommand : breaker.UpdateStageCommand).rejects(error);

    // WHEN a spend alarm fires
    const invocation = breaker.handler(snsEvent(alarmMessage(SPEND_ALARM, 'ALARM')));

    // THEN the invocation fails with that error
    await expect(invocation).rejects.toBe(error);
    // AND an ERROR line was logged first, naming the call and the trigger
    expect(decision('api_error')).toEqual([
      expect.objectContaining({ level: 'ERROR', operation, errorName: name, httpStatusCode: status, alarmName: SPEND_ALARM, restApiId: REST_API_ID }),
    ]);
    expect(logs.lines.find((l) => l.line.includes('api_error'))?.method).toBe('error');
    // AND nothing claims the breaker tripped
    expect(decision('tripped')).toEqual([]);
    expect(logs.emf()).toEqual([]);
    if (operation === 'GetStage') expect(breaker.apiGateway).not.toHaveReceivedCommand(breaker.UpdateStageCommand);
  });
});
