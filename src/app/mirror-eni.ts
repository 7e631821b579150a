import { MirrorError } from '../core/errors.js';
import { classifyError } from '../core/outcome.js';
import { planSessionForEni, withGeneration, type PlannedSession } from '../core/plan.js';
import { isOurSession, type MirrorSession } from '../core/session.js';
import { MIRRORABLE_TASK_STATUSES, type TaskSnapshot } from '../core/task.js';
import { METRIC, forEachLimited, type AppDeps } from './deps.js';
import { ABANDONED, type Abandoned } from './deadline.js';
import type { EniResult } from './results.js';
import { handleUnsupportedEni } from './unsupported-eni.js';
import { ECS_MISSING } from '../core/verify-event.js';

/** EC2 allows three sessions per source ENI (not adjustable). */
export const SESSIONS_PER_ENI = 3;

/** The lowest free session number at or above the configured one, so a foreign session keeps its slot. */
export function freeSessionNumber(preferred: number, sessionsOnEni: readonly MirrorSession[]): number {
  const taken = new Set(sessionsOnEni.map((s) => s.sessionNumber));
  let number = preferred;
  while (taken.has(number) && number < 32766) number++;
  return number;
}

/** The session to create for this ENI, given the sessions already on it. */
export function planForEni(task: TaskSnapshot, networkInterfaceId: string, sessionsOnEni: readonly MirrorSession[], deps: AppDeps): PlannedSession {
  const options = deps.config.session;
  const sessionNumber = freeSessionNumber(options.sessionNumber, sessionsOnEni);
  return planSessionForEni(task, networkInterfaceId, { ...options, sessionNumber });
}

/**
 * Makes sure one ENI is mirrored to our target: success when our session is already there,
 * else one create. Throws MirrorError when the event must be retried or someone must act.
 */
export async function mirrorEni(task: TaskSnapshot, networkInterfaceId: string, sessionsOnEni: readonly MirrorSession[], deps: AppDeps): Promise<EniResult> {
  const ours = sessionsOnEni.find((s) => isOurSession(s, deps.config.session.targetId));
  if (ours) {
    deps.metrics.count(METRIC.sessionExists);
    return { networkInterfaceId, outcome: 'exists', sessionId: ours.sessionId };
  }
  // Typically the seed's Lambda, which we replace: mirroring again would send the IDS every packet twice.
  const unmanagedToOurTarget = sessionsOnEni.find((s) => s.targetId === deps.config.session.targetId);
  if (unmanagedToOurTarget) {
    deps.metrics.count(METRIC.sessionExists);
    return {
      networkInterfaceId,
      outcome: 'exists',
      sessionId: unmanagedToOurTarget.sessionId,
      reason: 'an unmanaged session already mirrors this ENI to the target; left as it is',
    };
  }
  if (sessionsOnEni.length >= SESSIONS_PER_ENI) {
    deps.metrics.count(METRIC.quotaExceeded);
    throw new MirrorError(
      'sessions-per-eni-limit',
      `${networkInterfaceId} already has ${sessionsOnEni.length} mirror sessions from other owners (${sessionsOnEni.map((s) => s.sessionId).join(', ')}); EC2 allows ${SESSIONS_PER_ENI}`,
      'TrafficMirrorSessionsPerInterfaceLimitExceeded',
    );
  }
  const plan = planForEni(task, networkInterfaceId, sessionsOnEni, deps);
  try {
    const session = await createWhenEniVisible(plan, deps);
    deps.metrics.count(METRIC.sessionCreated);
    return { networkInterfaceId, outcome: 'created', sessionId: session.sessionId };
  } catch (error) {
    if (!(error instanceof MirrorError)) throw error;
    const outcome = classifyError(error.kind);
    if (outcome === 'unsupported') return handleUnsupportedEni(task, networkInterfaceId, deps);
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
  /** Every session on the ENI, from a describe made just before. */
  readonly sessionsOnEni: readonly MirrorSession[];
}

export type MirrorAttempt = { readonly ok: true; readonly result: EniResult } | { readonly ok: false; readonly error: unknown };

export interface MirrorManyOptions {
  readonly concurrency: number;
  /** Awaited before each create (the sweep's pacing). */
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

/**
 * The one create path of the event path and the sweep: mirrorEni for each ENI, then proof that
 * each session obtained exists. A client token used before makes EC2 answer with the first
 * session even after it was deleted, so a `created` is only believed once one
 * DescribeTrafficMirrorSessions (by session id, for the whole batch) shows it; a replayed one is
 * created anew under a token of its own, and the warm cache forgets the ENI.
 */
export async function mirrorEnisVerified(items: readonly EniToMirror[], deps: AppDeps, options: MirrorManyOptions): Promise<Map<string, MirrorAttempt>> {
  const outcomes = new Map<string, MirrorAttempt>();
  const settle = options.settle ?? (<T>(work: Promise<T>): Promise<T | Abandoned> => work);
  const settleCheck = options.settleCheck ?? settle;
  await forEachLimited(items, options.concurrency, async ({ task, networkInterfaceId, sessionsOnEni }) => {
    try {
      await options.beforeCreate?.();
      const result = await settle(mirrorEni(task, networkInterfaceId, sessionsOnEni, deps));
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
  await forEachLimited(replayed, options.concurrency, async ({ task, networkInterfaceId, sessionsOnEni }) => {
    deps.logger.warn('client token replayed a deleted session; creating a new one', { taskArn: task.taskArn, networkInterfaceId });
    deps.knownSessions?.forget(networkInterfaceId);
    try {
      await options.beforeCreate?.();
      const replacement = withGeneration(planForEni(task, networkInterfaceId, sessionsOnEni, deps), deps.config.session, deps.clock.now());
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
