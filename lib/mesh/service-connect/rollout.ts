import type { RolloutStrategy } from '../../config/types';

/** The rollout settings that apply when the config gives none. */
export const DEFAULT_ROLLOUT = { strategy: 'canary', stepBakeMinutes: 10, bakeMinutes: 10 } as const satisfies {
  strategy: RolloutStrategy;
  stepBakeMinutes: number;
  bakeMinutes: number;
};

/** The smallest step of a linear ECS deployment, in percent (ECS allows 3.0 to 100.0). */
export const MIN_LINEAR_STEP_PERCENT = 3;

/** Version names in natural order, oldest first: `v2` before `v10`. */
export function compareVersionNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** What an ECS service does with a service's versions on Service Connect. */
export type ServiceRollout =
  /** One version runs and has all traffic; a change to it is a rolling update. */
  | { readonly kind: 'single'; readonly run: string; readonly retired?: string }
  /** `run` is deployed, taking `percent` of the traffic from `from` at each step of the deployment. */
  | { readonly kind: 'shift'; readonly run: string; readonly from: string; readonly percent: number };

/** Why a service's versions cannot be rendered on Service Connect: the field to fix, and how. */
export interface RolloutProblem {
  /** The field under the service, `versions` or `versions.<name>.weight`. */
  readonly field: string;
  readonly message: string;
}

/**
 * Maps a service's versions onto an ECS deployment. An ECS service runs one task definition and
 * moves traffic to a new one only while it deploys, so Service Connect holds no steady split: the
 * newest version (last in natural order) is the one deployed, and when it has a weight below 100 it
 * takes that share of the traffic from the version before it at each step (canary or linear). A
 * split ECS cannot express is a {@link RolloutProblem}.
 */
export function serviceConnectRollout(
  versions: ReadonlyArray<{ readonly name: string; readonly weight: number }>,
  strategy: RolloutStrategy,
): ServiceRollout | RolloutProblem {
  const sorted = [...versions].sort((a, b) => compareVersionNames(a.name, b.name));
  const weights = sorted.map((v) => `${v.name}: ${v.weight}`).join(', ');
  if (sorted.length > 2) {
    const [previous, newest] = sorted.slice(-2);
    return {
      field: 'versions',
      message:
        `Service Connect cannot hold a steady split between ${sorted.length} versions (${weights}): an ECS service runs one ` +
        'version and moves traffic to the next only while it deploys. Keep the version that runs now and the newest, whose ' +
        `weight is the share it takes at each step (for example ${previous!.name}: 90, ${newest!.name}: 10), or use mesh.provider 'app-mesh'`,
    };
  }
  const newest = sorted[sorted.length - 1]!;
  if (sorted.length === 1) return { kind: 'single', run: newest.name };
  const previous = sorted[0]!;
  if (newest.weight === 0) {
    return {
      field: `versions.${newest.name}.weight`,
      message:
        `must be above 0 on Service Connect, got 0 (${weights}): it deploys the newest version and cannot run one without traffic. ` +
        `Give ${newest.name} the share it should take at each step, or remove it`,
    };
  }
  if (newest.weight === 100) return { kind: 'single', run: newest.name, retired: previous.name };
  if (strategy === 'linear' && newest.weight < MIN_LINEAR_STEP_PERCENT) {
    return {
      field: `versions.${newest.name}.weight`,
      message: `must be at least ${MIN_LINEAR_STEP_PERCENT} for a linear rollout (ECS moves 3 to 100 percent a step), got ${newest.weight}: raise it or use rollout strategy 'canary'`,
    };
  }
  return { kind: 'shift', run: newest.name, from: previous.name, percent: newest.weight };
}

/** Whether {@link serviceConnectRollout} found a problem. */
export function isRolloutProblem(result: ServiceRollout | RolloutProblem): result is RolloutProblem {
  return 'message' in result;
}

/**
 * The version whose task count and autoscaling the ECS service keeps: the one with the most traffic
 * (the newer of two equal), since the version deployed takes all traffic once its rollout ends. A
 * canary sized for its share would otherwise carry the whole service.
 */
export function sizingVersion<V extends { readonly name: string; readonly weight: number }>(versions: readonly V[]): V {
  return [...versions].sort((a, b) => b.weight - a.weight || compareVersionNames(b.name, a.name))[0]!;
}
