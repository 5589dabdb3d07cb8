import type { AutoscalingConfig, CircuitBreakerConfig, MeshConfig, MeshProvider, RetryConfig, RolloutConfig, RouteConfig } from '../config/types';
import { compareVersionNames, DEFAULT_ROLLOUT } from './service-connect/rollout';

/** One version of a service, with every default applied. */
export interface ResolvedVersion {
  readonly name: string;
  readonly image: string;
  readonly weight: number;
  readonly desiredCount: number;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly environment: Record<string, string>;
  readonly autoscaling?: Required<AutoscalingConfig>;
}

/** A service with every default applied: what a mesh backend renders. */
export interface ResolvedService {
  readonly name: string;
  readonly port: number;
  /** `<name>.<namespace>`: the name callers use, and the name on its certificates. */
  readonly dnsName: string;
  readonly healthCheckPath: string;
  /** The services it calls, sorted. */
  readonly calls: string[];
  /** The services that call it, sorted. */
  readonly calledBy: string[];
  readonly retries: { readonly attempts: number; readonly perTryTimeoutMs: number };
  readonly timeoutMs: number;
  readonly circuitBreaker: {
    readonly maxServerErrors: number;
    readonly intervalSeconds: number;
    readonly ejectSeconds: number;
    readonly maxEjectionPercent: number;
  };
  /** The versions, oldest first (names in natural order: `v2` before `v10`). */
  readonly versions: ResolvedVersion[];
  /** The traffic settings the config gives itself, without defaults: a backend that cannot honour one says so. */
  readonly declared: {
    readonly retries?: RetryConfig;
    readonly timeoutMs?: number;
    readonly circuitBreaker?: CircuitBreakerConfig;
    readonly healthCheckPath?: string;
  };
  /** How the ingress recognises this service's requests, from the API routes that name it. */
  readonly ingressPaths: IngressPathMatch[];
}

/** A path the ingress sends to a service, derived from an API route's path. */
export type IngressPathMatch =
  | { readonly kind: 'exact'; readonly path: string }
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'regex'; readonly regex: string };

/** The mesh's services and ingress, with every default applied. */
export interface ServiceModel {
  readonly platformName: string;
  /** The backend that renders the services. */
  readonly provider: MeshProvider;
  /** The Service Connect backend's settings, with defaults applied. */
  readonly serviceConnect: {
    /** An existing Private CA; when undefined, the backend creates one. */
    readonly certificateAuthorityArn?: string;
    readonly rollout: Required<RolloutConfig>;
  };
  /** The private DNS namespace, for example `shop.local`. */
  readonly namespace: string;
  readonly ingress: { readonly port: number; readonly desiredCount: number; readonly dnsName: string };
  readonly certificates: { readonly generation: number; readonly validityDays: number };
  readonly logRetentionDays: number;
  /** The services, sorted by name. */
  readonly services: ResolvedService[];
}

/** How a regex path match reads a `{param}` segment. */
const PARAMETER_SEGMENT_REGEX = '[^/]+';
/** The leading segments whose kinds order regex matches (2^8 orders fit in the regexes' 100–499). */
const ORDERED_SEGMENTS = 8;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * How the ingress matches an API route's path: a literal path exactly; a path with `{param}`
 * segments by a regex with one segment per parameter; a greedy `{name+}` by its literal prefix.
 */
export function ingressPathMatch(path: string): IngressPathMatch {
  const segments = path.split('/').slice(1);
  const last = segments[segments.length - 1] ?? '';
  if (/^\{[^}]+\+\}$/.test(last)) {
    return { kind: 'prefix', prefix: `/${segments.slice(0, -1).map((s) => `${s}/`).join('')}` };
  }
  if (!segments.some((segment) => segment.startsWith('{'))) return { kind: 'exact', path };
  const pattern = segments.map((segment) => (segment.startsWith('{') ? PARAMETER_SEGMENT_REGEX : escapeRegex(segment))).join('/');
  return { kind: 'regex', regex: `^/${pattern}$` };
}

/**
 * The order in which the ingress tries a path (0 first, at most 999), the order in which API Gateway
 * picks a route, so that `/orders/{id}` is tried before a `/` prefix: exact paths first; then
 * regexes, a literal segment before a parameter at the first level where they differ (API Gateway
 * sends `/orders/summary` to `/orders/{id}` before `/{kind}/summary`; two regexes of different depths
 * never match the same path); then prefixes, the longer before the shorter. It depends on the match
 * alone, so a service's paths keep their order whatever other services are added. App Mesh takes it
 * as a gateway route's priority.
 */
export function ingressPathPriority(match: IngressPathMatch): number {
  switch (match.kind) {
    case 'exact':
      return 0;
    case 'regex': {
      // One bit per leading segment, a parameter 1: the earlier a literal, the smaller the number.
      const segments = match.regex
        .slice('^/'.length, -'$'.length)
        .replaceAll(PARAMETER_SEGMENT_REGEX, '\0')
        .split('/')
        .slice(0, ORDERED_SEGMENTS);
      const kinds = segments.reduce((bits, segment) => bits * 2 + (segment === '\0' ? 1 : 0), 0);
      return 100 + kinds * 2 ** (ORDERED_SEGMENTS - segments.length);
    }
    case 'prefix':
      return 500 + Math.max(0, 499 - match.prefix.length);
  }
}

/**
 * Resolves the mesh section of a validated config: defaults applied, callers computed, and the
 * ingress paths of each service taken from the API routes.
 */
export function resolveServiceModel(platformName: string, mesh: MeshConfig, routes: readonly RouteConfig[]): ServiceModel {
  const namespace = mesh.namespace ?? `${platformName}.local`;
  const names = Object.keys(mesh.services).sort();
  const services = names.map((name): ResolvedService => {
    const service = mesh.services[name];
    const pathMatches = new Map<string, IngressPathMatch>();
    for (const route of routes.filter((r) => r.service === name)) {
      const match = ingressPathMatch(route.path);
      pathMatches.set(JSON.stringify(match), match);
    }
    return {
      name,
      port: service.port,
      dnsName: `${name}.${namespace}`,
      healthCheckPath: service.healthCheckPath ?? '/health',
      calls: [...(service.calls ?? [])].sort(),
      calledBy: names.filter((caller) => mesh.services[caller].calls?.includes(name)),
      retries: { attempts: service.retries?.attempts ?? 3, perTryTimeoutMs: service.retries?.perTryTimeoutMs ?? 2000 },
      timeoutMs: service.timeoutMs ?? 15_000,
      circuitBreaker: {
        maxServerErrors: service.circuitBreaker?.maxServerErrors ?? 5,
        intervalSeconds: service.circuitBreaker?.intervalSeconds ?? 10,
        ejectSeconds: service.circuitBreaker?.ejectSeconds ?? 30,
        maxEjectionPercent: service.circuitBreaker?.maxEjectionPercent ?? 50,
      },
      declared: {
        retries: service.retries,
        timeoutMs: service.timeoutMs,
        circuitBreaker: service.circuitBreaker,
        healthCheckPath: service.healthCheckPath,
      },
      versions: Object.keys(service.versions)
        .sort(compareVersionNames)
        .map((versionName): ResolvedVersion => {
          const version = service.versions[versionName];
          const desiredCount = version.desiredCount ?? 2;
          return {
            name: versionName,
            image: version.image,
            weight: version.weight,
            desiredCount,
            cpu: version.cpu ?? 512,
            memoryMiB: version.memoryMiB ?? 1024,
            environment: version.environment ?? {},
            autoscaling: version.autoscaling && {
              minCapacity: version.autoscaling.minCapacity ?? desiredCount,
              maxCapacity: version.autoscaling.maxCapacity,
              targetCpuPercent: version.autoscaling.targetCpuPercent ?? 60,
            },
          };
        }),
      ingressPaths: [...pathMatches.values()],
    };
  });
  return {
    platformName,
    provider: mesh.provider ?? 'app-mesh',
    serviceConnect: {
      certificateAuthorityArn: mesh.serviceConnect?.certificateAuthorityArn,
      rollout: { ...DEFAULT_ROLLOUT, ...definedFields(mesh.serviceConnect?.rollout ?? {}) },
    },
    namespace,
    ingress: { port: mesh.ingress?.port ?? 8080, desiredCount: mesh.ingress?.desiredCount ?? 2, dnsName: `ingress.${namespace}` },
    certificates: { generation: mesh.certificates?.generation ?? 1, validityDays: mesh.certificates?.validityDays ?? 365 },
    logRetentionDays: mesh.logRetentionDays ?? 90,
    services,
  };
}

/** The fields of an object that are not undefined, so that spreading it keeps the defaults under them. */
function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
