import { ingressPathMatch, ingressPathPriority, resolveServiceModel } from '../../lib/mesh/service-model';
import { referenceConfig } from '../helpers';

describe('ingressPathMatch', () => {
  test.each([
    ['/orders', { kind: 'exact', path: '/orders' }],
    ['/', { kind: 'exact', path: '/' }],
    ['/orders/{orderId}', { kind: 'regex', regex: '^/orders/[^/]+$' }],
    ['/a.b/{id}/items', { kind: 'regex', regex: '^/a\\.b/[^/]+/items$' }],
    ['/inventory/{proxy+}', { kind: 'prefix', prefix: '/inventory/' }],
    ['/{proxy+}', { kind: 'prefix', prefix: '/' }],
  ])('%s is matched as %j', (path, expected) => {
    // WHEN / THEN
    expect(ingressPathMatch(path)).toEqual(expected);
  });
});

describe('resolveServiceModel', () => {
  test('applies the defaults, sorts, and works out who calls whom and which paths reach each service', () => {
    // GIVEN the reference config: orders (v1 90, v2 10) calls inventory
    const config = referenceConfig();
    // WHEN
    const model = resolveServiceModel(config.name, config.mesh, config.api.routes);
    // THEN
    expect(model.namespace).toBe('shop.local');
    expect(model.ingress).toEqual({ port: 8080, desiredCount: 2, dnsName: 'ingress.shop.local' });
    expect(model.certificates).toEqual({ generation: 1, validityDays: 365 });
    expect(model.services.map((s) => s.name)).toEqual(['inventory', 'orders']);

    const [inventory, orders] = model.services;
    expect(inventory).toMatchObject({
      dnsName: 'inventory.shop.local',
      calls: [],
      calledBy: ['orders'],
      healthCheckPath: '/health',
      retries: { attempts: 3, perTryTimeoutMs: 2000 },
      timeoutMs: 15000,
      circuitBreaker: { maxServerErrors: 5, intervalSeconds: 10, ejectSeconds: 30, maxEjectionPercent: 50 },
      ingressPaths: [{ kind: 'prefix', prefix: '/inventory/' }],
    });
    expect(orders.calls).toEqual(['inventory']);
    expect(orders.calledBy).toEqual([]);
    expect(orders.ingressPaths).toEqual([
      { kind: 'exact', path: '/orders' },
      { kind: 'regex', regex: '^/orders/[^/]+$' },
      { kind: 'exact', path: '/health' },
    ]);
    expect(orders.versions).toEqual([
      { name: 'v1', image: 'public.ecr.aws/shop/orders:1.4', weight: 90, desiredCount: 2, cpu: 512, memoryMiB: 1024, environment: {}, autoscaling: { minCapacity: 2, maxCapacity: 6, targetCpuPercent: 60 } },
      { name: 'v2', image: 'public.ecr.aws/shop/orders:1.5', weight: 10, desiredCount: 1, cpu: 512, memoryMiB: 1024, environment: {}, autoscaling: undefined },
    ]);
  });
});

describe('ingressPathPriority', () => {
  const priorityOf = (path: string) => ingressPathPriority(ingressPathMatch(path));

  test('orders paths as API Gateway picks routes: exact, then parameters with literals first, then greedy prefixes', () => {
    // GIVEN paths in the order API Gateway would choose among them
    const paths = ['/orders/summary', '/orders/{id}', '/{kind}/summary', '/{kind}/{id}', '/orders/{proxy+}', '/{proxy+}'];
    // WHEN sorted by priority
    const sorted = [...paths].reverse().sort((a, b) => priorityOf(a) - priorityOf(b));
    // THEN the order is the same, and each is within its band
    expect(sorted).toEqual(paths);
    expect(priorityOf('/orders/summary')).toBe(0);
    for (const path of ['/orders/{id}', '/{kind}/summary', '/{kind}/{id}']) expect(priorityOf(path)).toBeGreaterThanOrEqual(100);
    for (const path of ['/orders/{id}', '/{kind}/summary', '/{kind}/{id}']) expect(priorityOf(path)).toBeLessThan(500);
    expect(priorityOf('/{proxy+}')).toBeLessThanOrEqual(999);
  });

  test('a deep path stays within the regex band', () => {
    // GIVEN twelve parameter segments, more than the eight that order regexes
    const deep = `/${Array.from({ length: 12 }, (_, i) => `{p${i}}`).join('/')}`;
    // THEN
    expect(priorityOf(deep)).toBe(100 + 255);
  });
});
