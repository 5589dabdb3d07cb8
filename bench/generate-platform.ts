/**
 * A generated platform of N services, for the synth benchmark: a valid PlatformConfig that grows
 * only with the number of services.
 *
 * - services `svc-001` … `svc-NNN`, each with two versions weighted 90/10 (v1, v2);
 * - each service calls the next one (the last calls nobody): a chain, so every service has one
 *   backend and (but the first) one caller;
 * - one route per service, `ANY /svc-001/{proxy+}`, authorized by the JWT authorizer;
 * - two rate plans (free and pro) and the reference app's auth, cost and network settings.
 */
import type { PlatformConfig, RouteConfig, ServiceConfig } from '../lib/config/types';

/** `svc-001`: zero-padded to three digits (the benchmark goes up to 200). */
export const serviceName = (index: number): string => `svc-${String(index).padStart(3, '0')}`;

/** A valid config with `services` services (at least 1). */
export function generatePlatformConfig(services: number, name = `gen${services}`): PlatformConfig {
  if (!Number.isInteger(services) || services < 1 || services > 999) {
    throw new Error(`services must be an integer from 1 to 999, got ${services}`);
  }
  const meshServices: Record<string, ServiceConfig> = {};
  const routes: RouteConfig[] = [];
  for (let i = 1; i <= services; i++) {
    const svc = serviceName(i);
    meshServices[svc] = {
      port: 8080,
      calls: i < services ? [serviceName(i + 1)] : [],
      healthCheckPath: '/health',
      versions: {
        v1: { image: `public.ecr.aws/bench/${svc}:1.0`, weight: 90 },
        v2: { image: `public.ecr.aws/bench/${svc}:1.1`, weight: 10, desiredCount: 1 },
      },
    };
    routes.push({ path: `/${svc}/{proxy+}`, methods: ['ANY'], service: svc, auth: 'jwt' });
  }
  return {
    name,
    network: { natGateways: 2 },
    api: {
      stageName: 'prod',
      throttle: { rateLimit: 500, burstLimit: 1000 },
      auth: {
        jwt: { issuer: 'https://id.example.com/', audience: ['bench-api'], cacheTtlSeconds: 300 },
      },
      routes,
      ratePlans: {
        free: { throttle: { rateLimit: 5, burstLimit: 10 }, quota: { limit: 10_000, period: 'MONTH' } },
        pro: {
          throttle: { rateLimit: 100, burstLimit: 200 },
          quota: { limit: 5_000_000, period: 'MONTH' },
          apiKeys: ['acme'],
        },
      },
    },
    mesh: { provider: 'app-mesh', services: meshServices },
    cost: {
      monthlyBudgetUsd: 500,
      alertEmails: ['ops@example.com'],
      breaker: { floor: { rateLimit: 1, burstLimit: 1 } },
    },
  };
}
