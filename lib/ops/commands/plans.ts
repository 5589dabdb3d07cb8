import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ThrottleSettings, UsagePlan } from '@aws-sdk/client-api-gateway';
import { environments } from '../../../bin/environments';
import { platformNames } from '../../platform-names';
import { findPlatformApi, listRestApis, listUsagePlans } from '../aws/api-gateway';
import type { CommandModule } from '../cli';
import type { OpsContext } from '../context';
import { EXIT, OpsError } from '../errors';
import { table } from '../output';

/** A usage plan's settings, flattened: field path → value. Both sides are compared in this form. */
type Fields = Map<string, string | number>;

/** A plan of the template, by the name it is deployed under. */
interface TemplatePlan {
  readonly name: string;
  readonly fields: Fields;
}

/** How a live plan differs from the template. */
export interface PlanDifference {
  /** The rate plan: the usage plan's name without the platform's prefix. */
  readonly plan: string;
  /** The usage plan's name. */
  readonly usagePlanName: string;
  /**
   * `missing-live`: in the template, not deployed. `extra-live`: deployed with the platform's
   * prefix, not in the template. `duplicate-live`: another live plan of the same name.
   * `differs`: a field differs.
   */
  readonly kind: 'missing-live' | 'extra-live' | 'duplicate-live' | 'differs';
  /** The live plan's id (extra and duplicate plans). */
  readonly usagePlanId?: string;
  /** The field, for example `throttle.rateLimit` or `apiStages[prod].throttle[/orders/POST].burstLimit`. */
  readonly path?: string;
  /** The template's value; null when the template does not set it. */
  readonly expected?: string | number | null;
  /** The live value; null when the live plan does not have it. */
  readonly live?: string | number | null;
}

/** What `plans diff` reports. */
export interface PlansDiff {
  readonly drift: boolean;
  readonly differences: PlanDifference[];
}

interface Throttle {
  readonly rateLimit?: number;
  readonly burstLimit?: number;
}

interface Quota {
  readonly limit?: number;
  readonly period?: string;
  readonly offset?: number;
}

interface StageAttachment {
  /** The stage's name. */
  readonly stage: string;
  /** The API, by name where known. */
  readonly api: string;
  /** Per-method throttles keyed `/path/METHOD`. */
  readonly methods: Record<string, Throttle>;
}

/** The flat fields of a usage plan: throttle, quota, and per stage its API and per-method throttles. */
function flatten(throttle: Throttle | undefined, quota: Quota | undefined, stages: StageAttachment[]): Fields {
  const fields: Fields = new Map();
  const set = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== null) fields.set(key, value);
  };
  set('throttle.rateLimit', throttle?.rateLimit);
  set('throttle.burstLimit', throttle?.burstLimit);
  set('quota.limit', quota?.limit);
  set('quota.period', quota?.period);
  // API Gateway reports offset 0 for a quota without one.
  if (quota?.offset) set('quota.offset', quota.offset);
  for (const stage of stages) {
    set(`apiStages[${stage.stage}].api`, stage.api);
    for (const [method, methodThrottle] of Object.entries(stage.methods)) {
      set(`apiStages[${stage.stage}].throttle[${method}].rateLimit`, methodThrottle.rateLimit);
      set(`apiStages[${stage.stage}].throttle[${method}].burstLimit`, methodThrottle.burstLimit);
    }
  }
  return fields;
}

/** The template written by `cdk synth` for the context's environment. */
function readTemplate(ctx: OpsContext): { file: string; template: any } {
  const stack = platformNames.stack(ctx.config.name);
  const file = path.join(ctx.options.cdkOut, `${stack}.template.json`);
  if (!fs.existsSync(file)) {
    throw new OpsError(
      `no template ${file}: run \`npm run synth -- -c env=${ctx.envName}\` first (its -c env= must match --env ${ctx.envName}; ` +
        'or point --cdk-out at the cloud assembly)',
      EXIT.USAGE,
    );
  }
  try {
    return { file, template: JSON.parse(fs.readFileSync(file, 'utf8')) };
  } catch (err) {
    throw new OpsError(`${file} is not a template: ${(err as Error).message}`, EXIT.USAGE);
  }
}

/** The usage plans of a template, with their references to the API and the stage resolved to names. */
export function templatePlans(template: any): TemplatePlan[] {
  const resources: Record<string, any> = template?.Resources ?? {};
  const resolve = (value: unknown, property: string): string => {
    if (typeof value === 'string') return value;
    const ref = (value as { Ref?: string } | undefined)?.Ref;
    const name = ref !== undefined ? resources[ref]?.Properties?.[property] : undefined;
    return typeof name === 'string' ? name : JSON.stringify(value);
  };
  const throttleOf = (t: any): Throttle | undefined => (t ? { rateLimit: t.RateLimit, burstLimit: t.BurstLimit } : undefined);
  return Object.values(resources)
    .filter((resource) => resource?.Type === 'AWS::ApiGateway::UsagePlan')
    .map((resource) => {
      const props = resource.Properties ?? {};
      const stages = ((props.ApiStages ?? []) as any[]).map(
        (s): StageAttachment => ({
          stage: resolve(s.Stage, 'StageName'),
          api: resolve(s.ApiId, 'Name'),
          methods: Object.fromEntries(Object.entries(s.Throttle ?? {}).map(([method, t]) => [method, throttleOf(t)!])),
        }),
      );
      const quota = props.Quota ? { limit: props.Quota.Limit, period: props.Quota.Period, offset: props.Quota.Offset } : undefined;
      return { name: resolve(props.UsagePlanName, 'UsagePlanName'), fields: flatten(throttleOf(props.Throttle), quota, stages) };
    });
}

/** A live plan's fields; its stages' APIs by name where the API is known. */
function livePlanFields(plan: UsagePlan, apiNames: Map<string, string>): Fields {
  const throttleOf = (t: ThrottleSettings | undefined): Throttle | undefined => (t ? { rateLimit: t.rateLimit, burstLimit: t.burstLimit } : undefined);
  const stages = (plan.apiStages ?? []).map(
    (s): StageAttachment => ({
      stage: s.stage ?? '',
      api: apiNames.get(s.apiId ?? '') ?? `${s.apiId} (no such REST API)`,
      methods: Object.fromEntries(Object.entries(s.throttle ?? {}).map(([method, t]) => [method, throttleOf(t)!])),
    }),
  );
  return flatten(throttleOf(plan.throttle), plan.quota, stages);
}

/** The fields that differ between the template's plan and the live one. */
function compareFields(expected: Fields, live: Fields): { path: string; expected: string | number | null; live: string | number | null }[] {
  // A stage attached on one side only is one difference, not one per method.
  const stagePrefix = (key: string) => /^apiStages\[[^\]]*\]/.exec(key)?.[0];
  const loneStages = new Set<string>();
  for (const key of [...expected.keys(), ...live.keys()]) {
    if (key.endsWith('].api') && expected.has(key) !== live.has(key)) loneStages.add(stagePrefix(key)!);
  }
  const keys = [...new Set([...expected.keys(), ...live.keys()])].filter((key) => {
    const stage = stagePrefix(key);
    return !stage || !loneStages.has(stage) || key === `${stage}.api`;
  });
  return keys
    .filter((key) => expected.get(key) !== live.get(key))
    .map((key) => ({ path: key, expected: expected.get(key) ?? null, live: live.get(key) ?? null }));
}

/** Whether a live plan's name is this platform's and not that of another environment with a longer name. */
function belongsToPlatform(name: string, platform: string): boolean {
  const prefix = `${platform}-`;
  if (!name.startsWith(prefix)) return false;
  return !Object.values(environments).some((other) => other.name !== platform && other.name.startsWith(prefix) && name.startsWith(`${other.name}-`));
}

/** Compares the template's usage plans with the live ones. */
export function diffPlans(
  platform: string,
  expected: TemplatePlan[],
  live: UsagePlan[],
  apiNames: Map<string, string>,
): PlanDifference[] {
  const prefix = `${platform}-`;
  const planOf = (name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  const differences: PlanDifference[] = [];
  const liveByName = new Map<string, UsagePlan[]>();
  for (const plan of live) {
    const name = plan.name ?? '';
    liveByName.set(name, [...(liveByName.get(name) ?? []), plan]);
  }

  for (const plan of [...expected].sort((a, b) => a.name.localeCompare(b.name))) {
    const [first, ...others] = liveByName.get(plan.name) ?? [];
    if (!first) {
      differences.push({ plan: planOf(plan.name), usagePlanName: plan.name, kind: 'missing-live' });
      continue;
    }
    for (const diff of compareFields(plan.fields, livePlanFields(first, apiNames))) {
      differences.push({ plan: planOf(plan.name), usagePlanName: plan.name, kind: 'differs', ...diff });
    }
    for (const other of others) {
      differences.push({ plan: planOf(plan.name), usagePlanName: plan.name, kind: 'duplicate-live', usagePlanId: other.id });
    }
  }

  const expectedNames = new Set(expected.map((plan) => plan.name));
  const extra = live
    .filter((plan) => plan.name && !expectedNames.has(plan.name) && belongsToPlatform(plan.name, platform))
    .sort((a, b) => a.name!.localeCompare(b.name!));
  for (const plan of extra) {
    differences.push({ plan: planOf(plan.name!), usagePlanName: plan.name!, kind: 'extra-live', usagePlanId: plan.id });
  }
  return differences;
}

const show = (value: string | number | null | undefined) => (value === null || value === undefined ? '-' : String(value));

function render(diff: PlansDiff, file: string, planCount: number): string {
  if (!diff.drift) return `no drift: the ${planCount} usage plan(s) of ${file} match the live ones`;
  const rows = diff.differences.map((d) => {
    switch (d.kind) {
      case 'missing-live':
        return [d.plan, '(plan)', d.usagePlanName, 'missing'];
      case 'extra-live':
        return [d.plan, '(plan)', 'not in the template', `${d.usagePlanName} (${d.usagePlanId})`];
      case 'duplicate-live':
        return [d.plan, '(plan)', 'one plan', `another ${d.usagePlanName} (${d.usagePlanId})`];
      default:
        return [d.plan, d.path!, show(d.expected), show(d.live)];
    }
  });
  return `${table(['plan', 'field', 'template', 'live'], rows)}\n\n${diff.differences.length} difference(s) between ${file} and the live usage plans`;
}

async function plansDiff(ctx: OpsContext): Promise<number> {
  const { file, template } = readTemplate(ctx);
  const expected = templatePlans(template);
  const apis = await listRestApis(ctx);
  const api = await findPlatformApi(ctx, apis);
  const apiNames = new Map(apis.filter((a) => a.id).map((a) => [a.id!, a.id === api.id ? api.name : `${a.name} (${a.id})`]));
  const live = await listUsagePlans(ctx);

  const differences = diffPlans(ctx.config.name, expected, live, apiNames);
  const result: PlansDiff = { drift: differences.length > 0, differences };
  ctx.out.result(result, () => render(result, file, expected.length));
  return result.drift ? EXIT.FAILED_CHECK : EXIT.OK;
}

/** `plans diff`: the live usage plans against the synthesized template. */
export const registerPlans: CommandModule = (program, action) => {
  const plans = program.command('plans').description("The rate plans: API Gateway usage plans named '<platform>-<plan>'");
  plans
    .command('diff')
    .description(
      'Compare the live usage plans (throttle, quota, stages, per-method throttles) with the template in --cdk-out; ' +
        'exit 1 on drift, 0 when none',
    )
    .addHelpText('after', '\nThe template is <cdk-out>/<platform>-platform.template.json: run `npm run synth -- -c env=<env>` first, with the same environment as --env.')
    .action(action((ctx) => plansDiff(ctx)));
};
