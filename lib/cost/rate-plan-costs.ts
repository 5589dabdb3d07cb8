import * as fs from 'node:fs';
import * as path from 'node:path';
import type { QuotaPeriod, RatePlanConfig } from '../config/types';
import { HOURS_PER_MONTH, type UnitPrices } from './spend-estimate';

/**
 * How long an uncached authorization is assumed to run, billed, in the worst case: the authorizer
 * verifies a token in about a millisecond once its keys are cached; a cold start takes longer.
 */
export const ASSUMED_AUTHORIZER_MS = 100;

const PERIODS_PER_MONTH: Record<QuotaPeriod, number> = {
  DAY: HOURS_PER_MONTH / 24,
  WEEK: HOURS_PER_MONTH / (24 * 7),
  MONTH: 1,
};
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** One plan's worst case: one API key using all the plan allows for a whole month. */
export interface PlanCost {
  readonly plan: string;
  /** The most calls one key can make in a month. */
  readonly maxCallsPerMonth: number;
  /** What bounds them: the quota, or (without a quota, or with a larger one) the token bucket's rate. */
  readonly boundBy: 'quota' | 'throttle';
  /** Those calls at the per-call price. */
  readonly worstCaseUsdPerKey: number;
  /** How few keys at that worst case spend the whole monthly budget. */
  readonly keysToExhaustBudget: number;
}

/** The worst-case monthly cost of each rate plan per API key, against the budget. */
export interface RatePlanCostReport {
  readonly monthlyBudgetUsd: number;
  /** The price of one call: API Gateway, plus an uncached authorization when the API has a JWT authorizer. */
  readonly perCallUsd: number;
  readonly plans: PlanCost[];
  /** Plans whose worst case spends the budget with fewer keys than the configured number. */
  readonly warnings: string[];
}

/** Properties of {@link ratePlanCosts}. */
export interface RatePlanCostsProps {
  readonly plans: Record<string, RatePlanConfig>;
  readonly monthlyBudgetUsd: number;
  readonly prices: UnitPrices;
  /** The JWT authorizer's memory, when the API has one: each call may run it. */
  readonly authorizerMemoryMiB?: number;
  /** Warn when fewer keys than this exhaust the budget. */
  readonly warnWhenKeysCanExhaustBudget: number;
}

/**
 * The price of one call in the worst case: API Gateway, plus an uncached authorization when the API
 * has a JWT authorizer of this much memory.
 */
export function perCallUsd(prices: UnitPrices, authorizerMemoryMiB?: number): number {
  const authorization =
    authorizerMemoryMiB === undefined
      ? 0
      : prices.lambdaRequestsPerMillion / 1e6 + (authorizerMemoryMiB / 1024) * (ASSUMED_AUTHORIZER_MS / 1000) * prices.lambdaGbSecond;
  return prices.restApiCallsPerMillion / 1e6 + authorization;
}

/** Works out each plan's worst case per key, as the platform is configured. */
export function ratePlanCosts(props: RatePlanCostsProps): RatePlanCostReport {
  const callUsd = perCallUsd(props.prices, props.authorizerMemoryMiB);

  const plans = Object.entries(props.plans).map(([plan, config]): PlanCost => {
    const byThrottle = config.throttle.rateLimit * SECONDS_PER_MONTH;
    const byQuota = config.quota ? config.quota.limit * PERIODS_PER_MONTH[config.quota.period] : Infinity;
    const maxCallsPerMonth = Math.min(byQuota, byThrottle);
    const worstCaseUsdPerKey = maxCallsPerMonth * callUsd;
    return {
      plan,
      maxCallsPerMonth,
      boundBy: byQuota <= byThrottle ? 'quota' : 'throttle',
      worstCaseUsdPerKey,
      keysToExhaustBudget: worstCaseUsdPerKey > 0 ? Math.ceil(props.monthlyBudgetUsd / worstCaseUsdPerKey) : Infinity,
    };
  });

  const warnings = plans
    .filter((p) => p.keysToExhaustBudget < props.warnWhenKeysCanExhaustBudget)
    .map(
      (p) =>
        `rate plan '${p.plan}': ${p.keysToExhaustBudget} API key(s) using all the plan allows (${usd(p.worstCaseUsdPerKey)} each a month) ` +
        `spend the monthly budget of ${usd(props.monthlyBudgetUsd)}; fewer than ${props.warnWhenKeysCanExhaustBudget} (cost.warnWhenKeysCanExhaustBudget). ` +
        'Lower the plan\'s quota or throttle, or raise the budget.',
    );
  return { monthlyBudgetUsd: props.monthlyBudgetUsd, perCallUsd: callUsd, plans, warnings };
}

function usd(value: number): string {
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toPrecision(3)}`;
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** The report as a Markdown page. */
export function renderRatePlanCosts(report: RatePlanCostReport): string {
  const rows = report.plans.map(
    (p) => `| ${p.plan} | ${count(p.maxCallsPerMonth)} | ${p.boundBy} | ${usd(p.worstCaseUsdPerKey)} | ${count(p.keysToExhaustBudget)} |`,
  );
  return [
    '# Worst-case monthly cost per API key',
    '',
    `Per call: ${usd(report.perCallUsd)} (API Gateway REST, and an uncached authorization of ${ASSUMED_AUTHORIZER_MS} ms where the API has a JWT authorizer). ` +
      `Monthly budget: ${usd(report.monthlyBudgetUsd)}.`,
    '',
    '| plan | most calls per key a month | bound by | worst case per key | keys that spend the budget |',
    '| --- | ---: | --- | ---: | ---: |',
    ...rows,
    '',
    ...(report.warnings.length > 0 ? ['## Warnings', '', ...report.warnings.map((w) => `- ${w}`), ''] : []),
  ].join('\n');
}

/** One line per plan, for the synth output. */
export function summarizeRatePlanCosts(report: RatePlanCostReport): string {
  return report.plans
    .map((p) => `rate plan ${p.plan}: worst case ${usd(p.worstCaseUsdPerKey)} per key a month; ${count(p.keysToExhaustBudget)} keys spend the ${usd(report.monthlyBudgetUsd)} budget`)
    .join('\n');
}

/** The file names the report is written under, in the cloud assembly. */
export const RATE_PLAN_COST_FILES = { markdown: 'rate-plan-costs.md', json: 'rate-plan-costs.json' } as const;

/** Writes the report into a cloud assembly directory, as Markdown for people and JSON for tools. */
export function writeRatePlanCosts(assemblyDirectory: string, report: RatePlanCostReport): void {
  fs.writeFileSync(path.join(assemblyDirectory, RATE_PLAN_COST_FILES.markdown), renderRatePlanCosts(report));
  fs.writeFileSync(path.join(assemblyDirectory, RATE_PLAN_COST_FILES.json), `${JSON.stringify(report, null, 2)}\n`);
}
