import { relative } from 'node:path';
import { findPackageRoot } from '../src/contract/package-layout.js';
import { bundleAllLambdas } from './lambda-build.js';

// `npm run bundle` (and `cdk synth` in this repository, first): the Lambda bundles the package
// ships and the construct deploys. The sizes go to stderr, as a build tool's log, not its output.
const root = findPackageRoot(import.meta.url);
for (const { outfile, bytes } of await bundleAllLambdas(root)) {
  process.stderr.write(`${relative(root, outfile)}  ${(bytes / 1024).toFixed(0)} KiB\n`);
}
