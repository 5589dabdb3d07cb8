/**
 * What one SNS message from the cost topic means for the breaker: trip, ignore, or unrecognized.
 *
 * Two kinds of message reach the topic:
 *
 * - CloudWatch alarm state changes: a JSON object with `AlarmName`, `NewStateValue`,
 *   `OldStateValue`, `NewStateReason`, `StateChangeTime`, … Only a listed alarm entering `ALARM`
 *   trips the breaker.
 * - AWS Budgets notifications: plain text (not JSON), the SNS subject `AWS Budgets: <name> has
 *   exceeded your alert threshold`, and a body whose details are `Key: value` lines:
 *
 *   ```
 *   AWS Budget Notification May 13, 2024
 *   AWS Account 123456789012
 *
 *   Dear AWS Customer,
 *
 *   You requested that we alert you when the ACTUAL Cost associated with your <name> budget is
 *   greater than $400.00 for the current month. The ACTUAL Cost associated with this budget is
 *   $412.34. You can find additional details below and by accessing the AWS Budgets dashboard [1].
 *
 *   Budget Name: <name>
 *   Budget Type: Cost
 *   Budgeted Amount: $500.00
 *   Alert Type: ACTUAL
 *   Alert Threshold: > $400.00
 *   ACTUAL Amount: $412.34
 *
 *   [1] https://console.aws.amazon.com/billing/home#/budgets
 *   ```
 *
 *   The threshold is stated in dollars even when it was configured as a percentage, so the
 *   percentage is threshold / budgeted amount. The parser reads the `Key: value` lines in any
 *   order, with any spacing and line endings, and amounts with or without `$` and thousands
 *   separators.
 *
 * Nothing here throws: a message that fits neither shape is `unrecognized`.
 */
import type { BreakerConfig } from './config';

/** Why a message trips the breaker, or why it does not. */
export type Verdict =
  | { readonly kind: 'trip'; readonly reason: 'spend_alarm' | 'budget_threshold_reached'; readonly fields: Record<string, unknown> }
  | { readonly kind: 'ignore'; readonly reason: string; readonly fields: Record<string, unknown> }
  | { readonly kind: 'unrecognized'; readonly detail: string };

/** The details of an AWS Budgets notification, as far as the message states them. */
export interface BudgetNotification {
  readonly budgetName: string;
  readonly budgetType?: string;
  /** `ACTUAL` or `FORECASTED`, upper case. */
  readonly alertType?: string;
  /** The comparison before the threshold: `>`, `>=`, `<`, `<=`, `=`, or undefined when absent. */
  readonly thresholdOperator?: string;
  /** The threshold in dollars. */
  readonly thresholdUsd?: number;
  /** The threshold as a percentage, when the message states it as one (`> 80%`). */
  readonly thresholdPercent?: number;
  readonly budgetedUsd?: number;
  /** The `ACTUAL Amount` or `FORECASTED Amount`. */
  readonly amountUsd?: number;
}

/** A number in a dollar amount such as `$1,234.50`, `1234.5 USD` or `USD 12`. */
const AMOUNT = /(\d[\d,]*(?:\.\d+)?|\.\d+)/;

/** The first number in `text`, ignoring `$`, currency codes and thousands separators. */
export function parseAmount(text: string | undefined): number | undefined {
  const match = text === undefined ? null : AMOUNT.exec(text);
  if (!match) return undefined;
  const value = Number(match[1].replace(/,/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

/** `Key: value` lines, keyed by the lower-case key with single spaces; the first of each wins. */
function keyValueLines(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r\n|\r|\n/)) {
    const match = /^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$/.exec(line);
    if (!match) continue;
    const key = match[1].toLowerCase().replace(/\s+/g, ' ');
    if (!fields.has(key)) fields.set(key, match[2]);
  }
  return fields;
}

/** Reads an AWS Budgets notification; undefined when `text` has no `Budget Name:` line. */
export function parseBudgetNotification(text: string): BudgetNotification | undefined {
  const fields = keyValueLines(text);
  const budgetName = fields.get('budget name');
  if (!budgetName) return undefined;
  const alertType = fields.get('alert type')?.toUpperCase();
  const threshold = fields.get('alert threshold');
  const operator = threshold === undefined ? undefined : /^\s*(>=|<=|>|<|=)?/.exec(threshold)?.[1];
  const isPercent = threshold !== undefined && /%\s*$/.test(threshold);
  const amountKey = alertType ? `${alertType.toLowerCase()} amount` : undefined;
  return {
    budgetName,
    budgetType: fields.get('budget type'),
    alertType,
    thresholdOperator: operator,
    thresholdUsd: isPercent ? undefined : parseAmount(threshold),
    thresholdPercent: isPercent ? parseAmount(threshold) : undefined,
    budgetedUsd: parseAmount(fields.get('budgeted amount')),
    amountUsd: amountKey ? parseAmount(fields.get(amountKey)) : undefined,
  };
}

/** Rounds to 2 decimals for the log. */
const round2 = (n: number): number => Math.round(n * 100) / 100;

function alarmVerdict(alarm: Record<string, unknown>, config: BreakerConfig): Verdict {
  const alarmName = alarm.AlarmName as string;
  const newState = alarm.NewStateValue as string;
  const fields = {
    alarmName,
    newState,
    oldState: typeof alarm.OldStateValue === 'string' ? alarm.OldStateValue : undefined,
    stateChangeTime: typeof alarm.StateChangeTime === 'string' ? alarm.StateChangeTime : undefined,
  };
  if (!config.alarmNames.has(alarmName)) return { kind: 'ignore', reason: 'alarm_not_listed', fields };
  if (newState !== 'ALARM') return { kind: 'ignore', reason: 'alarm_not_in_alarm_state', fields };
  return { kind: 'trip', reason: 'spend_alarm', fields };
}

function budgetVerdict(budget: BudgetNotification, config: BreakerConfig): Verdict {
  const budgetedFromMessage = budget.budgetedUsd !== undefined && budget.budgetedUsd > 0;
  const budgetedUsd = budgetedFromMessage ? budget.budgetedUsd! : config.budgetLimitUsd;
  const thresholdPercent = budget.thresholdPercent ?? (budget.thresholdUsd === undefined ? undefined : (budget.thresholdUsd / budgetedUsd) * 100);
  const fields = {
    budgetName: budget.budgetName,
    alertType: budget.alertType,
    thresholdUsd: budget.thresholdUsd,
    thresholdPercent: thresholdPercent === undefined ? undefined : round2(thresholdPercent),
    budgetedUsd,
    budgetedFrom: budgetedFromMessage ? 'message' : 'BUDGET_LIMIT_USD',
    amountUsd: budget.amountUsd,
    tripOnBudgetPercent: config.tripOnBudgetPercent,
  };
  if (budget.budgetName !== config.budgetName) return { kind: 'ignore', reason: 'budget_not_listed', fields };
  if (budget.alertType !== 'ACTUAL') {
    return budget.alertType === 'FORECASTED'
      ? { kind: 'ignore', reason: 'budget_alert_forecasted', fields }
      : { kind: 'unrecognized', detail: 'budget notification without a known Alert Type' };
  }
  if (thresholdPercent === undefined) return { kind: 'unrecognized', detail: 'budget notification without a readable Alert Threshold' };
  if (budget.thresholdOperator === '<' || budget.thresholdOperator === '<=') {
    return { kind: 'ignore', reason: 'budget_threshold_not_an_excess', fields };
  }
  // A tolerance for binary fractions: $400.00 of $500.00 is 80 %, not 79.99999….
  if (thresholdPercent < config.tripOnBudgetPercent * (1 - 1e-9)) {
    return { kind: 'ignore', reason: 'budget_threshold_below_trip_percent', fields };
  }
  return { kind: 'trip', reason: 'budget_threshold_reached', fields };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What `message` (an SNS record's `Sns.Message`) means for the breaker. Never throws. */
export function classify(message: unknown, config: BreakerConfig): Verdict {
  if (typeof message !== 'string' || message.trim() === '') return { kind: 'unrecognized', detail: 'empty message' };
  let parsed: unknown;
  let isJson = false;
  try {
    parsed = JSON.parse(message);
    isJson = true;
  } catch {
    // Not JSON: maybe an AWS Budgets notification.
  }
  if (isJson) {
    if (isObject(parsed) && typeof parsed.AlarmName === 'string' && parsed.AlarmName !== '' && typeof parsed.NewStateValue === 'string') {
      return alarmVerdict(parsed, config);
    }
    return { kind: 'unrecognized', detail: 'JSON that is not a CloudWatch alarm notification' };
  }
  const budget = parseBudgetNotification(message);
  if (budget) return budgetVerdict(budget, config);
  return { kind: 'unrecognized', detail: 'neither JSON nor an AWS Budgets notification' };
}
