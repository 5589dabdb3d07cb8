/**
 * The stage's default method throttling (`methodSettings['*\/*']`) and the patch that lowers it to
 * the floor. The breaker only ever lowers a limit: a value already at or below the floor (an
 * operator may have set it lower) is left alone.
 */
import type { Limits } from './config';

/** The stage's current default throttling; undefined where the stage sets none. */
export interface CurrentLimits {
  readonly rateLimit?: number;
  readonly burstLimit?: number;
}

/** One UpdateStage patch operation. */
export interface PatchOperation {
  readonly op: 'replace';
  readonly path: '/*/*/throttling/rateLimit' | '/*/*/throttling/burstLimit';
  readonly value: string;
}

/** The stage's `methodSettings` as GetStage returns it. */
type MethodSettings = Record<string, { throttlingRateLimit?: number; throttlingBurstLimit?: number } | undefined> | undefined;

/**
 * Reads the default method throttling from a stage's `methodSettings`. A negative value (API
 * Gateway uses -1 for "no limit set here") counts as absent: it is no limit at all, so it must not
 * pass for one below the floor.
 */
export function currentLimits(methodSettings: MethodSettings): CurrentLimits {
  const defaults = methodSettings?.['*/*'];
  const limit = (n: unknown): number | undefined => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined);
  return { rateLimit: limit(defaults?.throttlingRateLimit), burstLimit: limit(defaults?.throttlingBurstLimit) };
}

/**
 * `min(current, floor)` for each limit; an absent current value counts as above the floor (the
 * account-level limit then applies, which is higher than any floor).
 */
export function targetLimits(current: CurrentLimits, floor: Limits): Limits {
  return {
    rateLimit: current.rateLimit === undefined ? floor.rateLimit : Math.min(current.rateLimit, floor.rateLimit),
    burstLimit: current.burstLimit === undefined ? floor.burstLimit : Math.min(current.burstLimit, floor.burstLimit),
  };
}

/** The patch operations for exactly the limits that must drop; empty when both are at or below the floor. */
export function patchOperations(current: CurrentLimits, floor: Limits): PatchOperation[] {
  const target = targetLimits(current, floor);
  const ops: PatchOperation[] = [];
  if (current.rateLimit === undefined || current.rateLimit > floor.rateLimit) {
    ops.push({ op: 'replace', path: '/*/*/throttling/rateLimit', value: String(target.rateLimit) });
  }
  if (current.burstLimit === undefined || current.burstLimit > floor.burstLimit) {
    ops.push({ op: 'replace', path: '/*/*/throttling/burstLimit', value: String(target.burstLimit) });
  }
  return ops;
}
