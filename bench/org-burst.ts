import { performance } from 'node:perf_hooks';
import { handleMemberTaskEvents } from '../src/app/handle-member-events.js';
import type { MemberDepsSource } from '../src/app/members.js';
import { composeMemberDeps } from '../src/aws/compose-members.js';
import { loadConfig } from '../src/config/from-env.js';
import { loadHubConfig } from '../src/config/members.js';
import { memberKeyText } from '../src/core/member.js';
import { HUB_REGION } from '../src/demo/org-world.js';
import { QueueDelivery } from '../src/emulator/event-delivery.js';
import type { ProfileName } from '../src/emulator/profile.js';
import { noMetrics, silentLogger } from '../src/ports/index.js';
import { BENCH_QUEUE_DEFAULTS, physicalLimitSeconds } from './burst.js';
import { startRemoteOrgWorld, type RemoteOrgWorld, type WorldTotals } from './org-burst-world.js';

/**
 * The hub under a burst in many accounts at once: `tasks` Fargate tasks in each of `accounts`
 * member accounts, all started together, their events forwarded to one hub bus → SQS → the hub's
 * event Lambda, which assumes each member's role and mirrors in that account. Each account has its
 * own EC2 bucket (50 + 5/s), so the limit stays one account's (N − 50) / 5 s.
 */
export interface OrgBurstOptions {
  readonly accounts: number;
  readonly tasks: number;
  readonly profile: ProfileName;
  readonly seed: number;
  /** Lambda containers at once (the event source's maximum concurrency). */
  readonly concurrency: number;
  /** MIRROR_CREATE_RATE per container per member: a ceiling; the adaptive limiter learns each container's share. */
  readonly createRatePerContainer: number;
  readonly deadlineSeconds: number;
  readonly progress?: (line: string) => void;
}

export interface OrgBurstResult {
  readonly accounts: number;
  readonly tasksPerAccount: number;
  readonly limitSeconds: number;
  /** Seconds from the burst's start until every mirrorable ENI of every account had its session; null: not within the deadline. */
  readonly fullCoverageSeconds: number | null;
  readonly ratioToLimit: number | null;
  readonly mirrorable: number;
  readonly mirrored: number;
  readonly duplicates: number;
  readonly ec2Requests: number;
  readonly ec2Throttled: number;
  readonly ec2RequestsPerEni: number;
  readonly perAccountSeconds: Readonly<Record<string, number | null>>;
  readonly deadLettered: number;
  /** Where the wall time went: see OrgBurstBreakdown. */
  readonly breakdown: OrgBurstBreakdown;
}

/**
 * What shows the cause of a slow run: whether the handler's thread or the emulator's was
 * saturated, how the hub's Lambda containers spent their time, and the create
 * rate each account achieved against its refill of 5 per second.
 */
export interface OrgBurstBreakdown {
  /** The handler's thread (the hub's Lambda containers, the SDK): event-loop utilisation over the burst (1 = never idle). */
  readonly handlerEventLoopUtilisation: number;
  readonly emulatorEventLoopUtilisation: number;
  /** CPU seconds of the process (both threads) over the burst, and per wall second: with the load average, whether it got the CPU it wanted. */
  readonly cpuSeconds: number;
  readonly cpuPerWallSecond: number;
  readonly events: number;
  readonly invocations: number;
  readonly redelivered: number;
  /** Mean events per invocation (the batch size is the ceiling). */
  readonly meanBatch: number;
  /** Mean wall seconds of one invocation, and their sum over the containers. */
  readonly meanInvocationSeconds: number;
  readonly busyContainerSeconds: number;
  /** Share of the containers' time (concurrency × run) they spent in an invocation. */
  readonly containerUtilisation: number;
  /** Per account: mirrored ENIs per second from the burst to its full coverage (the refill is 5/s). */
  readonly perAccountCreateRate: Readonly<Record<string, number | null>>;
  /** Seconds until the first account was covered and until the last. */
  readonly firstAccountSeconds: number | null;
  readonly lastAccountSeconds: number | null;
}

const POLL_MS = 250;

export async function runOrgBurst(options: OrgBurstOptions): Promise<OrgBurstResult> {
  const accounts = Array.from({ length: options.accounts }, (_, i) => String(200000000000 + i * 1111111).padStart(12, '0'));
  const world = await startRemoteOrgWorld({ accounts, profile: options.profile, seed: options.seed });
  try {
    return await burst(world, options);
  } finally {
    await world.close();
  }
}

/** Warm containers of the hub's event Lambda: each its own deps for every member (clients, limiter, cache). */
function hubContainers(world: RemoteOrgWorld, createRate: number): () => MemberDepsSource {
  const env = { ...world.env, MIRROR_CREATE_RATE: String(createRate) };
  return () =>
    composeMemberDeps({
      config: loadConfig(env),
      hub: loadHubConfig(env),
      logger: silentLogger,
      metrics: noMetrics,
      aws: { endpoint: world.url, region: HUB_REGION, credentials: world.hubCredentials },
    });
}

async function burst(world: RemoteOrgWorld, options: OrgBurstOptions): Promise<OrgBurstResult> {
  const make = hubContainers(world, options.createRatePerContainer);
  const free: MemberDepsSource[] = [];
  const invocations = { count: 0, events: 0, busyMs: 0 };
  const queue = new QueueDelivery(
    async (bodies) => {
      const members = free.pop() ?? make();
      const begun = performance.now();
      try {
        return (await handleMemberTaskEvents(bodies, members, { logger: silentLogger, metrics: noMetrics })).map((r) => r.failure !== undefined);
      } finally {
        invocations.count++;
        invocations.events += bodies.length;
        invocations.busyMs += performance.now() - begun;
        free.push(members);
      }
    },
    { ...BENCH_QUEUE_DEFAULTS, maxConcurrency: options.concurrency },
  );
  world.onEvent((event) => queue.send(event));
  const started = Date.now();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const done = new Map<string, number | null>(world.members.map((m) => [memberKeyText(m), null]));
  try {
    await world.launch(options.tasks);
    let full: number | null = null;
    while ((Date.now() - started) / 1000 < options.deadlineSeconds) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const covered = await world.covered();
      const t = (Date.now() - started) / 1000;
      for (const key of covered) if (done.get(key) === null) done.set(key, t);
      if (covered.length === world.members.length) {
        full = t;
        break;
      }
      options.progress?.(`  t=${t.toFixed(1)}s accounts covered ${covered.length}/${world.members.length}`);
    }
    const wallSeconds = (Date.now() - started) / 1000;
    const loop = performance.eventLoopUtilization(elu).utilization;
    const used = process.cpuUsage(cpu);
    const atCoverage = await world.totals();
    await Promise.race([queue.drained(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    const end = await world.totals();
    const totals = Object.values(end.coverage);
    const mirrored = totals.reduce((s, c) => s + c.mirrored, 0);
    const limit = physicalLimitSeconds(options.tasks);
    return {
      accounts: world.members.length,
      tasksPerAccount: options.tasks,
      limitSeconds: limit,
      fullCoverageSeconds: full,
      ratioToLimit: full === null || limit === 0 ? null : full / limit,
      mirrorable: totals.reduce((s, c) => s + c.mirrorable, 0),
      mirrored,
      duplicates: totals.reduce((s, c) => s + c.duplicates, 0),
      ec2Requests: end.ec2Requests,
      ec2Throttled: end.ec2Throttled,
      ec2RequestsPerEni: mirrored === 0 ? 0 : end.ec2Requests / mirrored,
      perAccountSeconds: Object.fromEntries(done),
      deadLettered: queue.stats().deadLettered,
      breakdown: breakdownOf({ atCoverage, concurrency: options.concurrency, wallSeconds, loop, cpuMicros: used.user + used.system, invocations, queue: queue.stats(), done }),
    };
  } finally {
    queue.close();
  }
}

interface BreakdownInputs {
  /** The world's totals when full coverage was seen (or the deadline passed). */
  readonly atCoverage: WorldTotals;
  readonly concurrency: number;
  readonly wallSeconds: number;
  readonly loop: number;
  readonly cpuMicros: number;
  readonly invocations: { readonly count: number; readonly events: number; readonly busyMs: number };
  readonly queue: { readonly redelivered: number };
  readonly done: ReadonlyMap<string, number | null>;
}

function breakdownOf(inputs: BreakdownInputs): OrgBurstBreakdown {
  const { invocations, done, wallSeconds } = inputs;
  const perAccountCreateRate: Record<string, number | null> = {};
  for (const [key, seconds] of done) {
    const mirrored = inputs.atCoverage.coverage[key]?.mirrored ?? 0;
    perAccountCreateRate[key] = seconds === null || seconds === 0 ? null : mirrored / seconds;
  }
  const covered = [...done.values()].filter((v): v is number => v !== null);
  const perWall = (seconds: number) => (wallSeconds === 0 ? 0 : seconds / wallSeconds);
  return {
    handlerEventLoopUtilisation: inputs.loop,
    cpuSeconds: inputs.cpuMicros / 1e6,
    cpuPerWallSecond: perWall(inputs.cpuMicros / 1e6),
    emulatorEventLoopUtilisation: inputs.atCoverage.emulatorEventLoopUtilisation,
    events: invocations.events,
    invocations: invocations.count,
    redelivered: inputs.queue.redelivered,
    meanBatch: invocations.count === 0 ? 0 : invocations.events / invocations.count,
    meanInvocationSeconds: invocations.count === 0 ? 0 : invocations.busyMs / 1000 / invocations.count,
    busyContainerSeconds: invocations.busyMs / 1000,
    containerUtilisation: perWall(invocations.busyMs / 1000 / inputs.concurrency),
    perAccountCreateRate,
    firstAccountSeconds: covered.length === 0 ? null : Math.min(...covered),
    lastAccountSeconds: covered.length === 0 ? null : Math.max(...covered),
  };
}

export function formatOrgBurst(result: OrgBurstResult): string {
  const lines = [
    `${result.accounts} accounts × ${result.tasksPerAccount} tasks, through one hub`,
    `  full coverage: ${result.fullCoverageSeconds === null ? 'not reached' : `${result.fullCoverageSeconds.toFixed(1)} s`}; one account's limit (N − 50) / 5 = ${result.limitSeconds.toFixed(1)} s; ratio ${result.ratioToLimit === null ? '-' : result.ratioToLimit.toFixed(2)} (target ≤ 1.2)`,
    `  mirrored ${result.mirrored}/${result.mirrorable} mirrorable ENIs, duplicates ${result.duplicates}, dead-lettered ${result.deadLettered}`,
    `  EC2 requests ${result.ec2Requests} (throttled ${result.ec2Throttled}) = ${result.ec2RequestsPerEni.toFixed(2)} per mirrored ENI`,
    `  per account: ${Object.entries(result.perAccountSeconds).map(([k, v]) => `${k.split('/')[0]} ${v === null ? '-' : v.toFixed(1)}`).join(', ')}`,
    breakdownLines(result.breakdown),
  ];
  return `${lines.join('\n')}\n`;
}

function breakdownLines(b: OrgBurstBreakdown): string {
  const rates = Object.values(b.perAccountCreateRate).filter((v): v is number => v !== null);
  const rateText = rates.length === 0 ? '-' : `${Math.min(...rates).toFixed(2)}–${Math.max(...rates).toFixed(2)}/s (refill 5/s)`;
  return [
    `  handler thread: event loop ${(b.handlerEventLoopUtilisation * 100).toFixed(0)} % busy; emulator thread: ${(b.emulatorEventLoopUtilisation * 100).toFixed(0)} % busy; process ${b.cpuSeconds.toFixed(1)} CPU s = ${b.cpuPerWallSecond.toFixed(2)} per wall s`,
    `  hub Lambda: ${b.events} events in ${b.invocations} invocations (mean ${b.meanBatch.toFixed(1)} events, ${b.meanInvocationSeconds.toFixed(2)} s each), redelivered ${b.redelivered}; containers busy ${(b.containerUtilisation * 100).toFixed(0)} % of the run`,
    `  per-account create rate to full coverage: ${rateText}; first account covered ${b.firstAccountSeconds === null ? '-' : b.firstAccountSeconds.toFixed(1)} s, last ${b.lastAccountSeconds === null ? '-' : b.lastAccountSeconds.toFixed(1)} s`,
  ].join('\n');
}
