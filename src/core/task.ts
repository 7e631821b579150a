/** A network interface attached to a task, as ECS reports it. */
export interface TaskEni {
  readonly attachmentId: string;
  /** PRECREATED, CREATED, ATTACHING, ATTACHED, DETACHING, DETACHED, DELETED, FAILED (or newer values). */
  readonly status: string;
  /** Absent until ECS has created the interface. */
  readonly networkInterfaceId?: string;
  readonly subnetId?: string;
  readonly privateIPv4Address?: string;
  readonly macAddress?: string;
  /**
   * Which door the traffic uses, once resolved (core/door.ts): the task's own ENI (the default
   * when absent), a branch ENI behind a trunk, or the container instance's primary ENI (bridge and
   * host tasks, which have no ENI of their own: such an entry is made by resolution, not by ECS).
   */
  readonly door?: Door;
  /** The container instance whose primary ENI this is (door `instance-eni`). */
  readonly containerInstanceArn?: string;
  /** Its EC2 instance id (door `instance-eni`). */
  readonly instanceId?: string;
}

export type Door = 'task-eni' | 'instance-eni' | 'branch';

/** What the product needs to know about one ECS task, from an event or from DescribeTasks. */
export interface TaskSnapshot {
  readonly taskArn: string;
  /** Last path segment of the task ARN, in both the old and the new ARN formats. */
  readonly taskId: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly lastStatus: string;
  readonly desiredStatus?: string;
  readonly launchType?: string;
  /** `service:NAME` or `family:NAME`. */
  readonly group?: string;
  readonly serviceName?: string;
  readonly family?: string;
  readonly taskDefinitionArn?: string;
  readonly availabilityZone?: string;
  /** Grows with each state change; a higher version is newer. 0 when unknown (DescribeTasks). */
  readonly version: number;
  readonly enis: readonly TaskEni[];
  readonly tags: Readonly<Record<string, string>>;
  readonly stoppedReason?: string;
  readonly stoppedAt?: string;
  /** ISO time ECS created the task: the sweep leaves young tasks to the event path. */
  readonly createdAt?: string;
  /** Set for tasks on EC2 (and Managed Instances) capacity: the container instance that runs it. */
  readonly containerInstanceArn?: string;
}

/** Statuses on which a task's interface can be mirrored: the first with an ATTACHED ENI wins. */
export const MIRRORABLE_TASK_STATUSES: ReadonlySet<string> = new Set(['PENDING', 'ACTIVATING', 'RUNNING']);

export const ATTACHED = 'ATTACHED';

/** ECS's own limit: 100 tasks per DescribeTasks (and per ListTasks page). */
export const DESCRIBE_TASKS_LIMIT = 100;

/** A task ARN or id, reduced to the task id: ECS may answer with the other form than was asked. */
export function taskIdOf(arnOrId: string): string {
  return arnOrId.slice(arnOrId.lastIndexOf('/') + 1);
}

/** Last segment of an ARN path: works for `task/<id>` and `task/<cluster>/<id>` alike. */
export function lastPathSegment(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  return parts[parts.length - 1] ?? arn;
}

/** A cluster's name from its ARN (`arn:…:cluster/NAME`) or the name itself. */
export function clusterNameOf(clusterArnOrName: string): string {
  return clusterArnOrName.startsWith('arn:') ? lastPathSegment(clusterArnOrName) : clusterArnOrName;
}
