import { relative } from 'node:path';
import { findPackageRoot } from '../src/contract/package-layout.js';
import { bundleAllLambdas, topContributors } from './lambda-build.js';

// `npm run bundle` (and `cdk synth` in this repository, first): the Lambda bundles the package
// ships and the construct deploys. The sizes go to stderr, as a build tool's log, not its output.
// `npm run bundle -- --analyze` adds the packages that weigh most in each bundle.
const analyze = process.argv.slice(2).includes('--analyze');
const root = findPackageRoot(import.meta.url);
for (const { outfile, bytes, metafile } of await bundleAllLambdas(root)) {
  process.stderr.write(`${relative(root, outfile)}  ${(bytes / 1024).toFixed(0)} KiB\n`);
  if (!analyze) continue;
  for (const { source, bytes: part } of topContributors(metafile, 12)) {
    process.stderr.write(`  ${(part / 1024).toFixed(1).padStart(7)} KiB  ${source}\n`);
  }
}
