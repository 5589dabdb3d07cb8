/**
 * The breaker as it is shipped: lambda/cost-breaker/index.ts bundled by esbuild (minified, CommonJS,
 * Node.js) with `@aws-sdk/*` left to the Lambda runtime.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Metafile } from 'esbuild';
import { bundleLambda, PROJECT_ROOT } from '../bundle';
import { SPEND_ALARM, VALID_ENV } from './helpers/load';
import { alarmMessage, snsEvent } from './helpers/messages';

/** Our code is a few KB; anything near this means a dependency was bundled by mistake. */
const MAX_BUNDLE_BYTES = 20 * 1024;

let outDir: string;
let file: string;
let bytes: number;
let metafile: Metafile;

beforeAll(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-breaker-bundle-'));
  ({ file, bytes, metafile } = bundleLambda('cost-breaker', outDir));
});

afterAll(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
});

test('builds with esbuild, minified, under the size budget', () => {
  // GIVEN the bundle  THEN it is small
  console.log(`cost-breaker bundle: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB) minified, @aws-sdk/* external`);
  expect(bytes).toBeGreaterThan(1024);
  expect(bytes).toBeLessThan(MAX_BUNDLE_BYTES);
});

test('contains only our sources and requires only Node.js built-ins and the runtime-provided API Gateway client', () => {
  // GIVEN the metafile
  const inputs = Object.keys(metafile.inputs);
  // THEN every input is under lambda/cost-breaker/
  expect(inputs.filter((i) => !i.startsWith('lambda/cost-breaker/'))).toEqual([]);
  expect(inputs).toContain('lambda/cost-breaker/index.ts');
  // AND what it requires at run time is the SDK client (left to the runtime) and built-ins
  const imports = Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  expect(imports.filter((i) => !isBuiltin(i))).toEqual(['@aws-sdk/client-api-gateway']);
});

test('loads in a plain node process and handles an event', () => {
  // GIVEN the bundle in a fresh process, with the SDK resolvable as the Lambda runtime provides it
  const script = `require(${JSON.stringify(file)}).handler(JSON.parse(process.argv[1])).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n'), (e) => { process.stdout.write('ERROR ' + e.message + '\\n'); });`;
  const run = (env: Record<string, string | undefined>) => {
    const child = spawnSync(process.execPath, ['-e', script, JSON.stringify(snsEvent(alarmMessage(SPEND_ALARM, 'OK'), { message: 'garbage' }))], {
      env: { PATH: process.env.PATH, NODE_PATH: path.join(PROJECT_ROOT, 'node_modules'), AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
      encoding: 'utf8',
    });
    const lines = (text: string) => text.split('\n').filter((l) => l !== '');
    return { stdout: lines(child.stdout), stderr: lines(child.stderr) };
  };
  /** The reason of a log line, 'emf' for a metric document. */
  const kind = (line: string) => {
    const parsed = JSON.parse(line) as { reason?: string; _aws?: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } };
    return parsed.reason ?? `emf:${parsed._aws?.CloudWatchMetrics[0].Metrics[0].Name}`;
  };

  // WHEN it is invoked with an OK alarm and garbage (no API call needed)
  const { stdout, stderr } = run(VALID_ENV);
  // THEN it answers, having logged the decisions (INFO on stdout, WARN on stderr) and the ignored-messages metric
  expect(stdout.at(-1)).toBe('RESULT {"triggers":0,"unrecognized":1,"outcome":"no_trigger"}');
  expect(stdout.slice(0, -1).map(kind)).toEqual(['alarm_not_in_alarm_state', 'emf:BreakerIgnoredMessages']);
  expect(stderr.map(kind)).toEqual(['unrecognized_message']);

  // AND with a broken configuration, the invocation fails naming the variable
  expect(run({ ...VALID_ENV, STAGE_NAME: undefined }).stdout.at(-1)).toBe('ERROR cost-breaker: invalid configuration: STAGE_NAME is required');
});
