import {
  DescribeTasksCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { DescribeTrafficMirrorSessionsCommand, type TrafficMirrorSession } from '@aws-sdk/client-ec2';
import type { AppDeps } from '../../../src/app/deps.js';
import { composeAppDeps } from '../../../src/aws/compose.js';
import type { Environment } from '../../../src/config/from-env.js';
import {
  createCluster,
  createFargateService,
  createMirrorTargetAndFilter,
  emulatorClients,
  registerFargateTaskDefinition,
  runFargateTasks,
  type EmulatorClients,
} from '../../../src/demo/world.js';
import type { EcsTaskStateChangeEvent } from '../../../src/emulator/context.js';
import type { TaskStatus } from '../../../src/emulator/ecs/index.js';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../../../src/emulator/index.js';
import type { EmulatorFaults } from '../../../src/emulator/profile.js';
import { noMetrics, silentLogger, type Metrics } from '../../../src/ports/index.js';

export const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/suricata/0123456789abcdef';
export const OTHER_NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/other-ids/fedcba9876543210';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
/** Fast lifecycle so the whole suite stays short; never asserted on. */
export const FAST_TIMING = { stepDelayMs: 20, schedulerIntervalMs: 20 } as const;
/** Generous: waits end as soon as the condition holds, so only a failing run pays for it. */
export const WAIT_MS = 20_000;

export interface World {
  readonly emulator: RunningEmulator;
  /** SDK clients of the test itself (maxAttempts 3), distinct from the product's. */
  readonly clients: EmulatorClients;
  readonly targetId: string;
  readonly filterId: string;
  readonly subnets: string[];
  /** Cluster `apps` and its Fargate task definition `web` exist from the start. */
  readonly cluster: string;
  readonly taskDefinition: string;
  /** The product's dependencies as the Lambda builds them, pointed at the emulator. */
  deps(env?: Environment, metrics?: Metrics): AppDeps;
  /** The same, but talking to AWS through `endpoint` (a fault proxy in front of the emulator). */
  depsVia(endpoint: string, env?: Environment, metrics?: Metrics): AppDeps;
  /** The MIRROR_* environment of this world (target and filter). */
  env(extra?: Environment): Record<string, string>;
  runTasks(count?: number, options?: { cluster?: string; taskDefinition?: string }): Promise<string[]>;
  /** Runs one task and waits until it is RUNNING; returns its ARN. */
  runningTask(options?: { cluster?: string; taskDefinition?: string }): Promise<string>;
  createService(name: string, desiredCount: number, options?: { cluster?: string; taskDefinition?: string }): Promise<void>;
  serviceTaskArns(serviceName: string, cluster?: string): Promise<string[]>;
  stopTask(taskArn: string, cluster?: string): Promise<void>;
  describeTask(taskArn: string, cluster?: string): Promise<{ lastStatus?: string; desiredStatus?: string; stoppedReason?: string }>;
  taskTags(taskArn: string): Promise<Record<string, string>>;
  /** Delivered events of a task, in delivery order. */
  eventsOf(taskArn: string): EcsTaskStateChangeEvent[];
  /** The first delivered event of a task with this lastStatus (fails when there is none). */
  eventOf(taskArn: string, lastStatus: TaskStatus): EcsTaskStateChangeEvent;
  /** The task's ENI id, from the emulator's own view of the task. */
  eniOf(taskArn: string): string;
  /** Sessions on an ENI, over the SDK (DescribeTrafficMirrorSessions, network-interface-id filter). */
  sessionsOnEni(networkInterfaceId: string): Promise<TrafficMirrorSession[]>;
  /** Every session to the target, in-process. */
  sessionCountToTarget(): number;
  /** A session on the ENI made by someone else (in-process, no tags), to `targetId` or to another target. */
  foreignSession(networkInterfaceId: string, options?: { toOurTarget?: boolean; sessionNumber?: number }): string;
  close(): Promise<void>;
}

export interface WorldOptions {
  readonly seed?: number;
  readonly faults?: Partial<EmulatorFaults>;
  readonly emulator?: Omit<StartEmulatorOptions, 'port' | 'seed' | 'faults' | 'timing'>;
}

/**
 * An emulator on a free port with the world a user would build over the SDK: a target behind an
 * NLB, a filter, cluster `apps` and a Fargate task definition `web`.
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const emulator = await startEmulator({ port: 0, seed: options.seed ?? 11, faults: options.faults ?? {}, timing: FAST_TIMING, ...options.emulator });
  const clients = emulatorClients(emulator.url, emulator.region);
  const { targetId, filterId } = await createMirrorTargetAndFilter(clients, NLB_ARN);
  let otherTarget: string | undefined;
  const subnets = [...emulator.network.subnets.keys()];
  const cluster = await createCluster(clients, 'apps');
  const taskDefinition = await registerFargateTaskDefinition(clients, 'web', 'public.ecr.aws/nginx/nginx:stable');

  const env = (extra: Environment = {}): Record<string, string> => {
    const merged: Record<string, string> = { MIRROR_TARGET_ID: targetId, MIRROR_FILTER_ID: filterId, MIRROR_ENI_RETRY_BASE_MS: '20' };
    for (const [key, value] of Object.entries(extra)) if (value !== undefined) merged[key] = value;
    return merged;
  };

  const eventsOf = (taskArn: string): EcsTaskStateChangeEvent[] =>
    emulator.ecs
      .eventsAfter(0)
      .map((logged) => logged.event)
      .filter((event) => event.detail['taskArn'] === taskArn);

  const runTasks = async (count = 1, where: { cluster?: string; taskDefinition?: string } = {}): Promise<string[]> =>
    runFargateTasks(clients, where.cluster ?? cluster, where.taskDefinition ?? taskDefinition, count, subnets);

  return {
    emulator,
    clients,
    targetId,
    filterId,
    subnets,
    cluster,
    taskDefinition,
    env,
    deps: (extra = {}, metrics = noMetrics) =>
      composeAppDeps({
        env: env(extra),
        logger: silentLogger,
        metrics,
        aws: { endpoint: emulator.url, region: emulator.region, credentials: { ...CREDENTIALS } },
      }),
    depsVia: (endpoint, extra = {}, metrics = noMetrics) =>
      composeAppDeps({
        env: env(extra),
        logger: silentLogger,
        metrics,
        aws: { endpoint, region: emulator.region, credentials: { ...CREDENTIALS } },
      }),
    runTasks,
    runningTask: async (where = {}) => {
      const [taskArn] = await runTasks(1, where);
      if (!taskArn) throw new Error('RunTask started no task');
      await emulator.ecs.waitForTaskStatus(taskArn, 'RUNNING', WAIT_MS);
      return taskArn;
    },
    createService: async (name, desiredCount, where = {}) => {
      await createFargateService(clients, where.cluster ?? cluster, name, where.taskDefinition ?? taskDefinition, desiredCount, subnets);
    },
    serviceTaskArns: async (serviceName, inCluster = cluster) => {
      const listed = await clients.ecs.send(new ListTasksCommand({ cluster: inCluster, serviceName, desiredStatus: 'RUNNING' }));
      return listed.taskArns ?? [];
    },
    stopTask: async (taskArn, inCluster = cluster) => {
      await clients.ecs.send(new StopTaskCommand({ cluster: inCluster, task: taskArn, reason: 'e2e test' }));
    },
    describeTask: async (taskArn, inCluster = cluster) => {
      const described = await clients.ecs.send(new DescribeTasksCommand({ cluster: inCluster, tasks: [taskArn] }));
      const task = described.tasks?.[0];
      if (!task) throw new Error(`DescribeTasks does not know ${taskArn}`);
      return {
        ...(task.lastStatus === undefined ? {} : { lastStatus: task.lastStatus }),
        ...(task.desiredStatus === undefined ? {} : { desiredStatus: task.desiredStatus }),
        ...(task.stoppedReason === undefined ? {} : { stoppedReason: task.stoppedReason }),
      };
    },
    taskTags: async (taskArn) => {
      const listed = await clients.ecs.send(new ListTagsForResourceCommand({ resourceArn: taskArn }));
      return Object.fromEntries((listed.tags ?? []).map((tag) => [tag.key ?? '', tag.value ?? '']));
    },
    eventsOf,
    eventOf: (taskArn, lastStatus) => {
      const found = eventsOf(taskArn).find((event) => event.detail['lastStatus'] === lastStatus);
      if (!found) throw new Error(`no ${lastStatus} event delivered for ${taskArn}`);
      return found;
    },
    eniOf: (taskArn) => {
      const task = emulator.ecs.describeTask(taskArn);
      const attachments = (task?.['attachments'] ?? []) as { details?: { name?: string; value?: string }[] }[];
      const eniId = attachments.flatMap((a) => a.details ?? []).find((d) => d.name === 'networkInterfaceId')?.value;
      if (!eniId) throw new Error(`task ${taskArn} has no attached ENI`);
      return eniId;
    },
    sessionsOnEni: async (networkInterfaceId) => {
      const described = await clients.ec2.send(
        new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'network-interface-id', Values: [networkInterfaceId] }] }),
      );
      return described.TrafficMirrorSessions ?? [];
    },
    sessionCountToTarget: () =>
      emulator.ec2.describeSessions({ filters: [{ name: 'traffic-mirror-target-id', values: [targetId] }], maxResults: 1000 }).items.length,
    foreignSession: (networkInterfaceId, { toOurTarget = false, sessionNumber = 1 } = {}) => {
      // One target per NLB on EC2: the other tool's target is created once and reused.
      otherTarget ??= emulator.ec2.createTarget({ networkLoadBalancerArn: OTHER_NLB_ARN }).trafficMirrorTarget.trafficMirrorTargetId;
      const foreignTarget = toOurTarget ? targetId : otherTarget;
      const foreignFilter = emulator.ec2.createFilter().trafficMirrorFilter.trafficMirrorFilterId;
      return emulator.ec2.createSession({
        networkInterfaceId,
        trafficMirrorTargetId: foreignTarget,
        trafficMirrorFilterId: foreignFilter,
        sessionNumber,
      }).trafficMirrorSession.trafficMirrorSessionId;
    },
    close: async () => {
      clients.ec2.destroy();
      clients.ecs.destroy();
      await emulator.close();
    },
  };
}

/** Polls until `check` returns a value other than undefined; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Counts what the product reports through its Metrics port. */
export class CountingMetrics implements Metrics {
  readonly counts = new Map<string, number>();
  count(name: string, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  percent(): void {}
  flush(): void {}
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
}

/** A tag list as a record. */
export function tagsOf(session: TrafficMirrorSession): Record<string, string> {
  return Object.fromEntries((session.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}
