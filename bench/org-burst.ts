import { performance } from 'node:perf_hooks';
import { handleMemberTaskEvents } from '../src/app/handle-member-events.js';
import type { MemberDepsSource } from '../src/app/members.js';
import { composeMemberDeps } from '../src/aws/compose-members.js';
import { loadConfig } from '../src/config/from-env.js';
import { loadHubConfig } from '../src/config/members.js';
import { memberKeyText, type MemberKey } from '../src/core/member.js';
import { HUB_ACCOUNT, HUB_REGION, startOrgWorld, type OrgWorld } from '../src/demo/org-world.js';
import { QueueDelivery } from '../src/emulator/event-delivery.js';
import type { ProfileName } from '../src/emulator/profile.js';
import { noMetrics, silentLogger } from '../src/ports/index.js';
import { BENCH_QUEUE_DEFAULTS, physicalLimitSeconds } from './burst.js';
import { CONSTRUCT_RULE, matches } from './event-rules.js';

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
  /** MIRROR_CREATE_RATE per container per member: 5 / concurrency spends each account's refill exactly. */
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
 * What shows the cause of a slow run: whether the one bench process (emulator and handler on one
 * event loop) was saturated, how the hub's Lambda containers spent their time, and the create
 * rate each account achieved against its refill of 5 per second.
 */
export interface OrgBurstBreakdown {
  /** The bench process's event-loop utilisation over the burst (1 = never idle: CPU-bound). */
  readonly eventLoopUtilisation: number;
  /** CPU seconds of the bench process (user + system) over the burst, per wall second. */
  readonly cpuPerWallSecond: number;
  /** Event-loop seconds the bench's own coverage poll took (time the emulator and the handler did not get). */
  readonly coveragePollSeconds: number;
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
  const accountIds = Array.from({ length: options.accounts }, (_, i) => String(200000000000 + i * 1111111).padStart(12, '0'));
  const world = await startOrgWorld({ accounts: accountIds, regions: [HUB_REGION], emulator: { profile: options.profile, seed: options.seed } });
  try {
    return await burst(world, options);
  } finally {
    await world.close();
  }
}

/** Warm containers of the hub's event Lambda: each its own deps for every member (clients, limiter, cache). */
function hubContainers(world: OrgWorld, createRate: number): () => MemberDepsSource {
  const env = { ...world.env, MIRROR_CREATE_RATE: String(createRate) };
  return () =>
    composeMemberDeps({
      config: loadConfig(env),
      hub: loadHubConfig(env),
      logger: silentLogger,
      metrics: noMetrics,
      aws: { endpoint: world.emulator.url, region: HUB_REGION, credentials: world.hubCredentials },
    });
}

async function burst(world: OrgWorld, options: OrgBurstOptions): Promise<OrgBurstResult> {
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
  // The Member stacks' rules: the same pattern as the single-account construct's.
  const unsubscribe = world.emulator.org.buses.subscribe({ accountId: HUB_ACCOUNT, region: HUB_REGION }, (event) => {
    if (matches(CONSTRUCT_RULE, event)) queue.send(event);
  });
  world.emulator.resetStats();
  const started = Date.now();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const done = new Map<string, number | null>(world.members.map((m) => [memberKeyText(m), null]));
  try {
    await Promise.all(world.members.map((member) => world.runTasks(member, options.tasks)));
    let full: number | null = null;
    const trackers = new Map(world.members.map((member) => [memberKeyText(member), new CoverageTracker(world, member, options.tasks)]));
    let pollMs = 0;
    while ((Date.now() - started) / 1000 < options.deadlineSeconds) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const t = (Date.now() - started) / 1000;
      const pollStarted = performance.now();
      let all = true;
      for (const member of world.members) {
        if (trackers.get(memberKeyText(member))?.covered()) {
          if (done.get(memberKeyText(member)) === null) done.set(memberKeyText(member), t);
        } else all = false;
      }
      pollMs += performance.now() - pollStarted;
      if (all) {
        full = t;
        break;
      }
      options.progress?.(`  t=${t.toFixed(1)}s accounts covered ${[...done.values()].filter((v) => v !== null).length}/${world.members.length}`);
    }
    const wallSeconds = (Date.now() - started) / 1000;
    const loop = performance.eventLoopUtilization(elu).utilization;
    const used = process.cpuUsage(cpu);
    await Promise.race([queue.drained(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    const totals = world.members.map((member) => coverage(world, member));
    const mirrored = totals.reduce((s, c) => s + c.mirrored, 0);
    const stats = world.emulator.stats();
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
      ec2Requests: stats.ec2.total,
      ec2Throttled: stats.ec2.throttledTotal,
      ec2RequestsPerEni: mirrored === 0 ? 0 : stats.ec2.total / mirrored,
      perAccountSeconds: Object.fromEntries(done),
      deadLettered: queue.stats().deadLettered,
      breakdown: breakdownOf({ world, tasks: options.tasks, concurrency: options.concurrency, wallSeconds, loop, cpuMicros: used.user + used.system, pollSeconds: pollMs / 1000, invocations, queue: queue.stats(), done }),
    };
  } finally {
    unsubscribe();
    queue.close();
  }
}

interface BreakdownInputs {
  readonly world: OrgWorld;
  readonly tasks: number;
  readonly concurrency: number;
  readonly wallSeconds: number;
  readonly loop: number;
  readonly cpuMicros: number;
  readonly pollSeconds: number;
  readonly invocations: { readonly count: number; readonly events: number; readonly busyMs: number };
  readonly queue: { readonly redelivered: number };
  readonly done: ReadonlyMap<string, number | null>;
}

function breakdownOf(inputs: BreakdownInputs): OrgBurstBreakdown {
  const { invocations, done } = inputs;
  const perAccountCreateRate: Record<string, number | null> = {};
  for (const member of inputs.world.members) {
    const seconds = done.get(memberKeyText(member)) ?? null;
    perAccountCreateRate[memberKeyText(member)] = seconds === null || seconds === 0 ? null : coverage(inputs.world, member).mirrored / seconds;
  }
  const covered = [...done.values()].filter((v): v is number => v !== null);
  return {
    eventLoopUtilisation: inputs.loop,
    cpuPerWallSecond: inputs.wallSeconds === 0 ? 0 : inputs.cpuMicros / 1e6 / inputs.wallSeconds,
    coveragePollSeconds: inputs.pollSeconds,
    events: invocations.events,
    invocations: invocations.count,
    redelivered: inputs.queue.redelivered,
    meanBatch: invocations.count === 0 ? 0 : invocations.events / invocations.count,
    meanInvocationSeconds: invocations.count === 0 ? 0 : invocations.busyMs / 1000 / invocations.count,
    busyContainerSeconds: invocations.busyMs / 1000,
    containerUtilisation: inputs.wallSeconds === 0 ? 0 : invocations.busyMs / 1000 / (inputs.concurrency * inputs.wallSeconds),
    perAccountCreateRate,
    firstAccountSeconds: covered.length === 0 ? null : Math.min(...covered),
    lastAccountSeconds: covered.length === 0 ? null : Math.max(...covered),
  };
}

/**
 * Whether one member is fully covered, cheaply enough to ask every poll: building ECS's view of
 * every task (what coverage() reads) cost the shared event loop about a fifth of its time at
 * 10 × 120 tasks, time the emulator and the handler then did not get. The views are read only
 * until every launched task shows its ENI; from then on only the ENIs not yet mirrored are looked
 * up, through the sessions' index by ENI. The figures reported at the end still come from coverage().
 */
class CoverageTracker {
  private pending: string[] | undefined;

  constructor(
    private readonly world: OrgWorld,
    private readonly member: MemberKey,
    private readonly tasks: number,
  ) {}

  covered(): boolean {
    const cell = this.world.emulator.org.cells.get(this.member.accountId, this.member.region);
    this.pending ??= this.mirrorableOnceKnown();
    if (this.pending === undefined) {
      // A task without its ENI yet: the full reading, as coverage() counts it.
      const c = coverage(this.world, this.member);
      return c.mirrored >= c.mirrorable && c.launched >= this.tasks;
    }
    this.pending = this.pending.filter((id) => cell.ec2.describeSessions({ filters: [{ name: 'network-interface-id', values: [id] }] }).items.length === 0);
    return this.pending.length === 0;
  }

  /** The member's mirrorable ENIs, once every launched task names its ENI; undefined until then. */
  private mirrorableOnceKnown(): string[] | undefined {
    const cell = this.world.emulator.org.cells.get(this.member.accountId, this.member.region);
    const tasks = cell.ecs.tasksWantedRunning();
    if (tasks.length < this.tasks) return undefined;
    const enis: string[] = [];
    for (const task of tasks) {
      const id = eniIdOf(task);
      if (id === undefined) return undefined;
      const eni = cell.network.enis.get(id);
      if (eni?.mirroringSupported && eni.interfaceType === 'interface') enis.push(id);
    }
    return enis;
  }
}

function eniIdOf(task: Record<string, unknown>): string | undefined {
  const attachments = (task['attachments'] as { details?: { name: string; value: string }[] }[] | undefined) ?? [];
  for (const attachment of attachments) {
    const id = attachment.details?.find((d) => d.name === 'networkInterfaceId')?.value;
    if (id !== undefined) return id;
  }
  return undefined;
}

/** One member's ENIs of running tasks that can be mirrored, and those with a session (in-process: not counted, not throttled). */
function coverage(world: OrgWorld, member: MemberKey): { launched: number; mirrorable: number; mirrored: number; duplicates: number } {
  const cell = world.emulator.org.cells.get(member.accountId, member.region);
  let mirrorable = 0;
  let mirrored = 0;
  let duplicates = 0;
  const tasks = cell.ecs.tasksWantedRunning();
  for (const task of tasks) {
    const attachments = (task['attachments'] as { details?: { name: string; value: string }[] }[] | undefined) ?? [];
    for (const attachment of attachments) {
      const id = attachment.details?.find((d) => d.name === 'networkInterfaceId')?.value;
      const eni = id === undefined ? undefined : cell.network.enis.get(id);
      if (!eni || !eni.mirroringSupported || eni.interfaceType !== 'interface') continue;
      mirrorable++;
      const sessions = cell.ec2.describeSessions({ filters: [{ name: 'network-interface-id', values: [eni.networkInterfaceId] }] }).items.length;
      if (sessions > 0) mirrored++;
      duplicates += Math.max(0, sessions - 1);
    }
  }
  return { launched: tasks.length, mirrorable, mirrored, duplicates };
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
    `  bench process: event loop ${(b.eventLoopUtilisation * 100).toFixed(0)} % busy, ${b.cpuPerWallSecond.toFixed(2)} CPU s per wall s (emulator and handler share it); coverage poll ${b.coveragePollSeconds.toFixed(1)} s of it`,
    `  hub Lambda: ${b.events} events in ${b.invocations} invocations (mean ${b.meanBatch.toFixed(1)} events, ${b.meanInvocationSeconds.toFixed(2)} s each), redelivered ${b.redelivered}; containers busy ${(b.containerUtilisation * 100).toFixed(0)} % of the run`,
    `  per-account create rate to full coverage: ${rateText}; first account covered ${b.firstAccountSeconds === null ? '-' : b.firstAccountSeconds.toFixed(1)} s, last ${b.lastAccountSeconds === null ? '-' : b.lastAccountSeconds.toFixed(1)} s`,
  ].join('\n');
}
