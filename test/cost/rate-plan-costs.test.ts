import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  RATE_PLAN_COST_FILES,
  ratePlanCosts,
  renderRatePlanCosts,
  summarizeRatePlanCosts,
  writeRatePlanCosts,
} from '../../lib/cost/rate-plan-costs';
import { DEFAULT_UNIT_PRICES } from '../../lib/cost/spend-estimate';
import { referenceConfig } from '../helpers';

/** The reference app's report: its plans, its 500 USD budget, its 256 MiB JWT authorizer. */
function referenceReport(warnWhenKeysCanExhaustBudget = 10) {
  const config = referenceConfig();
  return ratePlanCosts({
    plans: config.api.ratePlans!,
    monthlyBudgetUsd: config.cost.monthlyBudgetUsd,
    prices: DEFAULT_UNIT_PRICES,
    authorizerMemoryMiB: 256,
    warnWhenKeysCanExhaustBudget,
  });
}

describe('ratePlanCosts', () => {
  test('the reference app: a call costs API Gateway plus an uncached 100 ms authorization', () => {
    // WHEN
    const report = referenceReport();
    // THEN: 3.50 / 1e6 + 0.20 / 1e6 + 0.25 GB * 0.1 s * 0.0000133334
    expect(report.perCallUsd).toBeCloseTo(0.000004033335, 15);
  });

  test('the reference app: free and pro are bound by their quotas; pro spends the budget with 25 keys', () => {
    // WHEN
    const report = referenceReport();
    // THEN
    expect(report.plans).toEqual([
      { plan: 'free', maxCallsPerMonth: 10_000, boundBy: 'quota', worstCaseUsdPerKey: expect.closeTo(0.04033335, 9), keysToExhaustBudget: 12_397 },
      { plan: 'pro', maxCallsPerMonth: 5_000_000, boundBy: 'quota', worstCaseUsdPerKey: expect.closeTo(20.166675, 6), keysToExhaustBudget: 25 },
    ]);
    expect(report.warnings).toEqual([]);
  });

  test('warns about a plan that fewer keys than configured can exhaust the budget', () => {
    // WHEN
    const report = referenceReport(30);
    // THEN
    expect(report.warnings).toEqual([
      "rate plan 'pro': 25 API key(s) using all the plan allows ($20.17 each a month) spend the monthly budget of $500.00; " +
        "fewer than 30 (cost.warnWhenKeysCanExhaustBudget). Lower the plan's quota or throttle, or raise the budget.",
    ]);
  });

  test('without a quota, or with a daily quota larger than the throttle allows, the token bucket bounds a key', () => {
    // GIVEN
    const report = ratePlanCosts({
      plans: {
        open: { throttle: { rateLimit: 2, burstLimit: 4 } },
        daily: { throttle: { rateLimit: 1, burstLimit: 1 }, quota: { limit: 1_000_000, period: 'DAY' } },
        weekly: { throttle: { rateLimit: 100, burstLimit: 100 }, quota: { limit: 7_000, period: 'WEEK' } },
      },
      monthlyBudgetUsd: 100,
      prices: DEFAULT_UNIT_PRICES,
      warnWhenKeysCanExhaustBudget: 1,
    });
    // THEN: 730 h * 3600 s * rate; a week is 730 / 168 of a month
    expect(report.perCallUsd).toBeCloseTo(0.0000035, 12);
    expect(report.plans.map((p) => [p.plan, p.maxCallsPerMonth, p.boundBy])).toEqual([
      ['open', 2 * 730 * 3600, 'throttle'],
      ['daily', 730 * 3600, 'throttle'],
      ['weekly', expect.closeTo(7000 * (730 / 168), 6), 'quota'],
    ]);
  });
});

describe('the rate-plan cost report', () => {
  test('is written into the cloud assembly as Markdown and JSON, and summarized in one line per plan', () => {
    // GIVEN
    const report = referenceReport();
    const assembly = fs.mkdtempSync(path.join(os.tmpdir(), 'assembly-'));
    try {
      // WHEN
      writeRatePlanCosts(assembly, report);
      // THEN
      const markdown = fs.readFileSync(path.join(assembly, RATE_PLAN_COST_FILES.markdown), 'utf8');
      expect(markdown).toBe(renderRatePlanCosts(report));
      expect(markdown).toContain('| pro | 5,000,000 | quota | $20.17 | 25 |');
      expect(markdown).toContain('| free | 10,000 | quota | $0.0403 | 12,397 |');
      expect(JSON.parse(fs.readFileSync(path.join(assembly, RATE_PLAN_COST_FILES.json), 'utf8')).plans[1].keysToExhaustBudget).toBe(25);
      expect(summarizeRatePlanCosts(report).split('\n')).toEqual([
        'rate plan free: worst case $0.0403 per key a month; 12,397 keys spend the $500.00 budget',
        'rate plan pro: worst case $20.17 per key a month; 25 keys spend the $500.00 budget',
      ]);
    } finally {
      fs.rmSync(assembly, { recursive: true, force: true });
    }
  });
});
