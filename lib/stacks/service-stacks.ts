import { createHash } from 'node:crypto';
import type { MeshProvider, RouteConfig } from '../config/types';
import { sizingVersion } from '../mesh/service-connect/rollout';
import type { ResolvedService, ServiceModel } from '../mesh/service-model';

/**
 * What every stack of the platform must stay within. CloudFormation allows 500 resources, a 1 MB
 * template (from S3) and 200 outputs per stack; the platform keeps a margin for what users add.
 */
export const STACK_LIMITS = {
  resources: 450,
  templateBytes: 800 * 1024,
  outputs: 200,
} as const;

/** The core stack's place in deploy order, before every service stack (numbered from 0). */
export const CORE = -1;

/**
 * Jump consistent hash (Lamping and Veach, 2014, "A Fast, Minimal Memory, Consistent Hash
 * Algorithm"): a bucket in `[0, buckets)` for `key`. When `buckets` grows by one, a key either
 * stays or moves to the new bucket, and only about 1/buckets of the keys move. The key is the
 * first 8 bytes of the SHA-256 of the name, so the result is the same on every machine.
 */
export function jumpConsistentHash(key: string, buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1) throw new Error(`jumpConsistentHash: buckets must be a positive integer, got ${buckets}`);
  const mask = (1n << 64n) - 1n;
  let state = createHash('sha256').update(key).digest().readBigUInt64BE(0);
  let bucket = -1;
  let next = 0;
  while (next < buckets) {
    bucket = next;
    state = (state * 2862933555777941757n + 1n) & mask;
    next = Math.floor((bucket + 1) * (2 ** 31 / (Number(state >> 33n) + 1)));
  }
  return bucket;
}

/** Which service stack each service is in, and how full each stack would be. */
export interface ServiceStackPlan {
  /** The number of service stacks; 0 when the platform is one stack. */
  readonly count: number;
  /** Each service's stack number, from 0; {@link CORE} for all of them when `count` is 0. */
  readonly stackOf: ReadonlyMap<string, number>;
  /** The resources each service stack would hold, by stack number (estimated; see {@link estimateServiceStacks}). */
  readonly resources: ReadonlyMap<number, number>;
}

/** Assigns each service to one of `count` service stacks by {@link jumpConsistentHash} of its name. */
export function assignServiceStacks(services: readonly string[], count: number): Map<string, number> {
  return new Map(services.map((name) => [name, count === 0 ? CORE : jumpConsistentHash(name, count)]));
}

/**
 * The resources a service stack holds, from the services assigned to it, the way the mesh and the
 * edge place them:
 *
 * - on App Mesh, per service: log group, Cloud Map service, security group, virtual router, virtual
 *   service, route, one gateway route per ingress path; per version: virtual node, task definition,
 *   task and execution roles with their policies, ECS service, certificate secret and its issuer
 *   resource, and a scalable target and scaling policy with autoscaling;
 * - on Service Connect, per service: log group, security group, the deployed version's task
 *   definition, roles, execution policy and ECS service, and the busiest version's autoscaling;
 * - per service, one API method per route method;
 * - each API resource (path segment) whose routes are all in the stack;
 * - each call between services, and from the ingress, whose later stack it is: two security-group rules.
 *
 * Tests compare it with what the constructs make.
 */
export function estimateServiceStacks(model: ServiceModel, routes: readonly RouteConfig[], stackOf: ReadonlyMap<string, number>): Map<number, number> {
  const counts = new Map<number, number>();
  const add = (stack: number, n: number) => counts.set(stack, (counts.get(stack) ?? 0) + n);
  const services = new Map(model.services.map((service) => [service.name, service]));

  for (const service of model.services) {
    const home = stackOf.get(service.name)!;
    add(home, serviceResources(service, model.provider));
    if (service.ingressPaths.length > 0) add(home, 2);
    for (const caller of service.calledBy) add(Math.max(home, stackOf.get(caller)!), 2);
  }

  const stacksUnder = new Map<string, Set<number>>();
  for (const route of routes) {
    if (!services.has(route.service)) continue;
    const home = stackOf.get(route.service)!;
    add(home, route.methods.length);
    const segments = route.path.split('/').slice(1).filter((segment) => segment !== '');
    segments.forEach((_, i) => {
      const prefix = `/${segments.slice(0, i + 1).join('/')}`;
      stacksUnder.set(prefix, (stacksUnder.get(prefix) ?? new Set()).add(home));
    });
  }
  for (const stacks of stacksUnder.values()) add(stacks.size === 1 ? [...stacks][0] : CORE, 1);
  return counts;
}

/** The resources of one service and its versions, without its API routes and call rules. */
function serviceResources(service: ResolvedService, provider: MeshProvider): number {
  if (provider === 'service-connect') {
    // Log group, security group, task definition, task and execution roles, the execution role's
    // policy and the ECS service, of the one version deployed; the ingress's paths are in its proxy.
    return 7 + (sizingVersion(service.versions).autoscaling ? 2 : 0);
  }
  const versions = service.versions.reduce((sum, version) => sum + 9 + (version.autoscaling ? 2 : 0), 0);
  return 6 + versions + service.ingressPaths.length;
}

/**
 * The service stacks for `count` (from `serviceStacks`), or, when it is undefined, the fewest
 * service stacks (1 or more) whose estimated resources all stay within {@link STACK_LIMITS}.
 * Whether the platform fits in one stack is decided by building it (see `Platform`).
 */
export function planServiceStacks(model: ServiceModel, routes: readonly RouteConfig[], count: number | undefined): ServiceStackPlan {
  const names = model.services.map((service) => service.name);
  const plan = (n: number): ServiceStackPlan => {
    const stackOf = assignServiceStacks(names, n);
    return { count: n, stackOf, resources: estimateServiceStacks(model, routes, stackOf) };
  };
  if (count !== undefined) return plan(count);
  // Per service stack, one resource is left for the CDK's metadata resource.
  const fits = (candidate: ServiceStackPlan) =>
    [...candidate.resources].every(([stack, n]) => stack === CORE || n <= STACK_LIMITS.resources - 1);
  for (let n = 1; n < MAX_AUTOMATIC_STACKS; n++) {
    const candidate = plan(n);
    if (fits(candidate)) return candidate;
  }
  return plan(MAX_AUTOMATIC_STACKS);
}

/** The most service stacks the automatic count goes to (the config allows 99). */
const MAX_AUTOMATIC_STACKS = 99;
