import type { Budget, Notification, Spend } from '@aws-sdk/client-budgets';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { CommandModule } from '../cli';
import type { OpsContext } from '../context';
import { EXIT, OpsError } from '../errors';
import { listBudgets, listNotifications, platformBudgets, platformTagFilter } from '../aws/budgets';
import { table } from '../output';

/** What `budget --json` prints. */
export interface BudgetReport {
  readonly platform: string;
  readonly account: string;
  readonly budget: {
    readonly name: string;
    readonly timeUnit: string | null;
    readonly limit: SpendValue | null;
    readonly actual: SpendValue | null;
    readonly forecast: SpendValue | null;
    /** Actual spend in percent of the limit, one decimal; null without a limit or spend. */
    readonly actualPercentOfLimit: number | null;
    readonly forecastPercentOfLimit: number | null;
  };
  /** The limit the config asks for (`cost.monthlyBudgetUsd`). */
  readonly configMonthlyBudgetUsd: number;
  readonly notifications: {
    readonly type: string | null;
    readonly comparison: string | null;
    readonly threshold: number | null;
    readonly thresholdType: string;
    /** ALARM: the threshold was crossed this period; OK: not (yet). */
    readonly state: string | null;
  }[];
  /** Whether an ACTUAL notification is in ALARM: spend is over a threshold (exit 1). */
  readonly overThreshold: boolean;
}

interface SpendValue {
  readonly amount: number;
  readonly unit: string;
}

const COMPARISON: Record<string, string> = { GREATER_THAN: '>', LESS_THAN: '<', EQUAL_TO: '=' };

function spend(value: Spend | undefined): SpendValue | null {
  if (!value?.Amount) return null;
  const amount = Number(value.Amount);
  return Number.isFinite(amount) ? { amount, unit: value.Unit ?? 'USD' } : null;
}

function percentOf(part: SpendValue | null, whole: SpendValue | null): number | null {
  if (!part || !whole || whole.amount <= 0) return null;
  return Math.round((part.amount / whole.amount) * 1000) / 10;
}

const money = (value: SpendValue | null) => (value ? `${value.amount.toFixed(2)} ${value.unit}` : '-');

/** A notification's threshold as people read it: `> 80%`, or `> 400.00 USD` for an absolute one. */
function threshold(n: BudgetReport['notifications'][number], unit: string): string {
  const op = COMPARISON[n.comparison ?? ''] ?? n.comparison ?? '?';
  if (n.threshold === null) return `${op} ?`;
  return n.thresholdType === 'ABSOLUTE_VALUE' ? `${op} ${n.threshold.toFixed(2)} ${unit}` : `${op} ${n.threshold}%`;
}

function report(ctx: OpsContext, account: string, budget: Budget, notifications: Notification[]): BudgetReport {
  const limit = spend(budget.BudgetLimit);
  const actual = spend(budget.CalculatedSpend?.ActualSpend);
  const forecast = spend(budget.CalculatedSpend?.ForecastedSpend);
  const rows = notifications.map((n) => ({
    type: n.NotificationType ?? null,
    comparison: n.ComparisonOperator ?? null,
    threshold: n.Threshold ?? null,
    // Budgets' default when a notification names none.
    thresholdType: n.ThresholdType ?? 'PERCENTAGE',
    state: n.NotificationState ?? null,
  }));
  return {
    platform: ctx.config.name,
    account,
    budget: {
      name: budget.BudgetName ?? '',
      timeUnit: budget.TimeUnit ?? null,
      limit,
      actual,
      forecast,
      actualPercentOfLimit: percentOf(actual, limit),
      forecastPercentOfLimit: percentOf(forecast, limit),
    },
    configMonthlyBudgetUsd: ctx.config.cost.monthlyBudgetUsd,
    notifications: rows,
    overThreshold: rows.some((n) => n.type === 'ACTUAL' && n.state === 'ALARM'),
  };
}

function render(r: BudgetReport): string {
  const { budget } = r;
  const percent = (p: number | null) => (p === null ? '' : `  (${p.toFixed(1)}% of the limit)`);
  const lines = [
    `budget    ${budget.name} (platform ${r.platform}, account ${r.account})`,
    `limit     ${money(budget.limit)}${budget.timeUnit ? ` ${budget.timeUnit.toLowerCase()}` : ''}`,
    `actual    ${money(budget.actual)}${percent(budget.actualPercentOfLimit)}`,
    `forecast  ${money(budget.forecast)}${percent(budget.forecastPercentOfLimit)}`,
    '',
  ];
  const unit = budget.limit?.unit ?? 'USD';
  if (r.notifications.length === 0) {
    lines.push('no notifications');
  } else {
    lines.push(
      table(
        ['notification', 'threshold', 'state'],
        r.notifications.map((n) => [n.type ?? '?', threshold(n, unit), n.state ?? '?']),
      ),
    );
  }
  const fired = r.notifications.filter((n) => n.type === 'ACTUAL' && n.state === 'ALARM');
  if (fired.length > 0) {
    lines.push('', `over a threshold: actual spend ${fired.map((n) => threshold(n, unit)).join(', ')} this period`);
  }
  return lines.join('\n');
}

/** Notes on stderr when the live limit is not the one the config asks for. */
function compareLimit(ctx: OpsContext, r: BudgetReport): void {
  const configured = r.configMonthlyBudgetUsd;
  const live = r.budget.limit;
  const where = `cost.monthlyBudgetUsd in bin/environments/${ctx.envName}.ts`;
  if (!live) {
    ctx.out.note(`note: the budget has no limit; ${where} is ${configured} USD`);
  } else if (live.unit !== 'USD') {
    ctx.out.note(`note: the budget's limit is in ${live.unit}, not USD; ${where} is ${configured} USD`);
  } else if (Math.abs(live.amount - configured) >= 0.005) {
    ctx.out.note(
      `note: the live limit (${money(live)}) differs from ${where} (${configured.toFixed(2)} USD): ` +
        'the config has changed and is not deployed, or the budget was changed outside CloudFormation (the next deploy sets it back)',
    );
  }
}

export const registerBudget: CommandModule = (program, action) => {
  program
    .command('budget')
    .description("The platform's AWS Budgets budget: limit, actual and forecast spend, and which notifications fired this period")
    .addHelpText(
      'after',
      [
        '',
        'Finds the COST budget filtered on the cost-allocation tag `platform` = the platform name, in the',
        'account of the credentials (budgets are global; no region is needed).',
        '',
        'Exit codes: 0 no ACTUAL notification fired this period; 1 actual spend is over a notification',
        'threshold (ALARM); 2 no budget for the platform, no access, or wrong usage.',
      ].join('\n'),
    )
    .action(
      action(async (ctx) => {
        const identity = await ctx.clients.sts.send(new GetCallerIdentityCommand({}));
        const account = identity.Account;
        if (!account) throw new OpsError('STS GetCallerIdentity returned no account', EXIT.USAGE);

        const spinner = ctx.progress('budgets');
        let budgets: Budget[];
        try {
          budgets = await listBudgets(ctx.clients.budgets, account, (count) => spinner.tick(count));
        } finally {
          spinner.done();
        }

        const name = ctx.config.name;
        const matches = platformBudgets(budgets, name);
        if (matches.length === 0) {
          throw new OpsError(
            `no budget for platform ${name}: is the platform deployed, and is the cost allocation tag \`platform\` activated? ` +
              `(looked for a COST budget filtered on ${platformTagFilter(name)} among ${budgets.length} budget(s) of account ${account})`,
            EXIT.USAGE,
          );
        }
        const budget = matches[0]!;
        if (matches.length > 1) {
          ctx.out.note(
            `note: ${matches.length} COST budgets filter on ${platformTagFilter(name)}: ${matches.map((b) => b.BudgetName).join(', ')}; showing the first`,
          );
        }

        const notifications = await listNotifications(ctx.clients.budgets, account, budget.BudgetName!);
        const result = report(ctx, account, budget, notifications);
        compareLimit(ctx, result);
        ctx.out.result(result, () => render(result));
        return result.overThreshold ? EXIT.FAILED_CHECK : EXIT.OK;
      }),
    );
};
