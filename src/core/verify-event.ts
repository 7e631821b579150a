import { checkScope, type ScopeConfig } from './scope.js';
import { ATTACHED, MIRRORABLE_TASK_STATUSES, type TaskSnapshot } from './task.js';

/**
 * What ECS said about the task an event names, as the event path asked it: described, listed as
 * a failure (ECS's `MISSING`, or `NOT_ANSWERED` when the body left the task out), or the call
 * itself failed (then the app fails the event for a retry without asking the core).
 */
export type EcsAnswer =
  | { readonly kind: 'described'; readonly task: TaskSnapshot }
  | { readonly kind: 'failed'; readonly reason: string; readonly detail?: string };

/**
 * The verdict on one event:
 * - verified: act on ECS's snapshot of the task, never on the event's (its group, tags, attachments);
 * - skipped: ECS says the task is stopping or stopped, so there is nothing to mirror (not a failure);
 * - rejected: ECS contradicts the event (no such task in that cluster, an ENI that is not the
 *   task's, another group or launch type…): nothing may be touched, and the event is dead-lettered;
 * - out-of-scope: ECS's view of the task is out of scope for a reason the event could not have
 *   shown (tags, which events do not carry), so the event itself is not suspect;
 * - retry: ECS could not answer with certainty (not answered, or it lags behind the event).
 */
export type EventVerdict =
  | { readonly verdict: 'verified'; readonly task: TaskSnapshot }
  | { readonly verdict: 'skipped'; readonly reason: string }
  | { readonly verdict: 'rejected'; readonly reason: string }
  | { readonly verdict: 'out-of-scope'; readonly reason: string }
  | { readonly verdict: 'retry'; readonly reason: string };

/** ECS's own reason for a task that does not exist in the cluster asked about. */
export const ECS_MISSING = 'MISSING';

/**
 * Checks an event's claims against ECS's answer for its task. `eniIds` are the interfaces the
 * event wants mirrored (ATTACHED in the event): each must be an attachment of that task in ECS's
 * view, and ATTACHED there too.
 */
export function verifyEvent(event: TaskSnapshot, eniIds: readonly string[], answer: EcsAnswer, scope: ScopeConfig): EventVerdict {
  if (answer.kind === 'failed') {
    // MISSING is ECS positively saying that the cluster has no such task. Anything else (not
    // answered, an unknown reason) says nothing either way, so it is asked again.
    if (answer.reason === ECS_MISSING) return { verdict: 'rejected', reason: `ECS has no task ${event.taskArn} in cluster ${event.clusterName}` };
    return { verdict: 'retry', reason: `ECS did not describe ${event.taskArn} (${answer.reason}${answer.detail ? `: ${answer.detail}` : ''})` };
  }
  const ecs = answer.task;
  if (ecs.taskArn !== event.taskArn && ecs.taskId !== event.taskId) {
    return { verdict: 'rejected', reason: `ECS described ${ecs.taskArn} when asked about ${event.taskArn}` };
  }
  if (ecs.clusterArn !== event.clusterArn) {
    return { verdict: 'rejected', reason: `task ${event.taskId} is in cluster ${ecs.clusterArn}, not ${event.clusterArn}` };
  }
  if (ecs.desiredStatus === 'STOPPED' || !MIRRORABLE_TASK_STATUSES.has(ecs.lastStatus)) {
    return { verdict: 'skipped', reason: `ECS says the task is ${ecs.lastStatus} (desired ${ecs.desiredStatus ?? 'unknown'})` };
  }
  // Events of one task carry a growing version: an older answer than the event is a lagging read.
  if (ecs.version > 0 && ecs.version < event.version) {
    return { verdict: 'retry', reason: `ECS answered version ${ecs.version} of the task, older than the event's ${event.version}` };
  }
  const mismatch = identityMismatch(event, ecs);
  if (mismatch !== undefined) return { verdict: 'rejected', reason: mismatch };
  for (const eniId of eniIds) {
    const attachment = ecs.enis.find((eni) => eni.networkInterfaceId === eniId);
    if (attachment === undefined) return { verdict: 'rejected', reason: `${eniId} is not a network interface of task ${ecs.taskArn} according to ECS` };
    if (attachment.status !== ATTACHED) {
      return { verdict: 'retry', reason: `ECS reports ${eniId} as ${attachment.status}, the event as ${ATTACHED}` };
    }
  }
  const inScope = checkScope(ecs, scope);
  if (!inScope.inScope) {
    // The event's own claims with ECS's tags: if they are out of scope too, only the tags (which
    // no event carries) decided it, and the event told no lie.
    const claimed = checkScope({ ...event, tags: ecs.tags }, scope);
    if (!claimed.inScope) return { verdict: 'out-of-scope', reason: inScope.reason };
    return { verdict: 'rejected', reason: `out of scope according to ECS: ${inScope.reason}` };
  }
  return { verdict: 'verified', task: ecs };
}

/** Fields that never change over a task's life: an event that disagrees with ECS on one is not this task's. */
function identityMismatch(event: TaskSnapshot, ecs: TaskSnapshot): string | undefined {
  const fields = ['group', 'launchType', 'taskDefinitionArn', 'containerInstanceArn'] as const;
  for (const field of fields) {
    const claimed = event[field];
    if (claimed !== undefined && claimed !== ecs[field]) return `the event's ${field} '${claimed}' is not ECS's '${ecs[field] ?? 'none'}'`;
  }
  return undefined;
}
