import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync, type Metafile } from 'esbuild';

/** The project root: where lambda/ and node_modules are. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** A Lambda function bundled as BundledFunction ships it. */
export interface LambdaBundle {
  /** The bundled `index.js`. */
  readonly file: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** What went in and out; input paths are relative to the project root. */
  readonly metafile: Metafile;
}

/**
 * Bundles `lambda/<source>/index.ts` the way BundledFunction ships it (esbuild, minified, CommonJS,
 * Node.js platform, `@aws-sdk/*` left to the Lambda runtime) into `outDir/index.js`. The target is
 * the Node.js these tests run on, so the bundle can be run here.
 */
export function bundleLambda(source: string, outDir: string): LambdaBundle {
  const file = path.join(outDir, 'index.js');
  const result = buildSync({
    entryPoints: [path.join(PROJECT_ROOT, 'lambda', source, 'index.ts')],
    outfile: file,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: PROJECT_ROOT,
  });
  return { file, bytes: fs.statSync(file).size, metafile: result.metafile! };
}
