/**
 * Runs the bundled authorizer in a child `node` process, as Lambda would: the environment (JWT_*,
 * NODE_EXTRA_CA_CERTS) is set when the process starts, the module is loaded once (the cold start),
 * and `handler` is then invoked over IPC as often as a test likes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { APIGatewayAuthorizerResult } from 'aws-lambda';

/**
 * The child's entry: captures console output per invocation (AsyncLocalStorage), loads the bundle,
 * reports readiness, then runs `handler` for each message and sends back the result or the error.
 */
const HARNESS = String.raw`'use strict';
const { AsyncLocalStorage } = require('node:async_hooks');
const { format } = require('node:util');
const { performance } = require('node:perf_hooks');
const logsOf = new AsyncLocalStorage();
const initLogs = [];
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...args) => { (logsOf.getStore() || initLogs).push({ level, line: format(...args) }); };
}
let mod;
let initError;
try {
  mod = require('./index.js');
} catch (err) {
  initError = String(err && err.message);
}
process.on('message', (msg) => {
  const logs = [];
  logsOf.run(logs, async () => {
    const started = performance.now();
    try {
      const result = await mod.handler(msg.event);
      process.send({ id: msg.id, ok: true, result, logs, ms: performance.now() - started });
    } catch (err) {
      const error = {
        isError: err instanceof Error,
        exactlyError: err != null && Object.getPrototypeOf(err) === Error.prototype,
        name: err && err.name,
        message: err && err.message,
        ownProperties: err != null && typeof err === 'object' ? Object.keys(err) : [],
      };
      process.send({ id: msg.id, ok: false, error, logs, ms: performance.now() - started });
    }
  });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true, initLogs, initError, handlerType: mod ? typeof mod.handler : undefined });
`;

export interface LogLine {
  readonly level: string;
  readonly line: string;
}

/** What one invocation did: returned a result, or threw. */
export type Invocation =
  | { readonly ok: true; readonly result: APIGatewayAuthorizerResult; readonly logs: LogLine[]; readonly ms: number }
  | {
      readonly ok: false;
      readonly error: {
        readonly isError: boolean;
        /** The prototype is Error.prototype itself, not a subclass. */
        readonly exactlyError: boolean;
        readonly name: string;
        readonly message: string;
        readonly ownProperties: string[];
      };
      readonly logs: LogLine[];
      readonly ms: number;
    };

interface Ready {
  readonly ready: true;
  readonly initLogs: LogLine[];
  readonly initError?: string;
  readonly handlerType?: string;
}

/** Writes the harness next to the bundle (`dir/index.js`); returns its path. */
export function writeHarness(dir: string): string {
  const file = path.join(dir, 'harness.js');
  fs.writeFileSync(file, HARNESS);
  return file;
}

/** One cold-started authorizer in its own process. */
export class AuthorizerProcess {
  private nextId = 0;
  private readonly pending = new Map<number, (invocation: Invocation) => void>();
  private constructor(
    private readonly child: ChildProcess,
    /** What happened while the module loaded. */
    public readonly ready: Ready,
    private readonly output: { stderr: string },
  ) {
    child.on('message', (msg: Invocation & { id: number }) => {
      this.pending.get(msg.id)?.(msg);
      this.pending.delete(msg.id);
    });
  }

  /**
   * Starts `node harness.js` with exactly `env` (plus PATH): nothing else of the test's environment
   * leaks in.
   */
  public static async start(harness: string, env: Record<string, string | undefined>): Promise<AuthorizerProcess> {
    const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const [name, value] of Object.entries(env)) {
      if (value !== undefined) childEnv[name] = value;
    }
    const child = fork(harness, [], { env: childEnv, execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const output = { stderr: '' };
    child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
    child.stdout?.resume();
    const ready = await new Promise<Ready>((resolve, reject) => {
      const onExit = (code: number | null): void => {
        reject(new Error(`authorizer process exited (${code}) before it was ready: ${output.stderr}`));
      };
      child.once('exit', onExit);
      child.once('message', (msg) => {
        child.off('exit', onExit);
        resolve(msg as Ready);
      });
    });
    return new AuthorizerProcess(child, ready, output);
  }

  /** Invokes `handler(event)` in the child. */
  public invoke(event: unknown, timeoutMs = 10_000): Promise<Invocation> {
    const id = this.nextId++;
    return new Promise<Invocation>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`handler did not answer within ${timeoutMs} ms; stderr: ${this.output.stderr}`));
      }, timeoutMs);
      this.pending.set(id, (invocation) => {
        clearTimeout(timer);
        resolve(invocation);
      });
      this.child.send({ id, event });
    });
  }

  /** Kills the process and waits for it to be gone. */
  public async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }
}
