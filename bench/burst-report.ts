/**
 * `npm run bench -- burst`: both strategies on their own emulators, then the seed once more with
 * ACTIVATING not announced; a side-by-side table on stdout, JSON and an SVG chart in --out.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { ProfileName } from '../src/emulator/profile.js';
import { BENCH_QUEUE_DEFAULTS, deadlineSeconds, FARGATE, physicalLimitSeconds, runBurstStrategy, type BurstCapacity, type StrategyResult } from './burst.js';
import { oursStrategy, seedStrategy, TOPOLOGY_DELAYS, type OursSettings, type Strategy } from './strategies.js';
import { formatLatency, LATENCY_TARGETS } from './latency.js';
import { renderCoverageChart } from './svg-chart.js';

/**
 * Targets for a burst: within 15% of the time EC2's mutating bucket allows ((N − 50) / 5 s), and
 * at most 1.3 requests per mirrored ENI (one create each is the floor).
 */
export const BURST_TARGETS = { ratioToLimit: 1.15, requestsPerMirroredEni: 1.3 } as const;

export interface BurstBenchOptions {
  readonly tasks: number;
  /** Default Fargate. */
  readonly capacity?: BurstCapacity;
  readonly profile: ProfileName;
  readonly seed: number;
  readonly out: string;
  readonly strategies: readonly ('ours' | 'seed')[];
  readonly ours: OursSettings;
  /** Also run the seed with ACTIVATING not announced (Fargate's usual stream). */
  readonly unannounced: boolean;
  /** Run the strategies at the same time (shorter, but they share the CPU). */
  readonly parallel: boolean;
  /** Prefix of the output files. */
  readonly name: string;
  /** Another client spends this many creates per second of the account's bucket during the burst. */
  readonly competitorCreatesPerSecond?: number;
  readonly write: (text: string) => void;
  readonly progress: (line: string) => void;
}

export interface BurstBenchReport {
  readonly when: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string };
  readonly tasks: number;
  readonly capacity: BurstCapacity;
  readonly profile: ProfileName;
  readonly seed: number;
  /** (sources − 50) / 5: on EC2 known only once the tasks are placed (one source per instance for bridge tasks). */
  readonly limitSeconds: number;
  readonly deadlineSeconds: number;
  readonly competitorCreatesPerSecond: number;
  readonly results: readonly StrategyResult[];
  readonly seedWithoutActivating: StrategyResult | null;
  readonly files: { readonly json: string; readonly svg: string };
}

/**
 * Ours as the construct deploys it (2 containers at MIRROR_CREATE_RATE 2.5, window 1 s, 5 receives)
 * except the batch size: 50, not the construct's 100 (docs/performance.md, "Tried"). The sweep
 * runs every 30 s from the burst, so one lands in the middle of it.
 */
export const DEFAULT_OURS: OursSettings = {
  queue: { ...BENCH_QUEUE_DEFAULTS, batchSize: 50 },
  createRatePerConsumer: 2.5,
  reconcileEveryMs: 30_000,
  // As the CDK construct deploys it.
  reconcileGraceMs: 900_000,
  ...TOPOLOGY_DELAYS,
};

export async function runBurstBench(options: BurstBenchOptions): Promise<BurstBenchReport> {
  const shared = options.competitorCreatesPerSecond ?? 0;
  const capacity = options.capacity ?? FARGATE;
  // At most N sources: the deadline of N fits every placement.
  const deadline = deadlineSeconds(options.tasks, shared);
  const base = { tasks: options.tasks, capacity, profile: options.profile, seed: options.seed, deadlineSeconds: deadline, progress: options.progress, competitorCreatesPerSecond: shared };
  const runs: { strategy: Strategy; announceActivating: boolean | undefined }[] = options.strategies.map((name) =>
    name === 'ours' ? { strategy: oursStrategy(options.ours), announceActivating: undefined } : { strategy: seedStrategy(), announceActivating: true },
  );
  const fargateLimit = physicalLimitSeconds(options.tasks, shared);
  const limitText = capacity.kind === 'fargate' ? `= ${fargateLimit.toFixed(1)} s` : '(sources: task ENIs + one per instance with bridge tasks, counted once placed)';
  options.write(
    `burst: ${options.tasks} ${capacityText(capacity)} (RunTask × ${Math.ceil(options.tasks / 10)}, 10 each), profile ${options.profile}, seed ${options.seed}; ` +
      `${shared > 0 ? `another client spends ${shared} creates/s: physical limit (N − 50) / ${5 - shared}` : 'physical limit (N − 50) / 5'} ${limitText}; deadline ${deadline.toFixed(0)} s; ${options.parallel ? 'strategies in parallel' : 'strategies one after the other'}\n`,
  );
  const runOne = (run: (typeof runs)[number]) => {
    options.progress(`running ${run.strategy.name}: ${run.strategy.label}`);
    // The seed's best case: its emulator announces ACTIVATING, the only status it acts on.
    return runBurstStrategy(run.strategy, { ...base, ...(run.announceActivating === undefined ? {} : { timing: { announceActivating: run.announceActivating } }) });
  };
  const results: StrategyResult[] = [];
  if (options.parallel) results.push(...(await Promise.all(runs.map(runOne))));
  else for (const run of runs) results.push(await runOne(run));

  let seedWithoutActivating: StrategyResult | null = null;
  if (options.unannounced && options.strategies.includes('seed')) {
    options.progress('running seed with ACTIVATING not announced');
    seedWithoutActivating = await runBurstStrategy(seedStrategy(), { ...base, timing: { announceActivating: false } });
  }
  // Placement is the same for every strategy (same seed, same fleet): the first run's count is the run's.
  const limit = results[0]?.limitSeconds ?? fargateLimit;

  await mkdir(options.out, { recursive: true });
  const json = join(options.out, `${options.name}.json`);
  const svg = join(options.out, `${options.name}.svg`);
  const report: BurstBenchReport = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    tasks: options.tasks,
    capacity,
    profile: options.profile,
    seed: options.seed,
    limitSeconds: limit,
    deadlineSeconds: deadline,
    competitorCreatesPerSecond: shared,
    results,
    seedWithoutActivating,
    files: { json, svg },
  };
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(svg, burstChart(report));
  options.write(formatBurstTable(report));
  options.write(`\nwrote ${json}\nwrote ${svg}\n`);
  options.write(`${burstRatioLine(report)}\n`);
  return report;
}

/** `Fargate tasks`, or `tasks on 100 × m5.xlarge (30% bridge)`; the fleet size is known after planning, so only the type here. */
export function capacityText(capacity: BurstCapacity): string {
  if (capacity.kind === 'fargate') return 'Fargate tasks';
  return `EC2 tasks on ${capacity.instanceType} container instances${capacity.bridgeShare > 0 ? ` (${Math.round(capacity.bridgeShare * 100)}% bridge)` : ' (awsvpc)'}`;
}

const COLORS: Record<string, string> = { ours: '#1f77b4', seed: '#d62728' };

export function burstChart(report: BurstBenchReport): string {
  return renderCoverageChart({
    title: `Burst of ${report.tasks} ${capacityText(report.capacity ?? FARGATE)}: mirrorable ENIs mirrored over time`,
    subtitle: `emulator profile ${report.profile}, seed ${report.seed}; EC2 mutating bucket 50 + 5/s; the seed's emulator announces ACTIVATING (its best case)`,
    series: report.results.map((r) => ({
      label: `${r.strategy}: ${r.fullCoverageSeconds === null ? `${r.coveragePercent.toFixed(1)}% at the end` : `100% at ${r.fullCoverageSeconds.toFixed(1)} s`}`,
      color: COLORS[r.strategy] ?? '#2ca02c',
      points: r.samples.map((s) => [s.t, s.percent] as const),
    })),
    markers:
      report.limitSeconds > 0
        ? [
            { label: `limit ${report.limitSeconds.toFixed(0)} s`, seconds: report.limitSeconds, dash: '6 4' },
            { label: `× ${BURST_TARGETS.ratioToLimit}`, seconds: report.limitSeconds * BURST_TARGETS.ratioToLimit, dash: '2 3' },
          ]
        : [],
  });
}

function num(value: number | null, digits = 0): string {
  return value === null ? '—' : value.toFixed(digits);
}

function actions(byAction: Readonly<Record<string, number>>, throttled: Readonly<Record<string, number>>): string {
  const short = (action: string) => action.replace('TrafficMirrorSession', '').replace('TrafficMirrorSessions', '');
  return Object.entries(byAction)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([action, count]) => `${short(action)} ${count}${throttled[action] ? ` (${throttled[action]} thr.)` : ''}`)
    .join(', ');
}

/** The verdict, printed last: each strategy's ratio to the limit and requests per mirrored ENI. */
export function burstRatioLine(report: BurstBenchReport): string {
  const verdict = (value: number | null, target: number) => (value === null ? 'never reached' : `${value.toFixed(2)} (target ≤ ${target}${value <= target ? ', met' : ', MISSED'})`);
  return report.results
    .map((r) => `ratio ${r.strategy}: time / limit ${verdict(r.ratioToLimit, BURST_TARGETS.ratioToLimit)}; EC2 requests / mirrored ENI ${verdict(r.requestsPerMirroredEni, BURST_TARGETS.requestsPerMirroredEni)}`)
    .join('\n');
}

export function formatBurstTable(report: BurstBenchReport): string {
  const rows: [string, ...string[]][] = [];
  const results = report.results;
  const add = (figure: string, value: (r: StrategyResult) => string, target: string) => rows.push([figure, ...results.map(value), target]);
  if (results.some((r) => r.fleet)) {
    add('container instances (task ENIs each)', (r) => (r.fleet ? `${r.fleet.instances} × ${r.fleet.instanceType} (${r.fleet.taskEnisPerInstance})` : '—'), '');
    add('tasks awsvpc / bridge', (r) => (r.fleet ? `${r.fleet.awsvpcTasks} / ${r.fleet.bridgeTasks}` : '—'), '');
    add('source ENIs: of instances (bridge)', (r) => String(r.instanceEnis), '');
  }
  add('ENIs (mirrorable / unsupported / late)', (r) => `${r.enis} (${r.mirrorable} / ${r.unsupported} / ${r.lateEnis})`, '');
  add('mirrored / mirrorable', (r) => `${r.mirrored} / ${r.mirrorable} (${r.coveragePercent.toFixed(1)}%)`, '100%');
  add('time to full coverage', (r) => (r.fullCoverageSeconds === null ? 'never' : `${r.fullCoverageSeconds.toFixed(1)} s`), '');
  add(`… / limit ${report.limitSeconds.toFixed(0)} s`, (r) => num(r.ratioToLimit, 2), `≤ ${BURST_TARGETS.ratioToLimit}`);
  add('EC2 requests (throttled)', (r) => `${r.ec2Requests} (${r.ec2Throttled})`, '');
  add('EC2 requests / mirrored ENI', (r) => num(r.requestsPerMirroredEni, 2), `≤ ${BURST_TARGETS.requestsPerMirroredEni}`);
  add('duplicate sessions', (r) => String(r.duplicateSessions), '0');
  add('tasks wrongly stopped', (r) => `${r.tasksWronglyStopped} of ${r.tasksStopped} stopped`, '0');
  add('sessions lost', (r) => String(r.sessionsLost), '0');
  add('ECS requests (RunTask excluded)', (r) => String(r.ecsRequests), '');
  add('ATTACHED → session p50 / p99 / max', (r) => ['p50Ms', 'p99Ms', 'maxMs'].map((k) => num((r.latency[k as 'p50Ms'] ?? null) === null ? null : (r.latency[k as 'p50Ms'] as number) / 1000, 1)).join(' / ') + ' s', `p99 ≤ ${LATENCY_TARGETS.p99Ms / 1000} s`);
  add('session before RUNNING', (r) => (r.latency.beforeRunningPercent === null ? '—' : `${r.latency.beforeRunningPercent.toFixed(1)}%`), '100%');
  add('bench process peak RSS / heap', (r) => `${r.memory.peakRssMiB.toFixed(0)} / ${r.memory.peakHeapUsedMiB.toFixed(0)} MiB`, '');
  add('run ended by / after', (r) => `${r.endedBy} / ${r.runSeconds.toFixed(1)} s`, '');

  const header: [string, ...string[]] = ['figure', ...results.map((r) => r.strategy), 'target'];
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  out.push('');
  for (const r of results) {
    out.push(`${r.strategy}: ${r.label}`);
    out.push(`  EC2 by action: ${actions(r.ec2ByAction, r.ec2ThrottledByAction)}`);
    for (const [action, codes] of Object.entries(r.ec2ErrorsByAction ?? {})) {
      out.push(`  EC2 ${action} errors: ${Object.entries(codes).map(([code, n]) => `${code} ${n}`).join(', ')}`);
    }
    out.push(`  ${Object.entries(r.details).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    out.push(`  ${formatLatency(r.latency)}`);
    if (r.competitor) {
      const c = r.competitor;
      out.push(
        `  another client of the account: ${c.createsPerSecond} creates/s asked, ${c.achievedCreatesPerSecond.toFixed(2)}/s achieved (${c.createsSucceeded} created, ${c.createsFailed} failed, ` +
          `${c.createAttemptsThrottled} attempts throttled, ${c.ec2Requests} EC2 requests — not counted as ours, but in "EC2 by action")`,
      );
    }
    if (r.groundTruth) out.push(`  groundTruth at the end: mirrored ${r.groundTruth.mirrored}/${r.groundTruth.mirrorable}, duplicates ${r.groundTruth.duplicateSessions}, unsupported ${r.groundTruth.unsupported}`);
  }
  const quiet = report.seedWithoutActivating;
  if (quiet) {
    out.push('');
    out.push(
      `seed, ACTIVATING not announced (PROVISIONING → PENDING → RUNNING): ${quiet.mirrored}/${quiet.mirrorable} mirrored (${quiet.coveragePercent.toFixed(1)}%), ` +
        `${quiet.details.invocations ?? 0} invocations, ${quiet.ec2Requests} EC2 requests, run ended by ${quiet.endedBy} after ${quiet.runSeconds.toFixed(1)} s`,
    );
  }
  return `${out.join('\n')}\n`;
}
