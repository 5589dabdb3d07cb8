/**
 * The spend circuit breaker's configuration, read from environment variables once per cold start.
 *
 * - `REST_API_ID` (required): the REST API whose stage is throttled (letters and digits).
 * - `STAGE_NAME` (required): the stage (letters, digits, `-` and `_`).
 * - `FLOOR_RATE_LIMIT` (required): the floor for the stage's default rate limit, requests per
 *   second; a non-negative decimal number.
 * - `FLOOR_BURST_LIMIT` (required): the floor for the stage's default burst limit; a
 *   non-negative integer (API Gateway's burst limit is an integer).
 * - `ALARM_NAMES` (required): comma-separated names of the CloudWatch spend alarms whose ALARM
 *   state trips the breaker; at least one.
 * - `BUDGET_NAME` (required): the AWS Budgets budget whose ACTUAL notifications may trip it.
 * - `BUDGET_LIMIT_USD` (required): that budget's amount in US dollars, a positive number; used when
 *   a notification does not state its budgeted amount.
 * - `TRIP_ON_BUDGET_PERCENT` (optional, default 100): a budget notification trips the breaker when
 *   its threshold is at least this percentage of the budgeted amount; a positive number.
 * - `PLATFORM` (required): the value of the `Platform` dimension of the breaker's metrics.
 *
 * Anything missing or malformed is a {@link ConfigError} naming the variable.
 */

/** A throttle: requests per second and burst size. */
export interface Limits {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** The validated configuration. */
export interface BreakerConfig {
  readonly restApiId: string;
  readonly stageName: string;
  readonly floor: Limits;
  readonly alarmNames: ReadonlySet<string>;
  readonly budgetName: string;
  readonly budgetLimitUsd: number;
  readonly tripOnBudgetPercent: number;
  readonly platform: string;
}

/** The configuration cannot be used; every invocation must fail. */
export class ConfigError extends Error {}

export const DEFAULT_TRIP_ON_BUDGET_PERCENT = 100;

type Env = Readonly<Record<string, string | undefined>>;

const DECIMAL = /^\d+(\.\d+)?$/;
const INTEGER = /^\d+$/;

/** The value as written, shortened, for an error message. */
function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`${name} is required`);
  return value;
}

function matching(env: Env, name: string, pattern: RegExp, what: string): string {
  const value = required(env, name);
  if (!pattern.test(value)) throw new ConfigError(`${name} must be ${what} (got ${shown(value)})`);
  return value;
}

function number(name: string, value: string, pattern: RegExp, what: string, positive: boolean): number {
  const parsed = Number(value);
  if (!pattern.test(value) || !Number.isFinite(parsed) || (positive && parsed <= 0)) {
    throw new ConfigError(`${name} must be ${what} (got ${shown(value)})`);
  }
  return parsed;
}

/** Reads the configuration; throws {@link ConfigError} when it is missing or malformed. */
export function loadConfig(env: Env): BreakerConfig {
  const restApiId = matching(env, 'REST_API_ID', /^[A-Za-z0-9]+$/, 'a REST API id (letters and digits)');
  const stageName = matching(env, 'STAGE_NAME', /^[A-Za-z0-9_-]+$/, 'a stage name (letters, digits, - and _)');
  const rateLimit = number('FLOOR_RATE_LIMIT', required(env, 'FLOOR_RATE_LIMIT'), DECIMAL, 'a non-negative number', false);
  const burstLimit = number('FLOOR_BURST_LIMIT', required(env, 'FLOOR_BURST_LIMIT'), INTEGER, 'a non-negative integer', false);
  const alarmNames = new Set(
    (env.ALARM_NAMES ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  );
  if (alarmNames.size === 0) throw new ConfigError('ALARM_NAMES is required (comma-separated alarm names)');
  const budgetName = required(env, 'BUDGET_NAME');
  const budgetLimitUsd = number('BUDGET_LIMIT_USD', required(env, 'BUDGET_LIMIT_USD'), DECIMAL, 'a positive number of US dollars', true);
  const percent = env.TRIP_ON_BUDGET_PERCENT?.trim();
  const tripOnBudgetPercent = percent
    ? number('TRIP_ON_BUDGET_PERCENT', percent, DECIMAL, 'a positive number (a percentage of the budget)', true)
    : DEFAULT_TRIP_ON_BUDGET_PERCENT;
  const platform = required(env, 'PLATFORM');
  return {
    restApiId,
    stageName,
    floor: { rateLimit, burstLimit },
    alarmNames,
    budgetName,
    budgetLimitUsd,
    tripOnBudgetPercent,
    platform,
  };
}
