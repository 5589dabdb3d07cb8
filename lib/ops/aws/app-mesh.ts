import { type AppMeshClient, DescribeRouteCommand, type RouteData, type RouteSpec, type WeightedTarget } from '@aws-sdk/client-app-mesh';
import { platformNames } from '../../platform-names';
import { EXIT, OpsError } from '../errors';

/** Where a service's weighted route lives, by the names the constructs give. */
export interface RouteLocation {
  readonly meshName: string;
  readonly virtualRouterName: string;
  readonly routeName: string;
}

export function routeLocation(platform: string, service: string): RouteLocation {
  return {
    meshName: platformNames.mesh(platform),
    virtualRouterName: platformNames.virtualRouter(service),
    routeName: platformNames.route(service),
  };
}

const describe = (at: RouteLocation) => `route ${at.routeName} of virtual router ${at.virtualRouterName} in mesh ${at.meshName}`;

/**
 * The live route. Not found is a usage error that says where it looked: App Mesh ended support on
 * 2026-09-30, so only meshes deployed before then exist.
 */
export async function describeRoute(client: AppMeshClient, at: RouteLocation): Promise<RouteData> {
  try {
    const { route } = await client.send(new DescribeRouteCommand({ ...at }));
    if (!route?.spec) throw new OpsError(`${describe(at)}: DescribeRoute returned no spec`, EXIT.USAGE);
    return route;
  } catch (err) {
    if ((err as { name?: string }).name === 'NotFoundException') {
      throw new OpsError(
        `${describe(at)} not found: is the platform deployed with the App Mesh backend? ` +
          `(App Mesh reached end of support on 2026-09-30; new meshes cannot be created; AWS said: ${(err as Error).message})`,
        EXIT.USAGE,
      );
    }
    throw err;
  }
}

/**
 * The HTTP route's weighted targets. The platform builds an `httpRoute`; a route of another kind
 * was changed outside the stack, which is drift (exit 1).
 */
export function liveTargets(route: RouteData, at: RouteLocation): WeightedTarget[] {
  const targets = route.spec?.httpRoute?.action?.weightedTargets;
  if (!targets) {
    const kinds = Object.keys(route.spec ?? {}).filter((key) => key.endsWith('Route'));
    throw new OpsError(
      `drift: ${describe(at)} is not an HTTP route with weighted targets (it has: ${kinds.join(', ') || 'nothing'}); ` +
        'the platform builds an httpRoute: deploy to put it back',
      EXIT.FAILED_CHECK,
    );
  }
  return targets;
}

/**
 * The live spec with only `httpRoute.action.weightedTargets` replaced: match, retry policy,
 * timeout and priority stay as they are live. The live spec is not modified.
 */
export function withWeightedTargets(spec: RouteSpec, targets: WeightedTarget[]): RouteSpec {
  const copy = structuredClone(spec);
  const httpRoute = copy.httpRoute!;
  return { ...copy, httpRoute: { ...httpRoute, action: { ...httpRoute.action, weightedTargets: targets } } };
}
