// App Mesh routes as DescribeRoute returns them, for the canary tests and scenarios. No side
// effects: importing this mocks nothing.
import type { RouteData, WeightedTarget } from '@aws-sdk/client-app-mesh';

/** The orders route of platform shop as the stack deploys it (bin/environments/prod.ts: v1 90, v2 10). */
export function ordersRoute(targets: WeightedTarget[] = [
  { virtualNode: 'orders-v1', weight: 90, port: 8080 },
  { virtualNode: 'orders-v2', weight: 10, port: 8080 },
]): RouteData {
  return {
    meshName: 'shop',
    virtualRouterName: 'orders-router',
    routeName: 'orders-route',
    spec: {
      priority: 10,
      httpRoute: {
        match: { prefix: '/' },
        action: { weightedTargets: targets },
        retryPolicy: {
          maxRetries: 3,
          perRetryTimeout: { unit: 'ms', value: 2000 },
          httpRetryEvents: ['server-error', 'gateway-error'],
          tcpRetryEvents: ['connection-error'],
        },
        timeout: { perRequest: { unit: 'ms', value: 15000 } },
      },
    },
    metadata: {
      arn: 'arn:aws:appmesh:eu-west-1:111122223333:mesh/shop/virtualRouter/orders-router/route/orders-route',
      version: 3,
      uid: 'a1b2c3d4-0000-4000-8000-000000000001',
      createdAt: new Date('2026-01-05T10:00:00Z'),
      lastUpdatedAt: new Date('2026-02-01T10:00:00Z'),
      meshOwner: '111122223333',
      resourceOwner: '111122223333',
    },
    status: { status: 'ACTIVE' },
  };
}
