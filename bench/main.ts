/**
 * `npm run bench -- <benchmark>`: the performance figures of docs/performance.md. Benchmarks, not tests:
 * they print and write figures, they assert nothing about time.
 *
 *   npm run bench -- burst --tasks 300 [--profile realistic] [--seed 1] [--out bench/results]
 *   npm run bench -- emulator-index [--calls 200]
 *   npm run bench -- cold-init [--runs 15]
 *   npm run bench -- reconcile [--tasks 10000] [--churn 50] [--drift 1]
 *   npm run bench -- all
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { Command, InvalidArgumentError, Option } from 'commander';
import { PROFILE_NAMES, type ProfileName } from '../src/emulator/profile.js';
import { BENCH_VISIBILITY_TIMEOUT_MS } from './burst.js';
import { DEFAULT_OURS, runBurstBench } from './burst-report.js';
import { formatColdInit, runColdInitBench } from './cold-init.js';
import { runEmulatorIndexBench, type IndexBenchResult } from './emulator-index.js';
import { formatReconcileBench, runReconcileBench } from './reconcile-sweep.js';

const write = (text: string) => process.stdout.write(text);
const progress = (line: string) => process.stderr.write(`${line}\n`);

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number ≥ 0');
  return n;
}

/** A rate per second, or `none` for no client-side cap. */
function rate(value: string): number | undefined {
  if (value === 'none') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0.1) throw new InvalidArgumentError("expected a rate ≥ 0.1 or 'none'");
  return n;
}

function strategies(value: string): ('ours' | 'seed')[] {
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) if (name !== 'ours' && name !== 'seed') throw new InvalidArgumentError(`unknown strategy ${name} (ours, seed)`);
  return names as ('ours' | 'seed')[];
}

interface BurstFlags {
  tasks: number;
  profile: ProfileName;
  seed: number;
  out: string;
  strategies: ('ours' | 'seed')[];
  batchSize: number;
  batchWindowMs: number;
  concurrency: number;
  createRate: number | undefined;
  reconcileEveryS: number;
  reconcileGraceS: number;
  visibilityTimeoutS: number;
  unannounced: boolean;
  parallel: boolean;
  name?: string;
}

function burstCommand(): Command {
  const d = DEFAULT_OURS;
  return new Command('burst')
    .description('N Fargate tasks at once: the seed Lambda and ours, each on its own emulator (docs/performance.md)')
    .option('--tasks <n>', 'tasks in the burst', positiveInteger, 300)
    .addOption(new Option('--profile <name>', 'emulator profile').choices([...PROFILE_NAMES]).default('realistic'))
    .option('--seed <n>', 'emulator seed (both emulators)', positiveInteger, 1)
    .option('--out <dir>', 'where the JSON and the SVG chart go', 'bench/results')
    .addOption(new Option('--strategies <list>', 'comma-separated: ours, seed').argParser(strategies).default(['ours', 'seed'], 'ours,seed'))
    .option('--batch-size <n>', 'ours: SQS batch size', positiveInteger, d.queue.batchSize)
    .option('--batch-window-ms <ms>', 'ours: SQS batching window', nonNegativeNumber, d.queue.batchWindowMs)
    .option('--concurrency <n>', 'ours: maximum concurrency of the event source', positiveInteger, d.queue.maxConcurrency)
    .option('--create-rate <perSecond|none>', 'ours: MIRROR_CREATE_RATE per Lambda container', rate, d.createRatePerConsumer)
    .option('--reconcile-every-s <s>', 'ours: reconcile period from the burst (0 = off)', nonNegativeNumber, d.reconcileEveryMs / 1000)
    .option('--reconcile-grace-s <s>', 'ours: MIRROR_RECONCILE_GRACE_SECONDS (the construct: 120)', nonNegativeNumber, d.reconcileGraceMs / 1000)
    .option('--visibility-timeout-s <s>', 'ours: SQS visibility timeout (the construct: 360 s)', nonNegativeNumber, BENCH_VISIBILITY_TIMEOUT_MS / 1000)
    .option('--no-unannounced', 'skip the seed run with ACTIVATING not announced')
    .option('--parallel', 'run the strategies at the same time (shorter; they share the CPU)', false)
    .option('--name <prefix>', 'output file prefix (default burst-<N>-<profile>)')
    .action(async (flags: BurstFlags) => {
      await runBurstBench({
        tasks: flags.tasks,
        profile: flags.profile,
        seed: flags.seed,
        out: flags.out,
        strategies: flags.strategies,
        ours: {
          queue: {
            batchSize: flags.batchSize,
            batchWindowMs: flags.batchWindowMs,
            maxConcurrency: flags.concurrency,
            visibilityTimeoutMs: flags.visibilityTimeoutS * 1000,
            maxReceiveCount: d.queue.maxReceiveCount,
          },
          createRatePerConsumer: flags.createRate,
          reconcileEveryMs: flags.reconcileEveryS * 1000,
          reconcileGraceMs: flags.reconcileGraceS * 1000,
        },
        unannounced: flags.unannounced,
        parallel: flags.parallel,
        name: flags.name ?? `burst-${flags.tasks}-${flags.profile}`,
        write,
        progress,
      });
    });
}

function formatIndex(result: { small: IndexBenchResult; large: IndexBenchResult; ratio: number }): string {
  const line = (r: IndexBenchResult) => `${String(r.sessions).padStart(6)} sessions: ${r.calls} calls in ${r.totalMs.toFixed(1)} ms (${r.perCallMs.toFixed(3)} ms/call)`;
  return `${line(result.small)}\n${line(result.large)}\nratio 10,000 / 10: ${result.ratio.toFixed(2)}× (target ≤ 1.5×)\n`;
}

function emulatorIndexCommand(): Command {
  return new Command('emulator-index')
    .description('DescribeTrafficMirrorSessions by ENI among 10,000 sessions vs among 10 (target ≤ 1.5×)')
    .option('--calls <n>', 'timed calls per size', positiveInteger, 200)
    .action(async (flags: { calls: number }) => {
      write(formatIndex(await runEmulatorIndexBench(flags.calls)));
    });
}

function coldInitCommand(): Command {
  return new Command('cold-init')
    .description('Lambda cold init: node + bundled handler vs python3 + boto3 (target ≤ 0.35)')
    .option('--runs <n>', 'runs of each', positiveInteger, 15)
    .action(async (flags: { runs: number }) => {
      write(`${formatColdInit(await runColdInitBench(flags.runs))}\n`);
    });
}

function reconcileCommand(): Command {
  return new Command('reconcile')
    .description('reconcile sweep over 10,000 tasks and sessions: calls / minimum (target ≤ 1.05)')
    .option('--tasks <n>', 'running tasks', positiveInteger, 10_000)
    .option('--churn <n>', 'ENIs without a session, and orphaned sessions', positiveInteger, 50)
    .option('--drift <percent>', 'share of sessions whose packet length differs from the configuration (modified in place)', nonNegativeNumber, 0)
    .action(async (flags: { tasks: number; churn: number; drift: number }) => {
      write(`${formatReconcileBench(await runReconcileBench(flags.tasks, flags.churn, flags.drift))}\n`);
    });
}

function allCommand(): Command {
  return new Command('all')
    .description('emulator-index, cold-init, reconcile, then burst with its defaults (N = 300, realistic)')
    .option('--out <dir>', 'where the burst JSON and SVG go', 'bench/results')
    .action(async (flags: { out: string }) => {
      write('== emulator-index\n');
      write(formatIndex(await runEmulatorIndexBench()));
      write('\n== cold-init\n');
      write(`${formatColdInit(await runColdInitBench())}\n`);
      write('\n== reconcile\n');
      write(`${formatReconcileBench(await runReconcileBench())}\n`);
      write('\n== burst\n');
      await runBurstBench({
        tasks: 300,
        profile: 'realistic',
        seed: 1,
        out: flags.out,
        strategies: ['ours', 'seed'],
        ours: DEFAULT_OURS,
        unannounced: true,
        parallel: false,
        name: 'burst-300-realistic',
        write,
        progress,
      });
    });
}

const program = new Command('bench')
  .description('ecs-traffic-mirror benchmarks (docs/performance.md)')
  .addCommand(burstCommand())
  .addCommand(emulatorIndexCommand())
  .addCommand(coldInitCommand())
  .addCommand(reconcileCommand())
  .addCommand(allCommand());

await program.parseAsync(process.argv);
