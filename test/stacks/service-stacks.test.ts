import { App } from 'aws-cdk-lib';
import { generatePlatformConfig, serviceName } from '../../bench/generate-platform';
import type { PlatformConfig } from '../../lib/config/types';
import { resolveServiceModel } from '../../lib/mesh/service-model';
import { Platform, resourcesIn } from '../../lib/platform';
import { assignServiceStacks, CORE, estimateServiceStacks, jumpConsistentHash, planServiceStacks } from '../../lib/stacks/service-stacks';
import { CDK_CONTEXT, referenceConfig } from '../helpers';

const names = (n: number) => Array.from({ length: n }, (_, i) => serviceName(i + 1));

describe('jumpConsistentHash', () => {
  test('is the same for the same name and count, and in range', () => {
    // GIVEN / WHEN
    const buckets = names(500).map((name) => jumpConsistentHash(name, 7));
    // THEN
    expect(names(500).map((name) => jumpConsistentHash(name, 7))).toEqual(buckets);
    expect(new Set(buckets)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    expect(names(50).map((name) => jumpConsistentHash(name, 1))).toEqual(Array(50).fill(0));
  });

  test('one more bucket moves a name only into the new bucket, and about 1/n of them', () => {
    // GIVEN 2,000 names over 9 buckets
    const keys = Array.from({ length: 2000 }, (_, i) => `service-${i}`);
    const before = keys.map((key) => jumpConsistentHash(key, 9));
    // WHEN a tenth bucket is added
    const after = keys.map((key) => jumpConsistentHash(key, 10));
    // THEN every name that moved is in bucket 9, and about a tenth moved
    const moved = keys.filter((_, i) => after[i] !== before[i]);
    expect(moved.every((key) => jumpConsistentHash(key, 10) === 9)).toBe(true);
    expect(moved.length).toBeGreaterThan(150);
    expect(moved.length).toBeLessThan(250);
  });

  test('refuses a count below 1', () => {
    expect(() => jumpConsistentHash('orders', 0)).toThrow('buckets must be a positive integer, got 0');
  });
});

describe('assignServiceStacks', () => {
  test('adding services moves none of the others', () => {
    // GIVEN 100 services over 8 stacks
    const before = assignServiceStacks(names(100), 8);
    // WHEN 100 more are added
    const after = assignServiceStacks(names(200), 8);
    // THEN the first 100 are where they were
    for (const [service, stack] of before) expect(after.get(service)).toBe(stack);
  });

  test('0 service stacks: every service is in the core stack', () => {
    expect([...assignServiceStacks(names(3), 0).values()]).toEqual([CORE, CORE, CORE]);
  });
});

/** The platform with `config`, without bundling, and the resources each of its stacks holds. */
function build(config: PlatformConfig): { platform: Platform; resources: Map<string, number> } {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const platform = new Platform(app, { config });
  return { platform, resources: new Map(platform.stacks.map((stack) => [stack.stackName, resourcesIn(stack)])) };
}

/** Two services in different stacks calling each other, autoscaling, and routes sharing a prefix. */
function tangledConfig(): PlatformConfig {
  const config = referenceConfig() as any;
  config.serviceStacks = 3;
  config.mesh.services.inventory.calls = ['orders'];
  config.mesh.services.inventory.versions.v1.autoscaling = { maxCapacity: 4 };
  config.mesh.services.billing = { port: 8080, calls: ['orders'], versions: { v1: { image: 'public.ecr.aws/shop/billing:1.0', weight: 100 } } };
  config.api.routes.push({ path: '/orders/{orderId}/invoice', methods: ['GET', 'POST'], service: 'billing', auth: 'jwt' });
  return config;
}

describe('estimateServiceStacks', () => {
  // (The 200-service platform's stacks are compared with the estimate in sharded-platform.test.ts.)
  test.each<[string, () => PlatformConfig]>([
    ['20 generated services', () => generatePlatformConfig(20)],
    ['calls both ways across stacks, autoscaling, a shared path prefix', tangledConfig],
  ])('counts exactly what the service stacks hold: %s', (_, config) => {
    // GIVEN / WHEN
    const { platform, resources } = build(config());
    const plan = planServiceStacks(platform.model, platform.config.api.routes, platform.serviceStackCount);
    // THEN
    expect(platform.serviceStackCount).toBeGreaterThan(1);
    for (const [stack, estimate] of plan.resources) {
      if (stack === CORE) continue;
      expect([platform.serviceStacks.get(stack)!.stackName, resources.get(platform.serviceStacks.get(stack)!.stackName)]).toEqual([
        platform.serviceStacks.get(stack)!.stackName,
        estimate,
      ]);
    }
  });

  test('an API resource whose routes are in several stacks goes to the core stack', () => {
    // GIVEN /orders/{orderId} with routes of orders and (under it) billing, in different stacks
    const config = tangledConfig();
    const model = resolveServiceModel(config.name, config.mesh, config.api.routes);
    const stackOf = new Map([['orders', 0], ['inventory', 1], ['billing', 2]]);
    // WHEN
    const resources = estimateServiceStacks(model, config.api.routes, stackOf);
    // THEN /orders and /orders/{orderId} are in the core stack, /orders/{orderId}/invoice in billing's
    expect(resources.get(CORE)).toBe(2);
  });
});
