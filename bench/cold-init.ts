import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAMBDA_BUNDLES, findPackageRoot } from '../src/contract/package-layout.js';
import { bundleLambda } from '../scripts/lambda-build.js';

/**
 * Lambda cold init, as far as this machine can show it: a fresh `node` importing the bundled
 * event handler (with the esbuild options of the bundle the package ships), against a fresh
 * `python3` importing boto3 and creating the EC2 and ECS clients the seed Lambda creates. Both are timed in the
 * same run, alternating, and the ratio of medians is reported (the machine is shared and noisy).
 * Our handler creates its clients on the first invocation, not at import: the same import followed
 * by an empty first batch (configuration read, EC2 client created) is timed too, so that the work
 * the seed does at init is not left out of our side of the ratio.
 */
export interface ColdInitResult {
  readonly bundleBytes: number;
  readonly nodeMedianMs: number;
  /** Import, then one invocation with no records. */
  readonly nodeFirstBatchMedianMs: number;
  readonly pythonMedianMs: number | undefined;
  readonly ratio: number | undefined;
  readonly firstBatchRatio: number | undefined;
  readonly runs: number;
}

/** The variables the event handler needs to build its clients; nothing is called. */
const HANDLER_ENV = { MIRROR_TARGET_ID: 'tmt-0123456789abcdef0', MIRROR_FILTER_ID: 'tmf-0123456789abcdef0' };

const PYTHON_SEED_INIT = "import boto3; boto3.client('ec2', region_name='us-east-1'); boto3.client('ecs', region_name='us-east-1')";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timeCommand(command: string, args: string[]): number | undefined {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: 'ignore', env: { ...process.env, AWS_REGION: 'us-east-1', ...HANDLER_ENV } });
  if (result.status !== 0) return undefined;
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function runColdInitBench(runs = 15): Promise<ColdInitResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-mirror-cold-'));
  try {
    const outfile = join(dir, 'index.mjs');
    await bundleLambda(findPackageRoot(import.meta.url), LAMBDA_BUNDLES.onTaskEvent, outfile);
    const hasBoto3 = (() => {
      try {
        execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    const nodeTimes: number[] = [];
    const firstBatchTimes: number[] = [];
    const pythonTimes: number[] = [];
    const firstBatch = `const { handler } = await import(${JSON.stringify(outfile)}); await handler({ Records: [] }, { getRemainingTimeInMillis: () => 60_000 });`;
    for (let i = 0; i < runs; i++) {
      const nodeMs = timeCommand(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(outfile)})`]);
      if (nodeMs === undefined) throw new Error('the bundled handler failed to import');
      nodeTimes.push(nodeMs);
      const firstBatchMs = timeCommand(process.execPath, ['--input-type=module', '-e', firstBatch]);
      if (firstBatchMs === undefined) throw new Error('the bundled handler failed an empty batch');
      firstBatchTimes.push(firstBatchMs);
      if (hasBoto3) {
        const pythonMs = timeCommand('python3', ['-c', PYTHON_SEED_INIT]);
        if (pythonMs !== undefined) pythonTimes.push(pythonMs);
      }
    }
    const nodeMedianMs = median(nodeTimes);
    const nodeFirstBatchMedianMs = median(firstBatchTimes);
    const pythonMedianMs = pythonTimes.length > 0 ? median(pythonTimes) : undefined;
    return {
      bundleBytes: statSync(outfile).size,
      nodeMedianMs,
      nodeFirstBatchMedianMs,
      pythonMedianMs,
      ratio: pythonMedianMs === undefined ? undefined : nodeMedianMs / pythonMedianMs,
      firstBatchRatio: pythonMedianMs === undefined ? undefined : nodeFirstBatchMedianMs / pythonMedianMs,
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatColdInit(result: ColdInitResult): string {
  const kb = (result.bundleBytes / 1024).toFixed(0);
  const python = result.pythonMedianMs === undefined ? 'python3 + boto3 not available' : `python3 + boto3 + 2 clients ${result.pythonMedianMs.toFixed(0)} ms`;
  const ratio =
    result.ratio === undefined || result.firstBatchRatio === undefined
      ? ''
      : `\nratio node / python3, medians: ${result.ratio.toFixed(2)}, ${result.firstBatchRatio.toFixed(2)} with the first batch (target ≤ 0.35, ${result.firstBatchRatio <= 0.35 ? 'met' : 'MISSED'}); bundle ${(result.bundleBytes / 1024).toFixed(0)} KiB (target ≤ 800 KB)`;
  return `cold init (median of ${result.runs}): node + bundled handler (${kb} KiB) ${result.nodeMedianMs.toFixed(0)} ms, with an empty first batch ${result.nodeFirstBatchMedianMs.toFixed(0)} ms; ${python}${ratio}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${formatColdInit(await runColdInitBench())}\n`);
}
