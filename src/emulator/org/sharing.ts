import { ApiError } from '../context.js';
import type { AccountCells } from './cells.js';

export interface TargetShare {
  /** The account that owns the target, and its Region (RAM shares are regional). */
  readonly ownerAccountId: string;
  readonly region: string;
  readonly targetId: string;
  /** The accounts that may use it. */
  readonly accountIds: readonly string[];
}

/**
 * AWS RAM sharing of a traffic mirror target, reduced to its effect (VPC Traffic Mirroring guide,
 * "Cross-account traffic mirror targets"): once shared (and, across organizations, accepted — here
 * it is accepted at once, as within an organization with sharing enabled) the target "is visible
 * to shared accounts in their DescribeTrafficMirrorTarget API calls" and usable in their
 * sessions, which live in the source ENI's account. Not emulated: the owner seeing those sessions
 * in its own DescribeTrafficMirrorSessions, and refusing a consumer's delete of the target (only
 * the owner may modify or delete it). ram:CreateResourceShare itself is not served (RAM is a
 * REST-JSON service of its own); the control endpoint POST /_emulator/org/share-target and
 * shareTarget() stand for it.
 */
export function shareTarget(cells: AccountCells, share: TargetShare): void {
  const owner = cells.find(share.ownerAccountId, share.region);
  const target = owner?.ec2.targetForSharing(share.targetId);
  if (!target || target.ownerId !== share.ownerAccountId) {
    throw new ApiError('UnknownResourceException', `Account ${share.ownerAccountId} owns no traffic mirror target ${share.targetId} in ${share.region}.`);
  }
  for (const accountId of share.accountIds) {
    if (accountId !== share.ownerAccountId) cells.get(accountId, share.region).ec2.acceptSharedTarget(target);
  }
}
