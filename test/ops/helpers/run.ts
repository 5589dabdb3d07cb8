import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../../lib/ops/cli';
import { COMMANDS } from '../../../lib/ops/commands';

/** What a run of the CLI did. */
export interface OpsRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');

function collector(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk));
        callback();
      },
    }),
    text: () => chunks.join(''),
  };
}

/** Runs the CLI in this process (mock AWS with aws-sdk-client-mock in the test). */
export async function runOps(...args: string[]): Promise<OpsRun> {
  const stdout = collector();
  const stderr = collector();
  const code = await runCli(['node', 'platform-ops', ...args], COMMANDS, { stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** What runs the CLI in a child process: node with tsx, the scenario's mocks, then bin/ops.ts. */
interface ChildOptions {
  /** A module in test/ops/scenarios that mocks the AWS clients before the CLI loads. */
  readonly scenario?: string;
  /** Environment variables on top of a clean one (region set, instance metadata off). */
  readonly env?: Record<string, string>;
}

function childCommand(args: string[], options: ChildOptions): { argv: string[]; cwd: string; env: NodeJS.ProcessEnv } {
  const imports = ['--import', 'tsx'];
  if (options.scenario) imports.push('--import', path.join(ROOT, 'test', 'ops', 'scenarios', `${options.scenario}.ts`));
  return {
    argv: [...imports, path.join(ROOT, 'bin', 'ops.ts'), ...args],
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
    },
  };
}

/**
 * Runs `bin/ops.ts` as a child process, as an operator would, for its real exit code and output.
 * Without a scenario the SDK is real (and there are no credentials).
 */
export function runOpsProcess(args: string[], options: ChildOptions = {}): OpsRun {
  const { argv, cwd, env } = childCommand(args, options);
  const result = spawnSync(process.execPath, argv, { cwd, env, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The same, without blocking this process: for tests whose fake AWS endpoint runs in this process
 * and must answer the child.
 */
export function runOpsChild(args: string[], options: ChildOptions = {}): Promise<OpsRun> {
  const { argv, cwd, env } = childCommand(args, options);
  const child = spawn(process.execPath, argv, { cwd, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill(), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    }),
  );
}
