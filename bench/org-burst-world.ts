/**
 * The organization of the org-burst benchmark, run on a worker thread of its own. In AWS the
 * services answer on their own machines; in one Node process the emulator (ten accounts' ECS and
 * EC2, their events) and the hub's handler (the SDK, the decisions) would share one event loop,
 * and a profile showed that loop saturated, with the emulator's work delaying the handler's. On
 * its own thread the emulator gets its own core, as AWS has its own, and the handler reaches it
 * over HTTP as before; events, the launch and the coverage poll cross as messages.
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { memberKeyText, type MemberKey } from '../src/core/member.js';
import { HUB_ACCOUNT, HUB_REGION, startOrgWorld, type OrgWorld } from '../src/demo/org-world.js';
import type { ProfileName } from '../src/emulator/profile.js';
import type { EmulatorStats } from '../src/emulator/index.js';
import { CONSTRUCT_RULE, matches } from './event-rules.js';

export interface OrgBurstWorldOptions {
  readonly accounts: readonly string[];
  readonly profile: ProfileName;
  readonly seed: number;
}

export interface MemberCoverage {
  readonly launched: number;
  readonly mirrorable: number;
  readonly mirrored: number;
  readonly duplicates: number;
}

export interface WorldTotals {
  readonly coverage: Readonly<Record<string, MemberCoverage>>;
  readonly ec2Requests: number;
  readonly ec2Throttled: number;
  /** The emulator thread's event-loop utilisation since the burst began. */
  readonly emulatorEventLoopUtilisation: number;
}

/** What the benchmark sees of the world on the other thread. */
export interface RemoteOrgWorld {
  readonly url: string;
  readonly env: Record<string, string>;
  readonly hubCredentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly members: readonly MemberKey[];
  /** Every event the Member stacks' rule forwards to the hub's bus from the burst on. */
  onEvent(handler: (event: unknown) => void): void;
  /** Resets the emulator's counters and runs `tasks` tasks in every member; resolves when all are started. */
  launch(tasks: number): Promise<void>;
  /** The members fully covered now (every mirrorable ENI of its `tasks` tasks has a session). */
  covered(): Promise<readonly string[]>;
  totals(): Promise<WorldTotals>;
  close(): Promise<void>;
}

type Ask = { readonly kind: 'launch'; readonly tasks: number } | { readonly kind: 'covered' } | { readonly kind: 'totals' } | { readonly kind: 'close' };
type Request = { readonly id: number } & Ask;
type Reply = { readonly id: number; readonly value?: unknown; readonly error?: string };
type Ready = { readonly kind: 'ready'; readonly url: string; readonly env: Record<string, string>; readonly hubCredentials: { accessKeyId: string; secretAccessKey: string }; readonly members: MemberKey[] };
type Posted = Ready | { readonly kind: 'event'; readonly event: unknown } | ({ readonly kind: 'reply' } & Reply);

export async function startRemoteOrgWorld(options: OrgBurstWorldOptions): Promise<RemoteOrgWorld> {
  // A worker does not inherit the tsx loader the benchmark runs under: it registers it, then loads this module.
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: options });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let handler: (event: unknown) => void = () => undefined;
  let nextId = 0;
  const ready = new Promise<Ready>((resolve, reject) => {
    worker.on('error', (error) => {
      reject(error);
      for (const w of waiting.values()) w.reject(error);
    });
    worker.on('message', (message: Posted) => {
      if (message.kind === 'ready') resolve(message);
      else if (message.kind === 'event') handler(message.event);
      else {
        const w = waiting.get(message.id);
        waiting.delete(message.id);
        if (message.error === undefined) w?.resolve(message.value);
        else w?.reject(new Error(message.error));
      }
    });
  });
  const ask = <T>(request: Ask): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  const world = await ready;
  return {
    url: world.url,
    env: world.env,
    hubCredentials: world.hubCredentials,
    members: world.members,
    onEvent: (h) => {
      handler = h;
    },
    launch: (tasks) => ask({ kind: 'launch', tasks }),
    covered: () => ask({ kind: 'covered' }),
    totals: () => ask({ kind: 'totals' }),
    close: async () => {
      await ask({ kind: 'close' });
      await worker.terminate();
    },
  };
}

async function serve(options: OrgBurstWorldOptions): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const world = await startOrgWorld({ accounts: options.accounts, regions: [HUB_REGION], emulator: { profile: options.profile, seed: options.seed } });
  let tasks = 0;
  let trackers = new Map<string, CoverageTracker>();
  let since = performance.eventLoopUtilization();
  // The Member stacks' rules: the same pattern as the single-account construct's.
  world.emulator.org.buses.subscribe({ accountId: HUB_ACCOUNT, region: HUB_REGION }, (event) => {
    if (matches(CONSTRUCT_RULE, event)) port.postMessage({ kind: 'event', event } satisfies Posted);
  });
  const answer = async (request: Request): Promise<unknown> => {
    if (request.kind === 'launch') {
      tasks = request.tasks;
      world.emulator.resetStats();
      since = performance.eventLoopUtilization();
      trackers = new Map(world.members.map((member) => [memberKeyText(member), new CoverageTracker(world, member, tasks)]));
      await Promise.all(world.members.map((member) => world.runTasks(member, tasks)));
      return undefined;
    }
    if (request.kind === 'covered') return [...trackers].filter(([, tracker]) => tracker.covered()).map(([key]) => key);
    if (request.kind === 'totals') {
      const stats: EmulatorStats = world.emulator.stats();
      return {
        coverage: Object.fromEntries(world.members.map((member) => [memberKeyText(member), coverage(world, member)])),
        ec2Requests: stats.ec2.total,
        ec2Throttled: stats.ec2.throttledTotal,
        emulatorEventLoopUtilisation: performance.eventLoopUtilization(since).utilization,
      } satisfies WorldTotals;
    }
    await world.close();
    return undefined;
  };
  port.on('message', (request: Request) => {
    answer(request).then(
      (value) => port.postMessage({ kind: 'reply', id: request.id, value } satisfies Posted),
      (error: unknown) => port.postMessage({ kind: 'reply', id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies Posted),
    );
  });
  port.postMessage({ kind: 'ready', url: world.emulator.url, env: world.env, hubCredentials: world.hubCredentials, members: [...world.members] } satisfies Posted);
}

/**
 * Whether one member is fully covered, cheaply enough to ask every poll: building ECS's view of
 * every task (what coverage() reads) each poll cost the event loop about a fifth of its time at
 * 10 × 120 tasks (node --cpu-prof). ECS creates each task's ENI at RunTask with the attachment's
 * ARN as its description, so the member's task ENIs are read once from the network registry;
 * from then on only the ENIs not yet mirrored are looked up, through the sessions' index by ENI.
 * The figures reported at the end still come from coverage().
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
    this.pending ??= this.mirrorableTaskEnis();
    if (this.pending === undefined) return false;
    this.pending = this.pending.filter((id) => cell.ec2.describeSessions({ filters: [{ name: 'network-interface-id', values: [id] }] }).items.length === 0);
    return this.pending.length === 0;
  }

  /** The member's task ENIs that can be mirrored, once all `tasks` tasks have theirs; undefined until then. */
  private mirrorableTaskEnis(): string[] | undefined {
    const cell = this.world.emulator.org.cells.get(this.member.accountId, this.member.region);
    const taskEnis = [...cell.network.enis.values()].filter((eni) => eni.description.includes(':attachment/'));
    if (taskEnis.length < this.tasks) return undefined;
    return taskEnis.filter((eni) => eni.mirroringSupported && eni.interfaceType === 'interface').map((eni) => eni.networkInterfaceId);
  }
}

function attachmentsOf(task: Record<string, unknown>): { details?: { name: string; value: string }[] }[] {
  return (task['attachments'] as { details?: { name: string; value: string }[] }[] | undefined) ?? [];
}

/** One member's ENIs of running tasks that can be mirrored, and those with a session (in-process: not counted, not throttled). */
function coverage(world: OrgWorld, member: MemberKey): MemberCoverage {
  const cell = world.emulator.org.cells.get(member.accountId, member.region);
  let mirrorable = 0;
  let mirrored = 0;
  let duplicates = 0;
  const tasks = cell.ecs.tasksWantedRunning();
  for (const task of tasks) {
    for (const attachment of attachmentsOf(task)) {
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

if (!isMainThread && (workerData as { accounts?: unknown } | null)?.accounts !== undefined) void serve(workerData as OrgBurstWorldOptions);
