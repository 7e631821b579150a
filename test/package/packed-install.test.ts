import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_BUNDLE_FILE, LAMBDA_BUNDLE_FILES, LAMBDA_BUNDLES, lambdaBundleDir } from '../../src/contract/package-layout.js';
import { createCluster, createMirrorTargetAndFilter, emulatorClients, registerFargateTaskDefinition, runFargateTasks } from '../../src/demo/world.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

/**
 * The package as a user gets it: `npm pack` (whose prepack builds dist/ and the Lambda bundles),
 * the tarball installed into an empty project from the npm cache, then the `ecs-mirror` command,
 * the library entry, and a TypeScript CDK app importing `ecs-traffic-mirror/cdk` that synthesizes
 * with the prebuilt bundles — no esbuild, no lock file of ours.
 */
const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};
const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/suricata/0123456789abcdef';
/** What the packing copy leaves out: installed, built or generated, never packed from. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', 'cdk.out', 'coverage', 'bench/results']);
/** Ours (AWS, MIRROR_) or npm's description of the `npm test` run, which the user's shell has not. */
const INHERITED = /^(MIRROR_|TrafficMirror|AWS_|POWERTOOLS_|CDK_|npm_package_|npm_lifecycle_)/;
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

let work: string;
let consumer: string;
let tarball: string;
let emulator: RunningEmulator | undefined;

function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED.test(key)));
  return { ...base, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true', ...extra };
}

async function inConsumer(command: string, args: readonly string[], extra: Record<string, string> = {}, timeout = 120_000) {
  return run(command, [...args], { cwd: consumer, env: userEnv(extra), timeout, maxBuffer: 16 * 1024 * 1024 });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ecs-mirror-pack-'));
  // Packed from a copy: prepack rebuilds dist/, which the CDK suites running beside this one read.
  const source = join(work, 'source');
  cpSync(REPO_ROOT, source, {
    recursive: true,
    filter: (path) => !NOT_COPIED.has(relative(REPO_ROOT, path).split(sep).join('/')),
  });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(source, 'node_modules'), 'dir');
  await run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], {
    cwd: source,
    env: userEnv(),
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [name] = readdirSync(work).filter((entry) => entry.endsWith('.tgz'));
  if (!name) throw new Error(`npm pack left no tarball in ${work}`);
  tarball = join(work, name);

  consumer = join(work, 'consumer');
  cpSync(join(REPO_ROOT, 'test/package/consumer'), consumer, { recursive: true });
  // Only the package: the CDK peers are optional, so a CLI user does not get them.
  await inConsumer('npm', ['install', ...NPM_FLAGS, tarball]);
}, 420_000);

afterAll(async () => {
  await emulator?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the compiled code, the bundles and the docs, and no sources, tests or CI', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball]);
    const files = stdout.split('\n').filter(Boolean).map((path) => path.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining([
      'package.json',
      'README.md',
      'LICENSE',
      'bin/ecs-mirror.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'dist/infra/index.js',
      'dist/infra/index.d.ts',
      ...Object.values(LAMBDA_BUNDLES).flatMap((bundle) => LAMBDA_BUNDLE_FILES.map((file) => relative(REPO_ROOT, join(lambdaBundleDir(REPO_ROOT, bundle), file)))),
    ]));
    expect(files.filter((path) => /^(src|infra|test|bench|scripts|\.ci)\//.test(path) || path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
    expect(existsSync(join(consumer, 'node_modules/aws-cdk-lib'))).toBe(false);
  });
});

describe('npx ecs-mirror from the installed package', () => {
  it('--version prints the package version', async () => {
    const { stdout } = await inConsumer('npx', ['--no', '--', 'ecs-mirror', '--version']);
    expect(stdout.trim()).toBe(manifest.version);
  });

  it('--help lists the subcommands', async () => {
    const { stdout } = await inConsumer('npx', ['--no', '--', 'ecs-mirror', '--help']);
    for (const command of ['handle', 'reconcile', 'status', 'emulator', 'demo']) expect(stdout).toContain(command);
  });

  it('status reports the coverage of a cluster on the emulator', async () => {
    emulator = await startEmulator({ port: 0, timing: { stepDelayMs: 20, schedulerIntervalMs: 20 } });
    const clients = emulatorClients(emulator.url, emulator.region);
    const { targetId, filterId } = await createMirrorTargetAndFilter(clients, NLB_ARN);
    await createCluster(clients, 'payments');
    const taskDefinition = await registerFargateTaskDefinition(clients, 'api', 'nginx');
    await runFargateTasks(clients, 'payments', taskDefinition, 2, [...emulator.network.subnets.keys()]);

    const { stdout } = await inConsumer('npx', ['--no', '--', 'ecs-mirror', 'status', '--json'], {
      AWS_ENDPOINT_URL: emulator.url,
      AWS_REGION: emulator.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      MIRROR_TARGET_ID: targetId,
      MIRROR_FILTER_ID: filterId,
    });
    const report = JSON.parse(stdout) as { dryRun: boolean; clusters: Array<{ cluster: string; tasks: number }> };
    expect(report.dryRun).toBe(true);
    expect(report.clusters.map((cluster) => cluster.cluster)).toEqual(['payments']);
    expect(report.clusters[0]?.tasks).toBe(2);
  });

  it('emulator --iam names the optional IAM evaluator it needs (AGPL-3.0, not installed with the package) and exits 2', async () => {
    const policyFile = join(consumer, 'policies.json');
    writeFileSync(policyFile, JSON.stringify({ AKIAEVENT: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] } }));
    const outcome = await inConsumer('npx', ['--no', '--', 'ecs-mirror', 'emulator', '--port', '0', '--iam', policyFile]).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
    );
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toContain('npm install @cloud-copilot/iam-simulate');
  });

  it('the library entry exports the event path, the sweep and the emulator', async () => {
    const { stdout } = await inConsumer(process.execPath, [
      '--input-type=module',
      '-e',
      "const m = await import('ecs-traffic-mirror'); console.log([typeof m.handleTaskEvents, typeof m.reconcile, typeof m.startEmulator].join(' '));",
    ]);
    expect(stdout.trim()).toBe('function function function');
  });
});

describe('a consumer TypeScript project on the library entry', () => {
  // Before any CDK install: the shipped types must hold without the optional peers (the CDK, the
  // AGPL IAM evaluator), checked in full (skipLibCheck false).
  it('compiles against the shipped types with skipLibCheck false and no optional peer installed', async () => {
    await inConsumer('npm', ['install', ...NPM_FLAGS, `@types/node@${manifest.devDependencies['@types/node']}`]);
    await inConsumer(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.lib.json']).catch((error: { stdout?: string }) => {
      throw new Error(`tsc found errors in the shipped types:\n${error.stdout ?? ''}`);
    });
    expect(existsSync(join(consumer, 'node_modules/@cloud-copilot/iam-simulate'))).toBe(false);
  });
});

describe('a consumer CDK app importing ecs-traffic-mirror/cdk', () => {
  it('compiles against the shipped types and synthesizes with the prebuilt bundles', async () => {
    await inConsumer('npm', [
      'install',
      ...NPM_FLAGS,
      `aws-cdk-lib@${manifest.devDependencies['aws-cdk-lib']}`,
      `constructs@${manifest.devDependencies['constructs']}`,
    ]);
    await inConsumer(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', '.']);
    const outdir = join(work, 'cdk.out');
    const { stdout } = await inConsumer(process.execPath, ['app.js'], { CDK_OUTDIR: outdir });
    expect(stdout.trim()).toBe('nodejs22.x');

    const template = JSON.parse(readFileSync(join(outdir, 'Consumer.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const functions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(2);
    const installed = join(consumer, 'node_modules/ecs-traffic-mirror');
    const shipped = Object.values(LAMBDA_BUNDLES).map((bundle) => readFileSync(join(lambdaBundleDir(installed, bundle), LAMBDA_BUNDLE_FILE)));
    for (const fn of functions) {
      const key = (fn.Properties['Code'] as { S3Key: string }).S3Key;
      const staged = readFileSync(join(outdir, `asset.${key.replace(/\.zip$/, '')}`, LAMBDA_BUNDLE_FILE));
      expect(shipped.some((bundle) => bundle.equals(staged))).toBe(true);
    }
    // A CommonJS app `require`s the package, an ES module: Node.js ≥ 20.19 loads ES modules that way.
    const required = await inConsumer(process.execPath, ['-e', "console.log(typeof require('ecs-traffic-mirror/cdk').EcsTrafficMirror)"]);
    expect(required.stdout.trim()).toBe('function');
    // Nothing in the consumer could have bundled at synth.
    expect(existsSync(join(consumer, 'node_modules/esbuild'))).toBe(false);
  }, 300_000);
});
