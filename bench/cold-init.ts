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
 */
export interface ColdInitResult {
  readonly bundleBytes: number;
  readonly nodeMedianMs: number;
  readonly pythonMedianMs: number | undefined;
  readonly ratio: number | undefined;
  readonly runs: number;
}

const PYTHON_SEED_INIT = "import boto3; boto3.client('ec2', region_name='us-east-1'); boto3.client('ecs', region_name='us-east-1')";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timeCommand(command: string, args: string[]): number | undefined {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { stdio: 'ignore', env: { ...process.env, AWS_REGION: 'us-east-1' } });
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
    const pythonTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      const nodeMs = timeCommand(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(outfile)})`]);
      if (nodeMs === undefined) throw new Error('the bundled handler failed to import');
      nodeTimes.push(nodeMs);
      if (hasBoto3) {
        const pythonMs = timeCommand('python3', ['-c', PYTHON_SEED_INIT]);
        if (pythonMs !== undefined) pythonTimes.push(pythonMs);
      }
    }
    const nodeMedianMs = median(nodeTimes);
    const pythonMedianMs = pythonTimes.length > 0 ? median(pythonTimes) : undefined;
    return {
      bundleBytes: statSync(outfile).size,
      nodeMedianMs,
      pythonMedianMs,
      ratio: pythonMedianMs === undefined ? undefined : nodeMedianMs / pythonMedianMs,
      runs,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatColdInit(result: ColdInitResult): string {
  const kb = (result.bundleBytes / 1024).toFixed(0);
  const python = result.pythonMedianMs === undefined ? 'python3 + boto3 not available' : `python3 + boto3 + 2 clients ${result.pythonMedianMs.toFixed(0)} ms`;
  const ratio = result.ratio === undefined ? '' : `  ratio ${result.ratio.toFixed(2)} (target ≤ 0.35)`;
  return `cold init (median of ${result.runs}): node + bundled handler (${kb} KiB) ${result.nodeMedianMs.toFixed(0)} ms; ${python}${ratio}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${formatColdInit(await runColdInitBench())}\n`);
}
