import type { EniDoor } from './decide.js';
import { ATTACHED, clusterNameOf, type TaskEni, type TaskSnapshot } from './task.js';

/**
 * Which ENI carries a task's traffic. On Fargate, and for `awsvpc` tasks on EC2 or Managed
 * Instances, the task's own ENI (type `interface`). With awsvpcTrunking an `awsvpc` task on EC2 gets
 * a *branch* ENI behind the instance's trunk, and so does one on a Managed Instance whose type
 * supports trunking (ECS Developer Guide, "Allocate a network interface for tasks on Amazon ECS
 * Managed Instances": the trunk is the instance's primary ENI, each task's ENI attached to it):
 * mirroring sources must be ENIs of type `interface` (Traffic Mirroring docs), so a branch ENI is
 * reported, never tried — what EC2 would answer for one is *inferred* (no AWS document says).
 * `bridge` and `host` tasks have no ENI attachment: their traffic leaves through the container
 * instance's primary ENI (device index 0) — on a trunked Managed Instance the trunk, which EC2
 * refuses as a source like any host that cannot mirror (one failed create per instance).
 */

/** What ECS says about a container instance (DescribeContainerInstances). */
export interface ContainerInstanceFact {
  readonly containerInstanceArn: string;
  readonly ec2InstanceId?: string;
  /** ACTIVE, DRAINING, REGISTERING, DEREGISTERING, INACTIVE, … */
  readonly status: string;
  readonly runningTasksCount?: number;
  readonly pendingTasksCount?: number;
}

/** The facts door resolution reads, gathered once per batch or sweep. */
export interface HostFacts {
  readonly containerInstances: ReadonlyMap<string, ContainerInstanceFact>;
  /** EC2 instance id → its primary ENI (DescribeInstances, DeviceIndex 0). */
  readonly primaryEnis: ReadonlyMap<string, string>;
  /** ENI id → InterfaceType (DescribeNetworkInterfaces): `interface`, `branch`, `trunk`, … */
  readonly interfaceTypes: ReadonlyMap<string, string>;
}

/**
 * Door reads that failed, keyed by what each was to read (a container instance ARN, an EC2
 * instance id, an ENI id): only the tasks whose door depends on a failed read are unresolved.
 */
export interface DoorReadFailures<E> {
  readonly containerInstances: ReadonlyMap<string, E>;
  readonly instances: ReadonlyMap<string, E>;
  readonly interfaceTypes: ReadonlyMap<string, E>;
}

/**
 * Why this task's door cannot be resolved, if a read it depends on failed: its container
 * instance's description, then (bridge/host) its instance's primary ENI, or (awsvpc) its ENIs' types.
 * A Fargate task depends on no read.
 */
export function doorReadFailureOf<E>(task: TaskSnapshot, facts: Pick<HostFacts, 'containerInstances'>, failures: DoorReadFailures<E>): E | undefined {
  const containerInstanceArn = task.containerInstanceArn;
  if (containerInstanceArn === undefined) return undefined;
  const described = failures.containerInstances.get(containerInstanceArn);
  if (described !== undefined) return described;
  if (usesInstanceEni(task)) {
    const instanceId = facts.containerInstances.get(containerInstanceArn)?.ec2InstanceId;
    return instanceId === undefined ? undefined : failures.instances.get(instanceId);
  }
  for (const eni of task.enis) {
    const typed = eni.networkInterfaceId === undefined ? undefined : failures.interfaceTypes.get(eni.networkInterfaceId);
    if (typed !== undefined) return typed;
  }
  return undefined;
}

export const NO_HOST_FACTS: HostFacts = { containerInstances: new Map(), primaryEnis: new Map(), interfaceTypes: new Map() };

export const BRANCH_ENI_REASON = 'unsupported: branch ENI (awsvpcTrunking)';

/** A bridge or host task: on a container instance, and no ENI of its own. */
export function usesInstanceEni(task: TaskSnapshot): boolean {
  return task.containerInstanceArn !== undefined && task.enis.length === 0;
}

/** Container instances to describe, per cluster: those of tasks whose door depends on them. */
export function containerInstancesToDescribe(tasks: readonly TaskSnapshot[]): Map<string, string[]> {
  const byCluster = new Map<string, Set<string>>();
  for (const task of tasks) {
    if (task.containerInstanceArn === undefined) continue;
    const arns = byCluster.get(task.clusterArn) ?? new Set<string>();
    byCluster.set(task.clusterArn, arns.add(task.containerInstanceArn));
  }
  return new Map([...byCluster].map(([cluster, arns]) => [cluster, [...arns].sort()]));
}

/**
 * ENIs whose type must be read: the ATTACHED ENIs of `awsvpc` tasks on container instances
 * (a Fargate task's ENI is always `interface`, so it costs no call).
 */
export function enisToType(tasks: readonly TaskSnapshot[]): string[] {
  return [...new Set(tasks.flatMap((task) => (task.containerInstanceArn === undefined ? [] : task.enis.flatMap((eni) => eni.networkInterfaceId ?? []))))].sort();
}

/** The EC2 instances whose primary ENI is needed: those of bridge/host tasks. */
export function instancesToDescribe(tasks: readonly TaskSnapshot[], facts: Pick<HostFacts, 'containerInstances'>): string[] {
  const ids = new Set<string>();
  for (const task of tasks) {
    if (!usesInstanceEni(task)) continue;
    const id = facts.containerInstances.get(task.containerInstanceArn ?? '')?.ec2InstanceId;
    if (id !== undefined) ids.add(id);
  }
  return [...ids].sort();
}

/**
 * The task with its doors marked: a branch ENI as `branch`, and for a bridge/host task one entry
 * for the instance's primary ENI (ATTACHED when the instance and its ENI are known, else an entry
 * without an ENI id that says why). Every other ENI is the task's own.
 */
export function withDoors(task: TaskSnapshot, facts: HostFacts): TaskSnapshot {
  if (usesInstanceEni(task)) return { ...task, enis: [instanceEniOf(task, facts)] };
  if (task.containerInstanceArn === undefined) return task;
  return {
    ...task,
    enis: task.enis.map((eni): TaskEni => {
      const type = eni.networkInterfaceId === undefined ? undefined : facts.interfaceTypes.get(eni.networkInterfaceId);
      // Unknown type (not visible to EC2 yet): left unmarked, so a refusal is not blamed on the host.
      if (type === undefined) return eni;
      return { ...eni, door: type === 'branch' ? 'branch' : 'task-eni' };
    }),
  };
}

/** The attachment id of an instance door: one per container instance, so every task on it names the same. */
export function instanceAttachmentId(containerInstanceArn: string): string {
  return `instance:${containerInstanceArn.slice(containerInstanceArn.lastIndexOf('/') + 1)}`;
}

function instanceEniOf(task: TaskSnapshot, facts: HostFacts): TaskEni {
  const containerInstanceArn = task.containerInstanceArn ?? '';
  const base = { attachmentId: instanceAttachmentId(containerInstanceArn), door: 'instance-eni' as const, containerInstanceArn };
  const instance = facts.containerInstances.get(containerInstanceArn);
  if (instance?.ec2InstanceId === undefined) return { ...base, status: `container instance not described in cluster ${clusterNameOf(task.clusterArn)}` };
  const networkInterfaceId = facts.primaryEnis.get(instance.ec2InstanceId);
  if (networkInterfaceId === undefined) return { ...base, instanceId: instance.ec2InstanceId, status: `instance ${instance.ec2InstanceId} has no primary ENI described` };
  return { ...base, instanceId: instance.ec2InstanceId, status: ATTACHED, networkInterfaceId };
}

/**
 * The door of one ENI of a (resolved) task, as decide takes it. `unsupportedHosts`: container
 * instances known not to mirror, with why — one failed create per instance, not one per task.
 * No ENI id: the task's entry without one (an instance door whose ENI could not be read).
 */
export function doorOf(task: TaskSnapshot, networkInterfaceId: string | undefined, unsupportedHosts: ReadonlyMap<string, string> = new Map()): EniDoor {
  const eni = task.enis.find((candidate) => candidate.networkInterfaceId === networkInterfaceId);
  const kind = eni?.door ?? 'task-eni';
  const containerInstanceArn = eni?.containerInstanceArn ?? task.containerInstanceArn;
  if (containerInstanceArn === undefined) return { kind };
  const hostUnsupported = unsupportedHosts.get(containerInstanceArn);
  return {
    kind,
    instance: { containerInstanceArn, ...(eni?.instanceId === undefined ? {} : { instanceId: eni.instanceId }) },
    ...(hostUnsupported === undefined ? {} : { hostUnsupported }),
  };
}

/** Why an instance is unmirrorable, as reported for every task on it after the first failed create. */
export function unsupportedHostReason(containerInstanceArn: string): string {
  return `instance cannot mirror: an earlier create on container instance ${containerInstanceArn.slice(containerInstanceArn.lastIndexOf('/') + 1)} failed with NetworkInterfaceNotSupported`;
}
