/** Renders bench/RESULTS.md from one run's results. */
import { STACK_LIMITS } from '../lib/stacks/service-stacks';
import type { AuthorizerResults, ColdStart } from './authorizer';
import type { ProfileSummary, Row } from './cpuprofile';
import type { BenchResults } from './run';
import type { StackFacts } from './synth-child';
import { stackFactsOf, stackMax, summarize, type StackMax, type SynthCaseResult, type SynthSummary } from './synth';
import { max, median, percentile } from './stats';

/** A later slope (ms per added service) up to this many times the earlier one still counts as linear growth. */
const LINEAR_SLOPE_RATIO = 1.33;

// Targets: the bench reports them; nothing asserts them.
export const TARGETS = {
  referenceVsBaseline: 2,
  largestVsBaseline: 6,
  largestPeakMiB: 2048,
  /** Per stack, the platform's own limits (lib/stacks/service-stacks.ts): 450 resources, 800 KiB, 200 outputs. */
  stackResources: STACK_LIMITS.resources,
  stackTemplateBytes: STACK_LIMITS.templateBytes,
  stackOutputs: STACK_LIMITS.outputs,
  warmVsRawP50: 1.5,
  bundleBytes: 40_000,
  coldStartMs: 50,
  npmTestMs: 90_000,
} as const;

const s1 = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '–');
const s2 = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–');
const ms1 = (ms: number): string => (Number.isFinite(ms) ? ms.toFixed(1) : '–');
const ms3 = (ms: number): string => (Number.isFinite(ms) ? ms.toFixed(3) : '–');
const int = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : Math.round(n).toLocaleString('en-US'));
const x = (ratio: number): string => (Number.isFinite(ratio) ? `${ratio.toFixed(ratio < 10 ? 2 : 1)}×` : '–');
const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;
const esc = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const clip = (text: string, n: number): string => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
const listOf = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? 'No synth') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;

function table(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

interface Keyed {
  readonly result: SynthCaseResult;
  readonly summary: SynthSummary;
}

function byKey(results: BenchResults): Map<string, Keyed> {
  return new Map(results.synth.map((r) => [r.case.key, { result: r, summary: summarize(r) }]));
}

/** The generated platforms that were run, smallest first. */
function generated(results: BenchResults, keyed: Map<string, Keyed>): { n: number; k: Keyed }[] {
  return [...results.options.sizes]
    .sort((a, b) => a - b)
    .flatMap((n) => (keyed.has(`gen-${n}`) ? [{ n, k: keyed.get(`gen-${n}`)! }] : []));
}

function resultCell(s: SynthSummary): string {
  if (s.ok) return 'ok';
  const error = s.errorFirstLine ?? 'failed';
  return `**${/Validation failed/.test(error) ? 'FAILED: validation errors' : 'FAILED'}**`;
}

/** `426 (gen200-services-03)`. */
const maxCell = (m: StackMax | undefined, f: (v: number) => string = int): string => (m ? `${f(m.value)} (${m.stack})` : '–');

/** How many stacks, and how many of them service stacks. */
const stacksCell = (s: SynthSummary): string =>
  s.serviceStackCount ? `${s.stacks} (${s.serviceStackCount} service stacks)` : String(s.stacks);
/** The same in prose: `29 stacks (27 of them service stacks)`. */
const stacksText = (s: SynthSummary): string =>
  `${s.stacks} stack${s.stacks === 1 ? '' : 's'}${s.serviceStackCount ? ` (${s.serviceStackCount} of them service stacks)` : ''}`;

function synthTable(results: BenchResults, keyed: Map<string, Keyed>): string {
  const baseline = keyed.get('baseline')?.summary;
  const rows = results.synth.map((r) => {
    const s = keyed.get(r.case.key)!.summary;
    return [
      `\`${r.case.key}\``,
      String(s.runs),
      resultCell(s),
      stacksCell(s),
      int(s.resources),
      maxCell(s.mostResources),
      maxCell(s.largestTemplate),
      maxCell(s.mostOutputs),
      s1(s.wallMs),
      baseline ? x(s.wallMs / baseline.wallMs) : '–',
      s1(s.cpuMs),
      int(s.maxRssMiB),
      `${s2(s.loadMs)} · ${s2(s.constructMs)} · ${s2(s.synthMs)}`,
    ];
  });
  return table(
    [
      'synth',
      'runs',
      'result',
      'stacks',
      'resources (all stacks)',
      'most resources in a stack',
      'largest template, bytes',
      'most outputs in a stack',
      'wall s (median)',
      '× baseline',
      'CPU s',
      'peak RSS MiB',
      'load · construct · synth s',
    ],
    rows,
    ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
}

function failureTable(results: BenchResults, keyed: Map<string, Keyed>): string {
  const rows = results.synth
    .map((r) => keyed.get(r.case.key)!)
    .filter((k) => !k.summary.ok)
    .map((k) => {
      const s = k.summary;
      const child = k.result.runs.find((run) => run.child)?.child;
      const rules = child?.validationErrorRules?.length ? ` — validation errors: ${child.validationErrorRules.join('; ')}` : '';
      return [`\`${k.result.case.key}\``, s1(s.wallMs), esc(clip(s.errorFirstLine ?? 'no result', 260)) + esc(rules)];
    });
  if (rows.length === 0) return 'No synth failed.';
  return table(['synth', 'time to failure s (wall, median)', "the error's first line (clipped)"], rows, ['l', 'r', 'l']);
}

/** Whether every stack is within the platform's per-stack limits. */
function withinLimits(facts: readonly StackFacts[]): { resources: boolean; bytes: boolean; outputs: boolean; all: boolean } {
  const resources = facts.every((f) => f.resources <= TARGETS.stackResources);
  const bytes = facts.every((f) => f.templateBytes <= TARGETS.stackTemplateBytes);
  const outputs = facts.every((f) => f.outputs <= TARGETS.stackOutputs);
  return { resources, bytes, outputs, all: resources && bytes && outputs };
}

const yesNo = (ok: boolean): string => (ok ? 'yes' : '**no**');

/** Every stack of the largest generated platform, and each generated platform's largest stacks. */
function stacksSection(results: BenchResults, keyed: Map<string, Keyed>): string {
  const gens = generated(results, keyed);
  const out: string[] = [
    `The platform's limits per stack (lib/stacks/service-stacks.ts \`STACK_LIMITS\`, a margin under CloudFormation's 500 resources, 1 MB template from S3 and 200 outputs): ` +
      `**${TARGETS.stackResources} resources, ${int(TARGETS.stackTemplateBytes)} bytes (${kib(TARGETS.stackTemplateBytes)}), ${TARGETS.stackOutputs} outputs**. ` +
      'Template bytes are the size of the file `cdk synth` writes (pretty-printed JSON).',
    '',
    table(
      ['synth', 'stacks', 'most resources', 'largest template, bytes', 'most outputs', `≤ ${TARGETS.stackResources} resources`, `≤ ${kib(TARGETS.stackTemplateBytes)}`, `≤ ${TARGETS.stackOutputs} outputs`],
      [keyed.get('reference'), keyed.get('reference/service-connect'), ...gens.map((g) => g.k)]
        .filter((k): k is Keyed => k !== undefined)
        .map((k) => {
          const facts = stackFactsOf(k.result);
          const w = withinLimits(facts);
          const s = k.summary;
          return facts.length === 0
            ? [`\`${k.result.case.key}\``, '0', '–', '–', '–', '–', '–', '–']
            : [
                `\`${k.result.case.key}\``,
                stacksCell(s),
                maxCell(s.mostResources),
                maxCell(s.largestTemplate),
                maxCell(s.mostOutputs),
                yesNo(w.resources),
                yesNo(w.bytes),
                yesNo(w.outputs),
              ];
        }),
      ['l', 'r', 'r', 'r', 'r', 'l', 'l', 'l'],
    ),
  ];
  const largest = gens[gens.length - 1];
  const facts = largest ? stackFactsOf(largest.k.result) : [];
  if (largest && facts.length > 0) {
    const w = withinLimits(facts);
    const order = new Map(facts.map((f, i) => [f.id, i + 1]));
    const sorted = [...facts].sort((a, b) => b.resources - a.resources || b.templateBytes - a.templateBytes);
    const services = facts.filter((f) => /-services-\d+$/.test(f.id)).map((f) => f.resources);
    out.push(
      '',
      `#### Every stack of the ${largest.n}-service platform`,
      '',
      `${facts.length} stacks, by resources (most first); *deploy* is the stack's place in \`platform.stacks\`, the order \`cdk deploy --all\` follows. ` +
        `All under ${TARGETS.stackResources} resources: ${yesNo(w.resources)}; all under ${kib(TARGETS.stackTemplateBytes)}: ${yesNo(w.bytes)}; all under ${TARGETS.stackOutputs} outputs: ${yesNo(w.outputs)}.` +
        (services.length > 1
          ? ` The ${services.length} service stacks hold ${int(Math.min(...services))} to ${int(Math.max(...services))} resources (median ${int(median(services))}): services are placed by a consistent hash of their names, not packed, so stacks fill unevenly.`
          : ''),
      '',
      table(
        ['stack', 'deploy', 'resources', `of ${TARGETS.stackResources}`, 'template bytes', `of ${kib(TARGETS.stackTemplateBytes)}`, 'outputs', 'largest IAM policy, bytes'],
        sorted.map((f) => [
          `\`${f.id}\``,
          String(order.get(f.id)),
          int(f.resources),
          pct(f.resources / TARGETS.stackResources),
          int(f.templateBytes),
          pct(f.templateBytes / TARGETS.stackTemplateBytes),
          String(f.outputs),
          f.largestPolicy ? int(f.largestPolicy.bytes) : '–',
        ]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      ),
    );
  }
  return out.join('\n');
}

function growth(results: BenchResults, keyed: Map<string, Keyed>): string {
  const points = generated(results, keyed).map(({ n, k }) => ({ n, s: k.summary }));
  if (points.length < 2) return `Needs at least two generated platforms; this run had ${points.length}.`;
  const sizes = points.map((p) => p.n);
  const slope = (a: { n: number; s: SynthSummary }, b: { n: number; s: SynthSummary }, f: (s: SynthSummary) => number | undefined): number => {
    const fa = f(a.s);
    const fb = f(b.s);
    return fa === undefined || fb === undefined ? Number.NaN : (fb - fa) / (b.n - a.n);
  };
  const shape = (first: number, second: number): string => {
    if (!Number.isFinite(first) || !Number.isFinite(second)) return '–';
    const r = second / first;
    return r > LINEAR_SLOPE_RATIO ? `**super-linear** (${x(r)} the first slope)` : r < 0.75 ? `sub-linear (${x(r)} the first slope)` : `about linear (${x(r)})`;
  };
  const series: { name: string; f: (s: SynthSummary) => number }[] = [
    { name: 'wall (spawn to exit)', f: (s) => s.wallMs },
    { name: "CPU (the child's user + system)", f: (s) => s.cpuMs },
  ];
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const rows = series.map((se) => {
    const slopes = points.slice(1).map((b, i) => slope(points[i]!, b, se.f));
    return [
      se.name,
      points.map((q) => `${q.n}: ${s1(se.f(q.s))} s`).join(', '),
      points.slice(1).map((b, i) => `${points[i]!.n}→${b.n}: ${ms1(slopes[i]!)}`).join(', '),
      ms1(slope(first, last, se.f)),
      slopes.length >= 2 ? shape(slopes[0]!, slopes[slopes.length - 1]!) : '–',
    ];
  });
  const perService = (f: (s: SynthSummary) => number | undefined): number => slope(first, last, f);
  return [
    `Time per added service from the medians (slopes between sizes); "about linear" when the last slope is within 0.75–${LINEAR_SLOPE_RATIO}× the first, "sub-linear" (each added service costs less than the one before) below, "super-linear" above. ` +
      `CPU is less sensitive than wall time to other work on the machine. Per added service from ${first.n} to ${last.n}: ` +
      `${perService((s) => s.resources).toFixed(1)} resources, ${int(perService((s) => s.templateBytes))} template bytes, ${perService((s) => s.maxRssMiB).toFixed(2)} MiB of peak memory; ` +
      `stacks: ${points.map((p) => `${p.n} → ${p.s.stacks}`).join(', ')}.`,
    '',
    table(['series', 'median', 'ms per added service', `ms/service ${sizes[0]}→${sizes[sizes.length - 1]}`, 'growth'], rows, ['l', 'l', 'l', 'r', 'l']),
  ].join('\n');
}

interface Target {
  readonly name: string;
  readonly measured: string;
  readonly met: boolean | undefined;
  readonly by: string;
}

function missBy(measured: number, target: number, unit: (v: number) => string): string {
  return `over by ${unit(measured - target)} (${x(measured / target)} the target)`;
}

function targets(results: BenchResults, keyed: Map<string, Keyed>): Target[] {
  const out: Target[] = [];
  const baseline = keyed.get('baseline')?.summary;
  const reference = keyed.get('reference')?.summary;
  if (baseline && reference) {
    const r = reference.wallMs / baseline.wallMs;
    out.push({
      name: `reference app synth ≤ ${TARGETS.referenceVsBaseline}× the baseline`,
      measured: `${s1(reference.wallMs)} s / ${s1(baseline.wallMs)} s = ${x(r)}${reference.ok ? '' : ' (**failed**)'}`,
      met: reference.ok && r <= TARGETS.referenceVsBaseline,
      by:
        r <= TARGETS.referenceVsBaseline
          ? `${s1(TARGETS.referenceVsBaseline * baseline.wallMs - reference.wallMs)} s to spare`
          : `over by ${s1(reference.wallMs - TARGETS.referenceVsBaseline * baseline.wallMs)} s (${x(r / TARGETS.referenceVsBaseline)} the target)`,
    });
  }
  const gens = generated(results, keyed);
  const largest = gens[gens.length - 1];
  const n = largest?.n;
  const gated = largest?.k.summary;
  if (baseline && gated) {
    const r = gated.wallMs / baseline.wallMs;
    const limit = TARGETS.largestVsBaseline * baseline.wallMs;
    out.push({
      name: `${n} services synth ≤ ${TARGETS.largestVsBaseline}× the baseline`,
      measured: `${s1(gated.wallMs)} s / ${s1(baseline.wallMs)} s = ${x(r)}, ${gated.ok ? `synthesized and passed the gates in ${stacksText(gated)}` : `**failed** (${resultCell(gated).replace(/\*/g, '')})`}`,
      met: gated.ok && r <= TARGETS.largestVsBaseline,
      by: !gated.ok
        ? 'no template'
        : r <= TARGETS.largestVsBaseline
          ? `${s1(limit - gated.wallMs)} s to spare (${x(r / TARGETS.largestVsBaseline)} the target)`
          : missBy(gated.wallMs, limit, (v) => `${s1(v)} s`),
    });
    out.push({
      name: `${n} services peak memory ≤ 2 GB (${TARGETS.largestPeakMiB} MiB)`,
      measured: `${int(gated.maxRssMiB)} MiB (median of the runs)`,
      met: gated.maxRssMiB <= TARGETS.largestPeakMiB,
      by: gated.maxRssMiB <= TARGETS.largestPeakMiB ? `${int(TARGETS.largestPeakMiB - gated.maxRssMiB)} MiB to spare` : missBy(gated.maxRssMiB, TARGETS.largestPeakMiB, (v) => `${int(v)} MiB`),
    });
  }
  const platforms = [keyed.get('reference'), keyed.get('reference/service-connect'), ...gens.map((g) => g.k)].filter((k): k is Keyed => k !== undefined);
  const synthesized = platforms.filter((k) => stackFactsOf(k.result).length > 0);
  if (synthesized.length > 0) {
    const all = synthesized.flatMap((k) => stackFactsOf(k.result));
    const most = stackMax(all, (f) => f.resources)!;
    const biggest = stackMax(all, (f) => f.templateBytes)!;
    const outputs = stackMax(all, (f) => f.outputs)!;
    const over = all.filter((f) => f.resources > TARGETS.stackResources || f.templateBytes > TARGETS.stackTemplateBytes || f.outputs > TARGETS.stackOutputs);
    const failed = synthesized.length < platforms.length || platforms.some((k) => !k.summary.ok);
    out.push({
      name: `every stack ≤ ${TARGETS.stackResources} resources, ≤ ${kib(TARGETS.stackTemplateBytes)} (${int(TARGETS.stackTemplateBytes)} bytes), ≤ ${TARGETS.stackOutputs} outputs (reference and generated platforms)`,
      measured:
        `${all.length} stacks; most resources ${int(most.value)} (\`${most.stack}\`), largest template ${int(biggest.value)} bytes (\`${biggest.stack}\`), most outputs ${outputs.value} (\`${outputs.stack}\`)` +
        (over.length > 0 ? `; over a limit: ${over.map((f) => `\`${f.id}\``).join(', ')}` : '') +
        (failed ? '; some synths wrote no assembly' : ''),
      met: over.length === 0 && !failed,
      by:
        over.length === 0
          ? `${int(TARGETS.stackResources - most.value)} resources, ${int(TARGETS.stackTemplateBytes - biggest.value)} bytes, ${TARGETS.stackOutputs - outputs.value} outputs to spare`
          : `${over.length} stack(s) over`,
    });
  }
  if (gens.length >= 3) {
    const first = gens[0]!;
    const mid = gens[gens.length - 2]!;
    const last = gens[gens.length - 1]!;
    const slopeOf = (f: (s: SynthSummary) => number, a: { n: number; k: Keyed }, b: { n: number; k: Keyed }): number => (f(b.k.summary) - f(a.k.summary)) / (b.n - a.n);
    const ratio = (f: (s: SynthSummary) => number): number => slopeOf(f, mid, last) / slopeOf(f, first, mid);
    const wall = ratio((s) => s.wallMs);
    const cpu = ratio((s) => s.cpuMs);
    out.push({
      name: `synth time grows linearly with the services, ${first.n} → ${last.n} (the ${mid.n}→${last.n} slope ≤ ${LINEAR_SLOPE_RATIO}× the ${first.n}→${mid.n} slope)`,
      measured:
        `wall ${ms1(slopeOf((s) => s.wallMs, first, mid))} → ${ms1(slopeOf((s) => s.wallMs, mid, last))} ms per service (${x(wall)}); ` +
        `CPU ${ms1(slopeOf((s) => s.cpuMs, first, mid))} → ${ms1(slopeOf((s) => s.cpuMs, mid, last))} ms per service (${x(cpu)}); ` +
        `${ms1(slopeOf((s) => s.wallMs, first, last))} ms per service ${first.n}→${last.n} (wall)`,
      met: gens.every((g) => g.k.summary.ok) && wall <= LINEAR_SLOPE_RATIO,
      by: wall <= LINEAR_SLOPE_RATIO ? `the later slope is ${x(wall)} the earlier (up to ${LINEAR_SLOPE_RATIO}×)` : `super-linear: ${x(wall / LINEAR_SLOPE_RATIO)} the allowed ratio`,
    });
  }
  const a = results.authorizer;
  if (a) {
    const h = percentile(a.warm.handlerMs, 50);
    const r = percentile(a.warm.rawMs, 50);
    out.push({
      name: `warm authorizer verification ≤ ${TARGETS.warmVsRawP50}× raw crypto at p50`,
      measured: `${ms3(h)} ms / ${ms3(r)} ms = ${x(h / r)}`,
      met: h / r <= TARGETS.warmVsRawP50,
      by: h / r <= TARGETS.warmVsRawP50 ? `${ms3(TARGETS.warmVsRawP50 * r - h)} ms to spare` : `over by ${ms3(h - TARGETS.warmVsRawP50 * r)} ms (${x(h / r / TARGETS.warmVsRawP50)} the target)`,
    });
    out.push({
      name: `authorizer bundle ≤ 40 KB minified (${int(TARGETS.bundleBytes)} bytes)`,
      measured: `${int(a.bundle.bytes)} bytes (${(a.bundle.bytes / 1024).toFixed(1)} KiB)`,
      met: a.bundle.bytes <= TARGETS.bundleBytes,
      by: a.bundle.bytes <= TARGETS.bundleBytes ? `${int(TARGETS.bundleBytes - a.bundle.bytes)} bytes to spare` : missBy(a.bundle.bytes, TARGETS.bundleBytes, (v) => `${int(v)} bytes`),
    });
    const cold = median(a.coldCached.map(coldStartMs));
    out.push({
      name: `cold start ≤ ${TARGETS.coldStartMs} ms (loading the bundle → first verified token, JWKS cached)`,
      measured: `median ${ms1(cold)} ms, p90 ${ms1(percentile(a.coldCached.map(coldStartMs), 90))} ms over ${a.coldCached.length} processes`,
      met: cold <= TARGETS.coldStartMs,
      by: cold <= TARGETS.coldStartMs ? `${ms1(TARGETS.coldStartMs - cold)} ms to spare` : missBy(cold, TARGETS.coldStartMs, (v) => `${ms1(v)} ms`),
    });
  }
  const t = results.npmTest;
  if (t) {
    out.push({
      name: `\`npm test\` ≤ ${TARGETS.npmTestMs / 1000} s`,
      measured: `${s1(t.wallMs)} s, ${t.passed ? 'passed' : `**failed** (exit ${t.exitCode})`}`,
      met: t.wallMs <= TARGETS.npmTestMs && t.passed,
      by: t.wallMs <= TARGETS.npmTestMs ? `${s1(TARGETS.npmTestMs - t.wallMs)} s to spare` : missBy(t.wallMs, TARGETS.npmTestMs, (v) => `${s1(v)} s`),
    });
  }
  return out;
}

const coldStartMs = (c: ColdStart): number => c.loadMs + c.firstMs;

function authorizerSection(a: AuthorizerResults): string {
  const cc = a.coldCached;
  const cf = a.coldFetch;
  const h = a.warm.handlerMs;
  const r = a.warm.rawMs;
  const dist = (values: number[]): string => `${ms3(percentile(values, 50))} / ${ms3(percentile(values, 90))} / ${ms3(percentile(values, 99))} / ${ms3(max(values))}`;
  const rows: string[][] = [
    ['bundle, minified (esbuild as test/lambda/authorizer/helpers/bundle.ts)', `${int(a.bundle.bytes)} bytes (${(a.bundle.bytes / 1024).toFixed(1)} KiB); gzip -9: ${int(a.bundle.gzipBytes)} bytes`],
    ['Node.js start-up until the harness runs (not the bundle; Lambda pays it before init)', `median ${ms1(median(cc.map((c) => c.nodeBootMs)))} ms`],
    ['`require()` of the bundle', `median ${ms1(median(cc.map((c) => c.loadMs)))} ms, p90 ${ms1(percentile(cc.map((c) => c.loadMs), 90))} ms`],
    ['the JWKS fetch, warmed once (a token with an unknown kid: fetch over HTTPS, then rejected)', `median ${ms1(median(cc.map((c) => c.warmFetchMs ?? Number.NaN)))} ms`],
    ['first verified token, JWKS cached', `median ${ms1(median(cc.map((c) => c.firstMs)))} ms`],
    ['**cold start**: require + first verified token, JWKS cached', `**median ${ms1(median(cc.map(coldStartMs)))} ms**, p90 ${ms1(percentile(cc.map(coldStartMs), 90))} ms (${cc.length} processes)`],
    ['cold start with the fetch: require + first token, JWKS fetched by it', `median ${ms1(median(cf.map(coldStartMs)))} ms, p90 ${ms1(percentile(cf.map(coldStartMs), 90))} ms (first invocation alone: ${ms1(median(cf.map((c) => c.firstMs)))} ms; ${cf.length} processes)`],
    ['whole cold process, spawn → exit (parent\'s clock)', `median ${ms1(median(cc.map((c) => c.processWallMs)))} ms`],
    [`warm handler, ms: p50 / p90 / p99 / max (${h.length} distinct tokens)`, dist(h)],
    ['raw `crypto.verify` RS256 of the same tokens, ms: p50 / p90 / p99 / max', dist(r)],
    ['**handler p50 / raw p50**', `**${x(percentile(h, 50) / percentile(r, 50))}**; at p99: ${x(percentile(h, 99) / percentile(r, 99))}`],
    [
      'throughput, one core (sequential loop)',
      `handler ${int((a.warm.loopCount / a.warm.handlerLoopMs) * 1000)}/s wall, ${int((a.warm.loopCount / a.warm.handlerLoopCpuMs) * 1000)}/s per CPU second; raw ${int((a.warm.loopCount / a.warm.rawLoopMs) * 1000)}/s wall, ${int((a.warm.loopCount / a.warm.rawLoopCpuMs) * 1000)}/s per CPU second`,
    ],
    ['peak RSS of the warm process', `${int(a.warm.maxRssKiB / 1024)} MiB`],
  ];
  const comp = table(
    ['input', 'bytes in the bundle'],
    a.bundle.composition.map((c) => [`\`${c.input}\``, int(c.bytes)]),
    ['l', 'r'],
  );
  return `${table(['measure', 'value'], rows, ['l', 'l'])}\n\nWhat the bundle is made of (esbuild metafile, bytes in the minified output):\n\n${comp}`;
}

function rowsOf(rows: Row[], n: number, withUnder = false): string {
  return table(
    withUnder ? ['', 'ms', 'share', 'mostly in'] : ['', 'ms', 'share'],
    rows
      .slice(0, n)
      .map((r) => [`\`${esc(clip(r.name, 110))}\``, int(r.ms), pct(r.share), ...(withUnder ? [r.under ? esc(r.under.replace(/ \(.*\)$/, '')) : '–'] : [])]),
    withUnder ? ['l', 'r', 'r', 'l'] : ['l', 'r', 'r'],
  );
}

function profileBlock(title: string, p: ProfileSummary, note: string): string {
  const nag = p.nagRules.filter((r) => r.ms >= 1);
  return [
    `#### ${title}`,
    '',
    note,
    '',
    `Sampled ${s1(p.totalMs)} s. Where the time went, each sample counted once, in the innermost named phase on its stack (so \`resolve\` called by cdk-nag counts for cdk-nag, module loading during construction for module loading):`,
    '',
    rowsOf(p.buckets, 20),
    '',
    'Inclusive time of the named phases (overlapping: a sample counts for every phase on its stack):',
    '',
    rowsOf(p.phases, 20),
    ...(nag.length > 0 ? ['', 'cdk-nag rules by inclusive time:', '', rowsOf(nag, 8)] : []),
    '',
    'Self time by module:',
    '',
    rowsOf(p.topModules, 10),
    '',
    'Self time by function, and the phase most of it was sampled in:',
    '',
    rowsOf(p.topFunctions, 12, true),
  ].join('\n');
}

const phase = (p: ProfileSummary | undefined, prefix: string): Row | undefined => p?.phases.find((r) => r.name.startsWith(prefix));
const phaseMs = (p: ProfileSummary | undefined, prefix: string): number => phase(p, prefix)?.ms ?? 0;
const bucketMs = (p: ProfileSummary | undefined, prefix: string): number => p?.buckets.find((r) => r.name.startsWith(prefix))?.ms ?? 0;

/** Why a cdk-nag rule costs what it does, read from its source (cdk-nag 3.0.2). */
const NAG_RULE_NOTES: Record<string, string> = {
  'secretsmanager/SecretsManagerRotationEnabled':
    ": for every CfnSecret it walks its stack's whole construct tree (`Stack.of(node).node.findAll()`) looking for rotation schedules, so it costs secrets × constructs of each stack (every proxy has a certificate secret): quadratic in a stack's size, which the per-stack resource limit bounds, and it runs even though AwsSolutions-SMG4 is acknowledged on those secrets",
};

/** Where the aws-iam functions among the top self time were sampled, and what IAM statement merging costs. */
function iamNote(p: ProfileSummary, stacks: readonly StackFacts[]): string {
  const iam = p.topFunctions.filter((r) => r.name.includes('aws-iam/'));
  const merging = phaseMs(p, 'IAM statement merging');
  if (iam.length === 0 && merging < 500) return '';
  const names = iam.map((r) => `\`${r.name.split(' (')[0]}\` ${s1(r.ms)} s (mostly in ${r.under ?? '?'})`).join(', ');
  const withPolicy = stacks.filter((f) => f.largestPolicy);
  const inPolicy = withPolicy.sort((a, b) => b.largestPolicy!.bytes - a.largestPolicy!.bytes)[0];
  const policy = inPolicy?.largestPolicy;
  const facts = stacks.filter((f) => f.mostOverflowPolicies).sort((a, b) => b.mostOverflowPolicies!.count - a.mostOverflowPolicies!.count)[0];
  return (
    ` IAM statement merging (\`mergeStatements\`, on because cdk.json sets \`@aws-cdk/aws-iam:minimizePolicies\`; it runs each time a policy document is resolved) takes ${s1(merging)} s inclusive` +
    (names ? `; the aws-iam functions among the top self time are ${names}` : '') +
    (policy ? `. The largest AWS::IAM::Policy of the ${stacks.length} templates is \`${policy.logicalId}\` in \`${inPolicy!.id}\` (${policy.statements} statements after merging, ${int(policy.bytes)} bytes)` : '') +
    (facts?.mostOverflowPolicies
      ? `; \`${facts.mostOverflowPolicies.role}\` in \`${facts.id}\` needs ${facts.mostOverflowPolicies.count} overflow managed policies besides it (aws-cdk-lib splits a role's policy that outgrows one document; IAM attaches at most 10 managed policies to a role by default, 20 with a raised quota)${
          facts.mostOverflowPolicies.role.startsWith('MeshCertificatesIssuerRole')
            ? ': lib/mesh/app-mesh/mesh-certificates.ts grants the issuer read and write on every certificate secret, so its policy grows with the number of versions'
            : ''
        }`
      : stacks.length > 0
        ? '; no role needs overflow managed policies (aws-cdk-lib adds them when a role\'s policy outgrows one document)'
        : '') +
    '.'
  );
}

/** The buckets of two profiles of the same synth at two sizes: how each part grows. */
function bucketGrowth(small: { n: number; resources: number; p: ProfileSummary }, large: { n: number; resources: number; p: ProfileSummary }): string {
  const names = [...new Set([...large.p.buckets, ...small.p.buckets].map((b) => b.name))];
  const rr = large.resources / small.resources;
  const rows = names
    .map((name) => {
      const a = small.p.buckets.find((b) => b.name === name)?.ms ?? 0;
      const b = large.p.buckets.find((bb) => bb.name === name)?.ms ?? 0;
      const g = a > 0 ? b / a : Number.NaN;
      const shape = !Number.isFinite(g) || a < 200 ? '–' : g > rr * 1.33 ? '**faster than the resources**' : g < rr * 0.75 ? 'slower than the resources' : 'with the resources';
      return { name, a, b, g, shape };
    })
    .sort((p, q) => q.b - p.b);
  return table(
    ['phase (innermost)', `${small.n} services, s`, `${large.n} services, s`, 'growth', `grows (resources ×${rr.toFixed(1)})`],
    rows.map((r) => [esc(r.name), s1(r.a), s1(r.b), x(r.g), r.shape]),
    ['l', 'r', 'r', 'r', 'l'],
  );
}

/** Findings written from the numbers: what the profiles say costs the time. */
function findings(results: BenchResults, keyed: Map<string, Keyed>): string[] {
  const out: string[] = [];
  const baseline = keyed.get('baseline');
  const noValidate = keyed.get('baseline/no-validate');
  if (baseline && noValidate) {
    const auto = baseline.summary.synthMs - noValidate.summary.synthMs;
    out.push(
      `**The baseline is mostly CloudFormation Validate.** An empty stack's \`app.synth()\` takes ${s2(baseline.summary.synthMs)} s with aws-cdk-lib's automatic CloudFormation Validate and ${s2(noValidate.summary.synthMs)} s without (CDK_VALIDATION=false): ${s1(auto)} s of the baseline's ${s1(baseline.summary.wallMs)} s is starting the validation engine (a WebAssembly module) for a template with no resources. So every ratio to the baseline already counts one engine start in the denominator.`,
    );
  }
  const ref = keyed.get('reference');
  const refProfile = ref?.result.profile;
  if (ref && refProfile && baseline) {
    const b = (prefix: string): string => s1(bucketMs(refProfile, prefix));
    const extras: [string, number][] = (
      [
        ['esbuild bundling', bucketMs(refProfile, 'NodejsFunction bundling')],
        ['module loading', bucketMs(refProfile, 'module loading')],
        ['construction', bucketMs(refProfile, 'construction')],
        ['validating the template', bucketMs(refProfile, 'CloudFormation Validate: validateTemplate')],
        ['cdk-nag', bucketMs(refProfile, 'cdk-nag')],
        ['template rendering', bucketMs(refProfile, 'template rendering')],
      ] as [string, number][]
    ).sort((p, q) => q[1] - p[1]);
    out.push(
      `**Reference app** (${int(ref.summary.resources)} resources; ${s1(ref.summary.wallMs)} s, ${x(ref.summary.wallMs / baseline.summary.wallMs)} the baseline): its profile (${s1(refProfile.totalMs)} s sampled, each sample in its innermost phase) has CloudFormation Validate ${s1(bucketMs(refProfile, 'CloudFormation Validate: engine start') + bucketMs(refProfile, 'CloudFormation Validate: validateTemplate'))} s (engine start ${b('CloudFormation Validate: engine start')} s, the same cost the baseline pays; validating the template ${b('CloudFormation Validate: validateTemplate')} s), esbuild bundling of the three Lambda functions ${b('NodejsFunction bundling')} s (\`spawnSync\` per function: the main thread waits for each), loading modules (aws-cdk-lib, cdk-nag, the project through tsx) ${b('module loading')} s, construction ${b('construction')} s, cdk-nag ${b('cdk-nag')} s, template rendering ${b('template rendering')} s, garbage collection ${b('garbage collector')} s. ` +
        `Beyond the engine start the baseline pays too, the largest parts are ${extras
          .slice(0, 3)
          .map(([what, ms]) => `${what} (${s1(ms)} s)`)
          .join(', ')}` +
        (extras.slice(0, 2).every(([what]) => what === 'esbuild bundling' || what === 'module loading')
          ? ': fixed costs of every synth (bundling three functions, loading the libraries), not costs per resource.'
          : '.'),
    );
  }
  const gens = generated(results, keyed);
  if (gens.length > 0) {
    const last = gens[gens.length - 1]!;
    const ok = gens.every((g) => g.k.summary.ok);
    const perSize = gens
      .map(({ n, k }) => {
        const s = k.summary;
        return `${n} services → ${stacksText(s)}, ${int(s.resources)} resources, ${((s.templateBytes ?? 0) / 1e6).toFixed(2)} MB of templates, at most ${int(s.mostResources?.value)} resources and ${int(s.largestTemplate?.value)} bytes in one stack; ${s1(s.wallMs)} s, ${int(s.maxRssMiB)} MiB peak${s.ok ? '' : ' (**failed**)'}`;
      })
      .join('; ');
    out.push(
      `**The generated platforms ${ok ? 'synthesize through the gates' : 'do not all synthesize'}** (cdk-nag and CloudFormation Validate, \`serviceStacks\` automatic). Per size: ${perSize}. ` +
        `Every stack's facts are in [Stacks](#stacks); the ${last.n}-service platform's phases in the child: loading ${s2(last.k.summary.loadMs)} s, construction ${s2(last.k.summary.constructMs)} s, \`app.synth()\` with the gates ${s2(last.k.summary.synthMs)} s.`,
    );
  }
  const last = gens[gens.length - 1];
  const lp = last?.k.result.profile;
  const baselineWall = baseline?.summary.wallMs;
  if (last && lp) {
    const n = last.n;
    const cfnStart = bucketMs(lp, 'CloudFormation Validate: engine start');
    const cfnValidate = bucketMs(lp, 'CloudFormation Validate: validateTemplate');
    const nag = bucketMs(lp, 'cdk-nag');
    const report = bucketMs(lp, 'validation plugins');
    const gates = cfnStart + cfnValidate + nag + report;
    const topRule = lp.nagRules[0];
    const rest = (
      [
        ['construction', bucketMs(lp, 'construction')],
        ['esbuild bundling', bucketMs(lp, 'NodejsFunction bundling')],
        ["aws-cdk-lib's prepareApp, which resolves every token of every resource to find cross-stack references", bucketMs(lp, 'prepareApp')],
        ['template rendering', bucketMs(lp, 'template rendering')],
        ['tree.json', bucketMs(lp, 'tree.json')],
        ['module loading', bucketMs(lp, 'module loading')],
        ['garbage collection', bucketMs(lp, 'garbage collector')],
        ['aspects', bucketMs(lp, 'aspects')],
        ['the rest of app.synth()', bucketMs(lp, 'app.synth()')],
      ] as [string, number][]
    )
      .filter(([, ms]) => ms >= 50)
      .sort((p, q) => q[1] - p[1]);
    out.push(
      `**Where the time goes at ${n} services** (one extra gated run under the profiler, ${s1(lp.wallMs)} s wall, ${s1(lp.totalMs)} s sampled, each sample in its innermost phase). ` +
        `The gates take ${s1(gates)} s (${pct(gates / lp.totalMs)}): CloudFormation Validate ${s1(cfnStart + cfnValidate)} s (the engine started once for all ${last.k.summary.stacks} templates, ${s1(cfnStart)} s; validating them ${s1(cfnValidate)} s, in the engine's WebAssembly), ` +
        `cdk-nag ${s1(nag)} s${topRule ? ` (its costliest rule ${topRule.name}, ${s1(topRule.ms)} s${NAG_RULE_NOTES[topRule.name] ?? ''})` : ''}, the validation report and acknowledgements ${s1(report)} s. ` +
        `Outside the gates: ${rest.map(([what, ms]) => `${what} ${s1(ms)} s`).join(', ')}. ` +
        `Token resolution (\`resolve\`) is ${s1(phaseMs(lp, 'token resolution (resolve'))} s inclusive in all: ${s1(phaseMs(lp, 'token resolution in prepareApp'))} s in prepareApp, ${s1(phaseMs(lp, 'token resolution in template rendering'))} s in rendering, ${s1(phaseMs(lp, 'token resolution in cdk-nag'))} s in cdk-nag.` +
        iamNote(lp, stackFactsOf(last.k.result)) +
        (baselineWall !== undefined
          ? ` Against the ${TARGETS.largestVsBaseline}× target (${s1(TARGETS.largestVsBaseline * baselineWall)} s at this baseline) the unprofiled median is ${s1(last.k.summary.wallMs)} s; at the profile's shares, the gates are about ${s1(last.k.summary.wallMs * (gates / lp.totalMs))} s of it and the rest about ${s1(last.k.summary.wallMs * (1 - gates / lp.totalMs))} s.`
          : ''),
    );
    const small = gens[0];
    if (small && small.n !== n && small.k.result.profile) {
      out.push(
        `**How each part grows from ${small.n} to ${n} services** (the two profiled gated runs; every sample in its innermost phase). A part growing faster than the resources costs more per service the larger the platform; one growing with them keeps its cost per resource:\n\n` +
          bucketGrowth(
            { n: small.n, resources: small.k.summary.resources ?? 0, p: small.k.result.profile },
            { n, resources: last.k.summary.resources ?? 0, p: lp },
          )
            .split('\n')
            .map((line) => `  ${line}`)
            .join('\n'),
      );
    }
  }
  const a = results.authorizer;
  if (a?.profile) {
    const p = a.profile;
    const inc = (prefix: string): number | undefined => p.topInclusive.find((r) => r.name.startsWith(prefix))?.ms;
    const crypto = inc('verify (node:internal/crypto/sig');
    const rel = (what: string, ms: number | undefined): string | undefined =>
      ms === undefined || crypto === undefined ? undefined : `${what} ${x(ms / crypto)}`;
    const parts = [
      rel("the handler's JSON log line per call (`log` → `console.log`, to /dev/null here)", inc('log (authorizer bundle')),
      rel("parsing the token (aws-jwt-verify's `decomposeUnverifiedJwt`: format regex, base64url and JSON of header and payload)", inc('decomposeUnverifiedJwt')),
      rel('`safeJsonParse` alone', inc('safeJsonParse')),
      rel('building the policy (`buildPolicy`)', inc('buildPolicy')),
    ].filter((e): e is string => e !== undefined);
    const h50 = percentile(a.warm.handlerMs, 50);
    const r50 = percentile(a.warm.rawMs, 50);
    out.push(
      `**The warm authorizer** (handler p50 ${ms3(h50)} ms = ${x(h50 / r50)} raw crypto, so ${((h50 - r50) * 1000).toFixed(0)} µs per call beyond the RSA check): profiled over ${int(p.invocations)} warm invocations of an unminified build of the same code (every 100 µs). Against the time in node:crypto's \`verify\` itself (${int(crypto)} ms of samples), inclusive: ` +
        parts.join('; ') +
        '. An allowed call logs nothing (the stage\'s access log records it; a JSON line per call cost about half as much as the signature check), so what remains is aws-jwt-verify\'s parsing and claim checks, spread over many small functions rather than one hot spot.',
    );
  }
  return out;
}

function machineSection(results: BenchResults): string {
  const m = results.machine;
  const runs = results.synth.flatMap((r) => r.runs);
  const loads = runs.map((run) => run.loadBefore);
  // What other processes took during the synth runs: the machine's busy CPU time minus the child's own.
  const measured = runs.filter((run) => run.machineBusyMs !== undefined && Number.isFinite(run.cpuMs));
  const otherMs = measured.reduce((n, run) => n + Math.max(0, run.machineBusyMs! - run.cpuMs), 0);
  const wallMs = measured.reduce((n, run) => n + run.wallMs, 0);
  const otherCores = wallMs > 0 ? otherMs / wallMs : Number.NaN;
  const busy = Number.isFinite(otherCores) ? otherCores > 0.25 : (m.loadAtStart[0] ?? 0) > m.cores * 0.75;
  return [
    table(
      ['', ''],
      [
        ['date', m.date],
        ['CPU', `${m.cpuModel} (from /proc/cpuinfo)`],
        ['cores', String(m.cores)],
        ['memory', `${m.memoryGiB.toFixed(1)} GiB`],
        ['Node.js', m.node],
        ['OS', `${m.os} (${m.kernel})`],
        ['load average (1, 5, 15 min) at start / end', `${m.loadAtStart.map((l) => l.toFixed(2)).join(', ')} / ${results.loadAtEnd.map((l) => l.toFixed(2)).join(', ')}`],
        [
          'other work during the synth runs',
          Number.isFinite(otherCores)
            ? `${otherCores.toFixed(2)} cores on average (the machine's busy CPU time from /proc/stat minus the synth child's own, over the runs' wall time; includes the child's esbuild processes)`
            : '–',
        ],
        ['1-min load before each synth run (counts the bench\'s previous run too)', loads.length ? `median ${median(loads).toFixed(2)}, max ${max(loads).toFixed(2)}` : '–'],
        ['whole bench', `${(results.totalMs / 60_000).toFixed(1)} min`],
        ['options', results.options.quick ? '`--quick`' : `${results.options.runs} runs per synth${results.options.test ? '' : ', npm test skipped'}${results.options.authorizer ? '' : ', authorizer skipped'}${results.options.synth ? '' : ', synth skipped'}`],
      ],
    ),
    busy
      ? `\n**The machine was not idle**: other processes used ${Number.isFinite(otherCores) ? `${otherCores.toFixed(2)} of its ${m.cores} cores on average` : 'part of its cores'} while the synths ran. Wall times include waiting for a core; the synth children's CPU seconds and the authorizer's CPU-based throughput are less affected, and the authorizer's p99 includes preemption as well as garbage collection.`
      : '',
  ].join('\n');
}

function rawSection(results: BenchResults): string {
  const rows = results.synth.flatMap((r) =>
    r.runs.map((run, i) => [
      `\`${r.case.key}\``,
      `${i + 1}${run.profiled ? ' (profiled)' : ''}`,
      run.child ? (run.child.ok ? 'ok' : esc(clip(run.child.errorName ?? 'failed', 40))) : `crash: ${esc(clip(run.crash ?? '', 60))}`,
      s2(run.wallMs),
      s2(run.cpuMs),
      run.child ? int(run.child.maxRssKiB / 1024) : '–',
      run.child ? `${s2(run.child.processStartToScriptMs)} · ${s2(run.child.loadMs)} · ${s2(run.child.constructMs)} · ${s2(run.child.synthMs)}` : '–',
      run.child ? String(run.child.stacks) : '–',
      run.child ? int(run.child.stackFacts.reduce((n, s) => n + s.resources, 0)) : '–',
      run.child ? int(run.child.stackFacts.reduce((n, s) => n + s.templateBytes, 0)) : '–',
      run.child?.validationErrors !== undefined ? `${run.child.validationErrors} / ${run.child.validationWarnings}` : '–',
      run.loadBefore.toFixed(2),
      run.machineBusyMs !== undefined && Number.isFinite(run.cpuMs) ? s1(Math.max(0, run.machineBusyMs - run.cpuMs)) : '–',
    ]),
  );
  const parts = [
    '### Every synth run',
    '',
    results.synth.map((r) => `- \`${r.case.key}\`: ${r.case.label}`).join('\n'),
    '',
    table(
      ['synth', 'run', 'result', 'wall s', 'CPU s', 'peak RSS MiB', 'node start · load · construct · synth s', 'stacks', 'resources', 'template bytes', 'validation errors / warnings', 'load before', 'other CPU s during the run'],
      rows,
      ['l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  ];
  const a = results.authorizer;
  if (a) {
    const cold = (c: ColdStart): string =>
      `{"nodeBoot": ${ms1(c.nodeBootMs)}, "load": ${ms1(c.loadMs)}, ${c.warmFetchMs !== undefined ? `"warmFetch": ${ms1(c.warmFetchMs)}, ` : ''}"first": ${ms1(c.firstMs)}, "process": ${ms1(c.processWallMs)}}`;
    const ps = [50, 75, 90, 95, 99, 99.9];
    parts.push(
      '',
      '### Authorizer',
      '',
      '```',
      `cold, JWKS cached (ms):  ${a.coldCached.map(cold).join('\n                         ')}`,
      `cold, with fetch (ms):   ${a.coldFetch.map(cold).join('\n                         ')}`,
      `warm handler percentiles (ms): ${ps.map((p) => `p${p}=${ms3(percentile(a.warm.handlerMs, p))}`).join(' ')} max=${ms3(max(a.warm.handlerMs))}`,
      `raw crypto.verify percentiles (ms): ${ps.map((p) => `p${p}=${ms3(percentile(a.warm.rawMs, p))}`).join(' ')} max=${ms3(max(a.warm.rawMs))}`,
      `warm invocations measured: ${a.warm.handlerMs.length} (after ${a.warm.warmup} warm-up), all allowed: ${a.warm.allowed === a.warm.invocations + a.warm.warmup}`,
      `loops of ${a.warm.loopCount}: handler ${ms1(a.warm.handlerLoopMs)} ms wall / ${ms1(a.warm.handlerLoopCpuMs)} ms CPU; raw ${ms1(a.warm.rawLoopMs)} ms wall / ${ms1(a.warm.rawLoopCpuMs)} ms CPU`,
      `token signing in the parent (not measured): ${ms1(a.signingMs)} ms`,
      '```',
    );
  }
  const t = results.npmTest;
  if (t) {
    parts.push('', '### npm test', '', '```', `wall ${s2(t.wallMs)} s, exit ${t.exitCode}, load before ${t.loadBefore.toFixed(2)}`, ...t.summary, '```');
  }
  return parts.join('\n');
}

export function renderReport(results: BenchResults): string {
  const keyed = byKey(results);
  const out: string[] = [];
  out.push(
    '# Benchmark results',
    '',
    'Written by `npm run bench` (`tsx bench/run.ts`); do not edit by hand, run it again. It measures, in one run on one machine:',
    '',
    '1. **Synth**: each synth in its own `node --import tsx bench/synth-child.ts` process. *Wall* is spawn to exit, measured by the parent; ' +
      '*CPU* is the child\'s user + system time (not its esbuild children); *peak RSS* is `process.resourceUsage().maxRSS` inside the child; ' +
      '*load · construct · synth* are the child\'s own phases (loading aws-cdk-lib and the project, `new Platform(app, { config })`, `app.synth()` with the gates). ' +
      '*Stacks*, and each stack\'s *resources*, *template bytes* (the file as written) and *outputs*, come from the cloud assembly\'s manifest.json and templates. Each synth runs ' +
      `${results.options.runs === 1 ? 'once' : `${results.options.runs} times`} and the tables show medians. ` +
      'The **baseline** is an empty aws-cdk-lib stack (`new App(); new Stack(app, \'Empty\'); app.synth()`) in the default environment, ' +
      'which includes aws-cdk-lib\'s automatic CloudFormation Validate; `baseline/no-validate` is the same with CDK_VALIDATION=false, to show what that costs. ' +
      'The **reference app** (bin/environments/prod) and the **generated platforms** are synthesized as bin/app.ts does: `new Platform(app, { config })` in an App from `createPlatformApp` ' +
      '(cdk-nag and CloudFormation Validate gate the synth), cdk.json\'s context, and the rate-plan costs written after synth. ' +
      'The generated platforms (bench/generate-platform.ts) have N services `svc-001…`, two versions 90/10 each, each service calling the next, one JWT route `ANY /svc-NNN/{proxy+}` per service and two rate plans; ' +
      `\`serviceStacks\` is left automatic, so the platform is one stack while it fits in ${TARGETS.stackResources} resources and otherwise a core stack, service stacks and an API stack. ` +
      `${listOf(results.synth.filter((r) => r.case.profile).map((r) => `\`${r.case.key}\``))} get one more run under \`node --cpu-prof\`, which splits the time between the gates and the rest (no ungated synth is run: the profile shows what the gates cost).`,
    '2. **The JWT authorizer**: the bundle as the tests build it (esbuild, minified); fresh `node` processes loading it with the JWKS served over HTTPS on 127.0.0.1 ' +
      '(self-signed certificate from openssl, trusted through NODE_EXTRA_CA_CERTS). *Cold start* = `require()` of the bundle + the first verified token with the JWKS already cached ' +
      '(the fetch is warmed by one token with an unknown kid, which fetches the JWKS and is rejected before any signature check); it is also shown with the fetch. ' +
      '*Warm*: thousands of distinct RS256 tokens through `handler`, each followed by raw `crypto.verify` of the same token (the floor), in one process on one thread.',
    '3. **`npm test`**, once, as a child process.',
    '',
    'Targets are reported, never asserted. Run: `npm run bench` (8 to 10 minutes on 2 cores; `npm run bench -- --quick` for a rough pass).',
    '',
    '## Machine',
    '',
    machineSection(results),
  );

  const t = targets(results, keyed);
  out.push(
    '',
    '## Targets',
    '',
    table(
      ['target', 'measured', 'met?', 'margin'],
      t.map((row) => [row.name, row.measured, row.met === undefined ? '–' : row.met ? 'met' : '**missed**', row.by]),
    ),
  );

  if (results.synth.length > 0) {
    out.push(
      '',
      '## Synth',
      '',
      'The per-stack columns are maxima over the stacks, each with the stack that has it.',
      '',
      synthTable(results, keyed),
      '',
      '### Failures',
      '',
      failureTable(results, keyed),
      '',
      '### Growth with the number of services',
      '',
      growth(results, keyed),
      '',
      '## Stacks',
      '',
      stacksSection(results, keyed),
    );
  }
  if (results.authorizer) {
    out.push('', '## The JWT authorizer', '', authorizerSection(results.authorizer));
  }
  if (results.npmTest) {
    const n = results.npmTest;
    out.push('', '## npm test', '', `${s1(n.wallMs)} s wall, ${n.passed ? 'passed' : `**failed** (exit ${n.exitCode})`}. ${n.summary.join('; ')}`);
  }

  const f = findings(results, keyed);
  const profiles: string[] = [];
  for (const r of results.synth) {
    if (!r.profile) continue;
    profiles.push(
      profileBlock(
        `\`${r.case.key}\` under \`node --cpu-prof\``,
        r.profile,
        `${r.case.label}. One extra run under the profiler: ${s1(r.profile.wallMs)} s wall (unprofiled median ${s1(keyed.get(r.case.key)!.summary.wallMs)} s).`,
      ),
    );
  }
  if (results.authorizer?.profile) {
    const p = results.authorizer.profile;
    profiles.push(
      [
        `#### The warm authorizer under \`node --cpu-prof\``,
        '',
        `${int(p.invocations)} invocations of an unminified build of the bundle (same code, names kept), sampled every 100 µs; ${s1(p.totalMs)} s sampled in all (process start-up included).`,
        '',
        'Inclusive time by function:',
        '',
        rowsOf(p.topInclusive, 20),
        '',
        'Self time by function:',
        '',
        rowsOf(p.topFunctions, 12),
      ].join('\n'),
    );
  }
  if (f.length > 0 || profiles.length > 0) {
    out.push(
      '',
      '## Profiler findings',
      '',
      'Profiles are summarised by bench/cpuprofile.ts from the `.cpuprofile` of the child\'s main thread: self time per function and module, and the inclusive time of named phases. ' +
        'Time in a synchronous child process (esbuild through `spawnSync`) is sampled as time in `spawnSync`.',
      '',
      f.map((line) => `- ${line}`).join('\n'),
      '',
      profiles.join('\n\n'),
    );
  }
  out.push('', '## Raw numbers', '', rawSection(results), '');
  return out.join('\n');
}
