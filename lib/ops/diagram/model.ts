import { describeAuth, routeMethods } from '../../config/routes';
import type { HttpMethod, PlatformConfig, RouteAuth, ThrottleConfig } from '../../config/types';
import { isRolloutProblem, type RolloutProblem, serviceConnectRollout, type ServiceRollout } from '../../mesh/service-connect/rollout';
import { resolveServiceModel } from '../../mesh/service-model';

/**
 * The platform as a graph, from its config alone: what the Mermaid and DOT renderers draw. Pure and
 * deterministic: every list is sorted, and the same config gives the same graph.
 */

/** What a node stands for; the renderers choose its shape by it. */
export type NodeKind = 'client' | 'api' | 'route' | 'plan' | 'ingress' | 'service' | 'version' | 'unknown-service';

/** A node: a safe identifier (`[A-Za-z][A-Za-z0-9_]*`) and its label's lines, as plain text. */
export interface DiagramNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly lines: string[];
  /** The group (a service's box) the node is drawn in. */
  readonly group?: string;
}

/** A box around a service and its versions. */
export interface DiagramGroup {
  readonly id: string;
  readonly label: string;
}

/**
 * What an edge stands for:
 * - `request`: a request's way in (client → API → route → service; API → ingress over the VPC link);
 * - `weight`: a service's share of traffic to one of its versions;
 * - `mtls`: a hop inside the mesh (ingress → service, service → the services it calls);
 * - `plan`: a rate plan metering an API-key route (no direction).
 */
export type EdgeKind = 'request' | 'weight' | 'mtls' | 'plan';

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
}

export interface Diagram {
  /** Every node, in drawing order (grouped nodes after the top-level ones, group by group). */
  readonly nodes: DiagramNode[];
  readonly groups: DiagramGroup[];
  readonly edges: DiagramEdge[];
}

/** The order methods are listed in for one path. */
const METHOD_ORDER: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];

/** Code-point order, independent of the locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `5000000` → `5,000,000`, whatever the locale. */
export function formatCount(value: number): string {
  const [whole, fraction] = String(value).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** `100 rps / 200 burst`. */
export function formatThrottle(throttle: ThrottleConfig): string {
  return `${formatCount(throttle.rateLimit)} rps / ${formatCount(throttle.burstLimit)} burst`;
}

/**
 * A route's authorizer as a short label: `public`, `JWT`, `Cognito`, `JWT: a and b` (a JWT must
 * carry every scope), `Cognito: a or b` (a Cognito token needs one of them).
 */
export function authLabel(auth: RouteAuth): string {
  const { kind, scopes } = describeAuth(auth);
  if (kind === 'none') return 'public';
  const name = kind === 'jwt' ? 'JWT' : 'Cognito';
  if (scopes.length === 0) return name;
  return `${name}: ${scopes.join(kind === 'jwt' ? ' and ' : ' or ')}`;
}

/** Hands out identifiers that are safe in Mermaid and DOT, unique within one diagram. */
class Ids {
  private readonly used = new Set<string>();

  /** `prefix_part_part`, with every run of other characters made one `_`, suffixed `_2`, `_3`… if taken. */
  make(prefix: string, ...parts: string[]): string {
    const body = parts
      .map((part) => part.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, ''))
      .filter((part) => part.length > 0)
      .join('_');
    const base = body ? `${prefix}_${body}` : prefix;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}

/** The graph of a platform config. The config is expected to be valid; a route or call naming a missing service still draws, as an unknown service. */
export function buildDiagram(config: PlatformConfig): Diagram {
  const ids = new Ids();
  const nodes: DiagramNode[] = [];
  const groups: DiagramGroup[] = [];
  const edges: DiagramEdge[] = [];
  const { api, mesh } = config;
  const model = resolveServiceModel(config.name, mesh, api.routes);

  // The way in.
  const client = ids.make('client');
  const apiId = ids.make('api');
  nodes.push({ id: client, kind: 'client', lines: ['Client'] });
  nodes.push({
    id: apiId,
    kind: 'api',
    lines: [`REST API ${config.name}`, `stage ${api.stageName ?? 'prod'}`, formatThrottle(api.throttle)],
  });
  edges.push({ from: client, to: apiId, kind: 'request' });

  // Rate plans, by name.
  const plans = Object.keys(api.ratePlans ?? {})
    .sort(compare)
    .map((name) => {
      const plan = api.ratePlans![name];
      const quota = plan.quota ? `${formatCount(plan.quota.limit)} / ${plan.quota.period}` : 'no quota';
      const lines = [`${name}: ${formatThrottle(plan.throttle)}, ${quota}`];
      const keys = [...(plan.apiKeys ?? [])].sort(compare);
      if (keys.length > 0) lines.push(`API keys: ${keys.join(', ')}`);
      const node: DiagramNode = { id: ids.make('plan', name), kind: 'plan', lines };
      nodes.push(node);
      return { node, methods: plan.methods ?? {} };
    });

  // One node per route method, by path, then method.
  const methods = routeMethods(api.routes).sort(
    (a, b) => compare(a.route.path, b.route.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method),
  );
  const serviceIds = new Map<string, string>();
  const serviceId = (name: string): string => {
    if (!serviceIds.has(name)) serviceIds.set(name, ids.make('svc', name));
    return serviceIds.get(name)!;
  };
  const unknownServices = new Set<string>();
  const known = new Set(model.services.map((s) => s.name));
  const routeEdges: DiagramEdge[] = [];
  const meteredRoutes: { key: string; id: string }[] = [];
  for (const { key, method, route } of methods) {
    const id = ids.make('route', method, route.path);
    const lines = [`${method} ${route.path}`, authLabel(route.auth)];
    if (route.apiKey) lines.push('API key');
    nodes.push({ id, kind: 'route', lines });
    edges.push({ from: apiId, to: id, kind: 'request' });
    if (!known.has(route.service)) unknownServices.add(route.service);
    routeEdges.push({ from: id, to: serviceId(route.service), kind: 'request' });
    if (route.apiKey) meteredRoutes.push({ key, id });
  }
  edges.push(...routeEdges);

  // The ingress, behind the API's VPC link: App Mesh's virtual gateway, or Service Connect's nginx proxy.
  const serviceConnect = model.provider === 'service-connect';
  const tls = serviceConnect ? 'TLS' : 'mTLS';
  const ingress = ids.make('ingress');
  const ingressLines = serviceConnect ? ['Ingress proxy (nginx)', `port ${model.ingress.port}`] : ['Ingress gateway', `${model.ingress.dnsName}:${model.ingress.port}`];
  nodes.push({ id: ingress, kind: 'ingress', lines: ingressLines });
  edges.push({ from: apiId, to: ingress, kind: 'request', label: 'VPC link' });

  // Services the config names but does not define (an invalid config): drawn, and marked.
  for (const service of model.services) for (const callee of service.calls) if (!known.has(callee)) unknownServices.add(callee);
  for (const name of [...unknownServices].sort(compare)) {
    nodes.push({ id: serviceId(name), kind: 'unknown-service', lines: [name, 'not in mesh.services'] });
  }

  // A box per service: the service, its versions and their weights.
  const weightEdges: DiagramEdge[] = [];
  for (const service of model.services) {
    const group = ids.make('sg', service.name);
    groups.push({ id: group, label: `service ${service.name}` });
    const id = serviceId(service.name);
    nodes.push({ id, kind: 'service', lines: [service.name, `${service.dnsName}:${service.port}`], group });
    edges.push({ from: ingress, to: id, kind: 'mtls', label: tls });
    const rollout = serviceConnect ? serviceConnectRollout(service.versions, model.serviceConnect.rollout.strategy) : undefined;
    for (const version of service.versions) {
      const versionId = ids.make('ver', service.name, version.name);
      nodes.push({ id: versionId, kind: 'version', lines: [`${service.name}-${version.name}`, version.image], group });
      weightEdges.push({ from: id, to: versionId, kind: 'weight', label: rolloutLabel(rollout, version) });
    }
  }
  edges.push(...weightEdges);

  // Who calls whom, over mutual TLS.
  for (const service of model.services) {
    for (const callee of service.calls) {
      edges.push({ from: serviceId(service.name), to: serviceId(callee), kind: 'mtls', label: tls });
    }
  }

  // Every rate plan meters every route that requires an API key: with the plan's own throttle, or
  // the plan's override for that method.
  for (const plan of plans) {
    for (const route of meteredRoutes) {
      const override = plan.methods[route.key];
      edges.push({ from: plan.node.id, to: route.id, kind: 'plan', ...(override ? { label: formatThrottle(override) } : {}) });
    }
  }
  return { nodes, groups, edges };
}

/**
 * A version's edge label: its weight on App Mesh; on Service Connect, what the deployment does with
 * it (the weight where the versions are not a rollout ECS can do, as an invalid config is drawn too).
 */
function rolloutLabel(rollout: ServiceRollout | RolloutProblem | undefined, version: { readonly name: string; readonly weight: number }): string {
  if (rollout === undefined || isRolloutProblem(rollout)) return `${version.weight}%`;
  if (version.name === rollout.run) return rollout.kind === 'shift' ? `deployed, ${rollout.percent}% a step` : 'deployed';
  return rollout.kind === 'shift' ? 'until the rollout ends' : 'retired';
}
