import type { PlatformConfig } from '../../lib/config/types';
import { prod } from './prod';

/** The reference platform, development: the same shape as prod, smaller and cheaper. */
export const dev: PlatformConfig = {
  ...prod,
  name: 'shop-dev',
  network: { natGateways: 1 },
  api: {
    ...prod.api,
    stageName: 'dev',
    throttle: { rateLimit: 50, burstLimit: 100 },
    auth: {
      ...prod.api.auth,
      cognito: { domainPrefix: 'shop-dev-auth', scopes: ['orders.read', 'orders.write'] },
    },
    accessLogRetentionDays: 14,
  },
  cost: { ...prod.cost, monthlyBudgetUsd: 100 },
};
