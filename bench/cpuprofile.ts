/**
 * A small summariser of V8 `.cpuprofile` files (what `node --cpu-prof` writes): self time per
 * function and per module (package or project directory), and the inclusive time of a few named
 * entry points (cdk-nag, CloudFormation Validate, esbuild bundling, …).
 *
 * Self time of a node = the sum of the sampling intervals (timeDeltas) of the samples that landed in
 * it. Inclusive time of a function = the self time of every sample whose stack contains it (counted
 * once per sample, however often the function recurses).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface Row {
  readonly name: string;
  readonly ms: number;
  /** Share of the profile's total sampled time. */
  readonly share: number;
  /** For a function's self time: the bucket most of it was sampled in. */
  readonly under?: string;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly topFunctions: Row[];
  readonly topModules: Row[];
  /** Inclusive time per function (each sample counted once per function on its stack). */
  readonly topInclusive: Row[];
  /** Inclusive time of the entry points of {@link PHASES} found in the profile (they overlap). */
  readonly phases: Row[];
  /**
   * Every sample in exactly one bucket: the innermost frame on its stack that starts a bucket phase
   * (e.g. `resolve` under cdk-nag counts for cdk-nag, under template rendering for rendering).
   * Sums to the total.
   */
  readonly buckets: Row[];
  /** Inclusive time per cdk-nag rule (its file under cdk-nag/lib/rules). */
  readonly nagRules: Row[];
}

/** Where a script lives, as a short module name: `aws-cdk-lib/core`, `cdk-nag`, `project:lib/mesh`, `node:internal`, … */
export function moduleOf(url: string, projectRoot: string, labels: Record<string, string> = {}): string {
  if (url === '') return '(native / VM)';
  for (const [prefix, label] of Object.entries(labels)) if (url.startsWith(prefix)) return label;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url.startsWith('wasm://')) return 'wasm (CloudFormation Validate engine)';
  let file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = file.slice(nm + '/node_modules/'.length).split('/');
    const pkg = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    const rest = parts.slice(pkg.split('/').length);
    // aws-cdk-lib is one package of many modules: name the module (aws-cdk-lib/core, aws-cdk-lib/aws-ec2).
    if (pkg === 'aws-cdk-lib' && rest.length > 1 && rest[0] !== 'node_modules') return `aws-cdk-lib/${rest[0]}`;
    return pkg;
  }
  if (file.startsWith(projectRoot + '/')) {
    file = file.slice(projectRoot.length + 1);
    const dirs = file.split('/');
    return `project:${dirs.length > 2 ? dirs.slice(0, 2).join('/') : dirs[0]}`;
  }
  return file;
}

/** A script's URL as a short path: inside node_modules from the package on, in the project relative to it. */
export function shortPath(url: string, projectRoot: string, labels: Record<string, string> = {}): string {
  for (const [prefix, label] of Object.entries(labels)) if (url.startsWith(prefix)) return label;
  if (url.startsWith('wasm://')) return 'wasm';
  const file = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = file.lastIndexOf('/node_modules/');
  if (nm >= 0) return file.slice(nm + '/node_modules/'.length).replace('/dist/cjs/', '/');
  if (file.startsWith(projectRoot + '/')) return file.slice(projectRoot.length + 1);
  return file;
}

/** Entry points whose inclusive time names a phase of synth. Matched on function name and module. */
export const PHASES: readonly {
  readonly label: string;
  readonly fn: RegExp;
  readonly module?: RegExp;
  /** Also a bucket: samples are attributed to the innermost bucket on their stack. */
  readonly bucket?: boolean;
  /** Only where the stack is already inside the phase with this label. */
  readonly within?: string;
  /** The bucket's name, when it differs from the phase's (a bucket holds only what no inner bucket claims). */
  readonly bucketLabel?: string;
}[] = [
  { label: 'module loading (Module._load: compile and run modules)', fn: /^Module\._load$/, bucket: true },
  { label: 'construction (the Platform constructor)', fn: /^Platform$/, module: /^project:/, bucket: true },
  { label: 'NodejsFunction bundling (tryBundle: esbuild via spawnSync)', fn: /^tryBundle$/, module: /^aws-cdk-lib\/aws-lambda-nodejs$/, bucket: true },
  { label: 'app.synth() (synthesize)', bucketLabel: 'app.synth(): the rest', fn: /^synthesize$/, module: /^aws-cdk-lib\/core$/, bucket: true },
  { label: 'aspects (invokeAspects)', fn: /^invokeAspects(V2)?$/, module: /^aws-cdk-lib\/core$/, bucket: true },
  { label: 'prepareApp (finding references: resolves every token once)', fn: /^prepareApp$/, module: /^aws-cdk-lib\/core$/, bucket: true },
  { label: 'template rendering (Stack._toCloudFormation)', fn: /^_toCloudFormation$/, module: /^aws-cdk-lib\/core$/, bucket: true },
  { label: 'tree.json (synthesizeTree)', fn: /^synthesizeTree$/, module: /^aws-cdk-lib\/core$/, bucket: true },
  {
    label: 'validation plugins (validateTemplates)',
    bucketLabel: 'validation plugins: the report and acknowledgements (outside cdk-nag and the engine)',
    fn: /^validateTemplates$/,
    module: /^aws-cdk-lib\/core$/,
    bucket: true,
  },
  { label: 'cdk-nag (any cdk-nag frame)', fn: /.*/, module: /^cdk-nag$/, bucket: true },
  { label: 'CloudFormation Validate: engine start (initializeEngine)', fn: /^initializeEngine$/, bucket: true },
  { label: 'CloudFormation Validate: validateTemplate', fn: /^validateTemplate$/, module: /^@aws\/cloudformation-validate$/, bucket: true },
  { label: 'CloudFormation Validate: wasm code (self)', fn: /.*/, module: /^wasm/ },
  { label: 'token resolution (resolve, wherever called)', fn: /^resolve$/, module: /^aws-cdk-lib\/core$/ },
  { label: 'token resolution in prepareApp', fn: /^resolve$/, module: /^aws-cdk-lib\/core$/, within: 'prepareApp (finding references: resolves every token once)' },
  { label: 'token resolution in template rendering', fn: /^resolve$/, module: /^aws-cdk-lib\/core$/, within: 'template rendering (Stack._toCloudFormation)' },
  { label: 'token resolution in cdk-nag', fn: /^resolve$/, module: /^aws-cdk-lib\/core$/, within: 'cdk-nag (any cdk-nag frame)' },
  { label: 'IAM statement merging (mergeStatements: @aws-cdk/aws-iam:minimizePolicies), wherever called', fn: /^mergeStatements$/, module: /^aws-cdk-lib\/aws-iam$/ },
  { label: 'garbage collector', fn: /^\(garbage collector\)$/, bucket: true },
];

/** The bucket of samples that no bucket phase claims. */
export const OTHER_BUCKET = 'other (outside the named phases)';
const IDLE_BUCKET = '(idle / program)';

/**
 * Summarises one profile. `labels` names scripts outside node_modules and the project by URL prefix
 * (e.g. a bundle in a temporary directory).
 */
export function summarizeCpuProfile(file: string, projectRoot: string, top = 15, labels: Record<string, string> = {}): ProfileSummary {
  const moduleOf_ = (url: string): string => moduleOf(url, projectRoot, labels);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  // Self time per node id.
  const selfUs = new Map<number, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    totalUs += dt;
  });
  const idle = new Set(['(idle)', '(program)', '(root)']);
  const fnKey = (cf: CallFrame): string => {
    const where = cf.url ? `${shortPath(cf.url, projectRoot, labels)}:${cf.lineNumber + 1}` : moduleOf_(cf.url);
    return `${cf.functionName || '(anonymous)'} (${where})`;
  };
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)!.callFrame;
    const fname = cf.functionName;
    const key = idle.has(fname) || fname === '(garbage collector)' ? fname : fnKey(cf);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const mod = idle.has(fname) || fname === '(garbage collector)' ? fname : moduleOf_(cf.url);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
  }
  // Inclusive time of the phases: walk each sampled node's stack once.
  const phaseUs = PHASES.map(() => 0);
  const stackPhases = new Map<number, boolean[]>();
  const phasesOf = (id: number): boolean[] => {
    const cached = stackPhases.get(id);
    if (cached) return cached;
    const node = byId.get(id)!;
    const up = parent.has(id) ? phasesOf(parent.get(id)!) : PHASES.map(() => false);
    const mod = moduleOf_(node.callFrame.url);
    const mine = PHASES.map(
      (p, i) =>
        up[i]! ||
        (p.fn.test(node.callFrame.functionName) &&
          (p.module === undefined || p.module.test(mod)) &&
          (p.within === undefined || up[PHASES.findIndex((q) => q.label === p.within)] === true)),
    );
    stackPhases.set(id, mine);
    return mine;
  };
  // Inclusive time per function: each sampled stack, each function once.
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const cf = byId.get(at)!.callFrame;
      if (idle.has(cf.functionName)) continue;
      const key = fnKey(cf);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  for (const [id, us] of selfUs) {
    phasesOf(id).forEach((hit, i) => {
      if (hit) phaseUs[i]! += us;
    });
  }
  // Buckets: the innermost bucket phase on each sampled stack.
  const bucketCache = new Map<number, string>();
  const bucketOf = (id: number): string => {
    const cached = bucketCache.get(id);
    if (cached) return cached;
    const cf = byId.get(id)!.callFrame;
    const mod = moduleOf_(cf.url);
    const own = PHASES.find((p) => p.bucket && p.fn.test(cf.functionName) && (p.module === undefined || p.module.test(mod)));
    const bucket = own ? (own.bucketLabel ?? own.label) : parent.has(id) ? bucketOf(parent.get(id)!) : OTHER_BUCKET;
    bucketCache.set(id, bucket);
    return bucket;
  };
  const buckets = new Map<string, number>();
  const fnBuckets = new Map<string, Map<string, number>>();
  for (const [id, us] of selfUs) {
    const cf = byId.get(id)!.callFrame;
    const b = idle.has(cf.functionName) ? IDLE_BUCKET : bucketOf(id);
    buckets.set(b, (buckets.get(b) ?? 0) + us);
    const key = idle.has(cf.functionName) || cf.functionName === '(garbage collector)' ? cf.functionName : fnKey(cf);
    const m = fnBuckets.get(key) ?? new Map<string, number>();
    m.set(b, (m.get(b) ?? 0) + us);
    fnBuckets.set(key, m);
  }
  // cdk-nag rules: inclusive, once per rule per sample.
  const nagRules = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const m = /cdk-nag\/lib\/rules\/(.+)\.js$/.exec(byId.get(at)!.callFrame.url);
      if (!m || seen.has(m[1]!)) continue;
      seen.add(m[1]!);
      nagRules.set(m[1]!, (nagRules.get(m[1]!) ?? 0) + us);
    }
  }
  const dominant = (key: string): string | undefined =>
    [...(fnBuckets.get(key) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1])[0]?.[0];
  const rows = (map: Map<string, number>): Row[] =>
    [...map]
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / totalUs }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top);
  return {
    file: path.basename(file),
    totalMs: totalUs / 1000,
    topFunctions: rows(byFunction).map((r) => ({ ...r, ...(dominant(r.name) ? { under: dominant(r.name) } : {}) })),
    topModules: rows(byModule),
    topInclusive: rows(inclusive),
    phases: PHASES.map((p, i) => ({ name: p.label, ms: phaseUs[i]! / 1000, share: phaseUs[i]! / totalUs })).filter((r) => r.ms > 0),
    buckets: [...buckets]
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / totalUs }))
      .sort((a, b) => b.ms - a.ms),
    nagRules: rows(nagRules),
  };
}

/** The main thread's profile of a `--cpu-prof-dir`: the largest file (worker threads write smaller ones). */
export function mainThreadProfile(dir: string): string | undefined {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f));
  return files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
}

// `tsx bench/cpuprofile.ts <file.cpuprofile>`: print a summary.
if (require.main === module) {
  const summary = summarizeCpuProfile(process.argv[2]!, path.resolve(__dirname, '..'), Number(process.argv[3] ?? 20));
  console.log(JSON.stringify(summary, null, 1));
}
