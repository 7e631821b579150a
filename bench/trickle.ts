/**
 * Trickle benchmark: tasks start one at a time at a steady rate, as in a normal day, and each
 * ENI's time from ATTACHED to our session existing is measured, with the share of sessions that
 * existed before their task was RUNNING (traffic before the session is never mirrored).
 *
 * Ours runs as in the burst benchmark (src: oursStrategy, the construct's queue settings and
 * topology delays); the emulator's tasks spend an image pull of `pullMs` (uniform) in PENDING.
 * With EC2 capacity the tasks are awsvpc tasks on a fleet sized for all of them, launched first.
 */
import { startEmulator } from '../src/emulator/index.js';
import type { ProfileName } from '../src/emulator/profile.js';
import { createCluster, createMirrorTargetAndFilter, emulatorClients, registerFargateTaskDefinition, runFargateTasks } from '../src/demo/world.js';
import { instanceCapacityOf, launchFleet, planFleet, registerEc2TaskDefinitions, runEc2TaskBatch } from './ec2-fleet.js';
import { formatLatency, LATENCY_TARGETS, SessionFirstSeen, type LatencySummary, type LatencyTask } from './latency.js';
import { oursStrategy, type OursSettings } from './strategies.js';

const HOST = '127.0.0.1';
const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/suricata/0123456789abcdef';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const POLL_MS = 50;
/** After the last start: time allowed for the last sessions. */
const TAIL_MS = 30_000;

export interface TrickleOptions {
  readonly tasks: number;
  /** Default Fargate; EC2: awsvpc tasks on container instances of this type. */
  readonly ec2InstanceType?: string;
  readonly intervalMs: number;
  readonly profile: ProfileName;
  readonly seed: number;
  readonly pullMs: { readonly min: number; readonly max: number };
  readonly ours: OursSettings;
  readonly progress: (line: string) => void;
}

export interface TrickleResult {
  readonly options: Omit<TrickleOptions, 'progress'>;
  readonly label: string;
  readonly latency: LatencySummary;
  readonly mirrorable: number;
  readonly ec2Requests: number;
  readonly ec2Throttled: number;
  readonly ec2ByAction: Readonly<Record<string, number>>;
  readonly details: Readonly<Record<string, number>>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Json = Record<string, unknown>;

export async function runTrickleBench(options: TrickleOptions): Promise<TrickleResult> {
  const emulator = await startEmulator({ port: 0, host: HOST, profile: options.profile, seed: options.seed, timing: { imagePullMs: options.pullMs } });
  const clients = emulatorClients(emulator.url, emulator.region, 10);
  try {
    const { targetId, filterId } = await createMirrorTargetAndFilter(clients, NLB_ARN);
    const clusterArn = await createCluster(clients, 'trickle');
    const image = 'public.ecr.aws/nginx/nginx:stable';
    const subnets = [...emulator.network.subnets.keys()];
    const instanceType = options.ec2InstanceType;
    let runOne: () => Promise<string[]>;
    if (instanceType === undefined) {
      const taskDefinition = await registerFargateTaskDefinition(clients, 'trickle-app', image);
      runOne = () => runFargateTasks(clients, clusterArn, taskDefinition, 1, subnets);
    } else {
      await launchFleet(emulator, 'trickle', planFleet({ tasks: options.tasks, bridgeShare: 0, instanceType, capacity: instanceCapacityOf(instanceType) }));
      const { awsvpc } = await registerEc2TaskDefinitions(clients, 'trickle-app', image);
      runOne = () => runEc2TaskBatch(clients, clusterArn, awsvpc, 1, subnets);
    }
    const strategy = oursStrategy(options.ours);
    const running = strategy.start({ emulator, targetId, filterId, clusterArn, aws: { endpoint: emulator.url, region: emulator.region, credentials: CREDENTIALS } });
    emulator.resetStats();

    const firstSeen = new SessionFirstSeen(POLL_MS);
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const withSession: string[] = [];
        let nextToken: string | undefined;
        do {
          const page = emulator.ec2.describeSessions({ filters: [{ name: 'traffic-mirror-target-id', values: [targetId] }], maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
          for (const session of page.items) withSession.push(session.networkInterfaceId);
          nextToken = page.nextToken;
        } while (nextToken);
        firstSeen.saw(withSession);
        await sleep(POLL_MS);
      }
    })();

    const arns: string[] = [];
    const started = performance.now();
    for (let i = 0; i < options.tasks; i++) {
      const due = started + i * options.intervalMs;
      await sleep(Math.max(0, due - performance.now()));
      arns.push(...(await runOne()));
      if ((i + 1) % 25 === 0) options.progress(`  trickle: ${i + 1}/${options.tasks} tasks started, t=${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    const tasks: LatencyTask[] = arns.map((taskArn) => {
      const view = emulator.ecs.describeTask(taskArn);
      const attachment = ((view?.attachments ?? []) as Json[]).find((a) => a.type === 'ElasticNetworkInterface' || a.type === 'eni');
      const detail = ((attachment?.details ?? []) as Json[]).find((d) => d.name === 'networkInterfaceId');
      const networkInterfaceId = typeof detail?.value === 'string' ? detail.value : undefined;
      const eni = networkInterfaceId ? emulator.network.enis.get(networkInterfaceId) : undefined;
      return { taskArn, networkInterfaceId, mirrorable: eni !== undefined && eni.mirroringSupported && eni.interfaceType === 'interface' };
    });
    const mirrorable = tasks.filter((t) => t.mirrorable && t.networkInterfaceId);
    const tailUntil = performance.now() + TAIL_MS;
    while (performance.now() < tailUntil) {
      if (mirrorable.every((t) => firstSeen.summary(emulator, [t]).count === 1)) break;
      await sleep(250);
    }
    await running.quiesce(5_000);
    polling = false;
    await poller;
    const latency = firstSeen.summary(emulator, tasks);
    const stats = emulator.stats();
    const details = running.details();
    await running.stop();
    const { progress: _progress, ...rest } = options;
    return {
      options: rest,
      label: strategy.label,
      latency,
      mirrorable: mirrorable.length,
      ec2Requests: stats.ec2.total,
      ec2Throttled: stats.ec2.throttledTotal,
      ec2ByAction: stats.ec2.requests,
      details,
    };
  } finally {
    clients.ec2.destroy();
    clients.ecs.destroy();
    await emulator.close();
  }
}

export function formatTrickle(result: TrickleResult): string {
  const o = result.options;
  const l = result.latency;
  const p99 = l.p99Ms === null ? null : l.p99Ms / LATENCY_TARGETS.p99Ms;
  return [
    `trickle: ${o.tasks} ${o.ec2InstanceType === undefined ? 'Fargate tasks' : `EC2 awsvpc tasks on ${o.ec2InstanceType} container instances`}, one every ${(o.intervalMs / 1000).toFixed(1)} s, profile ${o.profile}, seed ${o.seed}, image pull ${o.pullMs.min / 1000}–${o.pullMs.max / 1000} s`,
    `ours: ${result.label}`,
    `EC2 requests ${result.ec2Requests} (throttled ${result.ec2Throttled}) for ${result.mirrorable} mirrorable ENIs: ${Object.entries(result.ec2ByAction).map(([a, n]) => `${a} ${n}`).join(', ')}`,
    `  ${Object.entries(result.details).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    formatLatency(l),
    `ratio p99 / 3 s: ${p99 === null ? '—' : `${p99.toFixed(2)} (target ≤ 1${p99 <= 1 ? ', met' : ', MISSED'})`}; before RUNNING ${l.beforeRunningPercent === null ? '—' : `${l.beforeRunningPercent.toFixed(1)}%`} (target 100%${l.beforeRunningPercent === 100 ? ', met' : ', MISSED'})`,
  ].join('\n');
}
