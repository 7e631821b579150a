import { createHash } from 'node:crypto';
import { CONTAINER_INSTANCE_TAG, INSTANCE_SOURCE, SOURCE_KIND_TAG } from '../contract/tags.js';
import { CLUSTER_TAG, ENI_TAG, MANAGED_TAG, TASK_ARN_TAG } from './session.js';
import type { TaskSnapshot } from './task.js';

/** How every session we create is shaped; from configuration. */
export interface SessionOptions {
  readonly targetId: string;
  readonly filterId: string;
  /** 1..32766; lower numbers are evaluated first on an ENI. */
  readonly sessionNumber: number;
  /** VXLAN network identifier; EC2 picks one when absent. */
  readonly virtualNetworkId?: number;
  /** Bytes of each packet to mirror (1..8500); the whole packet when absent. */
  readonly packetLength?: number;
  /** Extra tags for every session (e.g. cost allocation); never overrides ours. */
  readonly extraTags?: Readonly<Record<string, string>>;
}

export interface PlannedSession {
  readonly networkInterfaceId: string;
  readonly targetId: string;
  readonly filterId: string;
  readonly sessionNumber: number;
  readonly virtualNetworkId?: number;
  readonly packetLength?: number;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Same ENI + same session shape → same token, so repeated events cannot create two sessions. */
  readonly clientToken: string;
}

/** EC2 caps descriptions at 255 characters and client tokens at 64 ASCII characters. */
const MAX_DESCRIPTION = 255;

/**
 * EC2 tag values are at most 256 Unicode characters (EC2 User Guide, "Tag restrictions"). An ECS
 * cluster name may be 255 characters, so a task ARN or `<cluster>/<task id>` may not fit.
 */
export const MAX_TAG_VALUE = 256;
const ELLIPSIS = '…';

/**
 * `value` when it fits, else its head and tail around an ellipsis: the tail keeps the task id
 * (the end of a task ARN or of a Name), the head the ARN's account and Region; the full cluster
 * name is in CLUSTER_TAG, which always fits.
 */
export function fitTagValue(value: string, max = MAX_TAG_VALUE): string {
  const characters = [...value];
  if (characters.length <= max) return value;
  const keep = max - ELLIPSIS.length;
  const tail = Math.ceil(keep / 2);
  return `${characters.slice(0, keep - tail).join('')}${ELLIPSIS}${characters.slice(characters.length - tail).join('')}`;
}

export function planSessionForEni(task: TaskSnapshot, networkInterfaceId: string, options: SessionOptions): PlannedSession {
  const tags: Record<string, string> = {
    ...options.extraTags,
    Name: fitTagValue(`ecs-traffic-mirror ${task.clusterName}/${task.taskId}`),
    [MANAGED_TAG]: 'true',
    [TASK_ARN_TAG]: fitTagValue(task.taskArn),
    // ≤ 255 characters (ECS's limit for cluster names): the sweep compares it whole.
    [CLUSTER_TAG]: task.clusterName,
    [ENI_TAG]: networkInterfaceId,
  };
  const description = `Mirror of ECS task ${task.clusterName}/${task.taskId} (${networkInterfaceId}) by ecs-traffic-mirror`;
  return plannedSession(networkInterfaceId, options, description, tags);
}

function plannedSession(networkInterfaceId: string, options: SessionOptions, description: string, tags: Readonly<Record<string, string>>): PlannedSession {
  return {
    networkInterfaceId,
    targetId: options.targetId,
    filterId: options.filterId,
    sessionNumber: options.sessionNumber,
    ...(options.virtualNetworkId === undefined ? {} : { virtualNetworkId: options.virtualNetworkId }),
    ...(options.packetLength === undefined ? {} : { packetLength: options.packetLength }),
    description: description.slice(0, MAX_DESCRIPTION),
    tags,
    clientToken: clientTokenFor(networkInterfaceId, options),
  };
}

/** The container instance whose primary ENI an instance session mirrors. */
export interface InstanceSource {
  readonly containerInstanceArn: string;
  readonly instanceId?: string;
}

/**
 * The session of a container instance's primary ENI: it carries every bridge/host task on the
 * instance, so it names the instance, not a task — every task on the instance plans the very same
 * session (same tags, same client token), and the sweep keeps it while any of them runs.
 */
export function planInstanceSession(clusterName: string, networkInterfaceId: string, instance: InstanceSource, options: SessionOptions): PlannedSession {
  const label = instance.instanceId ?? instance.containerInstanceArn.slice(instance.containerInstanceArn.lastIndexOf('/') + 1);
  const tags: Record<string, string> = {
    ...options.extraTags,
    Name: fitTagValue(`ecs-traffic-mirror ${clusterName}/instance ${label}`),
    [MANAGED_TAG]: 'true',
    [SOURCE_KIND_TAG]: INSTANCE_SOURCE,
    [CONTAINER_INSTANCE_TAG]: fitTagValue(instance.containerInstanceArn),
    [CLUSTER_TAG]: clusterName,
    [ENI_TAG]: networkInterfaceId,
  };
  return plannedSession(networkInterfaceId, options, `Mirror of ECS container instance ${clusterName}/${label} (${networkInterfaceId}, the whole instance) by ecs-traffic-mirror`, tags);
}

/**
 * Derived from what makes a session the same session, so that a second delivery of an event
 * returns the first call's session instead of creating another; a changed target or filter
 * gives a new token rather than an IdempotentParameterMismatch.
 */
export function clientTokenFor(networkInterfaceId: string, options: Omit<SessionOptions, 'extraTags'>, generation = 0): string {
  const identity = [
    networkInterfaceId,
    options.targetId,
    options.filterId,
    options.sessionNumber,
    options.virtualNetworkId ?? '',
    options.packetLength ?? '',
    generation,
  ].join('|');
  return `ecsmirror-${createHash('sha256').update(identity).digest('hex').slice(0, 40)}`;
}

/** The same plan under a new token: to recreate a session that was deleted after the first create. */
export function withGeneration(plan: PlannedSession, generation: number): PlannedSession {
  return { ...plan, clientToken: clientTokenFor(plan.networkInterfaceId, plan, generation) };
}
