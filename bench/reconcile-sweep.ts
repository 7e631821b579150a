/**
 * Reconcile benchmark: a sweep over 10,000 running tasks and 10,000 sessions in
 * the emulator, its calls per action against the fewest calls that can answer the question
 * (list pages + ceil(tasks/100) DescribeTasks + ceil(sessions/1000) DescribeTrafficMirrorSessions),
 * and its wall time. Some sessions are missing and some orphaned, so the sweep also acts.
 *
 * With `drift` (percent), that share of the sessions carries a packet length the configuration no
 * longer asks for: the sweep changes each in place (one ModifyTrafficMirrorSession), and the
 * minimum grows by one call per drifted session.
 *
 *   npx tsx bench/reconcile-sweep.ts [tasks=10000] [churn=50] [drift=0]
 */
import { pathToFileURL } from 'node:url';
import { reconcile, type ReconcileReport } from '../src/app/reconcile.js';
import { composeAppDeps } from '../src/aws/compose.js';
import { planSessionForEni } from '../src/core/plan.js';
import { parseTaskDetail } from '../src/core/event.js';
import { groundTruth } from '../src/emulator/ground-truth.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import { noMetrics, silentLogger } from '../src/ports/index.js';

const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/bench/0123456789abcdef';
const CLUSTERS = 4;

export interface SweepBenchResult {
  readonly tasks: number;
  readonly sessionsBefore: number;
  readonly churn: number;
  readonly failures: number;
  readonly minimumReads: number;
  readonly reads: number;
  readonly ratio: number;
  readonly calls: Readonly<Record<string, number>>;
  readonly wallSeconds: number;
  readonly created: number;
  readonly deleted: number;
  readonly steadyCalls: number;
  readonly steadySeconds: number;
  /** Sessions made to differ from the configuration (packet length), and those the sweep modified. */
  readonly drifted: number;
  readonly modified: number;
  /** Every call of the sweep (reads and ModifyTrafficMirrorSession) against the minimum reads plus one modify per drifted session. */
  readonly driftRatio: number;
}

const READ_ACTIONS = new Set(['ListClusters', 'ListTasks', 'DescribeTasks', 'DescribeTrafficMirrorSessions']);

async function startTasks(emulator: RunningEmulator, tasks: number): Promise<number[]> {
  const subnets = [...emulator.network.subnets.keys()];
  const perCluster: number[] = [];
  await emulator.ecs.handle('RegisterTaskDefinition', {
    family: 'bench',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: 'nginx' }],
  });
  for (let c = 0; c < CLUSTERS; c++) {
    const count = Math.floor(tasks / CLUSTERS) + (c < tasks % CLUSTERS ? 1 : 0);
    perCluster.push(count);
    await emulator.ecs.handle('CreateCluster', { clusterName: `bench-${c}` });
    await emulator.ecs.handle('CreateService', {
      cluster: `bench-${c}`,
      serviceName: 'app',
      taskDefinition: 'bench',
      desiredCount: count,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets } },
    });
  }
  await emulator.ecs.idle(120_000);
  return perCluster;
}

/** `count` standalone tasks of bench-0, run and stopped: what orphaned sessions belonged to. */
async function stoppedTasks(emulator: RunningEmulator, count: number): Promise<string[]> {
  if (count === 0) return [];
  const subnets = [...emulator.network.subnets.keys()];
  const arns: string[] = [];
  while (arns.length < count) {
    const run = (await emulator.ecs.handle('RunTask', {
      cluster: 'bench-0',
      taskDefinition: 'bench',
      count: Math.min(10, count - arns.length),
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets } },
    })) as { tasks?: { taskArn?: string }[] };
    arns.push(...(run.tasks ?? []).flatMap((t) => (t.taskArn ? [t.taskArn] : [])));
  }
  for (const taskArn of arns) await emulator.ecs.waitForTaskStatus(taskArn, 'RUNNING', 120_000);
  for (const taskArn of arns) await emulator.ecs.handle('StopTask', { cluster: 'bench-0', task: taskArn, reason: 'bench orphan' });
  for (const taskArn of arns) await emulator.ecs.waitForTaskStatus(taskArn, 'STOPPED', 120_000);
  return arns;
}

export async function runReconcileBench(tasks = 10_000, churn = 50, driftPercent = 0): Promise<SweepBenchResult> {
  const emulator = await startEmulator({ port: 0, profile: 'ideal', seed: 11, timing: { stepDelayMs: 1, schedulerIntervalMs: 20 } });
  try {
    const target = emulator.ec2.createTarget({ networkLoadBalancerArn: NLB_ARN }).trafficMirrorTarget.trafficMirrorTargetId;
    const filter = emulator.ec2.createFilter().trafficMirrorFilter.trafficMirrorFilterId;
    const perCluster = await startTasks(emulator, tasks);
    const options = { targetId: target, filterId: filter, sessionNumber: 1 };

    // What the event path would have left: a managed session per task ENI, except `churn` of them,
    // plus `churn` managed sessions whose ENI belongs to no task any more.
    const truth = await groundTruth(emulator, target);
    const [subnetId] = emulator.network.subnets.keys();
    const withSession = Math.max(0, truth.enis.length - churn);
    const driftEvery = driftPercent > 0 ? Math.max(1, Math.round(100 / driftPercent)) : 0;
    let drifted = 0;
    for (const [index, eni] of truth.enis.entries()) {
      if (index < churn) continue;
      const drifts = driftEvery > 0 && (index - churn) % driftEvery === 0 && drifted < Math.round((withSession * driftPercent) / 100);
      if (drifts) drifted++;
      const described = emulator.ecs.describeTask(eni.taskArn);
      const plan = planSessionForEni(parseTaskDetail(described), eni.networkInterfaceId, options);
      emulator.ec2.createSession({
        networkInterfaceId: plan.networkInterfaceId,
        trafficMirrorTargetId: target,
        trafficMirrorFilterId: filter,
        sessionNumber: 1,
        ...(drifts ? { packetLength: 64 } : {}),
        description: plan.description,
        tags: plan.tags,
        clientToken: plan.clientToken,
      });
    }
    // Orphans name a task that ECS describes as STOPPED: the sweep deletes only on that evidence,
    // never because a task is merely absent from the listing (that costs one DescribeTasks per
    // 100 orphans, not counted in the minimum below).
    const stoppedArns = await stoppedTasks(emulator, churn);
    for (const taskArn of stoppedArns) {
      const orphan = emulator.network.createEni({ subnetId: subnetId ?? '' });
      emulator.ec2.createSession({
        networkInterfaceId: orphan.networkInterfaceId,
        trafficMirrorTargetId: target,
        trafficMirrorFilterId: filter,
        sessionNumber: 1,
        tags: { 'ecs-traffic-mirror:managed': 'true', 'ecs-traffic-mirror:cluster': 'bench-0', 'ecs-traffic-mirror:task-arn': taskArn },
      });
    }
    const sessionsBefore = emulator.ec2.sessionCount();

    const deps = composeAppDeps({
      env: { MIRROR_TARGET_ID: target, MIRROR_FILTER_ID: filter },
      logger: silentLogger,
      metrics: noMetrics,
      aws: { endpoint: emulator.url, region: emulator.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } },
    });
    emulator.resetStats();
    const started = performance.now();
    const report: ReconcileReport = await reconcile(deps, { dryRun: false, actionsPerSecond: 1_000 });
    const wallSeconds = (performance.now() - started) / 1000;
    const stats = emulator.stats();
    const calls = { ...stats.ec2.requests, ...stats.ecs.requests };
    const reads = Object.entries(calls).reduce((sum, [action, n]) => sum + (READ_ACTIONS.has(action) ? n : 0), 0);
    const listTaskPages = perCluster.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / 100)), 0);
    const minimumReads = 1 + listTaskPages + perCluster.reduce((sum, n) => sum + Math.ceil(n / 100), 0) + Math.ceil(sessionsBefore / 1000);
    const modifies = calls['ModifyTrafficMirrorSession'] ?? 0;

    emulator.resetStats();
    const steadyStarted = performance.now();
    await reconcile(deps, { dryRun: false, actionsPerSecond: 1_000 });
    const steadySeconds = (performance.now() - steadyStarted) / 1000;
    return {
      tasks,
      sessionsBefore,
      churn,
      failures: report.failures.length,
      minimumReads,
      reads,
      ratio: reads / minimumReads,
      calls,
      wallSeconds,
      created: report.created.length,
      deleted: report.deleted.length,
      steadyCalls: emulator.stats().total,
      steadySeconds,
      drifted,
      modified: report.modified.length,
      driftRatio: (reads + modifies) / (minimumReads + drifted),
    };
  } finally {
    await emulator.close();
  }
}

export function formatReconcileBench(result: SweepBenchResult): string {
  const rows = Object.entries(result.calls).sort(([a], [b]) => a.localeCompare(b)).map(([action, n]) => `  ${action.padEnd(32)} ${String(n).padStart(6)}`);
  return [
    `reconcile sweep: ${result.tasks} running tasks in ${CLUSTERS} clusters, ${result.sessionsBefore} sessions (${result.churn} task ENIs without one, ${result.churn} orphaned)`,
    ...rows,
    `  created ${result.created}, deleted ${result.deleted}, failed ${result.failures}; a second sweep (nothing to do): ${result.steadyCalls} calls, ${result.steadySeconds.toFixed(1)} s; wall ${result.wallSeconds.toFixed(1)} s`,
    `ratio reads / minimum: ${result.reads} / ${result.minimumReads} = ${result.ratio.toFixed(3)} (target ≤ 1.05, ${result.ratio <= 1.05 ? 'met' : 'MISSED'})`,
    ...(result.drifted > 0
      ? [`  drift: ${result.drifted} sessions drifted, ${result.modified} modified in place; calls (reads + modifies) ${((result.driftRatio * (result.minimumReads + result.drifted))).toFixed(0)} vs minimum ${result.minimumReads + result.drifted}: ratio ${result.driftRatio.toFixed(3)}`]
      : []),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [tasks, churn, drift] = process.argv.slice(2).map(Number);
  process.stdout.write(`${formatReconcileBench(await runReconcileBench(tasks || undefined, churn || undefined, drift || undefined))}\n`);
}
