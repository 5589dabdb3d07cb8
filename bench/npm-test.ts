/** `npm test`, once, as a child process: its wall time, exit code and jest's summary lines. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface NpmTestResult {
  readonly wallMs: number;
  readonly exitCode: number | null;
  readonly passed: boolean;
  /** jest's "Test Suites:", "Tests:" and "Time:" lines, when it printed them. */
  readonly summary: string[];
  /** The 1-minute load average before the run. */
  readonly loadBefore: number;
  /** Where the full output was written (removed unless the run failed). */
  readonly logFile?: string;
}

export async function runNpmTest(projectRoot: string): Promise<NpmTestResult> {
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-npm-test-')), 'npm-test.log');
  const out = fs.openSync(logFile, 'w');
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', FORCE_COLOR: '0' };
  delete env.CDK_VALIDATION;
  delete env.NODE_OPTIONS;
  const loadBefore = os.loadavg()[0]!;
  const started = performance.now();
  const child = spawn('npm', ['test'], { cwd: projectRoot, env, stdio: ['ignore', out, out] });
  const exitCode = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const wallMs = performance.now() - started;
  fs.closeSync(out);
  const text = fs.readFileSync(logFile, 'utf8');
  const summary = text
    .split('\n')
    .filter((line) => /^(Test Suites|Tests|Snapshots|Time):/.test(line.trim()))
    .map((line) => line.trim());
  const passed = exitCode === 0;
  if (passed) fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
  return { wallMs, exitCode, passed, summary, loadBefore, ...(passed ? {} : { logFile }) };
}
