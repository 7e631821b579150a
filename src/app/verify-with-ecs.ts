import { asMirrorError, type MirrorError } from '../core/errors.js';
import { DESCRIBE_TASKS_LIMIT, taskIdOf, type TaskSnapshot } from '../core/task.js';
import { verifyEvent, type EcsAnswer, type EventVerdict } from '../core/verify-event.js';
import { ABANDONED, type Deadline } from './deadline.js';
import type { AppDeps } from './deps.js';


export interface EventToVerify {
  /** The event's snapshot of the task. */
  readonly event: TaskSnapshot;
  /** The interfaces the event wants mirrored. */
  readonly eniIds: readonly string[];
}

/** The core's verdict, or why there is none: the DescribeTasks call failed, or the deadline came first. */
export type Verification =
  | { readonly kind: 'verdict'; readonly verdict: EventVerdict }
  | { readonly kind: 'error'; readonly error: MirrorError }
  | { readonly kind: 'abandoned' };

/**
 * Asks ECS about the tasks of a batch's events — one DescribeTasks per cluster per 100 tasks, the
 * cluster being the one each event names — and has the core judge each event against the answer.
 */
export async function verifyWithEcs(
  events: readonly EventToVerify[],
  deps: AppDeps,
  deadline: Deadline,
  /** Marks the doors of ECS's snapshot (instance ENI, branch) as the events' were marked, before judging. */
  resolve: (task: TaskSnapshot) => TaskSnapshot = (task) => task,
): Promise<Map<TaskSnapshot, Verification>> {
  const verifications = new Map<TaskSnapshot, Verification>();
  if (events.length === 0) return verifications;
  const byCluster = new Map<string, EventToVerify[]>();
  for (const entry of events) byCluster.set(entry.event.clusterArn, [...(byCluster.get(entry.event.clusterArn) ?? []), entry]);

  const ecs = await deps.ecs();
  await Promise.all(
    [...byCluster].map(async ([cluster, entries]) => {
      const arns = [...new Set(entries.map((entry) => entry.event.taskArn))];
      const answers = new Map<string, EcsAnswer | Exclude<Verification, { kind: 'verdict' }>>();
      for (let start = 0; start < arns.length; start += DESCRIBE_TASKS_LIMIT) {
        const chunk = arns.slice(start, start + DESCRIBE_TASKS_LIMIT);
        let outcome: Awaited<ReturnType<typeof ecs.describeTasks>> | typeof ABANDONED;
        try {
          outcome = await deadline.race(ecs.describeTasks(cluster, chunk));
        } catch (error) {
          const failure = asMirrorError(error);
          // The cluster the event names does not exist: ECS has no such task there, as for MISSING.
          // A forged event, not our configuration (scope names were checked at start).
          if (failure.kind === 'cluster-not-found') {
            for (const arn of chunk) answers.set(arn, { kind: 'failed', reason: 'MISSING', detail: 'the cluster the event names does not exist' });
            continue;
          }
          for (const arn of chunk) answers.set(arn, { kind: 'error', error: failure });
          continue;
        }
        if (outcome === ABANDONED) {
          for (const arn of chunk) answers.set(arn, { kind: 'abandoned' });
          continue;
        }
        for (const arn of chunk) {
          const id = taskIdOf(arn);
          const task = outcome.tasks.find((t) => t.taskArn === arn || t.taskId === id);
          const failure = outcome.failures.find((f) => f.arn === arn || taskIdOf(f.arn) === id);
          if (task) answers.set(arn, { kind: 'described', task: resolve(task) });
          else answers.set(arn, { kind: 'failed', reason: failure?.reason ?? 'NOT_ANSWERED', ...(failure?.detail ? { detail: failure.detail } : {}) });
        }
      }
      for (const entry of entries) {
        const answer = answers.get(entry.event.taskArn) ?? { kind: 'failed', reason: 'NOT_ANSWERED' };
        if (answer.kind === 'error' || answer.kind === 'abandoned') {
          verifications.set(entry.event, answer);
          continue;
        }
        const verdict = verifyEvent(entry.event, entry.eniIds, answer, deps.config.scope);
        if (verdict.verdict !== 'verified') {
          deps.logger.warn('event not confirmed by ECS; nothing touched', { taskArn: entry.event.taskArn, verdict: verdict.verdict, reason: verdict.reason });
        }
        verifications.set(entry.event, { kind: 'verdict', verdict });
      }
    }),
  );
  return verifications;
}

