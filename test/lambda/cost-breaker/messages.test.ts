/**
 * The message parser on its own: AWS Budgets notifications as AWS publishes them (the bodies
 * below follow notifications captured from SNS and published in public repositories), variants in
 * spacing, order and line endings, and the CloudWatch alarm shape.
 */
import type { BreakerConfig } from '../../../lambda/cost-breaker/config';
import { classify, parseAmount, parseBudgetNotification } from '../../../lambda/cost-breaker/messages';

const CONFIG: BreakerConfig = {
  restApiId: 'a1b2c3d4e5',
  stageName: 'prod',
  floor: { rateLimit: 10, burstLimit: 20 },
  alarmNames: new Set(['spend']),
  budgetName: 'Development EC2 Monthly Budget',
  budgetLimitUsd: 10,
  tripOnBudgetPercent: 100,
  platform: 'shop',
};

/** An ACTUAL notification of a daily budget, as AWS sent it (threshold configured as 15 %). */
const DAILY_ACTUAL =
  'AWS Budget Notification March 05, 2023\nAWS Account 123456789012\n\nDear AWS Customer,\n\nYou requested that we alert you when the ACTUAL Cost associated with your killswitch budget is greater than $0.75 per day. Yesterday, the ACTUAL Cost associated with this budget is $1.70. You can find additional details below and by accessing the AWS Budgets dashboard [1].\n\nBudget Name: killswitch\nBudget Type: Cost\nBudgeted Amount: $5.00\nAlert Type: ACTUAL\nAlert Threshold: > $0.75\nACTUAL Amount: $1.70\n\n[1] https://console.aws.amazon.com/billing/home#/budgets\n';

/** A FORECASTED notification whose budget name has spaces, as shown in an e-mail. */
const FORECASTED_WITH_SPACES = `AWS Budget Notification May 04, 2020
AWS Account 123456789012

Dear AWS Customer,

You requested that we alert you when the FORECASTED Cost associated with your
Development EC2 Monthly Budget is greater than $10.00 for the current month.

The FORECASTED Cost associated with this budget is $15.00.

You can find additional details below and by accessing the AWS Budgets dashboard.

Budget Name: Development EC2 Monthly Budget
Budget Type: Cost
Budgeted Amount: $10.00
Alert Type: FORECASTED
Alert Threshold: > $10.00
FORECASTED Amount: $15.00 
`;

describe('parseBudgetNotification', () => {
  test('reads an ACTUAL notification as AWS sends it', () => {
    // GIVEN a real notification body  WHEN parsed  THEN every detail is read
    expect(parseBudgetNotification(DAILY_ACTUAL)).toEqual({
      budgetName: 'killswitch',
      budgetType: 'Cost',
      alertType: 'ACTUAL',
      thresholdOperator: '>',
      thresholdUsd: 0.75,
      thresholdPercent: undefined,
      budgetedUsd: 5,
      amountUsd: 1.7,
    });
  });

  test('reads a FORECASTED notification with a budget name that has spaces, and a trailing space', () => {
    // GIVEN an e-mail formatted body  WHEN parsed  THEN the name is whole and the forecast read
    expect(parseBudgetNotification(FORECASTED_WITH_SPACES)).toMatchObject({
      budgetName: 'Development EC2 Monthly Budget',
      alertType: 'FORECASTED',
      thresholdUsd: 10,
      budgetedUsd: 10,
      amountUsd: 15,
    });
  });

  test('tolerates CRLF, other spacing and case, another order, and thousands separators', () => {
    // GIVEN the details reordered, with odd spacing, CRLF line ends and large amounts
    const body = [
      'Dear AWS Customer,',
      '   alert   threshold :>=  $12,500.50 ',
      'ACTUAL Amount:$13,001.00',
      'Alert Type :   actual',
      '\tBudgeted Amount:   $ 12,500.50',
      'Budget  Name:  big-budget  ',
    ].join('\r\n');
    // WHEN parsed  THEN every value is read
    expect(parseBudgetNotification(body)).toEqual({
      budgetName: 'big-budget',
      budgetType: undefined,
      alertType: 'ACTUAL',
      thresholdOperator: '>=',
      thresholdUsd: 12500.5,
      thresholdPercent: undefined,
      budgetedUsd: 12500.5,
      amountUsd: 13001,
    });
  });

  test('reads a threshold stated as a percentage', () => {
    // GIVEN "Alert Threshold: > 80%"  WHEN parsed  THEN it is a percentage, not dollars
    expect(parseBudgetNotification('Budget Name: b\nAlert Type: ACTUAL\nAlert Threshold: > 80%')).toMatchObject({ thresholdPercent: 80, thresholdUsd: undefined });
  });

  test('is undefined without a Budget Name line', () => {
    // GIVEN text without the budget name  WHEN parsed  THEN it is not a budget notification
    expect(parseBudgetNotification('Alert Type: ACTUAL\nAlert Threshold: > $1.00')).toBeUndefined();
    expect(parseBudgetNotification('Budget Name:   \nAlert Type: ACTUAL')).toBeUndefined();
  });
});

describe('parseAmount', () => {
  test.each<[string | undefined, number | undefined]>([
    ['$500.00', 500],
    ['> $0.75', 0.75],
    ['$1,234,567.89', 1234567.89],
    ['USD 12', 12],
    ['12.5 USD', 12.5],
    ['$.50', 0.5],
    ['n/a', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%p is %p', (text, amount) => {
    // GIVEN an amount as written  WHEN parsed  THEN its number
    expect(parseAmount(text)).toBe(amount);
  });
});

describe('classify', () => {
  test('the real daily ACTUAL notification: 15 % of the budget trips only at a trip percentage of 15 or less', () => {
    // GIVEN the killswitch budget  WHEN classified at 100 % and at 15 %  THEN it trips only at 15 %
    const config = { ...CONFIG, budgetName: 'killswitch' };
    expect(classify(DAILY_ACTUAL, config)).toMatchObject({ kind: 'ignore', reason: 'budget_threshold_below_trip_percent', fields: { thresholdPercent: 15 } });
    expect(classify(DAILY_ACTUAL, { ...config, tripOnBudgetPercent: 15 })).toMatchObject({ kind: 'trip', reason: 'budget_threshold_reached' });
  });

  test('a "less than" threshold is not an excess of spend', () => {
    // GIVEN a notification for spend below a threshold  WHEN classified  THEN it is ignored
    const body = 'Budget Name: killswitch\nBudgeted Amount: $5.00\nAlert Type: ACTUAL\nAlert Threshold: < $5.00';
    expect(classify(body, { ...CONFIG, budgetName: 'killswitch' })).toMatchObject({ kind: 'ignore', reason: 'budget_threshold_not_an_excess' });
  });

  test('a FORECASTED notification for the listed budget is ignored', () => {
    expect(classify(FORECASTED_WITH_SPACES, CONFIG)).toMatchObject({ kind: 'ignore', reason: 'budget_alert_forecasted' });
  });

  test('an alarm is matched by its exact name and the ALARM state', () => {
    // GIVEN alarm notifications  WHEN classified  THEN only the listed name in ALARM trips
    const alarm = (AlarmName: string, NewStateValue: string) => JSON.stringify({ AlarmName, NewStateValue, OldStateValue: 'OK' });
    expect(classify(alarm('spend', 'ALARM'), CONFIG)).toMatchObject({ kind: 'trip', reason: 'spend_alarm', fields: { alarmName: 'spend' } });
    expect(classify(alarm('Spend', 'ALARM'), CONFIG)).toMatchObject({ kind: 'ignore', reason: 'alarm_not_listed' });
    expect(classify(alarm('spend', 'alarm'), CONFIG)).toMatchObject({ kind: 'ignore', reason: 'alarm_not_in_alarm_state' });
  });

  test.each([undefined, 42, '', '{}', '[]', '"ALARM"', '{"AlarmName": "spend"}', '{"AlarmName": "", "NewStateValue": "ALARM"}'])(
    '%p is unrecognized',
    (message) => {
      // GIVEN something that is neither notification  WHEN classified  THEN it is unrecognized, without throwing
      expect(classify(message, CONFIG).kind).toBe('unrecognized');
    },
  );
});
