import type { PlatformConfig } from '../../lib/config/types';

/**
 * A full, valid platform config, as in the design: every optional field set. A fresh copy each
 * call, so tests can change it.
 *
 * Routes: [0] GET /health, [1] GET+POST /orders, [2] GET+DELETE /orders/{id}, [3] GET
 * /inventory/{sku}, [4] ANY /admin/{proxy+}. Services: `inventory` (v1, by digest) and `orders` (v1
 * with weight 90, every field set; v2 with weight 10), both on port 8080; orders calls inventory.
 * Throttles (rate/burst): the stage 100/200, plan `free` 5/10, plan `pro` 50/100; the breaker's
 * floor 1/1. Cost: a $500 budget, two e-mail addresses and a topic.
 */
export function validConfig(): PlatformConfig {
  return {
    name: 'shop',
    network: { cidr: '10.0.0.0/16', natGateways: 1, flowLogRetentionDays: 90 },
    api: {
      stageName: 'prod',
      throttle: { rateLimit: 100, burstLimit: 200 },
      auth: {
        cognito: {
          domainPrefix: 'shop-partners',
          resourceServerId: 'https://shop.api',
          scopes: ['orders.read', 'orders.write', 'inventory.read'],
          accessTokenValidityMinutes: 60,
        },
        jwt: {
          issuer: 'https://login.example.com/',
          audience: ['shop-api'],
          jwksUri: 'https://login.example.com/.well-known/jwks.json',
          cacheTtlSeconds: 300,
        },
      },
      routes: [
        { path: '/health', methods: ['GET'], service: 'orders', auth: 'none' },
        {
          path: '/orders',
          methods: ['GET', 'POST'],
          service: 'orders',
          auth: { cognitoScopes: ['orders.read', 'orders.write'] },
          apiKey: true,
        },
        {
          path: '/orders/{id}',
          methods: ['GET', 'DELETE'],
          service: 'orders',
          auth: { cognitoScopes: ['orders.write'] },
          apiKey: true,
        },
        { path: '/inventory/{sku}', methods: ['GET'], service: 'inventory', auth: 'jwt' },
        { path: '/admin/{proxy+}', methods: ['ANY'], service: 'inventory', auth: { jwtScopes: ['admin'] } },
      ],
      ratePlans: {
        free: {
          throttle: { rateLimit: 5, burstLimit: 10 },
          quota: { limit: 1000, period: 'DAY' },
          apiKeys: ['trial'],
        },
        pro: {
          throttle: { rateLimit: 50, burstLimit: 100 },
          quota: { limit: 1_000_000, period: 'MONTH' },
          methods: { 'POST /orders': { rateLimit: 10, burstLimit: 20 } },
          apiKeys: ['acme', 'globex'],
        },
      },
      accessLogRetentionDays: 90,
      waf: { enabled: true, ratePerIpPer5Minutes: 2000 },
      manageAccountLogRole: true,
    },
    mesh: {
      provider: 'app-mesh',
      namespace: 'shop.local',
      ingress: { port: 8080, desiredCount: 2 },
      certificates: { generation: 1, validityDays: 365 },
      logRetentionDays: 90,
      services: {
        inventory: {
          port: 8080,
          versions: {
            v1: { image: `public.ecr.aws/shop/inventory@sha256:${'0123456789abcdef'.repeat(4)}`, weight: 100 },
          },
        },
        orders: {
          port: 8080,
          versions: {
            v1: {
              image: 'public.ecr.aws/shop/orders:1.4',
              weight: 90,
              desiredCount: 2,
              cpu: 512,
              memoryMiB: 1024,
              environment: { LOG_LEVEL: 'info' },
              autoscaling: { minCapacity: 2, maxCapacity: 6, targetCpuPercent: 60 },
            },
            v2: { image: 'public.ecr.aws/shop/orders:1.5', weight: 10, desiredCount: 1 },
          },
          calls: ['inventory'],
          healthCheckPath: '/health',
          retries: { attempts: 3, perTryTimeoutMs: 2000 },
          timeoutMs: 15_000,
          circuitBreaker: { maxServerErrors: 5, intervalSeconds: 10, ejectSeconds: 30, maxEjectionPercent: 50 },
        },
      },
    },
    cost: {
      monthlyBudgetUsd: 500,
      alertEmails: ['ops@shop.example', 'finance@shop.example'],
      alertTopicArn: 'arn:aws:sns:eu-west-1:123456789012:shop-alerts',
      actualThresholdsPercent: [50, 80, 100],
      forecastThresholdPercent: 100,
      prices: { restApiCallsPerMillion: 3.5, lambdaRequestsPerMillion: 0.2, lambdaGbSecond: 0.0000133334 },
      spendAlarm: { burstFactor: 3, evaluationHours: 2 },
      warnWhenKeysCanExhaustBudget: 10,
      breaker: { floor: { rateLimit: 1, burstLimit: 1 }, tripOnBudgetPercent: 100 },
    },
  };
}

/** A valid config with only the required fields. */
export function minimalConfig(): PlatformConfig {
  return {
    name: 'shop',
    api: {
      throttle: { rateLimit: 10, burstLimit: 20 },
      routes: [{ path: '/', methods: ['GET'], service: 'web', auth: 'none' }],
    },
    mesh: { services: { web: { port: 3000, versions: { v1: { image: 'web:1', weight: 100 } } } } },
    cost: { monthlyBudgetUsd: 100, alertEmails: ['ops@example.com'] },
  };
}

/**
 * A copy of `base` with each change applied. Keys are paths as problems name them
 * (`api.routes[1].service`, `api.ratePlans.pro.methods['POST /orders']`); `undefined` deletes the
 * field; missing parents are created.
 */
export function configWith(changes: Record<string, unknown>, base: PlatformConfig = validConfig()): PlatformConfig {
  const config: unknown = structuredClone(base);
  for (const [path, value] of Object.entries(changes)) {
    const keys = parsePath(path);
    let parent = config as Record<string | number, unknown>;
    keys.slice(0, -1).forEach((key, i) => {
      parent[key] ??= typeof keys[i + 1] === 'number' ? [] : {};
      parent = parent[key] as Record<string | number, unknown>;
    });
    const last = keys[keys.length - 1]!;
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  }
  return config as PlatformConfig;
}

/** Every path in a value's tree (objects and arrays), parents before children. */
export function pathsOf(value: unknown, base = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = Array.isArray(value)
      ? `${base}[${key}]`
      : /^[A-Za-z_$][\w$]*$/.test(key)
        ? `${base}${base ? '.' : ''}${key}`
        : `${base}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
    return [path, ...pathsOf(child, path)];
  });
}

function parsePath(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  const part = /(?:^|\.)([A-Za-z_$][\w$]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/y;
  while (part.lastIndex < path.length) {
    const match = part.exec(path);
    if (!match) throw new Error(`bad path in test: ${path}`);
    keys.push(match[1] ?? (match[2] !== undefined ? Number(match[2]) : match[3]!.replace(/\\(.)/g, '$1')));
  }
  return keys;
}
