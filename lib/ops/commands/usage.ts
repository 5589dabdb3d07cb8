import { perCallUsd } from '../../cost/rate-plan-costs';
import { DEFAULT_UNIT_PRICES, type UnitPrices } from '../../cost/spend-estimate';
import { platformNames } from '../../platform-names';
import { listUsagePlanKeys, listUsagePlans, notDeployed, usedPerKey } from '../aws/api-gateway';
import type { CommandModule } from '../cli';
import type { OpsContext } from '../context';
import { EXIT, OpsError } from '../errors';
import { table } from '../output';

/** The memory the JWT authorizer runs with (BundledFunction's default), for the per-call price. */
const AUTHORIZER_MEMORY_MIB = 256;

/** One API key's usage. */
export interface KeyUsage {
  readonly keyId: string;
  /** The key's name; the id when the key is no longer on the plan. */
  readonly name: string;
  readonly calls: number;
  readonly estimatedUsd: number;
}

/** What `usage` reports. */
export interface UsageReport {
  readonly plan: string;
  readonly usagePlanName: string;
  readonly usagePlanId: string;
  /** The first day counted, YYYY-MM-DD (UTC). */
  readonly from: string;
  /** The last day counted, YYYY-MM-DD (UTC). */
  readonly to: string;
  /** The price of one call the estimate uses. */
  readonly perCallUsd: number;
  /** The keys, busiest first (the first `--top` of them). */
  readonly keys: KeyUsage[];
  /** How many keys had calls or are on the plan (all of them, whatever `--top`). */
  readonly keyCount: number;
  readonly totalCalls: number;
  readonly totalEstimatedUsd: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD date that exists in the calendar, or a usage error naming the option. */
function parseDate(value: string, option: string): string {
  const match = DATE.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value) {
    throw new OpsError(`${option} ${value}: not a date; use YYYY-MM-DD`, EXIT.USAGE);
  }
  return value;
}

/** `from` and `to`, defaulting to the current month so far (UTC). */
export function dateRange(from: string | undefined, to: string | undefined, now: Date = new Date(Date.now())): { from: string; to: string } {
  const today = now.toISOString().slice(0, 10);
  const range = {
    from: from !== undefined ? parseDate(from, '--from') : `${today.slice(0, 8)}01`,
    to: to !== undefined ? parseDate(to, '--to') : today,
  };
  if (range.from > range.to) throw new OpsError(`--from ${range.from} is after --to ${range.to}`, EXIT.USAGE);
  return range;
}

function parseTop(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new OpsError(`--top ${value}: must be a positive whole number`, EXIT.USAGE);
  return Number(value);
}

/** The per-call price for the config: its prices over the list prices, and the JWT authorizer's run when there is one. */
export function configPerCallUsd(ctx: OpsContext): number {
  const prices: UnitPrices = { ...DEFAULT_UNIT_PRICES, ...ctx.config.cost.prices };
  return perCallUsd(prices, ctx.config.api.auth?.jwt ? AUTHORIZER_MEMORY_MIB : undefined);
}

const usd = (value: number) => `$${value.toFixed(4)}`;

/** Right-aligns formatted numbers in a column (the table right-aligns only raw numbers). */
function rightAligned(header: string, cells: string[]): string[] {
  const width = Math.max(header.length, ...cells.map((cell) => cell.length));
  return cells.map((cell) => cell.padStart(width));
}

function render(report: UsageReport): string {
  const heading = `usage plan ${report.usagePlanName} (${report.usagePlanId}), ${report.from} to ${report.to}, at ${usd(report.perCallUsd * 1e6)} per million calls`;
  if (report.keyCount === 0) return `${heading}\nno API keys on the plan, and no calls`;
  const costs = rightAligned('est. USD', report.keys.map((k) => usd(k.estimatedUsd)));
  const rows = report.keys.map((k, i) => [k.name, k.keyId, k.calls, costs[i]]);
  const keys = report.keys.length < report.keyCount ? `all ${report.keyCount} keys; the top ${report.keys.length} shown` : `${report.keyCount} ${report.keyCount === 1 ? 'key' : 'keys'}`;
  return [
    heading,
    table(['key', 'key id', 'calls', 'est. USD'], rows),
    '',
    `total (${keys}): ${report.totalCalls.toLocaleString('en-US')} calls, ${usd(report.totalEstimatedUsd)}`,
  ].join('\n');
}

async function usage(ctx: OpsContext, options: Record<string, any>): Promise<number> {
  const plans = Object.keys(ctx.config.api.ratePlans ?? {});
  const plan = String(options.plan);
  if (!plans.includes(plan)) {
    throw new OpsError(
      `--plan ${plan}: no such rate plan in the ${ctx.envName} config; its plans: ${plans.length > 0 ? plans.join(', ') : 'none'}`,
      EXIT.USAGE,
    );
  }
  const { from, to } = dateRange(options.from, options.to);
  const top = parseTop(options.top);

  const usagePlanName = platformNames.usagePlan(ctx.config.name, plan);
  const live = (await listUsagePlans(ctx)).filter((p) => p.name === usagePlanName && p.id);
  if (live.length === 0) throw await notDeployed(ctx, `no usage plan named ${usagePlanName}`);
  if (live.length > 1) throw new OpsError(`${live.length} usage plans are named ${usagePlanName} (${live.map((p) => p.id).join(', ')})`, EXIT.USAGE);
  const usagePlanId = live[0].id!;

  const keys = await listUsagePlanKeys(ctx, usagePlanId);
  const calls = await usedPerKey(ctx, usagePlanId, from, to);
  const callUsd = configPerCallUsd(ctx);

  const byId = new Map(keys.filter((k) => k.id).map((k) => [k.id!, k]));
  // Usage is keyed by key id; keys removed from the plan keep their usage under their id.
  const ids = new Set([...byId.keys(), ...calls.keys()]);
  const all: KeyUsage[] = [...ids]
    .map((keyId) => {
      const count = calls.get(keyId) ?? 0;
      return { keyId, name: byId.get(keyId)?.name ?? `${keyId} (not on the plan)`, calls: count, estimatedUsd: count * callUsd };
    })
    .sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name));
  const totalCalls = all.reduce((sum, k) => sum + k.calls, 0);

  const report: UsageReport = {
    plan,
    usagePlanName,
    usagePlanId,
    from,
    to,
    perCallUsd: callUsd,
    keys: top === undefined ? all : all.slice(0, top),
    keyCount: all.length,
    totalCalls,
    totalEstimatedUsd: totalCalls * callUsd,
  };
  ctx.out.result(report, () => render(report));
  return EXIT.OK;
}

/** `usage`: calls and estimated cost per API key of a rate plan. */
export const registerUsage: CommandModule = (program, action) => {
  program
    .command('usage')
    .description("Calls and estimated cost per API key on a rate plan's usage plan, busiest first")
    .requiredOption('--plan <name>', 'the rate plan (a key of api.ratePlans in the config)')
    .option('--from <date>', 'first day, YYYY-MM-DD (UTC; default: the first of this month)')
    .option('--to <date>', 'last day, YYYY-MM-DD (UTC; default: today)')
    .option('--top <n>', 'show only the N busiest keys (default: all)')
    .addHelpText(
      'after',
      '\nThe estimate is calls × the per-call price: API Gateway REST calls, plus an uncached JWT authorization where the API has a JWT authorizer ' +
        '(cost.prices over the list prices). Fixed costs are not in it.',
    )
    .action(action((ctx, options) => usage(ctx, options)));
};
