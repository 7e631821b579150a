import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLES, findPackageRoot, lambdaBundleDir, packageVersion } from '../../../src/contract/package-layout.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

describe('package layout', () => {
  it('finds our package.json above a module, in the sources as in dist/', () => {
    expect(findPackageRoot(import.meta.url)).toBe(REPO_ROOT);
    expect(findPackageRoot(pathToFileURL(join(REPO_ROOT, 'dist/src/cli/main.js')).href)).toBe(REPO_ROOT);
  });

  it('reads the version of package.json', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(packageVersion(import.meta.url)).toBe(version);
  });

  it('names the package when there is none above the module', () => {
    expect(() => findPackageRoot(pathToFileURL(join(tmpdir(), 'elsewhere', 'x.js')).href)).toThrowError(/no package\.json of ecs-traffic-mirror above/);
  });

  it('puts each bundle in a directory of its own under dist/lambda', () => {
    expect(Object.values(LAMBDA_BUNDLES).map((bundle) => lambdaBundleDir('/pkg', bundle))).toEqual([
      '/pkg/dist/lambda/on-task-event',
      '/pkg/dist/lambda/on-schedule',
    ]);
  });
});
