/**
 * The JWT authorizer's numbers: bundle size, cold start, warm verification latency and throughput,
 * beside raw node:crypto RS256 verification of the same tokens.
 *
 * As in test/lambda/authorizer: the bundle is lambda/authorizer/index.ts through esbuild (minified,
 * CommonJS, Node.js), it runs in fresh `node` processes with the JWT_* variables and
 * NODE_EXTRA_CA_CERTS set at start, and the JWKS is served over HTTPS on 127.0.0.1 with a
 * self-signed certificate from openssl. The test helpers are reused (not changed).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as zlib from 'node:zlib';
import { bundleAuthorizer } from '../test/lambda/authorizer/helpers/bundle';
import { createSelfSignedCert, JwksServer } from '../test/lambda/authorizer/helpers/servers';
import { generateSigningKey, signJwt, type SigningKey } from '../test/lambda/authorizer/helpers/tokens';
import { buildSync } from 'esbuild';
import { mainThreadProfile, summarizeCpuProfile, type ProfileSummary } from './cpuprofile';
import { median, percentile } from './stats';

const PROJECT_ROOT = path.resolve(__dirname, '..');

const AUDIENCE = 'shop-api';
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123defg/prod/GET/orders';
/** The reference app's JWT routes (bin/environments/prod). */
const ROUTE_SCOPES = {
  'POST /orders': ['orders:write'],
  'GET /orders/{orderId}': ['orders:read'],
  'ANY /inventory/{proxy+}': [],
};

/**
 * The child: `node harness.js <mode> <input.json> <output.json>`, next to the bundle (index.js).
 * Plain JavaScript, so nothing but Node.js and the bundle is loaded.
 *
 * - `cold-cached`: load the bundle; invoke once with a token whose kid the JWKS lacks (this fetches
 *   the JWKS and is rejected without any signature check); then time the first valid token.
 * - `cold-fetch`: load the bundle; time the first valid token, JWKS fetch included.
 * - `warm`: cold-cached, then per token: the handler, then raw crypto.verify of the same token
 *   (interleaved, so both see the same machine); then each alone in a tight loop for throughput.
 */
const HARNESS = String.raw`'use strict';
const { performance } = require('node:perf_hooks');
const scriptStartMs = performance.now();
const fs = require('node:fs');
const crypto = require('node:crypto');
const [mode, inputFile, outputFile] = process.argv.slice(2);
const input = JSON.parse(fs.readFileSync(inputFile, 'utf8'));
const event = (token) => ({ type: 'TOKEN', authorizationToken: 'Bearer ' + token, methodArn: input.methodArn });

async function main() {
  const out = { mode, scriptStartMs };
  const t0 = performance.now();
  const { handler } = require('./index.js');
  const t1 = performance.now();
  out.loadMs = t1 - t0;
  if (mode === 'cold-fetch') {
    const result = await handler(event(input.tokens[0]));
    out.firstMs = performance.now() - t1;
    out.ok = result.principalId !== undefined;
  } else {
    try {
      await handler(event(input.unknownKidToken));
      out.warmFetchRejected = false;
    } catch (err) {
      out.warmFetchRejected = err && err.message === 'Unauthorized';
    }
    const t2 = performance.now();
    out.warmFetchMs = t2 - t1;
    const result = await handler(event(input.tokens[0]));
    out.firstMs = performance.now() - t2;
    out.ok = result.principalId !== undefined;
  }
  if (mode === 'profile') {
    for (const token of input.tokens.slice(1)) await handler(event(token));
  }
  if (mode === 'warm') {
    const key = crypto.createPublicKey({ key: input.jwk, format: 'jwk' });
    const raw = (token) => {
      const dot = token.lastIndexOf('.');
      const ok = crypto.verify('RSA-SHA256', Buffer.from(token.slice(0, dot)), key, Buffer.from(token.slice(dot + 1), 'base64url'));
      if (!ok) throw new Error('raw verification failed');
    };
    const tokens = input.tokens.slice(1);
    const handlerMs = [];
    const rawMs = [];
    let allowed = 0;
    for (let i = 0; i < tokens.length; i++) {
      const ev = event(tokens[i]);
      const a = performance.now();
      const result = await handler(ev);
      const b = performance.now();
      raw(tokens[i]);
      const c = performance.now();
      if (result.policyDocument.Statement[0].Effect === 'Allow') allowed++;
      if (i >= input.warmup) {
        handlerMs.push(b - a);
        rawMs.push(c - b);
      }
    }
    out.allowed = allowed;
    out.handlerMs = handlerMs;
    out.rawMs = rawMs;
    const measured = tokens.slice(input.warmup);
    let s = performance.now();
    let cpu = process.cpuUsage();
    for (const token of measured) await handler(event(token));
    out.handlerLoopMs = performance.now() - s;
    cpu = process.cpuUsage(cpu);
    out.handlerLoopCpuMs = (cpu.user + cpu.system) / 1000;
    s = performance.now();
    cpu = process.cpuUsage();
    for (const token of measured) raw(token);
    out.rawLoopMs = performance.now() - s;
    cpu = process.cpuUsage(cpu);
    out.rawLoopCpuMs = (cpu.user + cpu.system) / 1000;
    out.loopCount = measured.length;
    out.maxRssKiB = process.resourceUsage().maxRSS;
  }
  fs.writeFileSync(outputFile, JSON.stringify(out));
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;

export interface BundleFacts {
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Bytes in the output per input package or directory, largest first. */
  readonly composition: { readonly input: string; readonly bytes: number }[];
}

export interface ColdStart {
  /** Process start until the harness's first line (Node.js's own start-up), ms. */
  readonly nodeBootMs: number;
  /** require() of the bundle, ms. */
  readonly loadMs: number;
  /** The first valid token's invocation, ms (with or without the JWKS fetch, per mode). */
  readonly firstMs: number;
  /** cold-cached only: the invocation that fetched the JWKS (unknown kid, rejected), ms. */
  readonly warmFetchMs?: number;
  /** Spawn to exit, measured by the parent, ms. */
  readonly processWallMs: number;
}

export interface AuthorizerResults {
  readonly bundle: BundleFacts;
  readonly coldCached: ColdStart[];
  readonly coldFetch: ColdStart[];
  readonly warm: {
    readonly invocations: number;
    readonly warmup: number;
    readonly allowed: number;
    readonly handlerMs: number[];
    readonly rawMs: number[];
    readonly handlerLoopMs: number;
    readonly rawLoopMs: number;
    /** CPU time (user + system) of the same loops: unaffected by waiting for a core. */
    readonly handlerLoopCpuMs: number;
    readonly rawLoopCpuMs: number;
    readonly loopCount: number;
    readonly maxRssKiB: number;
  };
  /** Time to sign the tokens in the parent (not part of any measurement), ms. */
  readonly signingMs: number;
  /** The warm handler under --cpu-prof, on an unminified build of the same bundle (names kept). */
  readonly profile?: ProfileSummary & { readonly invocations: number };
}

/** Bytes in the bundle per input, grouped: `aws-jwt-verify/<file>` or `lambda/authorizer/<file>`. */
function composition(metafile: ReturnType<typeof bundleAuthorizer>['metafile']): BundleFacts['composition'] {
  const output = Object.values(metafile.outputs)[0];
  const rows = Object.entries(output?.inputs ?? {}).map(([input, { bytesInOutput }]) => ({
    input: input.includes('node_modules/') ? input.split('node_modules/').pop()!.replace('/dist/cjs/', '/') : input,
    bytes: bytesInOutput,
  }));
  return rows.sort((a, b) => b.bytes - a.bytes);
}

async function runHarness(
  dir: string,
  mode: 'cold-cached' | 'cold-fetch' | 'warm' | 'profile',
  inputFile: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Record<string, unknown> & { processWallMs: number }> {
  const outputFile = path.join(dir, `out-${randomUUID()}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, path.join(dir, 'harness.js'), mode, inputFile, outputFile], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const processWallMs = performance.now() - started;
  if (code !== 0 || !fs.existsSync(outputFile)) {
    throw new Error(`authorizer harness (${mode}) exited ${code}: ${stderr}`);
  }
  const out = JSON.parse(fs.readFileSync(outputFile, 'utf8')) as Record<string, unknown>;
  fs.rmSync(outputFile);
  if (out.ok !== true) throw new Error(`authorizer harness (${mode}): the first valid token was not allowed: ${stderr}`);
  if (mode !== 'cold-fetch' && out.warmFetchRejected !== true) {
    throw new Error(`authorizer harness (${mode}): the unknown-kid token was not rejected: ${stderr}`);
  }
  return { ...out, processWallMs };
}

const coldOf = (out: Record<string, unknown> & { processWallMs: number }): ColdStart => ({
  nodeBootMs: out.scriptStartMs as number,
  loadMs: out.loadMs as number,
  firstMs: out.firstMs as number,
  ...(typeof out.warmFetchMs === 'number' ? { warmFetchMs: out.warmFetchMs } : {}),
  processWallMs: out.processWallMs,
});

export interface AuthorizerBenchOptions {
  readonly coldRuns: number;
  readonly warmInvocations: number;
  readonly warmup: number;
  /** Also profile the warm handler (an unminified build, under --cpu-prof). */
  readonly profile: boolean;
  readonly log: (line: string) => void;
}

/**
 * The warm handler under `node --cpu-prof`: the same entry bundled as shipped but not minified, so
 * the profile keeps function names. Returns the summary of the main thread's profile.
 */
async function profileWarmHandler(
  dir: string,
  inputFile: string,
  env: Record<string, string>,
  invocations: number,
): Promise<ProfileSummary & { invocations: number }> {
  const profDir = path.join(dir, 'unminified');
  fs.mkdirSync(profDir);
  buildSync({
    entryPoints: [path.join(PROJECT_ROOT, 'lambda', 'authorizer', 'index.ts')],
    outfile: path.join(profDir, 'index.js'),
    bundle: true,
    minify: false,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    logLevel: 'silent',
    absWorkingDir: PROJECT_ROOT,
  });
  fs.writeFileSync(path.join(profDir, 'harness.js'), HARNESS);
  const cpuDir = path.join(dir, 'cpuprof');
  await runHarness(profDir, 'profile', inputFile, env, ['--cpu-prof', '--cpu-prof-interval=100', `--cpu-prof-dir=${cpuDir}`]);
  const file = mainThreadProfile(cpuDir);
  if (!file) throw new Error('no CPU profile written for the authorizer');
  const bundleUrl = `file://${path.join(profDir, 'index.js')}`;
  const harnessUrl = `file://${path.join(profDir, 'harness.js')}`;
  return {
    ...summarizeCpuProfile(file, PROJECT_ROOT, 20, { [bundleUrl]: 'authorizer bundle', [harnessUrl]: 'bench harness' }),
    invocations,
  };
}

export async function benchAuthorizer(options: AuthorizerBenchOptions): Promise<AuthorizerResults> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-authorizer-'));
  let server: JwksServer | undefined;
  try {
    const built = bundleAuthorizer(dir);
    const bundle: BundleFacts = {
      bytes: built.bytes,
      gzipBytes: zlib.gzipSync(fs.readFileSync(built.file), { level: 9 }).length,
      composition: composition(built.metafile),
    };
    options.log(`  bundle: ${bundle.bytes} bytes minified, ${bundle.gzipBytes} gzipped`);
    fs.writeFileSync(path.join(dir, 'harness.js'), HARNESS);

    const cert = createSelfSignedCert(dir);
    server = await JwksServer.start(cert);
    const key: SigningKey = generateSigningKey('RS256', 'bench-rsa-1');
    server.on('issuer', { kind: 'jwks', jwks: { keys: [key.jwk] } });
    const issuer = `${server.origin}/issuer`;
    const env = {
      JWT_ISSUER: issuer,
      JWT_AUDIENCE: AUDIENCE,
      ROUTE_SCOPES: JSON.stringify(ROUTE_SCOPES),
      NODE_EXTRA_CA_CERTS: cert.certFile,
    };

    // Distinct tokens: each its own sub, jti and client; all valid for an hour.
    const total = 1 + options.warmup + options.warmInvocations;
    const signStart = performance.now();
    const now = Math.floor(Date.now() / 1000);
    const tokens: string[] = [];
    for (let i = 0; i < total; i++) {
      tokens.push(
        signJwt(key, { kid: key.kid }, {
          iss: issuer,
          aud: AUDIENCE,
          sub: `user-${i}`,
          jti: randomUUID(),
          iat: now,
          exp: now + 3600,
          client_id: `client-${i % 97}`,
          scope: i % 2 === 0 ? 'orders:read' : 'orders:read orders:write',
        }),
      );
    }
    const signingMs = performance.now() - signStart;
    const stranger = generateSigningKey('RS256', 'not-in-the-jwks');
    const unknownKidToken = signJwt(stranger, { kid: stranger.kid }, { iss: issuer, aud: AUDIENCE, sub: 'x', iat: now, exp: now + 3600 });

    const coldInput = path.join(dir, 'cold.json');
    fs.writeFileSync(coldInput, JSON.stringify({ methodArn: METHOD_ARN, tokens: tokens.slice(0, 1), unknownKidToken }));
    const coldCached: ColdStart[] = [];
    const coldFetch: ColdStart[] = [];
    for (let i = 0; i < options.coldRuns; i++) {
      // Alternate the two modes so both see the same machine.
      coldCached.push(coldOf(await runHarness(dir, 'cold-cached', coldInput, env)));
      coldFetch.push(coldOf(await runHarness(dir, 'cold-fetch', coldInput, env)));
    }
    options.log(
      `  cold start (load + first verification, JWKS cached): median ${median(coldCached.map((c) => c.loadMs + c.firstMs)).toFixed(1)} ms over ${options.coldRuns} processes`,
    );

    const warmInput = path.join(dir, 'warm.json');
    fs.writeFileSync(warmInput, JSON.stringify({ methodArn: METHOD_ARN, tokens, unknownKidToken, jwk: key.jwk, warmup: options.warmup }));
    const out = await runHarness(dir, 'warm', warmInput, env);
    const warm = {
      invocations: options.warmInvocations,
      warmup: options.warmup,
      allowed: out.allowed as number,
      handlerMs: out.handlerMs as number[],
      rawMs: out.rawMs as number[],
      handlerLoopMs: out.handlerLoopMs as number,
      rawLoopMs: out.rawLoopMs as number,
      handlerLoopCpuMs: out.handlerLoopCpuMs as number,
      rawLoopCpuMs: out.rawLoopCpuMs as number,
      loopCount: out.loopCount as number,
      maxRssKiB: out.maxRssKiB as number,
    };
    if (warm.allowed !== total - 1) throw new Error(`only ${warm.allowed} of ${total - 1} valid tokens were allowed`);
    options.log(
      `  warm: handler p50 ${percentile(warm.handlerMs, 50).toFixed(3)} ms, raw crypto.verify p50 ${percentile(warm.rawMs, 50).toFixed(3)} ms`,
    );
    const profile = options.profile ? await profileWarmHandler(dir, warmInput, env, total - 1) : undefined;
    return { bundle, coldCached, coldFetch, warm, signingMs, ...(profile ? { profile } : {}) };
  } finally {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
