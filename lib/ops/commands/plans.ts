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

/** A template of the platform in the cloud assembly. */
interface PlatformTemplate {
  /** The stack's name. */
  readonly stack: string;
  /** The template file's path. */
  readonly file: string;
  readonly template: any;
}

/** The stacks a platform may have: `<name>-platform`, `<name>-services-NN` and `<name>-api`, in deploy order. */
function platformStackRank(platform: string, stack: string): number | undefined {
  if (stack === platformNames.stack(platform)) return 0;
  if (stack === platformNames.apiStack(platform)) return 2;
  const escaped = platform.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}-services-\\d{2,}$`).test(stack) ? 1 : undefined;
}

/**
 * The templates of the platform's stacks in the cloud assembly that `cdk synth` wrote for the
 * context's environment, as its manifest.json lists them: one stack, or core, service stacks and
 * API stack.
 */
function readPlatformTemplates(ctx: OpsContext): PlatformTemplate[] {
  const platform = ctx.config.name;
  const cdkOut = ctx.options.cdkOut;
  const synth = `run \`npm run synth -- -c env=${ctx.envName}\``;
  const manifestFile = path.join(cdkOut, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    const what = fs.existsSync(cdkOut) ? `no ${manifestFile}` : `no cloud assembly ${cdkOut}`;
    throw new OpsError(
      `${what}: ${synth} first (its -c env= must match --env ${ctx.envName}; or point --cdk-out at the cloud assembly)`,
      EXIT.USAGE,
    );
  }
  let manifest: any;
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch (err) {
    throw new OpsError(`${manifestFile} is not a cloud assembly manifest: ${(err as Error).message}; ${synth} again`, EXIT.USAGE);
  }

  const stacks = Object.entries<any>(manifest?.artifacts ?? {})
    .filter(([, artifact]) => artifact?.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => ({
      stack: String(artifact.properties?.stackName ?? id),
      templateFile: artifact.properties?.templateFile as string | undefined,
    }));
  const ours = stacks
    .map((s) => ({ ...s, rank: platformStackRank(platform, s.stack) }))
    .filter((s): s is typeof s & { rank: number } => s.rank !== undefined)
    .sort((a, b) => a.rank - b.rank || a.stack.localeCompare(b.stack));
  if (ours.length === 0) {
    const there = stacks.length > 0 ? `its stacks are ${stacks.map((s) => s.stack).join(', ')}` : 'it has no stacks';
    throw new OpsError(
      `no stack of the platform ${platform} (${platformNames.stack(platform)}) in ${manifestFile}, ${there}: ` +
        `${synth} (its -c env= must match --env ${ctx.envName}) or point --cdk-out at the platform's cloud assembly`,
      EXIT.USAGE,
    );
  }

  return ours.map(({ stack, templateFile }) => {
    if (!templateFile) {
      throw new OpsError(`${manifestFile} names no template file for the stack ${stack}: ${synth} again`, EXIT.USAGE);
    }
    const file = path.join(cdkOut, templateFile);
    if (!fs.existsSync(file)) {
      throw new OpsError(`no template ${file}, which ${manifestFile} lists for the stack ${stack}: ${synth} again`, EXIT.USAGE);
    }
    try {
      return { stack, file, template: JSON.parse(fs.readFileSync(file, 'utf8')) };
    } catch (err) {
      throw new OpsError(`${file} is not a template: ${(err as Error).message}`, EXIT.USAGE);
    }
  });
}

/**
 * The usage plans of a template, with their references to the API and the stage resolved to names:
 * a `Ref` in the template, or a cross-stack reference (`Fn::GetStackOutput`, `Fn::ImportValue`) to
 * an output of another of the platform's templates, `stacks` by stack name.
 */
export function templatePlans(template: any, stacks: ReadonlyMap<string, any> = new Map()): TemplatePlan[] {
  const resources: Record<string, any> = template?.Resources ?? {};
  const resolveIn = (tmpl: any, value: unknown, property: string, depth: number): string | undefined => {
    if (typeof value === 'string') return value;
    if (depth > 4 || value === null || typeof value !== 'object') return undefined;
    const v = value as Record<string, any>;
    if (typeof v.Ref === 'string') {
      const name = tmpl?.Resources?.[v.Ref]?.Properties?.[property];
      return typeof name === 'string' ? name : undefined;
    }
    const stackOutput = v['Fn::GetStackOutput'];
    if (stackOutput && typeof stackOutput.StackName === 'string' && typeof stackOutput.OutputName === 'string') {
      const other = stacks.get(stackOutput.StackName);
      return resolveIn(other, other?.Outputs?.[stackOutput.OutputName]?.Value, property, depth + 1);
    }
    const importName = v['Fn::ImportValue'];
    if (typeof importName === 'string') {
      for (const other of stacks.values()) {
        const output = Object.values<any>(other?.Outputs ?? {}).find((o) => o?.Export?.Name === importName);
        if (output) return resolveIn(other, output.Value, property, depth + 1);
      }
    }
    return undefined;
  };
  const resolve = (value: unknown, property: string): string => resolveIn(template, value, property, 0) ?? JSON.stringify(value);
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
  const templates = readPlatformTemplates(ctx);
  const byStack = new Map(templates.map((t) => [t.stack, t.template]));
  const perTemplate = templates.map((t) => ({ file: t.file, plans: templatePlans(t.template, byStack) }));
  const expected = perTemplate.flatMap((t) => t.plans);
  // The templates the plans come from; all of them when none has a plan.
  const sources = perTemplate.filter((t) => t.plans.length > 0).map((t) => t.file);
  const file = (sources.length > 0 ? sources : templates.map((t) => t.file)).join(', ');
  const apis = await listRestApis(ctx);
  const api = await findPlatformApi(ctx, apis);
  const apiNames = new Map(apis.filter((a) => a.id).map((a) => [a.id!, a.id === api.id ? api.name : `${a.name} (${a.id})`]));
  const live = await listUsagePlans(ctx);

  const differences = diffPlans(ctx.config.name, expected, live, apiNames);
  const result: PlansDiff = { drift: differences.length > 0, differences };
  ctx.out.result(result, () => render(result, file, expected.length));
  return result.drift ? EXIT.FAILED_CHECK : EXIT.OK;
}

/** `plans diff`: the live usage plans against the synthesized templates. */
export const registerPlans: CommandModule = (program, action) => {
  const plans = program.command('plans').description("The rate plans: API Gateway usage plans named '<platform>-<plan>'");
  plans
    .command('diff')
    .description(
      "Compare the live usage plans (throttle, quota, stages, per-method throttles) with the platform's templates in --cdk-out; " +
        'exit 1 on drift, 0 when none',
    )
    .addHelpText(
      'after',
      [
        '',
        "The usage plans are read from the templates of the platform's stacks that <cdk-out>/manifest.json lists:",
        '<platform>-platform, and for a platform split into stacks <platform>-services-NN and <platform>-api (where the plans are).',
        'Run `npm run synth -- -c env=<env>` first, with the same environment as --env.',
      ].join('\n'),
    )
    .action(action((ctx) => plansDiff(ctx)));
};
