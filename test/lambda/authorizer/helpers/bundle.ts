import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync, type Metafile } from 'esbuild';

/** The authorizer's entry point, as BundledFunction ships it. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const AUTHORIZER_ENTRY = path.join(PROJECT_ROOT, 'lambda', 'authorizer', 'index.ts');

export interface AuthorizerBundle {
  /** The bundled `index.js`. */
  readonly file: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** What went in and out; input paths are relative to the project root. */
  readonly metafile: Metafile;
}

/**
 * Bundles lambda/authorizer/index.ts the way it is shipped (esbuild, minified, CommonJS, Node.js
 * platform) into `outDir/index.js`.
 */
export function bundleAuthorizer(outDir: string): AuthorizerBundle {
  const file = path.join(outDir, 'index.js');
  const result = buildSync({
    entryPoints: [AUTHORIZER_ENTRY],
    outfile: file,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    metafile: true,
    logLevel: 'silent',
    // Paths in the metafile are relative to the project root.
    absWorkingDir: PROJECT_ROOT,
  });
  return { file, bytes: fs.statSync(file).size, metafile: result.metafile! };
}
