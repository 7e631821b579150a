/** A VPC Traffic Mirror session as the product sees it, whoever made it. */
export interface MirrorSession {
  readonly sessionId: string;
  readonly networkInterfaceId: string;
  readonly targetId: string;
  readonly filterId: string;
  readonly sessionNumber: number;
  readonly virtualNetworkId?: number;
  readonly packetLength?: number;
  readonly description?: string;
  readonly ownerId?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The tags that mark a session as ours; nothing without MANAGED_TAG = 'true' is ever changed. */
export const MANAGED_TAG = 'ecs-traffic-mirror:managed';
export const TASK_ARN_TAG = 'ecs-traffic-mirror:task-arn';
export const CLUSTER_TAG = 'ecs-traffic-mirror:cluster';
export const ENI_TAG = 'ecs-traffic-mirror:eni';
/** Put on an ECS task whose interface cannot be mirrored, so sweeps and status know why. */
export const UNSUPPORTED_TASK_TAG = 'ecs-traffic-mirror:unsupported';

export function isManagedSession(session: MirrorSession): boolean {
  return session.tags[MANAGED_TAG] === 'true';
}

/** Ours = managed by us and pointing at our target: what counts as "this ENI is mirrored". */
export function isOurSession(session: MirrorSession, targetId: string): boolean {
  return isManagedSession(session) && session.targetId === targetId;
}
