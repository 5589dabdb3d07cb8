import { spawnSync } from 'node:child_process';
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

/**
 * Runs `bin/ops.ts` as a child process, as an operator would, for its real exit code and output.
 * `scenario` names a module in test/ops/scenarios that mocks the AWS clients (aws-sdk-client-mock)
 * before the CLI loads; without one, the SDK is real (and there are no credentials).
 */
export function runOpsProcess(args: string[], options: { scenario?: string; env?: Record<string, string> } = {}): OpsRun {
  const imports = ['--import', 'tsx'];
  if (options.scenario) imports.push('--import', path.join(ROOT, 'test', 'ops', 'scenarios', `${options.scenario}.ts`));
  const result = spawnSync(process.execPath, [...imports, path.join(ROOT, 'bin', 'ops.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...options.env,
    },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
