import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { bundleLambda, type LambdaBundle, PROJECT_ROOT } from '../../bundle';

export type IssuerBundle = LambdaBundle;

/** Bundles lambda/cert-issuer/index.ts as it is shipped into `outDir/index.js`. */
export function bundleIssuer(outDir: string): IssuerBundle {
  return bundleLambda('cert-issuer', outDir);
}

/** Loads the bundle in a fresh `node`, runs `handler` on each event in turn, and writes the answers (or the error) as JSON. */
const HARNESS = String.raw`'use strict';
const fs = require('node:fs');
const { handler } = require(process.env.BUNDLE);
(async () => {
  const results = [];
  for (const event of JSON.parse(fs.readFileSync(process.env.EVENTS_FILE, 'utf8'))) {
    try {
      results.push({ ok: true, response: await handler(event) });
    } catch (err) {
      results.push({ ok: false, name: err && err.name, message: err && err.message });
    }
  }
  fs.writeFileSync(process.env.RESULTS_FILE, JSON.stringify(results));
})();
`;

export interface BundleRun {
  readonly results: ({ ok: true; response: unknown } | { ok: false; name: string; message: string })[];
  /** What the bundle logged (stdout and stderr). */
  readonly output: string;
}

/**
 * Runs the bundle's handler in a child `node` on `events`, with the real AWS SDK (from this
 * project's node_modules, as the Lambda runtime provides it) talking to `endpoint`.
 */
export async function runBundle(bundle: IssuerBundle, events: unknown[], endpoint: string): Promise<BundleRun> {
  const dir = path.dirname(bundle.file);
  const harness = path.join(dir, 'harness.js');
  fs.writeFileSync(harness, HARNESS);
  const eventsFile = path.join(dir, 'events.json');
  const resultsFile = path.join(dir, 'results.json');
  fs.writeFileSync(eventsFile, JSON.stringify(events));
  fs.rmSync(resultsFile, { force: true });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    BUNDLE: bundle.file,
    EVENTS_FILE: eventsFile,
    RESULTS_FILE: resultsFile,
    // The bundle leaves @aws-sdk/* to the runtime: here, this project's copy.
    NODE_PATH: path.join(PROJECT_ROOT, 'node_modules'),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-key',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
  };
  // --no-warnings: the SDK warns that Node.js 20 (this machine's, not Lambda's 24) is nearly unsupported.
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--no-warnings', harness], { env, timeout: 10_000 });
  return { results: JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as BundleRun['results'], output: `${stdout}${stderr}` };
}
