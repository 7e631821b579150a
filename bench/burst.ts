/**
 * Burst benchmark: N tasks start at once, on Fargate or on EC2 container instances; how fast, how
 * cheaply and how exactly does each strategy mirror their ENIs against EC2's token buckets?
 *
 * What must be mirrored is counted in sources, the ENIs that carry the tasks' traffic: on Fargate
 * and for awsvpc tasks on EC2 each task's own ENI; for bridge tasks the primary ENI of their
 * container instance, one source (one create) however many of them run there.
 *
 * Each strategy gets its own emulator, started with the same profile and seed: same tasks, same
 * late and unsupported ENIs (decided at RunTask, before any strategy acts). Duplicate and reordered
 * events draw from the same random stream as session ids, so they can differ once the strategies'
 * calls interleave differently. Under the hostile profile ECS throttles RunTask too, its retries
 * let lifecycle steps (and their draws) slip in between, and the two populations differ: compare
 * percentages there.
 */
import { CONSTRUCT_QUEUE_SETTINGS } from '../src/emulator/event-delivery.js';
import { groundTruth } from '../src/emulator/ground-truth.js';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import type { NetworkInterface } from '../src/emulator/network.js';
import type { EmulatorTiming, ProfileName } from '../src/emulator/profile.js';
import { createCluster, createMirrorTargetAndFilter, emulatorClients, registerFargateTaskDefinition, runFargateTasks, type EmulatorClients } from '../src/demo/world.js';
import type { LaunchedContainerInstance } from '../src/emulator/capacity.js';
import { instanceCapacityOf, launchFleet, planFleet, registerEc2TaskDefinitions, runEc2Tasks, type FleetPlan } from './ec2-fleet.js';
import { startCompetitor, type CompetitorStats, type RunningCompetitor } from './competitor.js';
import { SessionFirstSeen, type LatencySummary } from './latency.js';
import type { Strategy } from './strategies.js';

const HOST = '127.0.0.1';
const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/suricata/0123456789abcdef';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
/** EC2's mutating bucket (EC2 API reference, request throttling): 50 at once, then 5 per second. */
const MUTATING_BURST = 50;
const MUTATING_REFILL_PER_SECOND = 5;
const POLL_MS = 250;
/** A settled strategy (nothing queued, running or scheduled) must stay so this long to end the run. */
const SETTLE_MS = 2_000;
/** After full coverage: time allowed for the events still queued to be handled, so their calls count. */
const DRAIN_MS = 15_000;

/** Shortened from the construct's 360 s so that a redelivery shows within a run. */
export const BENCH_VISIBILITY_TIMEOUT_MS = 10_000;
export const BENCH_QUEUE_DEFAULTS = { ...CONSTRUCT_QUEUE_SETTINGS, visibilityTimeoutMs: BENCH_VISIBILITY_TIMEOUT_MS };

/**
 * (N − 50) / 5 s: the first 50 creates are in the bucket, the rest wait for its refill; with
 * another client spending `sharedPerSecond` of that refill, (N − 50) / (5 − it).
 */
export function physicalLimitSeconds(tasks: number, sharedPerSecond = 0): number {
  return Math.max(0, tasks - MUTATING_BURST) / (MUTATING_REFILL_PER_SECOND - sharedPerSecond);
}

export function deadlineSeconds(tasks: number, sharedPerSecond = 0): number {
  return 3 * physicalLimitSeconds(tasks, sharedPerSecond) + 60;
}

/** Where the burst's tasks run. */
export type BurstCapacity =
  | { readonly kind: 'fargate' }
  | { readonly kind: 'ec2'; readonly instanceType: string; readonly bridgeShare: number };

export const FARGATE: BurstCapacity = { kind: 'fargate' };

export interface BurstRunOptions {
  readonly tasks: number;
  /** Default Fargate. */
  readonly capacity?: BurstCapacity;
  readonly profile: ProfileName;
  readonly seed: number;
  readonly timing?: Partial<EmulatorTiming>;
  /** Stop the run when this many seconds have passed since the burst. */
  readonly deadlineSeconds: number;
  readonly progress?: (line: string) => void;
  /** Another client of the account spends this many CreateTrafficMirrorSession calls per second during the burst (0 = none). */
  readonly competitorCreatesPerSecond?: number;
}

export interface CoverageSample {
  /** Seconds since the burst started. */
  readonly t: number;
  readonly mirrored: number;
  readonly percent: number;
  readonly ec2Requests: number;
  readonly ec2Throttled: number;
}

export interface StrategyResult {
  readonly strategy: string;
  readonly label: string;
  readonly settings: Readonly<Record<string, number | string | boolean | null>>;
  readonly tasks: number;
  readonly capacity: BurstCapacity['kind'];
  /** EC2 capacity: the fleet the tasks ran on. */
  readonly fleet: FleetPlan | null;
  /** Sources: task ENIs, plus one primary ENI per instance running bridge tasks. */
  readonly enis: number;
  /** Of the sources, primary ENIs of container instances (bridge tasks). */
  readonly instanceEnis: number;
  readonly mirrorable: number;
  readonly unsupported: number;
  readonly lateEnis: number;
  readonly mirrored: number;
  readonly coveragePercent: number;
  /** Seconds from the burst to every mirrorable ENI mirrored; null when never reached. */
  readonly fullCoverageSeconds: number | null;
  readonly limitSeconds: number;
  readonly ratioToLimit: number | null;
  /** EC2 requests of the strategy (the competitor's are not counted). */
  readonly ec2Requests: number;
  readonly ec2Throttled: number;
  readonly ec2RequestsAtCoverage: number | null;
  /** The other client of the account, when there was one. */
  readonly competitor: CompetitorStats | null;
  readonly ec2ByAction: Readonly<Record<string, number>>;
  readonly ec2ThrottledByAction: Readonly<Record<string, number>>;
  /** Errors the emulator answered, per action and code (throttles included). */
  readonly ec2ErrorsByAction: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly ecsRequests: number;
  readonly ecsByAction: Readonly<Record<string, number>>;
  readonly requestsPerMirroredEni: number | null;
  readonly duplicateSessions: number;
  readonly tasksStopped: number;
  readonly tasksWronglyStopped: number;
  readonly sessionsLost: number;
  readonly endedBy: 'full-coverage' | 'settled' | 'deadline';
  readonly runSeconds: number;
  readonly samples: readonly CoverageSample[];
  readonly details: Readonly<Record<string, number>>;
  /** ENI ATTACHED → session, inside the burst (sessions seen by the coverage poll). */
  readonly latency: LatencySummary;
  /** Peak resident set size and V8 heap of the bench process, which runs the event Lambdas' code (MiB). */
  readonly memory: { readonly peakRssMiB: number; readonly peakHeapUsedMiB: number };
  /** src/emulator/ground-truth.ts at the end, as a cross-check of the figures above. */
  readonly groundTruth: { readonly mirrorable: number; readonly mirrored: number; readonly duplicateSessions: number; readonly unsupported: number } | null;
}

export interface LaunchedTask {
  readonly taskArn: string;
  readonly group: string;
  /** The ENI its traffic leaves by: its own, or its container instance's primary ENI. */
  readonly networkInterfaceId: string | undefined;
  readonly mirrorable: boolean;
  readonly late: boolean;
  readonly onInstanceEni: boolean;
}

/** One ENI to mirror and the tasks whose traffic it carries. */
export interface Source {
  readonly networkInterfaceId: string;
  readonly mirrorable: boolean;
  readonly late: boolean;
  readonly onInstanceEni: boolean;
  readonly tasks: readonly LaunchedTask[];
}

type Json = Record<string, unknown>;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Task ENIs by attachment id: ECS creates each with the attachment's ARN as its description. */
function enisByAttachment(emulator: RunningEmulator): Map<string, NetworkInterface> {
  const byAttachment = new Map<string, NetworkInterface>();
  for (const eni of emulator.network.enis.values()) {
    const id = /:attachment\/(.+)$/.exec(eni.description)?.[1];
    if (id) byAttachment.set(id, eni);
  }
  return byAttachment;
}

/**
 * Right after RunTask, while the attachment is PRECREATED and the task view shows no ENI id yet.
 * A task without an ENI attachment on a container instance (bridge) is sourced by the instance's
 * primary ENI, as the product's door does (src/core/door.ts).
 */
function launchedTask(emulator: RunningEmulator, taskArn: string, byAttachment: ReadonlyMap<string, NetworkInterface>, primaryEnis: ReadonlyMap<string, string>): LaunchedTask {
  const view = emulator.ecs.describeTask(taskArn);
  const attachment = ((view?.attachments ?? []) as Json[]).find((a) => a.type === 'ElasticNetworkInterface' || a.type === 'eni');
  const own = typeof attachment?.id === 'string' ? byAttachment.get(attachment.id) : undefined;
  const primaryId = own === undefined && typeof view?.containerInstanceArn === 'string' ? primaryEnis.get(view.containerInstanceArn) : undefined;
  const eni = own ?? (primaryId === undefined ? undefined : emulator.network.enis.get(primaryId));
  return {
    taskArn,
    group: String(view?.group ?? ''),
    networkInterfaceId: eni?.networkInterfaceId,
    mirrorable: eni !== undefined && eni.mirroringSupported && eni.interfaceType === 'interface',
    late: eni !== undefined && eni.visibleAt > 0,
    onInstanceEni: own === undefined && eni !== undefined,
  };
}

/** One source per distinct ENI: the physical limit counts one create for each. */
export function sourcesOf(launched: readonly LaunchedTask[]): Source[] {
  const byEni = new Map<string, LaunchedTask[]>();
  for (const task of launched) {
    if (task.networkInterfaceId === undefined) continue;
    const tasks = byEni.get(task.networkInterfaceId);
    if (tasks) tasks.push(task);
    else byEni.set(task.networkInterfaceId, [task]);
  }
  return [...byEni].map(([networkInterfaceId, tasks]) => {
    const first = tasks[0] as LaunchedTask;
    return { networkInterfaceId, mirrorable: first.mirrorable, late: first.late, onInstanceEni: first.onInstanceEni, tasks };
  });
}

/** Sessions to the target per ENI, read in-process (not counted, not throttled, no random draws). */
function sessionsPerEni(emulator: RunningEmulator, targetId: string): Map<string, number> {
  const counts = new Map<string, number>();
  let nextToken: string | undefined;
  do {
    const page = emulator.ec2.describeSessions({ filters: [{ name: 'traffic-mirror-target-id', values: [targetId] }], maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
    for (const session of page.items) counts.set(session.networkInterfaceId, (counts.get(session.networkInterfaceId) ?? 0) + 1);
    nextToken = page.nextToken;
  } while (nextToken);
  return counts;
}

interface Observation {
  readonly mirrored: number;
  readonly duplicates: number;
  readonly stopped: readonly LaunchedTask[];
  readonly atRest: boolean;
}

function observe(emulator: RunningEmulator, targetId: string, launched: readonly LaunchedTask[], sources: readonly Source[], seen?: SessionFirstSeen): Observation {
  const sessions = sessionsPerEni(emulator, targetId);
  seen?.saw(sessions.keys());
  let atRest = true;
  const stopped: LaunchedTask[] = [];
  const running = new Set<string>();
  for (const task of launched) {
    const view = emulator.ecs.describeTask(task.taskArn);
    const desired = String(view?.desiredStatus ?? 'STOPPED');
    const last = String(view?.lastStatus ?? 'STOPPED');
    if (desired === 'STOPPED') stopped.push(task);
    else running.add(task.taskArn);
    if (!(last === 'RUNNING' && desired === 'RUNNING') && last !== 'STOPPED') atRest = false;
  }
  // A stopped task's ENI is deleted with its sessions: it counts as not mirrored; an instance's
  // primary ENI counts while one of its tasks is still meant to run.
  let mirrored = 0;
  for (const source of sources) {
    if (source.mirrorable && (sessions.get(source.networkInterfaceId) ?? 0) > 0 && source.tasks.some((t) => running.has(t.taskArn))) mirrored++;
  }
  let duplicates = 0;
  for (const count of sessions.values()) duplicates += Math.max(0, count - 1);
  return { mirrored, duplicates, stopped, atRest };
}

async function finalGroundTruth(emulator: RunningEmulator, targetId: string): Promise<StrategyResult['groundTruth']> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const truth = await groundTruth(emulator, targetId);
      return { mirrorable: truth.mirrorable, mirrored: truth.mirrored, duplicateSessions: truth.duplicateSessions, unsupported: truth.unsupported };
    } catch {
      // The hostile profile throttles ECS calls, in-process ones included.
    }
  }
  return null;
}

interface Launched {
  readonly arns: string[];
  readonly fleet: readonly LaunchedContainerInstance[];
  readonly plan: FleetPlan | null;
}

/** Setup that is not measured (the fleet), then `burst()`: the RunTask calls, which are. */
async function prepareLaunch(emulator: RunningEmulator, clients: EmulatorClients, capacity: BurstCapacity, tasks: number): Promise<{ clusterArn: string; burst: () => Promise<Launched> }> {
  const clusterArn = await createCluster(clients, 'burst');
  const subnets = [...emulator.network.subnets.keys()];
  const image = 'public.ecr.aws/nginx/nginx:stable';
  if (capacity.kind === 'fargate') {
    const taskDefinition = await registerFargateTaskDefinition(clients, 'burst-app', image);
    return { clusterArn, burst: async () => ({ arns: await runFargateTasks(clients, clusterArn, taskDefinition, tasks, subnets), fleet: [], plan: null }) };
  }
  const plan = planFleet({ tasks, bridgeShare: capacity.bridgeShare, instanceType: capacity.instanceType, capacity: instanceCapacityOf(capacity.instanceType) });
  const fleet = await launchFleet(emulator, 'burst', plan);
  const definitions = await registerEc2TaskDefinitions(clients, 'burst-app', image);
  return { clusterArn, burst: async () => ({ arns: await runEc2Tasks(clients, clusterArn, definitions, plan, subnets), fleet, plan }) };
}

/** One strategy, one emulator: set up, burst, watch until full coverage, settled or deadline. */
export async function runBurstStrategy(strategy: Strategy, options: BurstRunOptions): Promise<StrategyResult> {
  const emulator = await startEmulator({ port: 0, host: HOST, profile: options.profile, seed: options.seed, ...(options.timing ? { timing: options.timing } : {}) });
  // Setup calls retry hard: the hostile profile throttles ECS, and setup is not what is measured.
  const clients = emulatorClients(emulator.url, emulator.region, 10);
  let competitor: RunningCompetitor | undefined;
  let competitorStats: CompetitorStats | null = null;
  try {
    const { targetId, filterId } = await createMirrorTargetAndFilter(clients, NLB_ARN);
    const capacity = options.capacity ?? FARGATE;
    const { clusterArn, burst } = await prepareLaunch(emulator, clients, capacity, options.tasks);
    const running = strategy.start({ emulator, targetId, filterId, clusterArn, aws: { endpoint: emulator.url, region: emulator.region, credentials: CREDENTIALS } });
    emulator.resetStats();

    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    // RunTask takes at most 10 tasks per call: N/10 calls in a row, as a deploy script would.
    const { arns, fleet, plan } = await burst();
    const byAttachment = enisByAttachment(emulator);
    const primaryEnis = new Map(fleet.map((i) => [i.containerInstanceArn, i.primaryNetworkInterfaceId]));
    const launched = arns.map((arn) => launchedTask(emulator, arn, byAttachment, primaryEnis));
    const sources = sourcesOf(launched);
    const mirrorable = sources.filter((s) => s.mirrorable).length;
    const shared = options.competitorCreatesPerSecond ?? 0;
    // One create per source: N on Fargate; on EC2 fewer when bridge tasks share an instance.
    const limitSeconds = physicalLimitSeconds(sources.length, shared);
    // From the end of RunTask (so that the tasks and their ENIs are those of the unshared run).
    if (shared > 0) competitor = await startCompetitor(emulator, { createsPerSecond: shared, aws: { endpoint: emulator.url, region: emulator.region, credentials: CREDENTIALS } });
    const competitorRequests = () => competitor?.requests() ?? 0;

    const samples: CoverageSample[] = [];
    let fullCoverageSeconds: number | null = null;
    let ec2RequestsAtCoverage: number | null = null;
    let endedBy: StrategyResult['endedBy'] = 'deadline';
    let settledSince: number | undefined;
    let lastProgress = 0;
    const firstSeen = new SessionFirstSeen(POLL_MS);
    const memory = { peakRssMiB: 0, peakHeapUsedMiB: 0 };
    const sampleMemory = () => {
      const usage = process.memoryUsage();
      memory.peakRssMiB = Math.max(memory.peakRssMiB, usage.rss / 2 ** 20);
      memory.peakHeapUsedMiB = Math.max(memory.peakHeapUsedMiB, usage.heapUsed / 2 ** 20);
    };
    for (;;) {
      const t = seconds();
      sampleMemory();
      const seen = observe(emulator, targetId, launched, sources, firstSeen);
      const stats = emulator.stats().ec2;
      const ours = stats.total - competitorRequests();
      samples.push({ t, mirrored: seen.mirrored, percent: mirrorable === 0 ? 100 : (seen.mirrored / mirrorable) * 100, ec2Requests: ours, ec2Throttled: stats.throttledTotal - (competitor?.throttled() ?? 0) });
      if (t - lastProgress >= 5) {
        lastProgress = t;
        options.progress?.(`  ${strategy.name} t=${t.toFixed(1)}s mirrored ${seen.mirrored}/${mirrorable} EC2 requests ${ours}${competitor ? ' (ours)' : ''} (throttled ${stats.throttledTotal})`);
      }
      if (seen.mirrored === mirrorable) {
        fullCoverageSeconds = t;
        ec2RequestsAtCoverage = ours;
        endedBy = 'full-coverage';
        break;
      }
      if (seen.atRest && (await running.settled())) {
        settledSince ??= t;
        if (t - settledSince >= SETTLE_MS / 1000) {
          endedBy = 'settled';
          break;
        }
      } else settledSince = undefined;
      if (t >= options.deadlineSeconds) break;
      await sleep(POLL_MS);
    }
    // What is still queued (later events of the same tasks) is part of the strategy's cost.
    if (endedBy === 'full-coverage') await running.quiesce(DRAIN_MS);
    if (competitor) competitorStats = await competitor.stop();
    sampleMemory();
    const runSeconds = seconds();
    const stats = emulator.stats();
    const final = observe(emulator, targetId, launched, sources, firstSeen);
    // One latency per source, timed by its first task (for an instance ENI: the first bridge task placed on it).
    const latency = firstSeen.summary(emulator, sources.map((s) => s.tasks[0] as LaunchedTask));
    const truth = await finalGroundTruth(emulator, targetId);
    const details = running.details();
    await running.stop();

    const mirrored = final.mirrored;
    return {
      strategy: strategy.name,
      label: strategy.label,
      settings: strategy.settings,
      tasks: options.tasks,
      capacity: capacity.kind,
      fleet: plan,
      enis: sources.length,
      instanceEnis: sources.filter((s) => s.onInstanceEni).length,
      mirrorable,
      unsupported: sources.filter((s) => !s.mirrorable).length,
      lateEnis: sources.filter((s) => s.late).length,
      mirrored,
      coveragePercent: mirrorable === 0 ? 100 : (mirrored / mirrorable) * 100,
      fullCoverageSeconds,
      limitSeconds,
      ratioToLimit: fullCoverageSeconds !== null && limitSeconds > 0 ? fullCoverageSeconds / limitSeconds : null,
      ec2Requests: stats.ec2.total - (competitorStats?.ec2Requests ?? 0),
      ec2Throttled: stats.ec2.throttledTotal - (competitorStats?.createAttemptsThrottled ?? 0),
      ec2RequestsAtCoverage,
      competitor: competitorStats,
      ec2ByAction: stats.ec2.requests,
      ec2ThrottledByAction: stats.ec2.throttled,
      ec2ErrorsByAction: stats.ec2.errors,
      ecsRequests: stats.ecs.total - (stats.ecs.requests.RunTask ?? 0),
      ecsByAction: stats.ecs.requests,
      requestsPerMirroredEni: mirrored > 0 ? (stats.ec2.total - (competitorStats?.ec2Requests ?? 0)) / mirrored : null,
      duplicateSessions: final.duplicates,
      tasksStopped: final.stopped.length,
      // A stop is wrong when the ENI could have been mirrored, or when no service will replace the task.
      tasksWronglyStopped: final.stopped.filter((t) => t.mirrorable || !t.group.startsWith('service:')).length,
      sessionsLost: mirrorable - mirrored,
      endedBy,
      runSeconds,
      samples,
      details,
      latency,
      memory,
      groundTruth: truth,
    };
  } finally {
    if (competitor && !competitorStats) await competitor.stop();
    clients.ec2.destroy();
    clients.ecs.destroy();
    await emulator.close();
  }
}
