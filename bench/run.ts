/**
 * `npm run bench`: synth, the JWT authorizer and `npm test`, measured in one run on this machine;
 * writes bench/RESULTS.md. Nothing here asserts a target: the report says which are met.
 *
 * Options (for working on the bench itself; the report says which were used):
 *   --quick            1 run per synth, only the largest generated platform profiled, fewer authorizer
 *                      invocations, no npm test
 *   --skip-synth | --skip-authorizer | --skip-test
 *   --runs=N           runs per synth (default 3)
 *   --out=FILE         where to write the report (default bench/RESULTS.md)
 *   --render-from=FILE render the report again from a run's results (the JSON every run leaves in the temp directory)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchAuthorizer, type AuthorizerResults } from './authorizer';
import { describeMachine, type Machine } from './machine';
import { runNpmTest, type NpmTestResult } from './npm-test';
import { renderReport } from './report';
import { describeRun, profileSynthOnce, PROJECT_ROOT, runSynthOnce, type SynthCase, type SynthCaseResult, type SynthRun } from './synth';

export interface BenchOptions {
  readonly quick: boolean;
  readonly runs: number;
  readonly synth: boolean;
  readonly authorizer: boolean;
  readonly test: boolean;
  readonly out: string;
  readonly renderFrom?: string;
  /** Service counts of the generated platforms. */
  readonly sizes: readonly number[];
}

export interface BenchResults {
  readonly options: BenchOptions;
  readonly machine: Machine;
  readonly loadAtEnd: readonly number[];
  readonly totalMs: number;
  readonly synth: SynthCaseResult[];
  readonly authorizer?: AuthorizerResults;
  readonly npmTest?: NpmTestResult;
}

function parseOptions(argv: readonly string[]): BenchOptions {
  const flag = (name: string): boolean => argv.includes(`--${name}`);
  const value = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
  const unknown = argv.filter((a) => !/^--(quick|skip-synth|skip-authorizer|skip-test|runs=\d+|out=.+|render-from=.+)$/.test(a));
  if (unknown.length > 0) throw new Error(`unknown option(s): ${unknown.join(' ')}`);
  const quick = flag('quick');
  return {
    quick,
    runs: Number(value('runs') ?? (quick ? 1 : 3)),
    synth: !flag('skip-synth'),
    authorizer: !flag('skip-authorizer'),
    test: !flag('skip-test') && !quick,
    out: path.resolve(value('out') ?? path.join(__dirname, 'RESULTS.md')),
    ...(value('render-from') ? { renderFrom: path.resolve(value('render-from')!) } : {}),
    sizes: [20, 100, 200],
  };
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * The synth cases, in rounds: round 1 runs each case once, rounds 2…N run every case again in the
 * same order. Interleaving the rounds spreads any drift in the machine's load over all cases instead
 * of biasing the ratios between them. Profiled runs come last.
 */
async function benchSynth(options: BenchOptions): Promise<SynthCaseResult[]> {
  const results: SynthCaseResult[] = [];
  const runOnce = async (result: SynthCaseResult, round: number): Promise<SynthRun> => {
    const run = await runSynthOnce(result.case);
    result.runs.push(run);
    log(`  ${result.case.key} run ${round}/${result.case.runs}: ${describeRun(run)}`);
    return run;
  };
  const base = { cdkJsonContext: true, runs: options.runs } as const;
  const largest = Math.max(...options.sizes);
  const smallest = Math.min(...options.sizes);

  const cases: SynthCase[] = [
    {
      ...base,
      key: 'baseline',
      label: "the baseline: `new App(); new Stack(app, 'Empty'); app.synth()` (aws-cdk-lib's automatic CloudFormation Validate on, as by default)",
      target: { kind: 'empty' },
      gated: false,
      cdkValidationOff: false,
      cdkJsonContext: false,
    },
    {
      ...base,
      key: 'baseline/no-validate',
      label: "the same empty stack with CDK_VALIDATION=false: what the baseline is without the validation engine's start",
      target: { kind: 'empty' },
      gated: false,
      cdkValidationOff: true,
      cdkJsonContext: false,
    },
    {
      ...base,
      key: 'reference',
      label: 'the reference app, prod config, through createPlatformApp (cdk-nag + CloudFormation Validate), cdk.json context',
      target: { kind: 'reference' },
      gated: true,
      cdkValidationOff: false,
      profile: true,
    },
    {
      ...base,
      key: 'reference/service-connect',
      label: 'the same reference app on Service Connect (-c mesh=service-connect): no App Mesh resource, no W3696',
      target: { kind: 'reference', mesh: 'service-connect' },
      gated: true,
      cdkValidationOff: false,
    },
    // Generated platforms, gated as `cdk synth` does; the smallest and the largest are also
    // profiled, which splits their time into the gates and the rest and shows how each part grows.
    ...options.sizes.map(
      (services): SynthCase => ({
        ...base,
        key: `gen-${services}`,
        label: `${services} generated services (\`serviceStacks\` automatic) through createPlatformApp, as \`cdk synth\` does`,
        target: { kind: 'generated', services },
        gated: true,
        cdkValidationOff: false,
        profile: services === largest || (services === smallest && !options.quick),
      }),
    ),
  ];
  for (const c of cases) {
    results.push({ case: c, runs: [] });
    log(`synth ${c.key}: ${c.label}`);
  }
  for (let round = 1; round <= options.runs; round++) {
    if (options.runs > 1) log(`synth round ${round}/${options.runs}`);
    for (const result of results) if (result.runs.length < result.case.runs) await runOnce(result, round);
  }
  // Profiles.
  for (const result of results) {
    if (!result.case.profile) continue;
    log(`synth ${result.case.key} under --cpu-prof`);
    const { run, profile } = await profileSynthOnce(result.case);
    if (profile) result.profile = profile;
    log(`  ${result.case.key} (profiled): ${describeRun(run)}`);
  }
  return results;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.renderFrom) {
    const saved = JSON.parse(fs.readFileSync(options.renderFrom, 'utf8')) as BenchResults;
    fs.writeFileSync(options.out, renderReport(saved));
    log(`wrote ${path.relative(process.cwd(), options.out)} from ${options.renderFrom}`);
    return;
  }
  const started = performance.now();
  const machine = describeMachine();
  log(`bench: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB, Node.js ${machine.node}; load ${machine.loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);

  let authorizer: AuthorizerResults | undefined;
  if (options.authorizer) {
    log('authorizer');
    authorizer = await benchAuthorizer({
      coldRuns: options.quick ? 5 : 20,
      warmInvocations: options.quick ? 1000 : 5000,
      warmup: options.quick ? 200 : 500,
      profile: true,
      log,
    });
  }
  const synth = options.synth ? await benchSynth(options) : [];
  let npmTest: NpmTestResult | undefined;
  if (options.test) {
    log('npm test');
    npmTest = await runNpmTest(PROJECT_ROOT);
    log(`  ${(npmTest.wallMs / 1000).toFixed(1)} s, ${npmTest.passed ? 'passed' : `FAILED (exit ${npmTest.exitCode}; output in ${npmTest.logFile})`}`);
  }
  const results: BenchResults = {
    options,
    machine,
    loadAtEnd: os.loadavg(),
    totalMs: performance.now() - started,
    synth,
    ...(authorizer ? { authorizer } : {}),
    ...(npmTest ? { npmTest } : {}),
  };
  const saved = path.join(os.tmpdir(), `platform-bench-${Date.now()}.json`);
  fs.writeFileSync(saved, JSON.stringify(results));
  log(`results: ${saved}`);
  fs.writeFileSync(options.out, renderReport(results));
  log(`wrote ${path.relative(process.cwd(), options.out)} (${(results.totalMs / 60_000).toFixed(1)} min)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
