/**
 * Synth measurements: each synth runs in its own `node --import tsx bench/synth-child.ts` process,
 * so that its peak memory is its own and nothing is cached between runs.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { mainThreadProfile, summarizeCpuProfile, type ProfileSummary } from './cpuprofile';
import type { StackFacts, SynthChildResult, SynthJob, SynthTarget } from './synth-child';
import { median } from './stats';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'synth-child.ts');
/** A synth that takes longer than this is killed and reported as such. */
const CHILD_TIMEOUT_MS = 8 * 60_000;

/** A kind of synth the benchmark runs: what, and through which App. */
export interface SynthCase {
  /** Short key, e.g. `gen-200`. */
  readonly key: string;
  /** What the report calls it. */
  readonly label: string;
  readonly target: SynthTarget;
  readonly gated: boolean;
  /** Run with CDK_VALIDATION=false (aws-cdk-lib's automatic CloudFormation Validate off). */
  readonly cdkValidationOff: boolean;
  readonly cdkJsonContext: boolean;
  readonly runs: number;
  /** Also run it once more under `node --cpu-prof` and summarise the profile. */
  readonly profile?: boolean;
}

/** One run of a case, as seen from outside (wall time) and inside (the child's result). */
export interface SynthRun {
  /** Spawn to exit, measured by the parent. */
  readonly wallMs: number;
  /** User + system CPU time of the child (from its rusage), ms. Less sensitive to other load than wall time. */
  readonly cpuMs: number;
  readonly exitCode: number | null;
  /** The machine's 1-minute load average just before the run. */
  readonly loadBefore: number;
  /**
   * CPU time the whole machine was busy during the run (all cores, from /proc/stat), ms; minus the
   * child's own CPU time, what other processes (and the child's esbuild) took.
   */
  readonly machineBusyMs?: number;
  readonly profiled: boolean;
  readonly child?: SynthChildResult;
  /** When the child died without a result: the tail of its stderr. */
  readonly crash?: string;
}

export interface SynthCaseResult {
  readonly case: SynthCase;
  readonly runs: SynthRun[];
  profile?: ProfileSummary & { readonly wallMs: number };
}

/** Medians over the runs of a case. */
export interface SynthSummary {
  readonly ok: boolean;
  readonly runs: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssMiB: number;
  readonly loadMs: number;
  readonly constructMs: number;
  readonly synthMs: number;
  /** Resources of all stacks. */
  readonly resources?: number;
  /** Template bytes of all stacks. */
  readonly templateBytes?: number;
  readonly stacks: number;
  /** `platform.serviceStackCount` (0: one stack). */
  readonly serviceStackCount?: number;
  /** The stack with the most resources, the largest template and the most outputs (each its own maximum). */
  readonly mostResources?: StackMax;
  readonly largestTemplate?: StackMax;
  readonly mostOutputs?: StackMax;
  readonly errorFirstLine?: string;
  readonly validationErrors?: number;
  readonly validationWarnings?: number;
}

/** A per-stack maximum: its value and the stack that has it. */
export interface StackMax {
  readonly stack: string;
  readonly value: number;
}

/** The stack with the largest `f` (the first in deploy order on a tie). */
export function stackMax(facts: readonly StackFacts[], f: (s: StackFacts) => number): StackMax | undefined {
  let best: StackMax | undefined;
  for (const s of facts) if (!best || f(s) > best.value) best = { stack: s.id, value: f(s) };
  return best;
}

/** The stacks of a case's first run that wrote an assembly (the same every run: synth is deterministic). */
export function stackFactsOf(result: SynthCaseResult): StackFacts[] {
  return result.runs.find((r) => (r.child?.stackFacts.length ?? 0) > 0)?.child?.stackFacts ?? [];
}

/** Busy CPU time of the whole machine since boot, ms (Linux /proc/stat: all but idle and iowait). */
export function machineBusyMs(): number | undefined {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
    // USER_HZ is 100 on Linux.
    return (user + nice + system + irq + softirq + steal) * 10;
  } catch {
    return undefined;
  }
}

function childEnv(c: SynthCase): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CDK_VALIDATION;
  delete env.CDK_CONTEXT_JSON;
  delete env.CDK_OUTDIR;
  delete env.NODE_OPTIONS;
  if (c.cdkValidationOff) env.CDK_VALIDATION = 'false';
  return env;
}

/** Runs one synth of `c` in a fresh child process. */
export async function runSynthOnce(c: SynthCase, profileDir?: string): Promise<SynthRun> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const job: SynthJob = {
    target: c.target,
    gated: c.gated,
    cdkJsonContext: c.cdkJsonContext,
    outdir: path.join(work, 'cdk.out'),
    resultFile: path.join(work, 'result.json'),
  };
  const jobFile = path.join(work, 'job.json');
  fs.writeFileSync(jobFile, JSON.stringify(job));
  const args = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), '--import', 'tsx', CHILD, jobFile];
  const loadBefore = os.loadavg()[0]!;
  const busyBefore = machineBusyMs();
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env: childEnv(c), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  const { exitCode, cpuMs } = await new Promise<{ exitCode: number | null; cpuMs: number }>((resolve) => {
    child.on('exit', (code) => resolve({ exitCode: code, cpuMs: Number.NaN }));
  });
  const wallMs = performance.now() - started;
  const busyAfter = machineBusyMs();
  clearTimeout(timer);
  let result: SynthChildResult | undefined;
  try {
    result = JSON.parse(fs.readFileSync(job.resultFile, 'utf8')) as SynthChildResult;
  } catch {
    result = undefined;
  }
  fs.rmSync(work, { recursive: true, force: true });
  return {
    wallMs,
    cpuMs: result?.cpuMs ?? cpuMs,
    exitCode,
    loadBefore,
    ...(busyBefore !== undefined && busyAfter !== undefined ? { machineBusyMs: busyAfter - busyBefore } : {}),
    profiled: profileDir !== undefined,
    ...(result ? { child: result } : { crash: stderr.trim().split('\n').slice(-5).join(' | ') || `exit ${exitCode}` }),
  };
}

/** A one-line description of a run, for progress on stderr. */
export function describeRun(r: SynthRun): string {
  return `${(r.wallMs / 1000).toFixed(1)} s wall, ${r.child ? `${(r.child.maxRssKiB / 1024).toFixed(0)} MiB` : '?'}${
    r.child?.ok === false ? `, FAILED: ${r.child.errorFirstLine?.slice(0, 100)}` : r.crash ? `, CRASHED: ${r.crash.slice(0, 100)}` : ''
  }`;
}

/** One run of a case under `node --cpu-prof`, and the summary of its main thread's profile. */
export async function profileSynthOnce(c: SynthCase): Promise<{ run: SynthRun; profile?: SynthCaseResult['profile'] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-prof-'));
  try {
    const run = await runSynthOnce(c, dir);
    const file = mainThreadProfile(dir);
    return { run, ...(file ? { profile: { ...summarizeCpuProfile(file, PROJECT_ROOT), wallMs: run.wallMs } } : {}) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Medians of a case's runs. */
export function summarize(result: SynthCaseResult): SynthSummary {
  const runs = result.runs;
  const children = runs.map((r) => r.child).filter((c): c is SynthChildResult => c !== undefined);
  const first = children[0];
  const facts = stackFactsOf(result);
  const resources = facts.length > 0 ? facts.reduce((n, s) => n + s.resources, 0) : undefined;
  const templateBytes = facts.length > 0 ? facts.reduce((n, s) => n + s.templateBytes, 0) : undefined;
  const mostResources = stackMax(facts, (s) => s.resources);
  const largestTemplate = stackMax(facts, (s) => s.templateBytes);
  const mostOutputs = stackMax(facts, (s) => s.outputs);
  const serviceStackCount = children.find((c) => c.serviceStackCount !== undefined)?.serviceStackCount;
  return {
    ok: runs.length > 0 && runs.every((r) => r.child?.ok === true),
    runs: runs.length,
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    maxRssMiB: median(children.map((c) => c.maxRssKiB / 1024)),
    loadMs: median(children.map((c) => c.loadMs)),
    constructMs: median(children.map((c) => c.constructMs)),
    synthMs: median(children.map((c) => c.synthMs)),
    ...(resources !== undefined ? { resources } : {}),
    ...(templateBytes !== undefined ? { templateBytes } : {}),
    stacks: first?.stacks ?? 0,
    ...(serviceStackCount !== undefined ? { serviceStackCount } : {}),
    ...(mostResources ? { mostResources } : {}),
    ...(largestTemplate ? { largestTemplate } : {}),
    ...(mostOutputs ? { mostOutputs } : {}),
    ...(first?.errorFirstLine
      ? { errorFirstLine: first.errorFirstLine }
      : runs.find((r) => r.crash)
        ? { errorFirstLine: `crashed: ${runs.find((r) => r.crash)!.crash}` }
        : {}),
    ...(first?.validationErrors !== undefined ? { validationErrors: first.validationErrors, validationWarnings: first.validationWarnings } : {}),
  };
}
