import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where things sit inside the package, for the code that runs from the sources (`src/`, `infra/`,
 * in a clone) and the same code compiled (`dist/src/`, `dist/infra/`, in an installed package):
 * both find the package root by walking up to our package.json, and go on from there.
 */
export const PACKAGE_NAME = 'ecs-traffic-mirror';

/**
 * The Lambda bundles: built by `npm run bundle` (scripts/bundle-lambdas.ts), shipped in the package,
 * deployed by the construct as they are. `entry` is relative to the package root.
 */
export const LAMBDA_BUNDLES = {
  onTaskEvent: { name: 'on-task-event', entry: 'src/lambda/on-task-event.ts' },
  onSchedule: { name: 'on-schedule', entry: 'src/lambda/on-schedule.ts' },
} as const;

export type LambdaBundle = (typeof LAMBDA_BUNDLES)[keyof typeof LAMBDA_BUNDLES];

/** Relative to the package root; each bundle is a directory holding its handler file and its notices. */
export const LAMBDA_BUNDLE_ROOT = 'dist/lambda';
/** `.mjs` so that Lambda loads it as ESM without a package.json beside it; handler `index.handler`. */
export const LAMBDA_BUNDLE_FILE = 'index.mjs';
/** The licences of the third-party code inside the bundle, deployed with it. */
export const LAMBDA_NOTICES_FILE = 'THIRD-PARTY-LICENSES.txt';
/** Everything a bundle directory (the deployed asset) holds. */
export const LAMBDA_BUNDLE_FILES = [LAMBDA_BUNDLE_FILE, LAMBDA_NOTICES_FILE] as const;
export const LAMBDA_HANDLER = 'index.handler';

/** The directory of one bundle (what the construct hands to `lambda.Code.fromAsset`). */
export function lambdaBundleDir(packageRoot: string, bundle: LambdaBundle): string {
  return join(packageRoot, LAMBDA_BUNDLE_ROOT, bundle.name);
}

/** The nearest directory above `moduleUrl` (an `import.meta.url`) whose package.json is ours. */
export function findPackageRoot(moduleUrl: string): string {
  const start = dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readManifest(manifest).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`${PACKAGE_NAME}: no package.json of ${PACKAGE_NAME} above ${start}`);
  }
}

/** The version in our package.json, for `ecs-mirror --version`. */
export function packageVersion(moduleUrl: string): string {
  return readManifest(join(findPackageRoot(moduleUrl), 'package.json')).version ?? '0.0.0';
}

function readManifest(path: string): { name?: string; version?: string } {
  return JSON.parse(readFileSync(path, 'utf8')) as { name?: string; version?: string };
}
