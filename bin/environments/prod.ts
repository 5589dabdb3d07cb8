import type { PlatformConfig } from '../../lib/config/types';

/** The reference platform, production: the shop from DESIGN.md. */
export const prod: PlatformConfig = {
  name: 'shop',
  network: { natGateways: 2 },
  api: {
    stageName: 'prod',
    throttle: { rateLimit: 500, burstLimit: 1000 },
    auth: {
      cognito: { domainPrefix: 'shop-auth', scopes: ['orders.read', 'orders.write'] },
      jwt: { issuer: 'https://id.example.com/', audience: ['shop-api'], cacheTtlSeconds: 300 },
    },
    routes: [
      { path: '/orders', methods: ['GET'], service: 'orders', auth: { cognitoScopes: ['orders.read'] }, apiKey: true },
      { path: '/orders', methods: ['POST'], service: 'orders', auth: { jwtScopes: ['orders:write'] }, apiKey: true },
      { path: '/orders/{orderId}', methods: ['GET'], service: 'orders', auth: { jwtScopes: ['orders:read'] } },
      { path: '/inventory/{proxy+}', methods: ['ANY'], service: 'inventory', auth: 'jwt' },
      { path: '/health', methods: ['GET'], service: 'orders', auth: 'none' },
    ],
    ratePlans: {
      free: {
        throttle: { rateLimit: 5, burstLimit: 10 },
        quota: { limit: 10_000, period: 'MONTH' },
      },
      pro: {
        throttle: { rateLimit: 100, burstLimit: 200 },
        quota: { limit: 5_000_000, period: 'MONTH' },
        methods: { 'POST /orders': { rateLimit: 20, burstLimit: 40 } },
        apiKeys: ['acme'],
      },
    },
  },
  mesh: {
    provider: 'app-mesh',
    services: {
      orders: {
        port: 8080,
        calls: ['inventory'],
        versions: {
          v1: { image: 'public.ecr.aws/shop/orders:1.4', weight: 90, autoscaling: { maxCapacity: 6 } },
          v2: { image: 'public.ecr.aws/shop/orders:1.5', weight: 10, desiredCount: 1 },
        },
        retries: { attempts: 3, perTryTimeoutMs: 2000 },
        timeoutMs: 15_000,
        circuitBreaker: { maxServerErrors: 5, intervalSeconds: 10, ejectSeconds: 30 },
      },
      inventory: {
        port: 8080,
        versions: { v1: { image: 'public.ecr.aws/shop/inventory:2.0', weight: 100 } },
      },
    },
  },
  cost: {
    monthlyBudgetUsd: 500,
    alertEmails: ['ops@example.com'],
    breaker: { floor: { rateLimit: 1, burstLimit: 1 } },
  },
};
