import type { ErrorOutcome } from '../core/outcome.js';
import type { MirrorErrorKind } from '../core/errors.js';

/** What happened to one ENI of one task event. */
export type EniOutcome =
  | 'created'
  | 'exists'
  | 'unsupported'
  | 'stopped-task'
  | 'out-of-scope'
  | 'skipped-status'
  | 'not-attached'
  | 'failed';

export interface EniResult {
  readonly attachmentId?: string;
  readonly networkInterfaceId?: string;
  readonly outcome: EniOutcome;
  readonly sessionId?: string;
  readonly reason?: string;
}

export interface EventFailure {
  readonly kind: MirrorErrorKind | 'invalid-event';
  readonly outcome: ErrorOutcome | 'invalid-event';
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
