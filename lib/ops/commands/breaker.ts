import { type PatchOperation, type Stage, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import type { ThrottleConfig } from '../../config/types';
import { findPlatformApi, getPlatformStage, type PlatformApi, stageName } from '../aws/api-gateway';
import type { CommandModule } from '../cli';
import type { OpsContext } from '../context';
import { EXIT } from '../errors';
import { table } from '../output';

/** The stage's default method settings: every resource, every method. */
const ALL_METHODS = '*/*';

/** The patch paths of the stage's default token bucket (what the spend breaker lowers). */
export const THROTTLE_PATHS = {
  rateLimit: '/*/*/throttling/rateLimit',
  burstLimit: '/*/*/throttling/burstLimit',
} as const;

type Setting = keyof typeof THROTTLE_PATHS;
const SETTINGS: Setting[] = ['rateLimit', 'burstLimit'];

/** The stage's default throttle; a limit the stage does not set is null (the account's limits apply). */
export interface LiveThrottle {
  readonly rateLimit: number | null;
  readonly burstLimit: number | null;
}

/**
 * `normal`: the config's limits. `tripped`: lower than the config's and none higher (the spend
 * breaker set its floor). `differs`: anything else (higher, or not set).
 */
export type BreakerState = 'normal' | 'tripped' | 'differs';

/** What `breaker status` reports. */
export interface BreakerStatus {
  readonly restApi: PlatformApi;
  readonly stage: string;
  readonly state: BreakerState;
  readonly configured: ThrottleConfig;
  readonly live: LiveThrottle;
  /** The floor the spend breaker sets, when the config has a breaker. */
  readonly floor: ThrottleConfig | null;
}

/** One limit `breaker reset` changes. */
export interface ThrottleChange {
  readonly setting: Setting;
  readonly from: number | null;
  readonly to: number;
}

/** What `breaker reset` reports. */
export interface BreakerReset {
  readonly restApi: PlatformApi;
  readonly stage: string;
  readonly dryRun: boolean;
  /** Whether UpdateStage was called. */
  readonly applied: boolean;
  readonly changes: ThrottleChange[];
  readonly patchOperations: PatchOperation[];
  /** The stage's throttle after the reset (as UpdateStage returned it), or as it is when nothing was applied. */
  readonly live: LiveThrottle;
}

export function liveThrottle(stage: Stage): LiveThrottle {
  const settings = stage.methodSettings?.[ALL_METHODS];
  return { rateLimit: settings?.throttlingRateLimit ?? null, burstLimit: settings?.throttlingBurstLimit ?? null };
}

export function breakerState(live: LiveThrottle, configured: ThrottleConfig): BreakerState {
  if (SETTINGS.every((s) => live[s] === configured[s])) return 'normal';
  if (SETTINGS.every((s) => live[s] !== null && live[s]! <= configured[s])) return 'tripped';
  return 'differs';
}

const show = (value: number | null | undefined) => (value === null || value === undefined ? 'not set' : value);

const STATE_TEXT: Record<BreakerState, string> = {
  normal: "normal: the stage's default throttle is the config's",
  tripped: "tripped: the stage's default throttle is below the config's (the spend breaker lowers it to its floor); `breaker reset` restores it",
  differs: "differs: the stage's default throttle is not the config's; `breaker reset` sets the config's",
};

function renderStatus(status: BreakerStatus): string {
  const headers = ['setting', 'config', 'live', ...(status.floor ? ['breaker floor'] : [])];
  const rows = SETTINGS.map((s) => [s, status.configured[s], show(status.live[s]), ...(status.floor ? [status.floor[s]] : [])]);
  return `stage ${status.stage} of ${status.restApi.name} (${status.restApi.id}): ${STATE_TEXT[status.state]}\n${table(headers, rows)}`;
}

async function status(ctx: OpsContext): Promise<number> {
  const api = await findPlatformApi(ctx);
  const stage = await getPlatformStage(ctx, api);
  const configured = ctx.config.api.throttle;
  const live = liveThrottle(stage);
  const result: BreakerStatus = {
    restApi: api,
    stage: stageName(ctx),
    state: breakerState(live, configured),
    configured: { rateLimit: configured.rateLimit, burstLimit: configured.burstLimit },
    live,
    floor: ctx.config.cost.breaker?.floor ?? null,
  };
  ctx.out.result(result, () => renderStatus(result));
  return result.state === 'normal' ? EXIT.OK : EXIT.FAILED_CHECK;
}

/** The patch that sets the stage's default throttle to the config's, for the limits that differ. */
export function resetPatch(live: LiveThrottle, configured: ThrottleConfig): { changes: ThrottleChange[]; patchOperations: PatchOperation[] } {
  const changes = SETTINGS.filter((s) => live[s] !== configured[s]).map((s) => ({ setting: s, from: live[s], to: configured[s] }));
  return {
    changes,
    patchOperations: changes.map((c) => ({ op: 'replace', path: THROTTLE_PATHS[c.setting], value: String(c.to) })),
  };
}

function renderReset(reset: BreakerReset): string {
  const where = `stage ${reset.stage} of ${reset.restApi.name} (${reset.restApi.id})`;
  if (reset.changes.length === 0) return `${where}: the default throttle is already the config's (rate ${reset.live.rateLimit}, burst ${reset.live.burstLimit}); nothing to change`;
  const changes = table(
    ['setting', 'from', 'to'],
    reset.changes.map((c) => [c.setting, show(c.from), c.to]),
  );
  if (reset.dryRun) {
    const patch = reset.patchOperations.map((op) => `  ${op.op} ${op.path} ${op.value}`).join('\n');
    return `${where}: dry run, nothing changed; UpdateStage would apply:\n${patch}\n\n${changes}`;
  }
  return `${where}: the default throttle is the config's again\n${changes}`;
}

async function reset(ctx: OpsContext, options: Record<string, any>): Promise<number> {
  const api = await findPlatformApi(ctx);
  const stage = await getPlatformStage(ctx, api);
  const configured = ctx.config.api.throttle;
  const before = liveThrottle(stage);
  const { changes, patchOperations } = resetPatch(before, configured);
  const dryRun = options.dryRun === true;

  let after = before;
  let applied = false;
  if (changes.length > 0 && !dryRun) {
    const updated = await ctx.clients.apiGateway.send(
      new UpdateStageCommand({ restApiId: api.id, stageName: stageName(ctx), patchOperations }),
    );
    after = liveThrottle(updated);
    applied = true;
  }
  const result: BreakerReset = { restApi: api, stage: stageName(ctx), dryRun, applied, changes, patchOperations, live: after };
  ctx.out.result(result, () => renderReset(result));
  if (applied && breakerState(after, configured) !== 'normal') {
    ctx.out.note(`warning: after the update the stage reports rate ${show(after.rateLimit)}, burst ${show(after.burstLimit)}; run \`breaker status\``);
    return EXIT.FAILED_CHECK;
  }
  return EXIT.OK;
}

/** `breaker status` and `breaker reset`: the stage's default throttle, which the spend breaker lowers. */
export const registerBreaker: CommandModule = (program, action) => {
  const breaker = program
    .command('breaker')
    .description("The spend breaker: it lowers the stage's default throttle to its floor when spend runs away; only `breaker reset` raises it again");
  breaker
    .command('status')
    .description("Compare the stage's default throttle (method settings */*) with api.throttle: normal (exit 0), tripped or differs (exit 1)")
    .action(action((ctx) => status(ctx)));
  breaker
    .command('reset')
    .description("Set the stage's default throttle back to api.throttle (UpdateStage, only the limits that differ)")
    .option('--dry-run', 'print the patch without applying it', false)
    .action(action((ctx, options) => reset(ctx, options)));
};
