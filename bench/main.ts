/**
 * `npm run bench -- <benchmark>`: the performance figures of docs/performance.md. Benchmarks, not tests:
 * they print and write figures, they assert nothing about time.
 *
 *   npm run bench -- burst --tasks 300 [--profile realistic] [--seed 1] [--out bench/results]
 *   npm run bench -- burst --tasks 1000 --profile hostile --strategies ours [--shared 2]
 *   npm run bench -- burst --tasks 300 --strategies ours --capacity ec2 [--instance-type m5.xlarge] [--bridge-share 0.3]
 *   npm run bench -- trickle [--duration-s 300] [--interval-s 2] [--pull-min-s 2] [--pull-max-s 8] [--capacity ec2 [--instance-type m5.xlarge]]
 *   npm run bench -- emulator-index [--calls 200] [--repeats 5]
 *   npm run bench -- cold-init [--runs 15]
 *   npm run bench -- reconcile [--tasks 10000] [--churn 50] [--drift 1]
 *   npm run bench -- org-burst [--accounts 10] [--tasks 300] [--concurrency 2]
 *   npm run bench -- all
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_USAGE } from '../src/cli/exit.js';
import { PROFILE_NAMES, type ProfileName } from '../src/emulator/profile.js';
import { BENCH_VISIBILITY_TIMEOUT_MS, FARGATE, type BurstCapacity } from './burst.js';
import { CAPACITIES, DEFAULT_INSTANCE_TYPE, FLEET_INSTANCE_TYPES, type CapacityName } from './ec2-fleet.js';
import { DEFAULT_OURS, runBurstBench } from './burst-report.js';
import { TOPOLOGY_DELAYS } from './strategies.js';
import { formatColdInit, runColdInitBench } from './cold-init.js';
import { runEmulatorIndexBench, type IndexBenchResult, type IndexBenchSummary } from './emulator-index.js';
import { formatReconcileBench, runReconcileBench } from './reconcile-sweep.js';
import { formatOrgBurst, runOrgBurst } from './org-burst.js';
import { EVENT_QUEUE, HUB_EVENT_CREATE_RATE_PER_SECOND } from '../src/contract/queue.js';
import { formatLambdaMemory, runLambdaMemoryBench, EVENT_LAMBDA_MEMORY_MB } from './lambda-memory.js';
import { formatSeedCheck, runSeedCheck } from './seed-check.js';
import { formatTrickle, runTrickleBench } from './trickle.js';

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

/** A share of the tasks, 0 to 1. */
function share(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('expected a share from 0 to 1');
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
  eventbridgeDelayMs: number;
  lambdaStartMs: number;
  visibilityTimeoutS: number;
  unannounced: boolean;
  parallel: boolean;
  shared: number;
  capacity: CapacityName;
  instanceType?: string;
  bridgeShare?: number;
  name?: string;
}

/** The flags that only mean something on EC2 capacity are refused without it (exit 2, one line). */
function burstCapacity(command: Command, flags: BurstFlags): BurstCapacity {
  if (flags.capacity === 'fargate') {
    const stray = [flags.instanceType === undefined ? [] : ['--instance-type'], flags.bridgeShare === undefined ? [] : ['--bridge-share']].flat();
    if (stray.length > 0) command.error(`error: ${stray.join(' and ')} need${stray.length === 1 ? 's' : ''} --capacity ec2`, { exitCode: EXIT_USAGE });
    return FARGATE;
  }
  return { kind: 'ec2', instanceType: flags.instanceType ?? DEFAULT_INSTANCE_TYPE, bridgeShare: flags.bridgeShare ?? 0 };
}

function burstName(flags: BurstFlags, capacity: BurstCapacity): string {
  const onEc2 = capacity.kind === 'ec2' ? `-ec2${capacity.bridgeShare > 0 ? `-bridge${Math.round(capacity.bridgeShare * 100)}` : ''}` : '';
  return `burst-${flags.tasks}-${flags.profile}${onEc2}${flags.shared > 0 ? `-shared${flags.shared}` : ''}`;
}

function burstCommand(): Command {
  const d = DEFAULT_OURS;
  return new Command('burst')
    .description('N tasks at once (Fargate, or EC2 container instances): the seed Lambda and ours, each on its own emulator (docs/performance.md)')
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
    .option('--reconcile-grace-s <s>', 'ours: MIRROR_RECONCILE_GRACE_SECONDS (the construct: 900)', nonNegativeNumber, d.reconcileGraceMs / 1000)
    .option('--eventbridge-delay-ms <ms>', 'ours: state change → event in the queue (inferred)', nonNegativeNumber, TOPOLOGY_DELAYS.eventBridgeDelayMs)
    .option('--lambda-start-ms <ms>', 'ours: batch out of the queue → handler running (inferred)', nonNegativeNumber, TOPOLOGY_DELAYS.lambdaStartMs)
    .option('--visibility-timeout-s <s>', 'ours: SQS visibility timeout (the construct: 360 s)', nonNegativeNumber, BENCH_VISIBILITY_TIMEOUT_MS / 1000)
    .option('--no-unannounced', 'skip the seed run with ACTIVATING not announced')
    .option('--parallel', 'run the strategies at the same time (shorter; they share the CPU)', false)
    .option('--shared <perSecond>', 'another client spends this many creates/s of the bucket during the burst (limit (N − 50) / (5 − it))', nonNegativeNumber, 0)
    .addOption(new Option('--capacity <kind>', 'where the tasks run').choices([...CAPACITIES]).default('fargate'))
    .addOption(new Option('--instance-type <type>', `ec2: container instance type (default ${DEFAULT_INSTANCE_TYPE}); as many instances as the tasks' ENIs, CPU and memory need`).choices([...FLEET_INSTANCE_TYPES]))
    .option('--bridge-share <share>', 'ec2: share of the tasks in bridge network mode, mirrored by their instance\'s primary ENI (default 0)', share)
    .option('--name <prefix>', 'output file prefix (default burst-<N>-<profile>[-ec2[-bridge<percent>]])')
    .action(async (flags: BurstFlags, command: Command) => {
      const capacity = burstCapacity(command, flags);
      await runBurstBench({
        tasks: flags.tasks,
        capacity,
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
          eventBridgeDelayMs: flags.eventbridgeDelayMs,
          lambdaStartMs: flags.lambdaStartMs,
        },
        unannounced: flags.unannounced,
        parallel: flags.parallel,
        name: flags.name ?? burstName(flags, capacity),
        competitorCreatesPerSecond: flags.shared,
        write,
        progress,
      });
    });
}

function lambdaMemoryCommand(): Command {
  return new Command('lambda-memory')
    .description("memory peak of the event Lambda's own process (the bundled handler in a child node) through a burst")
    .option('--tasks <n>', 'tasks in the burst', positiveInteger, 3000)
    .addOption(new Option('--profile <name>', 'emulator profile').choices([...PROFILE_NAMES]).default('hostile'))
    .option('--seed <n>', 'emulator seed', positiveInteger, 1)
    .action(async (flags: { tasks: number; profile: ProfileName; seed: number }) => {
      write(`${formatLambdaMemory(await runLambdaMemoryBench({ ...flags, progress }), EVENT_LAMBDA_MEMORY_MB)}\n`);
    });
}

function seedCheckCommand(): Command {
  return new Command('seed-check')
    .description("the seed port (botocore legacy retry modelled) against the seed's own Python with boto3, same scenario")
    .option('--tasks <n>', 'tasks', positiveInteger, 300)
    .addOption(new Option('--profile <name>', 'emulator profile').choices([...PROFILE_NAMES]).default('realistic'))
    .option('--seed <n>', 'emulator seed', positiveInteger, 1)
    .option('--no-python', 'only the port')
    .action(async (flags: { tasks: number; profile: ProfileName; seed: number; python: boolean }) => {
      write(`${formatSeedCheck(await runSeedCheck(flags), flags.tasks, flags.profile)}\n`);
    });
}

interface TrickleFlags {
  durationS: number;
  intervalS: number;
  pullMinS: number;
  pullMaxS: number;
  profile: ProfileName;
  seed: number;
  capacity: CapacityName;
  instanceType?: string;
}

function trickleCommand(): Command {
  return new Command('trickle')
    .description('tasks started one at a time: ENI ATTACHED → session p50/p95/p99/max, share before RUNNING (targets p99 ≤ 3 s, 100%)')
    .option('--duration-s <s>', 'how long tasks keep starting', positiveInteger, 300)
    .option('--interval-s <s>', 'one task start every this many seconds', nonNegativeNumber, 2)
    .option('--pull-min-s <s>', 'image pull (time in PENDING), shortest', nonNegativeNumber, 2)
    .option('--pull-max-s <s>', 'image pull, longest', nonNegativeNumber, 8)
    .addOption(new Option('--profile <name>', 'emulator profile').choices([...PROFILE_NAMES]).default('realistic'))
    .option('--seed <n>', 'emulator seed', positiveInteger, 1)
    .addOption(new Option('--capacity <kind>', 'where the tasks run (ec2: awsvpc tasks on a fleet sized for all of them)').choices([...CAPACITIES]).default('fargate'))
    .addOption(new Option('--instance-type <type>', `ec2: container instance type (default ${DEFAULT_INSTANCE_TYPE})`).choices([...FLEET_INSTANCE_TYPES]))
    .action(async (flags: TrickleFlags, command: Command) => {
      if (flags.capacity === 'fargate' && flags.instanceType !== undefined) command.error('error: --instance-type needs --capacity ec2', { exitCode: EXIT_USAGE });
      const tasks = Math.max(1, Math.floor(flags.durationS / Math.max(0.1, flags.intervalS)));
      const result = await runTrickleBench({
        tasks,
        ...(flags.capacity === 'ec2' ? { ec2InstanceType: flags.instanceType ?? DEFAULT_INSTANCE_TYPE } : {}),
        intervalMs: flags.intervalS * 1000,
        profile: flags.profile,
        seed: flags.seed,
        pullMs: { min: Math.round(flags.pullMinS * 1000), max: Math.round(Math.max(flags.pullMinS, flags.pullMaxS) * 1000) },
        ours: DEFAULT_OURS,
        progress,
      });
      write(`${formatTrickle(result)}\n`);
    });
}

function formatIndex(result: IndexBenchSummary): string {
  const line = (r: IndexBenchResult) => `${String(r.sessions).padStart(6)} sessions: ${r.perCallMs.toFixed(3)} ms/call`;
  const rounds = result.rounds.map((r, i) => `round ${i + 1}: ${line(r.small)}; ${line(r.large)}; ratio ${r.ratio.toFixed(2)}×`);
  const verdict = result.medianRatio <= 1.5 ? 'met' : 'MISSED';
  return `${rounds.join('\n')}\nratio 10,000 / 10, median of ${result.rounds.length} rounds of ${result.rounds[0]?.small.calls ?? 0} calls: ${result.medianRatio.toFixed(2)}× (target ≤ 1.5×, ${verdict})\n`;
}

function emulatorIndexCommand(): Command {
  return new Command('emulator-index')
    .description('DescribeTrafficMirrorSessions by ENI among 10,000 sessions vs among 10 (target ≤ 1.5×)')
    .option('--calls <n>', 'timed calls per size', positiveInteger, 200)
    .option('--repeats <n>', 'rounds (the median ratio is the figure)', positiveInteger, 5)
    .action(async (flags: { calls: number; repeats: number }) => {
      write(formatIndex(await runEmulatorIndexBench(flags.calls, flags.repeats)));
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

function orgBurstCommand(): Command {
  return new Command('org-burst')
    .description('N tasks in each of many accounts at once, through one hub (docs/performance.md, organizations)')
    .option('--accounts <n>', 'member accounts', positiveInteger, 10)
    .option('--tasks <n>', 'tasks per account', positiveInteger, 300)
    .addOption(new Option('--profile <name>', 'emulator profile').choices([...PROFILE_NAMES]).default('realistic'))
    .option('--seed <n>', 'emulator seed', positiveInteger, 1)
    .option('--concurrency <n>', 'hub event Lambda: maximum concurrency (each container its own per-member limiters; default the construct\'s)', positiveInteger, EVENT_QUEUE.maxConcurrency)
    .option('--create-rate <perSecond>', 'MIRROR_CREATE_RATE per container per member (default: the hub construct\'s, one account\'s whole refill)', nonNegativeNumber)
    .action(async (flags: { accounts: number; tasks: number; profile: ProfileName; seed: number; concurrency: number; createRate?: number }) => {
      const result = await runOrgBurst({
        accounts: flags.accounts,
        tasks: flags.tasks,
        profile: flags.profile,
        seed: flags.seed,
        concurrency: flags.concurrency,
        createRatePerContainer: flags.createRate ?? HUB_EVENT_CREATE_RATE_PER_SECOND,
        deadlineSeconds: 3 * Math.max(0, flags.tasks - 50) / 5 + 60,
        progress,
      });
      write(formatOrgBurst(result));
      write(`${JSON.stringify(result)}\n`);
    });
}

const program = new Command('bench')
  .description('ecs-traffic-mirror benchmarks (docs/performance.md)')
  .addCommand(burstCommand())
  .addCommand(trickleCommand())
  .addCommand(seedCheckCommand())
  .addCommand(lambdaMemoryCommand())
  .addCommand(emulatorIndexCommand())
  .addCommand(coldInitCommand())
  .addCommand(reconcileCommand())
  .addCommand(orgBurstCommand())
  .addCommand(allCommand());

// Bad flags exit 2 with commander's one line, as the ecs-mirror CLI does (src/cli/exit.ts).
for (const command of [program, ...program.commands]) command.exitOverride();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
}
