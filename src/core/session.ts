import { MANAGED_TAG, MANAGED_TAG_VALUE } from '../contract/tags.js';

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


export { CLUSTER_TAG, ENI_TAG, MANAGED_TAG, TASK_ARN_TAG, UNSUPPORTED_TASK_TAG } from '../contract/tags.js';

export function isManagedSession(session: MirrorSession): boolean {
  return session.tags[MANAGED_TAG] === MANAGED_TAG_VALUE;
}

/** Ours = managed by us and pointing at our target: what counts as "this ENI is mirrored". */
export function isOurSession(session: MirrorSession, targetId: string): boolean {
  return isManagedSession(session) && session.targetId === targetId;
}
