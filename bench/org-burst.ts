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
  const queue = new QueueDelivery(
    async (bodies) => {
      const members = free.pop() ?? make();
      try {
        return (await handleMemberTaskEvents(bodies, members, { logger: silentLogger, metrics: noMetrics })).map((r) => r.failure !== undefined);
      } finally {
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
  const done = new Map<string, number | null>(world.members.map((m) => [memberKeyText(m), null]));
  try {
    await Promise.all(world.members.map((member) => world.runTasks(member, options.tasks)));
    let full: number | null = null;
    while ((Date.now() - started) / 1000 < options.deadlineSeconds) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const t = (Date.now() - started) / 1000;
      let all = true;
      for (const member of world.members) {
        const c = coverage(world, member);
        if (c.mirrored >= c.mirrorable && c.launched >= options.tasks) {
          if (done.get(memberKeyText(member)) === null) done.set(memberKeyText(member), t);
        } else all = false;
      }
      if (all) {
        full = t;
        break;
      }
      options.progress?.(`  t=${t.toFixed(1)}s accounts covered ${[...done.values()].filter((v) => v !== null).length}/${world.members.length}`);
    }
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
    };
  } finally {
    unsubscribe();
    queue.close();
  }
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
  ];
  return `${lines.join('\n')}\n`;
}
