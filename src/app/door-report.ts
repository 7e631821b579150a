import { doorOf } from '../core/door.js';
import type { TaskEni, TaskSnapshot } from '../core/task.js';
import type { EniStatus } from './reconcile.js';

/**
 * The part of the sweep report that says which door carries each task's traffic: per cluster, the
 * tasks by door, and each session on a container instance's primary ENI with the tasks it covers.
 * The coverage table counts an instance's primary ENI once however many bridge/host tasks use it
 * (the first task by ARN claims it); here every task counts, each once, by the door of its ENI.
 */

export interface ClusterDoors {
  readonly cluster: string;
  /** Tasks on their own ENI (Fargate, `awsvpc` without trunking, Managed Instances), host able to mirror. */
  readonly taskEni: number;
  /** Bridge/host tasks, through their container instance's primary ENI, host able to mirror. */
  readonly instanceEni: number;
  /** `awsvpc` tasks on a branch ENI (awsvpcTrunking): never a source. */
  readonly branch: number;
  /** Tasks on a task ENI or instance ENI of a host that cannot mirror (NetworkInterfaceNotSupported). */
  readonly unsupportedHost: number;
  /** Of all these, the tasks on EC2 capacity (a container instance). */
  readonly onContainerInstances: number;
}

/** One session on an instance's primary ENI: it mirrors the whole instance, these tasks included. */
export interface InstanceSessionCoverage {
  readonly sessionId: string;
  readonly networkInterfaceId: string;
  readonly cluster: string;
  readonly containerInstanceArn?: string;
  readonly instanceId?: string;
  /** The running in-scope bridge/host tasks this session mirrors, sorted. */
  readonly taskArns: readonly string[];
}

/** A task with the status of the ENI that carries its traffic (its own, or the one it shares). */
export interface TaskDoor {
  readonly task: TaskSnapshot;
  readonly eni: TaskEni;
  readonly status: EniStatus;
}

/**
 * Each task once, by its first ENI that has a status (ECS gives an `awsvpc` task one ENI); tasks
 * with no status (out of scope) and ENIs excluded by a rule or not attached are left out, as the
 * coverage table leaves them out of `enis`. A task that shares its instance's ENI takes the status
 * of that ENI, whichever task claimed it.
 */
export function taskDoors(tasks: readonly TaskSnapshot[], states: readonly EniStatus[]): TaskDoor[] {
  const byTaskAndEni = new Map(states.map((s) => [`${s.taskArn}|${s.networkInterfaceId ?? ''}`, s]));
  const byEni = new Map<string, EniStatus>();
  for (const s of states) if (s.networkInterfaceId !== undefined && !byEni.has(s.networkInterfaceId)) byEni.set(s.networkInterfaceId, s);
  const doors: TaskDoor[] = [];
  const seen = new Set<string>();
  for (const task of tasks) {
    if (seen.has(task.taskArn)) continue;
    for (const eni of task.enis) {
      const status = byTaskAndEni.get(`${task.taskArn}|${eni.networkInterfaceId ?? ''}`) ?? (eni.networkInterfaceId === undefined ? undefined : byEni.get(eni.networkInterfaceId));
      if (status === undefined) continue;
      seen.add(task.taskArn);
      if (status.state !== 'not-attached' && status.state !== 'excluded') doors.push({ task, eni, status });
      break;
    }
  }
  return doors;
}

export function doorsByCluster(clusters: readonly string[], doors: readonly TaskDoor[]): ClusterDoors[] {
  const rows = new Map(clusters.map((cluster) => [cluster, { cluster, taskEni: 0, instanceEni: 0, branch: 0, unsupportedHost: 0, onContainerInstances: 0 }]));
  for (const { task, eni, status } of doors) {
    const row = rows.get(task.clusterName);
    if (row === undefined) continue;
    if (task.containerInstanceArn !== undefined) row.onContainerInstances++;
    if (eni.door === 'branch') row.branch++;
    else if (status.state === 'unsupported') row.unsupportedHost++;
    else if (eni.door === 'instance-eni') row.instanceEni++;
    else row.taskEni++;
  }
  return [...rows.values()];
}

/** Sessions that mirror instance ENIs, each with the tasks whose traffic it carries; by cluster, then session id. */
export function instanceSessionsOf(doors: readonly TaskDoor[]): InstanceSessionCoverage[] {
  const bySession = new Map<string, { door: TaskDoor; taskArns: Set<string> }>();
  for (const door of doors) {
    const { eni, status } = door;
    if (eni.door !== 'instance-eni' || status.state !== 'mirrored' || status.sessionId === undefined || eni.networkInterfaceId === undefined) continue;
    const entry = bySession.get(status.sessionId) ?? { door, taskArns: new Set<string>() };
    bySession.set(status.sessionId, entry);
    entry.taskArns.add(door.task.taskArn);
  }
  return [...bySession.entries()]
    .map(([sessionId, { door, taskArns }]) => ({
      sessionId,
      networkInterfaceId: door.eni.networkInterfaceId ?? '',
      cluster: door.task.clusterName,
      ...(door.eni.containerInstanceArn === undefined ? {} : { containerInstanceArn: door.eni.containerInstanceArn }),
      ...(door.eni.instanceId === undefined ? {} : { instanceId: door.eni.instanceId }),
      taskArns: [...taskArns].sort(),
    }))
    .sort((a, b) => a.cluster.localeCompare(b.cluster) || a.sessionId.localeCompare(b.sessionId));
}

/** The door facts of a status, from the (door-resolved) task it belongs to, as decide sees them (doorOf). */
export function withDoorOf(status: EniStatus, task: TaskSnapshot | undefined): EniStatus {
  if (task === undefined) return { ...status, door: 'task-eni' };
  const { kind, instance } = doorOf(task, status.networkInterfaceId);
  return {
    ...status,
    door: kind,
    ...(instance === undefined ? {} : { containerInstanceArn: instance.containerInstanceArn }),
    ...(instance?.instanceId === undefined ? {} : { instanceId: instance.instanceId }),
  };
}
