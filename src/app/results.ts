import type { ErrorOutcome } from '../core/outcome.js';
import type { MirrorErrorKind } from '../core/errors.js';

/** What happened to one ENI of one task event. */
export type EniOutcome =
  | 'created'
  | 'exists'
  /** A session of ours changed in place to what the rules now want. */
  | 'modified'
  /** A rule (`mirror: false`) or the opt-out tag leaves the ENI unmirrored. */
  | 'excluded'
  /** Cannot be mirrored as things stand (pool full, 3 sessions on the ENI, no pool for its AZ): reported, not retried. */
  | 'blocked'
  | 'unsupported'
  | 'stopped-task'
  | 'out-of-scope'
  | 'skipped-status'
  | 'not-attached'
  /** ECS contradicts the event (see core/verify-event): nothing was touched. */
  | 'rejected'
  | 'failed';

export interface EniResult {
  readonly attachmentId?: string;
  readonly networkInterfaceId?: string;
  readonly outcome: EniOutcome;
  readonly sessionId?: string;
  readonly reason?: string;
}

/**
 * Failures of the event path itself, besides AWS errors:
 * - unverified-event: ECS contradicts the event; redelivery ends in the dead-letter queue
 * - unconfirmed-event: ECS could not confirm the event yet (not answered, lagging); retried
 * - deadline: the batch's time ran out before this event's work was done; redelivered
 */
export type EventPathFailureKind = 'invalid-event' | 'unverified-event' | 'unconfirmed-event' | 'deadline';

export interface EventFailure {
  readonly kind: MirrorErrorKind | EventPathFailureKind;
  readonly outcome: ErrorOutcome | 'invalid-event' | 'rejected';
  readonly awsCode?: string;
  readonly message: string;
}

/** What one event led to. A failure means the event must be delivered again (or dead-lettered). */
export interface TaskEventResult {
  readonly taskArn?: string;
  readonly clusterArn?: string;
  readonly lastStatus?: string;
  readonly version?: number;
  readonly enis: readonly EniResult[];
  readonly failure?: EventFailure;
}
