import type { MemberKey } from '../core/member.js';
import type { AppDeps } from './deps.js';

/**
 * The member accounts a hub acts in. Each member × Region has dependencies of its own — clients
 * with that account's credentials and that Region, its own create-rate limiter and its own memory
 * of mirrored ENIs — so that a burst or a throttle in one never slows or misleads another.
 */
export interface MemberDepsSource {
  /** The registered members (the sweep covers these); empty when none are registered. */
  readonly members: readonly MemberKey[];
  /** Whether events of this member are accepted: registered, or no registry at all. */
  accepts(member: MemberKey): boolean;
  /** The member's dependencies, its role assumed; rejects with a MirrorError when it cannot be (AccessDenied…). */
  depsFor(member: MemberKey): Promise<AppDeps>;
}
