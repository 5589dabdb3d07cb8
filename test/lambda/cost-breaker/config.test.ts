import 'aws-sdk-client-mock-jest';
import { ConfigError, loadConfig } from '../../../lambda/cost-breaker/config';
import { loadBreaker, SPEND_ALARM, VALID_ENV } from './helpers/load';
import { captureConsole } from './helpers/logs';
import { alarmMessage, snsEvent, stage } from './helpers/messages';

afterEach(() => {
  jest.restoreAllMocks();
});

describe('cost-breaker configuration', () => {
  test('reads every variable', () => {
    // GIVEN a complete environment with spaces and empty entries in ALARM_NAMES
    // WHEN it is loaded
    const config = loadConfig({ ...VALID_ENV, ALARM_NAMES: ' a ,b,, a ', FLOOR_RATE_LIMIT: '2.5', TRIP_ON_BUDGET_PERCENT: '80' });

    // THEN every value is parsed
    expect(config).toEqual({
      restApiId: 'a1b2c3d4e5',
      stageName: 'prod',
      floor: { rateLimit: 2.5, burstLimit: 20 },
      alarmNames: new Set(['a', 'b']),
      budgetName: 'shop-monthly',
      budgetLimitUsd: 500,
      tripOnBudgetPercent: 80,
      platform: 'shop',
    });
  });

  test.each([undefined, '', '  '])('TRIP_ON_BUDGET_PERCENT %p means 100', (value) => {
    // GIVEN no trip percentage  WHEN loaded  THEN the default applies
    expect(loadConfig({ ...VALID_ENV, TRIP_ON_BUDGET_PERCENT: value }).tripOnBudgetPercent).toBe(100);
  });

  test('a floor of 0 is valid (the stage then refuses every request)', () => {
    // GIVEN a zero floor  WHEN loaded  THEN it is kept
    expect(loadConfig({ ...VALID_ENV, FLOOR_RATE_LIMIT: '0', FLOOR_BURST_LIMIT: '0' }).floor).toEqual({ rateLimit: 0, burstLimit: 0 });
  });

  test.each<[string, Record<string, string | undefined>, RegExp]>([
    ['no REST_API_ID', { REST_API_ID: undefined }, /^REST_API_ID is required$/],
    ['a REST_API_ID with a slash', { REST_API_ID: 'abc/def' }, /^REST_API_ID must be/],
    ['no STAGE_NAME', { STAGE_NAME: ' ' }, /^STAGE_NAME is required$/],
    ['a STAGE_NAME with a space', { STAGE_NAME: 'my stage' }, /^STAGE_NAME must be/],
    ['no FLOOR_RATE_LIMIT', { FLOOR_RATE_LIMIT: undefined }, /^FLOOR_RATE_LIMIT is required$/],
    ['a negative FLOOR_RATE_LIMIT', { FLOOR_RATE_LIMIT: '-1' }, /^FLOOR_RATE_LIMIT must be a non-negative number \(got "-1"\)$/],
    ['a FLOOR_RATE_LIMIT that is no number', { FLOOR_RATE_LIMIT: 'ten' }, /^FLOOR_RATE_LIMIT must be/],
    ['a FLOOR_RATE_LIMIT in hex', { FLOOR_RATE_LIMIT: '0x10' }, /^FLOOR_RATE_LIMIT must be/],
    ['an infinite FLOOR_RATE_LIMIT', { FLOOR_RATE_LIMIT: 'Infinity' }, /^FLOOR_RATE_LIMIT must be/],
    ['no FLOOR_BURST_LIMIT', { FLOOR_BURST_LIMIT: '' }, /^FLOOR_BURST_LIMIT is required$/],
    ['a fractional FLOOR_BURST_LIMIT', { FLOOR_BURST_LIMIT: '2.5' }, /^FLOOR_BURST_LIMIT must be a non-negative integer/],
    ['no ALARM_NAMES', { ALARM_NAMES: undefined }, /^ALARM_NAMES is required/],
    ['only commas as ALARM_NAMES', { ALARM_NAMES: ' , ,' }, /^ALARM_NAMES is required/],
    ['no BUDGET_NAME', { BUDGET_NAME: undefined }, /^BUDGET_NAME is required$/],
    ['no BUDGET_LIMIT_USD', { BUDGET_LIMIT_USD: undefined }, /^BUDGET_LIMIT_USD is required$/],
    ['a zero BUDGET_LIMIT_USD', { BUDGET_LIMIT_USD: '0' }, /^BUDGET_LIMIT_USD must be a positive number/],
    ['a BUDGET_LIMIT_USD with a dollar sign', { BUDGET_LIMIT_USD: '$500' }, /^BUDGET_LIMIT_USD must be/],
    ['a zero TRIP_ON_BUDGET_PERCENT', { TRIP_ON_BUDGET_PERCENT: '0' }, /^TRIP_ON_BUDGET_PERCENT must be a positive number/],
    ['a TRIP_ON_BUDGET_PERCENT with a percent sign', { TRIP_ON_BUDGET_PERCENT: '80%' }, /^TRIP_ON_BUDGET_PERCENT must be/],
    ['no PLATFORM', { PLATFORM: undefined }, /^PLATFORM is required$/],
  ])('rejects %s, naming the variable', (_name, change, message) => {
    // GIVEN a broken environment  WHEN loaded  THEN a ConfigError names the variable
    const load = () => loadConfig({ ...VALID_ENV, ...change });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  test('a long bad value is shortened in the message', () => {
    // GIVEN a very long invalid value  WHEN loaded  THEN the message shows only its start
    expect(() => loadConfig({ ...VALID_ENV, FLOOR_RATE_LIMIT: 'x'.repeat(500) })).toThrow(/got "x{40}…"\)$/);
  });
});

describe('a broken configuration at cold start', () => {
  test.each([
    ['FLOOR_RATE_LIMIT', { ...VALID_ENV, FLOOR_RATE_LIMIT: 'lots' }],
    ['REST_API_ID', { ...VALID_ENV, REST_API_ID: undefined }],
    ['ALARM_NAMES', { ...VALID_ENV, ALARM_NAMES: '' }],
    ['BUDGET_LIMIT_USD', { ...VALID_ENV, BUDGET_LIMIT_USD: '-5' }],
  ])('%s: every invocation throws, naming the variable, and nothing is called', async (variable, env) => {
    // GIVEN a breaker cold-started with a broken environment
    const logs = captureConsole();
    const breaker = loadBreaker(env);
    breaker.apiGateway.on(breaker.GetStageCommand).resolves(stage({ rateLimit: 500, burstLimit: 1000 }));

    // WHEN it is invoked, twice, even with a valid spend alarm
    const event = snsEvent(alarmMessage(SPEND_ALARM, 'ALARM'));
    const expected = new RegExp(`^cost-breaker: invalid configuration: ${variable} `);

    // THEN each invocation fails with a message naming the variable
    await expect(breaker.handler(event)).rejects.toThrow(expected);
    await expect(breaker.handler(event)).rejects.toThrow(expected);
    // AND API Gateway is never called
    expect(breaker.apiGateway.calls()).toHaveLength(0);
    // AND the cold start logged it once
    expect(logs.records()).toEqual([expect.objectContaining({ level: 'ERROR', reason: 'config_invalid', detail: expect.stringMatching(new RegExp(`^${variable} `)) })]);
  });
});
