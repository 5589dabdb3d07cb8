import * as fs from 'node:fs';
import * as os from 'node:os';
import { isBuiltin } from 'node:module';
import * as path from 'node:path';
import { bundleAuthorizer } from './helpers/bundle';

/** The minified bundle must stay below this; aws-jwt-verify's parts plus ours are about 21 KB. */
const MAX_BUNDLE_BYTES = 60 * 1024;

describe('authorizer bundle', () => {
  let outDir: string;

  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'authorizer-bundle-'));
  });

  afterAll(() => {
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  test('builds with esbuild, minified, under the size budget', () => {
    // GIVEN the authorizer's entry point
    // WHEN it is bundled as it is shipped
    const bundle = bundleAuthorizer(outDir);

    // THEN it is small
    console.log(`authorizer bundle: ${bundle.bytes} bytes (${(bundle.bytes / 1024).toFixed(1)} KiB) minified`);
    expect(bundle.bytes).toBeGreaterThan(1024);
    expect(bundle.bytes).toBeLessThan(MAX_BUNDLE_BYTES);
  });

  test('pulls in only the parts of aws-jwt-verify it uses, no AWS SDK, and needs nothing at run time but Node.js', () => {
    // GIVEN the bundle's metafile
    const { metafile } = bundleAuthorizer(outDir);
    const inputs = Object.keys(metafile.inputs);

    // THEN its inputs are our sources and aws-jwt-verify's generic verifier, nothing else
    const packages = new Set(inputs.filter((i) => i.includes('node_modules/')).map((i) => i.split('node_modules/')[1].split('/')[0]));
    expect([...packages]).toEqual(['aws-jwt-verify']);
    expect(inputs.filter((i) => /cognito-verifier|alb-verifier|alb-cache/.test(i))).toEqual([]);
    const ours = inputs.filter((i) => !i.includes('node_modules/'));
    expect(ours).toContain('lambda/authorizer/index.ts');
    expect(ours.filter((i) => !i.startsWith('lambda/authorizer/'))).toEqual([]);
    // AND the only modules it requires at run time are Node.js built-ins
    const imports = Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => !isBuiltin(i))).toEqual([]);
  });
});
