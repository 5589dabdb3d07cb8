import {
  type APIGatewayClient,
  GetRestApisCommand,
  GetStageCommand,
  GetUsageCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  type RestApi,
  type Stage,
  type UsagePlan,
  type UsagePlanKey,
} from '@aws-sdk/client-api-gateway';
import type { OpsContext } from '../context';
import { EXIT, OpsError } from '../errors';
import { platformNames } from '../../platform-names';

/** The largest page API Gateway's list operations return. */
const PAGE_SIZE = 500;

/** A page of a list operation: its items and where the next page starts. */
interface Page<T> {
  readonly items: T[];
  readonly position?: string;
}

/**
 * Every item of a list operation that pages with `position`, showing progress under `label`.
 * Stops when a page has no `position`, and fails rather than loop when a page repeats one.
 */
export async function collectPages<T>(ctx: OpsContext, label: string, fetchPage: (position: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const progress = ctx.progress(label);
  const items: T[] = [];
  const seen = new Set<string>();
  let position: string | undefined;
  try {
    do {
      const page = await fetchPage(position);
      items.push(...page.items);
      progress.tick(items.length);
      position = page.position || undefined;
      if (position !== undefined) {
        if (seen.has(position)) throw new OpsError(`${label}: API Gateway returned the page position ${position} twice`, EXIT.USAGE);
        seen.add(position);
      }
    } while (position !== undefined);
  } finally {
    progress.done();
  }
  return items;
}

/** The region the clients send to, for messages. */
export async function regionOf(ctx: OpsContext): Promise<string> {
  if (ctx.options.region) return ctx.options.region;
  try {
    return await ctx.clients.apiGateway.config.region();
  } catch {
    return 'the default region';
  }
}

/** Every REST API in the region. */
export async function listRestApis(ctx: OpsContext): Promise<RestApi[]> {
  const client: APIGatewayClient = ctx.clients.apiGateway;
  return collectPages(ctx, 'REST APIs', async (position) => {
    const page = await client.send(new GetRestApisCommand({ position, limit: PAGE_SIZE }));
    return { items: page.items ?? [], position: page.position };
  });
}

/** The platform's REST API, as deployed. */
export interface PlatformApi {
  readonly id: string;
  readonly name: string;
}

/** The error for a platform that is not (entirely) deployed where the CLI looks. */
export async function notDeployed(ctx: OpsContext, what: string): Promise<OpsError> {
  return new OpsError(`${what} in ${await regionOf(ctx)}: is the platform deployed there?`, EXIT.USAGE);
}

/**
 * The REST API named after the platform (`platformNames.restApi`), found by paging through the
 * region's APIs. `apis` saves the paging when the caller has listed them already.
 */
export async function findPlatformApi(ctx: OpsContext, apis?: RestApi[]): Promise<PlatformApi> {
  const name = platformNames.restApi(ctx.config.name);
  const matches = (apis ?? (await listRestApis(ctx))).filter((api) => api.name === name && api.id);
  if (matches.length === 0) throw await notDeployed(ctx, `no REST API named ${name}`);
  if (matches.length > 1) {
    throw new OpsError(
      `${matches.length} REST APIs are named ${name} in ${await regionOf(ctx)} (${matches.map((api) => api.id).join(', ')}): ` +
        'delete the ones the platform did not deploy',
      EXIT.USAGE,
    );
  }
  return { id: matches[0].id!, name };
}

/** The stage name the config deploys. */
export function stageName(ctx: OpsContext): string {
  return ctx.config.api.stageName ?? 'prod';
}

/** The platform's stage, as deployed. */
export async function getPlatformStage(ctx: OpsContext, api: PlatformApi): Promise<Stage> {
  const stage = stageName(ctx);
  try {
    return await ctx.clients.apiGateway.send(new GetStageCommand({ restApiId: api.id, stageName: stage }));
  } catch (err) {
    if ((err as { name?: string }).name === 'NotFoundException') throw await notDeployed(ctx, `no stage ${stage} on REST API ${api.name} (${api.id})`);
    throw err;
  }
}

/** Every usage plan in the region. */
export async function listUsagePlans(ctx: OpsContext): Promise<UsagePlan[]> {
  const client = ctx.clients.apiGateway;
  return collectPages(ctx, 'usage plans', async (position) => {
    const page = await client.send(new GetUsagePlansCommand({ position, limit: PAGE_SIZE }));
    return { items: page.items ?? [], position: page.position };
  });
}

/** The API keys on a usage plan. */
export async function listUsagePlanKeys(ctx: OpsContext, usagePlanId: string): Promise<UsagePlanKey[]> {
  const client = ctx.clients.apiGateway;
  return collectPages(ctx, 'API keys', async (position) => {
    const page = await client.send(new GetUsagePlanKeysCommand({ usagePlanId, position, limit: PAGE_SIZE }));
    return { items: page.items ?? [], position: page.position };
  });
}

/** Calls per API key id (the sum of each day's used count) on a usage plan between two dates (YYYY-MM-DD, inclusive). */
export async function usedPerKey(ctx: OpsContext, usagePlanId: string, startDate: string, endDate: string): Promise<Map<string, number>> {
  const client = ctx.clients.apiGateway;
  const logs = await collectPages(ctx, 'usage', async (position) => {
    const page = await client.send(new GetUsageCommand({ usagePlanId, startDate, endDate, position, limit: PAGE_SIZE }));
    return { items: Object.entries(page.items ?? {}), position: page.position };
  });
  const calls = new Map<string, number>();
  for (const [keyId, days] of logs) {
    const used = days.reduce((sum, day) => sum + (day[0] ?? 0), 0);
    calls.set(keyId, (calls.get(keyId) ?? 0) + used);
  }
  return calls;
}
