import { bundleLambda, type LambdaBundle } from '../../bundle';

/** Bundles lambda/authorizer/index.ts as it is shipped into `outDir/index.js`. */
export function bundleAuthorizer(outDir: string): LambdaBundle {
  return bundleLambda('authorizer', outDir);
}
