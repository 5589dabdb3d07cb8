/**
 * The cost-allocation tag every resource of the platform carries, with the platform's name as its
 * value. Activate it in the Billing console so budgets and cost reports can filter on it.
 */
export const COST_ALLOCATION_TAG = 'platform';

/** How AWS Budgets' `TagKeyValue` cost filter names a cost-allocation tag's value. */
export function costFilterTagValue(tagKey: string, tagValue: string): string {
  return `user:${tagKey}$${tagValue}`;
}

/**
 * The names the platform gives what it deploys. The constructs name resources with these, and the
 * operations CLI finds them by them, so the two cannot drift apart.
 */
export const platformNames = {
  /** The REST API. */
  restApi: (platform: string) => `${platform}-api`,
  /** A rate plan's usage plan. */
  usagePlan: (platform: string, plan: string) => `${platform}-${plan}`,
  /** An API key. */
  apiKey: (platform: string, key: string) => `${platform}-${key}`,
  /** The App Mesh mesh. */
  mesh: (platform: string) => platform,
  /** A service's virtual router. */
  virtualRouter: (service: string) => `${service}-router`,
  /** A service's weighted route. */
  route: (service: string) => `${service}-route`,
  /** A version's virtual node, and its proxy's certificate id. */
  virtualNode: (service: string, version: string) => `${service}-${version}`,
  /** The hourly spend alarm. */
  hourlySpendAlarm: (platform: string) => `${platform}-spend-per-hour`,
  /** The projected-month spend alarm. */
  projectedSpendAlarm: (platform: string) => `${platform}-spend-projected-month`,
  /** The cost dashboard. */
  costDashboard: (platform: string) => `${platform}-cost`,
  /** The platform's stack: its only one, or its core stack when it has service stacks. */
  stack: (platform: string) => `${platform}-platform`,
  /** A service stack, by its number from 0: `<platform>-services-01` for 0. */
  servicesStack: (platform: string, index: number) => `${platform}-services-${String(index + 1).padStart(2, '0')}`,
  /** The stack of the API's stage, rate plans and cost guardrails, when the platform has service stacks. */
  apiStack: (platform: string) => `${platform}-api`,
} as const;
