import type { MirrorSession } from '../core/session.js';
import type { PlannedSession } from '../core/plan.js';
import type { TaskSnapshot } from '../core/task.js';
import type { SessionChanges } from '../core/session-changes.js';
import type { ContainerInstanceFact } from '../core/door.js';

/**
 * EC2 Traffic Mirroring, as the product needs it. Implementations throw MirrorError (never an
 * SDK error) and retry throttling themselves before giving up.
 */
export interface Ec2Mirroring {
  /** Every session on any of these ENIs (any owner, any target), in as few calls as possible. */
  findSessionsForEnis(networkInterfaceIds: readonly string[]): Promise<MirrorSession[]>;
  /** Every session to this target, page by page (1000 a page). */
  listSessionsForTarget(targetId: string): AsyncIterable<MirrorSession[]>;
  createSession(plan: PlannedSession): Promise<MirrorSession>;
  deleteSession(sessionId: string): Promise<void>;
  /** Those of these sessions that still exist. */
  findSessionsByIds(sessionIds: readonly string[]): Promise<MirrorSession[]>;
  /** Whether this target and this filter exist where the client points, and which Region that is. */
  findTargetAndFilter(targetId: string, filterId: string): Promise<TargetAndFilterCheck>;
  /**
   * Every session that carries our ownership tag, on any target, page by page: the sweep's view of
   * what is ours, so sessions left on a target no rule names any more are still found.
   */
  listManagedSessions(): AsyncIterable<MirrorSession[]>;
  /** Changes a session in place (ModifyTrafficMirrorSession) and returns it as EC2 now describes it. */
  modifySession(sessionId: string, changes: SessionChanges): Promise<MirrorSession>;
  /** What these targets are, for pools: their type and how many sources each accepts. Unknown ids are left out. */
  describeTargets(targetIds: readonly string[]): Promise<MirrorTarget[]>;
  /** How many distinct source ENIs have a session (any owner) to each of these targets. */
  countSourcesForTargets(targetIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** The AZ id (`use1-az1`) of each subnet, from DescribeSubnets; unknown subnets are left out. */
  subnetAvailabilityZoneIds(subnetIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** The primary ENI (DeviceIndex 0) of each EC2 instance, from DescribeInstances; unknown instances are left out. */
  primaryNetworkInterfaces(instanceIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** The InterfaceType (`interface`, `branch`, `trunk`, …) of each ENI, from DescribeNetworkInterfaces; unknown ENIs are left out. */
  networkInterfaceTypes(networkInterfaceIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/** EC2's TrafficMirrorTargetType values (API model). */
export type MirrorTargetType = 'network-interface' | 'network-load-balancer' | 'gateway-load-balancer-endpoint';

export interface MirrorTarget {
  readonly targetId: string;
  readonly type: MirrorTargetType;
  /** The ENI of a `network-interface` target. */
  readonly networkInterfaceId?: string;
  /** Sources EC2 accepts on this target; undefined = no limit (NLB, GWLB endpoint). */
  readonly maxSources?: number;
}

export interface TargetAndFilterCheck {
  readonly region: string;
  readonly targetExists: boolean;
  readonly filterExists: boolean;
}

export interface StoppedTaskQuery {
  readonly cluster: string;
  readonly serviceName: string;
}

/** A task ECS was asked about and did not describe. */
export interface TaskLookupFailure {
  readonly arn: string;
  /**
   * ECS's own reason (`MISSING`, …), or `NOT_ANSWERED` when the answer neither described the
   * task nor listed it as a failure (an empty or partial body): absence is never evidence.
   */
  readonly reason: string;
  readonly detail?: string;
}

/** What DescribeTasks said: every task asked about is in exactly one of the two lists. */
export interface DescribedTasks {
  readonly tasks: TaskSnapshot[];
  readonly failures: TaskLookupFailure[];
}

/** ECS, as the product needs it. Implementations throw MirrorError. */
export interface EcsTasks {
  listClusterArns(): Promise<string[]>;
  /** Task ARNs of a cluster with this desired status, page by page. */
  listTaskArns(cluster: string, desiredStatus: 'RUNNING' | 'STOPPED', serviceName?: string): AsyncIterable<string[]>;
  /** At most 100 ARNs a call (the ECS limit); tags included. */
  describeTasks(cluster: string, taskArns: readonly string[]): Promise<DescribedTasks>;
  stopTask(cluster: string, taskArn: string, reason: string): Promise<void>;
  tagTask(taskArn: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** At most 100 ARNs a call (the ECS limit). `missing`: those ECS answered MISSING for (not in the cluster). */
  describeContainerInstances(cluster: string, containerInstanceArns: readonly string[]): Promise<DescribedContainerInstances>;
}

export interface DescribedContainerInstances {
  readonly instances: ContainerInstanceFact[];
  /** ECS's MISSING: the instance is not (or no longer) in the cluster. Anything else ECS left out is in neither list. */
  readonly missing: string[];
}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (so a deadline's timer does not outlive its batch). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type LogAttributes = Record<string, unknown>;

export interface Logger {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
}

export interface Metrics {
  /** Adds to a count metric (EMF in Lambda). */
  count(name: string, value?: number): void;
  /** Records a percentage (coverage). */
  percent(name: string, value: number): void;
  /** Writes what was counted; called once per invocation. */
  flush(): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    }),
};

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export const noMetrics: Metrics = { count() {}, percent() {}, flush() {} };
