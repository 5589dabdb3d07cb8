/**
 * `npm run bench`: synth, the JWT authorizer and `npm test`, measured in one run on this machine;
 * writes bench/RESULTS.md. Nothing here asserts a target: the report says which are met.
 *
 * Options (for working on the bench itself; the report says which were used):
 *   --quick            1 run per synth, 200 services only in the ungated series, no gated synth with the limit lifted,
 *                      fewer authorizer invocations, no npm test
 *   --skip-synth | --skip-authorizer | --skip-test
 *   --runs=N           runs per synth (default 3)
 *   --out=FILE         where to write the report (default bench/RESULTS.md)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchAuthorizer, type AuthorizerResults } from './authorizer';
import { describeMachine, type Machine } from './machine';
import { runNpmTest, type NpmTestResult } from './npm-test';
import { renderReport } from './report';
import { PROJECT_ROOT, runSynthCase, type SynthCase, type SynthCaseResult } from './synth';

export interface BenchOptions {
  readonly quick: boolean;
  readonly runs: number;
  readonly synth: boolean;
  readonly authorizer: boolean;
  readonly test: boolean;
  readonly out: string;
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
  const unknown = argv.filter((a) => !/^--(quick|skip-synth|skip-authorizer|skip-test|runs=\d+|out=.+)$/.test(a));
  if (unknown.length > 0) throw new Error(`unknown option(s): ${unknown.join(' ')}`);
  const quick = flag('quick');
  return {
    quick,
    runs: Number(value('runs') ?? (quick ? 1 : 3)),
    synth: !flag('skip-synth'),
    authorizer: !flag('skip-authorizer'),
    test: !flag('skip-test') && !quick,
    out: path.resolve(value('out') ?? path.join(__dirname, 'RESULTS.md')),
    sizes: [20, 100, 200],
  };
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** The error of a synth that aws-cdk-lib's own 500-resource check stopped. */
const hitResourceLimit = (r: SynthCaseResult): boolean =>
  r.runs.some((run) => run.child?.errorName === 'TooManyResourcesInStack');
const failed = (r: SynthCaseResult): boolean => r.runs.some((run) => run.child?.ok !== true);

async function benchSynth(options: BenchOptions): Promise<SynthCaseResult[]> {
  const results: SynthCaseResult[] = [];
  const run = async (c: SynthCase): Promise<SynthCaseResult> => {
    log(`synth ${c.key}: ${c.label}`);
    const result = await runSynthCase(c, log);
    results.push(result);
    return result;
  };
  const base = { cdkJsonContext: true, liftResourceLimit: false, runs: options.runs } as const;

  await run({
    ...base,
    key: 'baseline',
    label: "the baseline: `new App(); new Stack(app, 'Empty'); app.synth()` (aws-cdk-lib's automatic CloudFormation Validate on, as by default)",
    target: { kind: 'empty' },
    gated: false,
    cdkValidationOff: false,
    cdkJsonContext: false,
  });
  await run({
    ...base,
    key: 'baseline/no-validate',
    label: 'the same empty stack with CDK_VALIDATION=false (the baseline of the ungated synths)',
    target: { kind: 'empty' },
    gated: false,
    cdkValidationOff: true,
    cdkJsonContext: false,
  });
  await run({
    ...base,
    key: 'reference',
    label: 'the reference app, prod config, through createPlatformApp (cdk-nag + CloudFormation Validate), cdk.json context',
    target: { kind: 'reference' },
    gated: true,
    cdkValidationOff: false,
    profile: true,
  });
  const largest = Math.max(...options.sizes);
  for (const services of options.sizes) {
    if (options.quick && services !== largest) continue;
    const target = { kind: 'generated', services } as const;
    const gated = await run({
      ...base,
      key: `gen-${services}`,
      label: `${services} generated services through createPlatformApp, as \`cdk synth\` does`,
      target,
      gated: true,
      cdkValidationOff: false,
    });
    if (!failed(gated)) continue;
    // The gated synth failed: measure the synth cost itself, without the gates.
    let lift = hitResourceLimit(gated);
    let ungated = await run({
      ...base,
      key: `gen-${services}/ungated`,
      label: `${services} services, ungated: plain \`new App()\`, CDK_VALIDATION=false${lift ? ", aws-cdk-lib's 500-resource check off (@aws-cdk/core:stackResourceLimit = 0)" : ''}`,
      target,
      gated: false,
      cdkValidationOff: true,
      liftResourceLimit: lift,
    });
    if (!lift && hitResourceLimit(ungated)) {
      lift = true;
      ungated = await run({
        ...base,
        key: `gen-${services}/ungated-lifted`,
        label: `${services} services, ungated, aws-cdk-lib's 500-resource check off`,
        target,
        gated: false,
        cdkValidationOff: true,
        liftResourceLimit: true,
      });
    }
    // What the gates themselves cost at this size, once the resource check no longer stops the synth.
    if (lift && !options.quick && (services === Math.min(...options.sizes) || services === largest)) {
      await run({
        ...base,
        key: `gen-${services}/gated-lifted`,
        label: `${services} services through createPlatformApp with aws-cdk-lib's 500-resource check off: what the gates cost at this size`,
        target,
        gated: true,
        cdkValidationOff: false,
        liftResourceLimit: true,
        runs: 1,
        // The slowest synth of the bench: one run, and that run is the profile.
        ...(services === largest ? { profileOnly: true } : {}),
      });
    }
  }
  return results;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
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
  fs.writeFileSync(options.out, renderReport(results));
  log(`wrote ${path.relative(process.cwd(), options.out)} (${(results.totalMs / 60_000).toFixed(1)} min)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
