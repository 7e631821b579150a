import { MirrorError } from '../core/errors.js';
import type { EniDecision } from '../core/decide.js';
import { classifyError } from '../core/outcome.js';
import { withGeneration, type PlannedSession } from '../core/plan.js';
import type { MirrorSession } from '../core/session.js';
import { MIRRORABLE_TASK_STATUSES, type TaskSnapshot } from '../core/task.js';
import { METRIC, forEachLimited, type AppDeps } from './deps.js';
import { ABANDONED, type Abandoned } from './deadline.js';
import type { EniResult } from './results.js';
import { handleUnsupportedEni } from './unsupported-eni.js';
import { rememberUnsupportedHost } from './host-facts.js';
import { ECS_MISSING } from '../core/verify-event.js';

/**
 * Carries out the core's decision for one ENI: nothing when it is mirrored as desired, one create
 * or one modify otherwise; excluded and blocked ENIs are reported (blocked with a metric), not
 * retried. Throws MirrorError when the event must be retried or someone must act.
 */
export async function mirrorEni(task: TaskSnapshot, networkInterfaceId: string, decision: EniDecision, deps: AppDeps): Promise<EniResult> {
  switch (decision.kind) {
    case 'mirrored':
      deps.metrics.count(METRIC.sessionExists);
      return {
        networkInterfaceId,
        outcome: 'exists',
        sessionId: decision.sessionId,
        // Typically the seed's Lambda, which we replace: mirroring again would send the IDS every packet twice.
        ...(decision.foreign ? { reason: 'an unmanaged session already mirrors this ENI to the target; left as it is' } : {}),
      };
    case 'excluded':
      return { networkInterfaceId, outcome: 'excluded', reason: decision.reason };
    case 'unsupported':
      // Known before any call (a branch ENI, a host that failed before): no create, no tag, no stop.
      deps.metrics.count(METRIC.eniUnsupported);
      return { networkInterfaceId, outcome: 'unsupported', reason: decision.reason };
    case 'blocked':
      // Not an error to retry: nothing changes until someone adds a target (or a foreign session
      // goes); the metric alarms, and the next sweep tries again on its own schedule.
      deps.metrics.count(decision.cause === 'sessions-per-eni' ? METRIC.quotaExceeded : METRIC.poolFull);
      deps.logger.warn('ENI not mirrored: blocked', { taskArn: task.taskArn, networkInterfaceId, cause: decision.cause, reason: decision.reason });
      return { networkInterfaceId, outcome: 'blocked', reason: decision.reason };
    case 'modify':
      return withErrorPolicy(task, networkInterfaceId, deps, async () => {
        const session = await deps.ec2.modifySession(decision.session.sessionId, decision.changes);
        deps.metrics.count(METRIC.sessionModified);
        return { networkInterfaceId, outcome: 'modified', sessionId: session.sessionId, reason: decision.drift.join(', ') };
      });
    case 'create':
      return withErrorPolicy(task, networkInterfaceId, deps, async () => {
        const session = await createWhenEniVisible(decision.plan, deps);
        deps.metrics.count(METRIC.sessionCreated);
        return { networkInterfaceId, outcome: 'created', sessionId: session.sessionId };
      });
  }
}

async function withErrorPolicy(task: TaskSnapshot, networkInterfaceId: string, deps: AppDeps, work: () => Promise<EniResult>): Promise<EniResult> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof MirrorError)) throw error;
    const outcome = classifyError(error.kind);
    if (outcome === 'unsupported') {
      rememberUnsupportedHost(deps, task, networkInterfaceId);
      return handleUnsupportedEni(task, networkInterfaceId, deps);
    }
    if (error.kind === 'eni-not-found' && (await taskHasStopped(task, deps))) {
      return { networkInterfaceId, outcome: 'skipped-status', reason: 'task stopped before its ENI could be mirrored' };
    }
    if (outcome === 'quota') deps.metrics.count(METRIC.quotaExceeded);
    if (outcome === 'config') deps.metrics.count(METRIC.configError);
    throw error;
  }
}

export interface EniToMirror {
  readonly task: TaskSnapshot;
  readonly networkInterfaceId: string;
  /** The core's decision for the ENI, from the sessions described just before. */
  readonly decision: EniDecision;
}

export type MirrorAttempt = { readonly ok: true; readonly result: EniResult } | { readonly ok: false; readonly error: unknown };

export interface MirrorManyOptions {
  readonly concurrency: number;
  /** Awaited before each create or modify (the sweep's pacing). */
  readonly beforeCreate?: () => Promise<void>;
  /** Called once each ENI's first attempt is done (the sweep's progress line). */
  readonly afterEach?: () => void;
  /**
   * Wraps each piece of AWS work (the event path's batch deadline): work it gives up on comes back
   * as a failed attempt whose error is ABANDONED, never as a success.
   */
  readonly settle?: <T>(work: Promise<T>) => Promise<T | Abandoned>;
  /** The same for the one describe that checks the creates; it may be given more time than they are. */
  readonly settleCheck?: <T>(work: Promise<T>) => Promise<T | Abandoned>;
}

/** Decisions that call EC2; the others are answered without a call (and without pacing). */
function needsCall(decision: EniDecision): boolean {
  return decision.kind === 'create' || decision.kind === 'modify';
}

/**
 * The one execution path of the event path and the sweep: mirrorEni for each ENI, then proof that
 * each session created exists. A client token used before makes EC2 answer with the first
 * session even after it was deleted, so a `created` is only believed once one
 * DescribeTrafficMirrorSessions (by session id, for the whole batch) shows it; a replayed one is
 * created anew under a token of its own, and the warm cache forgets the ENI.
 */
export async function mirrorEnisVerified(items: readonly EniToMirror[], deps: AppDeps, options: MirrorManyOptions): Promise<Map<string, MirrorAttempt>> {
  const outcomes = new Map<string, MirrorAttempt>();
  const settle = options.settle ?? (<T>(work: Promise<T>): Promise<T | Abandoned> => work);
  const settleCheck = options.settleCheck ?? settle;
  await forEachLimited(items, options.concurrency, async ({ task, networkInterfaceId, decision }) => {
    try {
      if (needsCall(decision)) await options.beforeCreate?.();
      const result = await settle(mirrorEni(task, networkInterfaceId, decision, deps));
      outcomes.set(networkInterfaceId, result === ABANDONED ? { ok: false, error: ABANDONED } : { ok: true, result });
    } catch (error) {
      outcomes.set(networkInterfaceId, { ok: false, error });
    }
    options.afterEach?.();
  });

  const createdSessionOf = (eniId: string): string | undefined => {
    const attempt = outcomes.get(eniId);
    return attempt?.ok && attempt.result.outcome === 'created' ? attempt.result.sessionId : undefined;
  };
  const obtained = items.flatMap(({ networkInterfaceId }) => createdSessionOf(networkInterfaceId) ?? []);
  if (obtained.length === 0) return outcomes;
  let live: ReadonlySet<string>;
  try {
    const found = await settleCheck(deps.ec2.findSessionsByIds(obtained));
    if (found === ABANDONED) throw ABANDONED;
    live = new Set(found.map((s) => s.sessionId));
  } catch (error) {
    // Unproven is not a success: the ENI is retried (the event redelivered, the next sweep), and
    // the retry's describe by ENI finds the session if it does exist.
    for (const { networkInterfaceId } of items) if (createdSessionOf(networkInterfaceId) !== undefined) outcomes.set(networkInterfaceId, { ok: false, error });
    return outcomes;
  }
  const replayed = items.filter(({ networkInterfaceId }) => {
    const sessionId = createdSessionOf(networkInterfaceId);
    return sessionId !== undefined && !live.has(sessionId);
  });
  await forEachLimited(replayed, options.concurrency, async ({ task, networkInterfaceId, decision }) => {
    if (decision.kind !== 'create') return;
    deps.logger.warn('client token replayed a deleted session; creating a new one', { taskArn: task.taskArn, networkInterfaceId });
    deps.knownSessions?.forget(networkInterfaceId);
    try {
      await options.beforeCreate?.();
      const replacement = withGeneration(decision.plan, deps.clock.now());
      const session = await settle(createWhenEniVisible(replacement, deps));
      outcomes.set(
        networkInterfaceId,
        session === ABANDONED ? { ok: false, error: ABANDONED } : { ok: true, result: { networkInterfaceId, outcome: 'created', sessionId: session.sessionId } },
      );
    } catch (error) {
      outcomes.set(networkInterfaceId, { ok: false, error });
    }
  });
  return outcomes;
}

/**
 * ECS reports an ENI ATTACHED before EC2's API always sees it (eventual consistency), so
 * InvalidNetworkInterfaceID.NotFound is retried with backoff before it is given up on.
 */
export async function createWhenEniVisible(plan: PlannedSession, deps: AppDeps): Promise<MirrorSession> {
  const { attempts, baseDelayMs, maxDelayMs } = deps.config.eniRetry;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.ec2.createSession(plan);
    } catch (error) {
      const retryable = error instanceof MirrorError && error.kind === 'eni-not-found';
      if (!retryable || attempt >= attempts) throw error;
      deps.metrics.count(METRIC.eniNotFoundRetried);
      await deps.clock.sleep(Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}

/**
 * A late or replayed event can name an ENI that is already gone with its task. Asking ECS
 * tells that apart from EC2 being slow, so a stopped task does not end in the dead-letter queue.
 */
async function taskHasStopped(task: TaskSnapshot, deps: AppDeps): Promise<boolean> {
  try {
    const ecs = await deps.ecs();
    const { tasks: [current], failures } = await ecs.describeTasks(task.clusterArn, [task.taskArn]);
    // Gone only when ECS says so (MISSING): a task the answer leaves out is not evidence of anything.
    if (current === undefined) return failures.some((failure) => failure.reason === ECS_MISSING);
    return current.desiredStatus === 'STOPPED' || !MIRRORABLE_TASK_STATUSES.has(current.lastStatus);
  } catch (error) {
    deps.logger.warn('could not ask ECS whether the task still runs', { taskArn: task.taskArn, error: String(error) });
    return false;
  }
}
