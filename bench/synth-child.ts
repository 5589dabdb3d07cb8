/**
 * One synth, in its own process: `node --import tsx bench/synth-child.ts <job.json>`.
 *
 * The job names what to synthesize and where to write the result (a JSON {@link SynthChildResult}).
 * The child reports its own phases (module loading, construction, synth), its peak memory
 * (`process.resourceUsage().maxRSS`) and what the cloud assembly holds, stack by stack (from its
 * manifest.json and templates). A
 * failed synth is a result too: the time to the failure and the error's first line.
 *
 * Everything is imported lazily, after the clock starts, so "load" is the cost of loading
 * aws-cdk-lib, cdk-nag and the project's modules.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { MeshProvider } from '../lib/config/types';

/** What to synthesize. */
export type SynthTarget =
  /** `new App(); new Stack(app, 'Empty'); app.synth()`. */
  | { readonly kind: 'empty' }
  /**
   * The reference app (bin/environments/prod) through createPlatformApp, as `cdk synth -c env=prod`
   * does; with `mesh`, on that backend (`-c mesh=…`).
   */
  | { readonly kind: 'reference'; readonly mesh?: MeshProvider }
  /** A generated platform of `services` services (`serviceStacks` left automatic). */
  | { readonly kind: 'generated'; readonly services: number };

export interface SynthJob {
  readonly target: SynthTarget;
  /**
   * `true`: createPlatformApp (cdk-nag and CloudFormation Validate gate the synth).
   * `false`: a plain `new App()` (run with CDK_VALIDATION=false by the parent).
   * Ignored for `empty`, which is always a plain App.
   */
  readonly gated: boolean;
  /** Pass cdk.json's context (feature flags) to the App, as the CDK CLI does. */
  readonly cdkJsonContext: boolean;
  readonly outdir: string;
  readonly resultFile: string;
}

export interface StackFacts {
  /** The artifact id in manifest.json (the stack's construct id, which the platform sets to its name). */
  readonly id: string;
  readonly resources: number;
  readonly templateBytes: number;
  /** Entries of the template's Outputs section. */
  readonly outputs: number;
  /** The AWS::IAM::Policy with the largest document (minified JSON), if any. */
  readonly largestPolicy?: { readonly logicalId: string; readonly statements: number; readonly bytes: number };
  /**
   * The role with the most overflow managed policies (aws-cdk-lib splits a role's policy that is too
   * large for one document into AWS::IAM::ManagedPolicy resources `<Role>OverflowPolicyN`).
   */
  readonly mostOverflowPolicies?: { readonly role: string; readonly count: number };
}

export interface SynthChildResult {
  readonly ok: boolean;
  /** The error's name and first line, when the synth failed. */
  readonly errorName?: string;
  readonly errorFirstLine?: string;
  /** Milliseconds since the child's process started (performance.timeOrigin). */
  readonly processStartToScriptMs: number;
  readonly loadMs: number;
  readonly constructMs: number;
  /** app.synth(), or the time until it threw. */
  readonly synthMs: number;
  /** Milliseconds from process start to the end of synth (or failure). */
  readonly totalInChildMs: number;
  /** User + system CPU time of this process until the end of synth (not its esbuild children), ms. */
  readonly cpuMs: number;
  /** Peak resident set size of this process, in KiB (process.resourceUsage().maxRSS). */
  readonly maxRssKiB: number;
  /** Stacks in manifest.json (artifacts of type aws:cloudformation:stack); 0 when there is no manifest. */
  readonly stacks: number;
  /** Every stack of the assembly, in deploy order when the platform was built (`platform.stacks`), else the manifest's. */
  readonly stackFacts: StackFacts[];
  /** `platform.serviceStackCount`: 0 when the platform is one stack; absent for the empty stack or when construction failed. */
  readonly serviceStackCount?: number;
  /** Errors in validation-report.json, when one was written. */
  readonly validationErrors?: number;
  readonly validationWarnings?: number;
  /** The error-level findings of the validation report: `<plugin>: <rule>: <description>` (at most 5). */
  readonly validationErrorRules?: string[];
}

/** The stacks of a cloud assembly, from its manifest.json and templates. */
export function readAssembly(outdir: string, order: readonly string[] = []): { stacks: number; stackFacts: StackFacts[] } {
  const manifestFile = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) return { stacks: 0, stackFacts: [] };
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stackFacts: StackFacts[] = [];
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = path.join(outdir, artifact.properties?.templateFile ?? `${id}.template.json`);
    const text = fs.readFileSync(templateFile);
    const template = JSON.parse(text.toString('utf8')) as {
      Resources?: Record<string, { Type?: string; Properties?: { PolicyDocument?: { Statement?: unknown[] } } }>;
      Outputs?: Record<string, unknown>;
    };
    let largestPolicy: StackFacts['largestPolicy'];
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::IAM::Policy' || !resource.Properties?.PolicyDocument) continue;
      const bytes = JSON.stringify(resource.Properties.PolicyDocument).length;
      if (!largestPolicy || bytes > largestPolicy.bytes) {
        largestPolicy = { logicalId, statements: resource.Properties.PolicyDocument.Statement?.length ?? 0, bytes };
      }
    }
    const overflow = new Map<string, number>();
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const m = /^(.*)OverflowPolicy\d+/.exec(logicalId);
      if (resource.Type === 'AWS::IAM::ManagedPolicy' && m) overflow.set(m[1]!, (overflow.get(m[1]!) ?? 0) + 1);
    }
    const most = [...overflow].sort((a, b) => b[1] - a[1])[0];
    stackFacts.push({
      id,
      resources: Object.keys(template.Resources ?? {}).length,
      templateBytes: text.length,
      outputs: Object.keys(template.Outputs ?? {}).length,
      ...(largestPolicy ? { largestPolicy } : {}),
      ...(most ? { mostOverflowPolicies: { role: most[0], count: most[1] } } : {}),
    });
  }
  const rank = (id: string): number => (order.includes(id) ? order.indexOf(id) : order.length);
  stackFacts.sort((a, b) => rank(a.id) - rank(b.id));
  return { stacks: stackFacts.length, stackFacts };
}

function validationCounts(outdir: string): { validationErrors?: number; validationWarnings?: number; validationErrorRules?: string[] } {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) return {};
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    pluginReports?: {
      pluginName?: string;
      violations?: {
        ruleName?: string;
        description?: string;
        severity?: string;
        violatingConstructs?: unknown[];
        violatingResources?: unknown[];
      }[];
    }[];
  };
  let validationErrors = 0;
  let validationWarnings = 0;
  const rules = new Set<string>();
  for (const plugin of report.pluginReports ?? []) {
    for (const v of plugin.violations ?? []) {
      const n = Math.max(1, v.violatingResources?.length ?? v.violatingConstructs?.length ?? 1);
      if (v.severity === 'error' || v.severity === 'fatal') {
        validationErrors += n;
        rules.add(`${plugin.pluginName ?? '?'}: ${v.ruleName ?? '?'}: ${(v.description ?? '').split('\n')[0]!.slice(0, 160)}`);
      } else if (v.severity === 'warning') validationWarnings += n;
    }
  }
  return { validationErrors, validationWarnings, validationErrorRules: [...rules].slice(0, 5) };
}

const firstLine = (err: unknown): string => {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
};

async function main(): Promise<void> {
  const job = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as SynthJob;
  const scriptStart = performance.now();
  let t = scriptStart;
  const lap = (): number => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };

  const cdk = await import('aws-cdk-lib');
  const root = path.resolve(__dirname, '..');
  const context: Record<string, unknown> = job.cdkJsonContext
    ? JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')).context
    : {};

  let loadMs = 0;
  let constructMs = 0;
  let synthMs = 0;
  let error: unknown;
  let phase: 'load' | 'construct' | 'synth' = 'load';
  /** The platform's stacks in deploy order, and its number of service stacks, once it is built. */
  let stackOrder: string[] = [];
  let serviceStackCount: number | undefined;
  try {
    let synth: () => void;
    if (job.target.kind === 'empty') {
      loadMs = lap();
      phase = 'construct';
      const app = new cdk.App({ outdir: job.outdir, ...(job.cdkJsonContext ? { context } : {}) });
      new cdk.Stack(app, 'Empty');
      synth = () => app.synth();
    } else {
      const { Platform, withMeshProvider } = await import('../lib/platform');
      const { createPlatformApp } = await import('../lib/platform-app');
      const { writeRatePlanCosts } = await import('../lib/cost/rate-plan-costs');
      const config =
        job.target.kind === 'reference'
          ? withMeshProvider((await import('../bin/environments/prod')).prod, job.target.mesh)
          : (await import('./generate-platform')).generatePlatformConfig(job.target.services);
      loadMs = lap();
      phase = 'construct';
      const app = job.gated ? createPlatformApp({ outdir: job.outdir, context }) : new cdk.App({ outdir: job.outdir, context });
      const platform = new Platform(app, { config });
      stackOrder = platform.stacks.map((stack) => stack.artifactId);
      serviceStackCount = platform.serviceStackCount;
      synth = () => {
        const assembly = app.synth();
        // As bin/app.ts does after synth.
        writeRatePlanCosts(assembly.directory, platform.cost.ratePlanCosts);
      };
    }
    constructMs = lap();
    phase = 'synth';
    synth();
    synthMs = lap();
  } catch (err) {
    error = err;
    const ms = lap();
    if (phase === 'load') loadMs = ms;
    else if (phase === 'construct') constructMs = ms;
    else synthMs = ms;
  }
  const end = performance.now();
  const usage = process.cpuUsage();
  const result: SynthChildResult = {
    ok: error === undefined,
    ...(error !== undefined
      ? { errorName: error instanceof Error ? error.name : typeof error, errorFirstLine: `[${phase}] ${firstLine(error)}` }
      : {}),
    processStartToScriptMs: scriptStart,
    loadMs,
    constructMs,
    synthMs,
    totalInChildMs: end,
    cpuMs: (usage.user + usage.system) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
    ...readAssembly(job.outdir, stackOrder),
    ...(serviceStackCount !== undefined ? { serviceStackCount } : {}),
    ...validationCounts(job.outdir),
  };
  fs.writeFileSync(job.resultFile, JSON.stringify(result));
}

// Run only as the child's entry, not when the parent imports the types and readAssembly.
if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(2);
  });
}
