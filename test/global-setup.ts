import { bundleAllLambdas } from '../scripts/lambda-build.js';
import { findPackageRoot } from '../src/contract/package-layout.js';

/**
 * The construct deploys the prebuilt Lambda bundles (dist/lambda), which a fresh clone does not
 * have: build them once before the suites, from the sources under test, so that the CDK tests
 * never synthesize a bundle older than the code (esbuild takes about two seconds).
 */
export default async function buildLambdaBundles(): Promise<void> {
  await bundleAllLambdas(findPackageRoot(import.meta.url));
}
