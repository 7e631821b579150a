import { planSessionForEni, type PlannedSession, type SessionOptions } from './plan.js';
import { checkScope, type ScopeConfig } from './scope.js';
import { CLUSTER_TAG, isManagedSession, isOurSession, TASK_ARN_TAG, UNSUPPORTED_TASK_TAG, type MirrorSession } from './session.js';
import { ATTACHED, clusterNameOf, MIRRORABLE_TASK_STATUSES, type TaskSnapshot } from './task.js';

/**
 * Everything the sweep saw. List the sessions BEFORE the tasks: a session listed first belongs to
 * a task that already existed, so the later task listing contains it unless it has stopped. The
 * other order lets the event path mirror a task started between the two listings, and the sweep
 * would then delete that fresh session as an orphan.
 */
export interface ReconcileInput {
  readonly tasks: readonly TaskSnapshot[];
  readonly sessions: readonly MirrorSession[];
  readonly scope: ScopeConfig;
  readonly options: SessionOptions;
  /**
   * Set when the task listing covered only some clusters (names or ARNs): our sessions tagged
   * with any other cluster were not compared with their tasks, so they are left alone instead of
   * being taken for orphans. Absent = every cluster was listed.
   */
  readonly sweptClusters?: readonly string[];
  /**
   * Tasks created less than this long before `now` are left to the event path (reported
   * `pending`, not created): during a burst the event path is about to mirror them, and a sweep
   * creating them too spends EC2's 5-creates-a-second budget twice. 0 or absent = no grace.
   */
  readonly graceMs?: number;
  /** Epoch ms of the sweep, for `graceMs`. */
  readonly now?: number;
}

export type ReconcileAction =
  | { readonly kind: 'create'; readonly task: TaskSnapshot; readonly plan: PlannedSession }
  | { readonly kind: 'delete'; readonly session: MirrorSession; readonly reason: string };

export type ReconcileFindingKind = 'foreign-session' | 'unsupported' | 'not-attached' | 'out-of-scope' | 'mirrored' | 'pending';

/** Something the sweep noticed and will not change: for logs, metrics and `status`. */
export interface ReconcileFinding {
  readonly kind: ReconcileFindingKind;
  readonly taskArn?: string;
  readonly networkInterfaceId?: string;
  readonly sessionId?: string;
  readonly reason: string;
}

export interface ReconcilePlan {
  readonly actions: ReconcileAction[];
  readonly findings: ReconcileFinding[];
}

export const DELETE_REASON_NOT_RUNNING = 'ENI no longer belongs to a running task';

/** Where an ENI seen in the task list stands; the first task (by ARN) to claim an ENI wins. */
type EniOwner =
  | { readonly state: 'wanted'; readonly task: TaskSnapshot }
  | { readonly state: 'out-of-scope'; readonly task: TaskSnapshot; readonly reason: string }
  | { readonly state: 'not-running'; readonly task: TaskSnapshot };

/**
 * The diff of the periodic sweep: create what the event path missed, delete our sessions that no
 * longer mirror an in-scope running task. A session without our managed tag, or managed for
 * another target, is never in an action. Output is sorted by task ARN, then ENI, so two sweeps
 * over the same state plan the same calls.
 */
export function planReconcile(input: ReconcileInput): ReconcilePlan {
  const { options } = input;
  const tasks = newestPerTask(input.tasks);
  const owners = new Map<string, EniOwner>();
  const findings: Keyed<ReconcileFinding>[] = [];
  const actions: Keyed<ReconcileAction>[] = [];

  for (const task of tasks) {
    const mirrorable = MIRRORABLE_TASK_STATUSES.has(task.lastStatus);
    const scope = mirrorable ? checkScope(task, input.scope) : undefined;
    if (scope !== undefined && !scope.inScope) {
      findings.push(keyed(task.taskArn, '', { kind: 'out-of-scope', taskArn: task.taskArn, reason: scope.reason }));
    }
    for (const eni of task.enis) {
      const eniId = eni.networkInterfaceId;
      if (eniId === undefined) {
        if (scope?.inScope === true) {
          findings.push(keyed(task.taskArn, '', {
            kind: 'not-attached',
            taskArn: task.taskArn,
            reason: `attachment ${eni.attachmentId} is ${eni.status} and has no network interface yet`,
          }));
        }
        continue;
      }
      if (owners.has(eniId)) continue;
      if (scope === undefined) owners.set(eniId, { state: 'not-running', task });
      else if (!scope.inScope) owners.set(eniId, { state: 'out-of-scope', task, reason: scope.reason });
      else if (eni.status === ATTACHED) owners.set(eniId, { state: 'wanted', task });
      else {
        // Deleting our session here would race the ENI's own deletion for nothing; leave it be.
        owners.set(eniId, { state: 'wanted', task });
        findings.push(keyed(task.taskArn, eniId, {
          kind: 'not-attached',
          taskArn: task.taskArn,
          networkInterfaceId: eniId,
          reason: `ENI is ${eni.status}, not ${ATTACHED}`,
        }));
      }
    }
  }

  const swept = input.sweptClusters === undefined ? undefined : new Set(input.sweptClusters.map(clusterNameOf));
  const oursByEni = new Map<string, MirrorSession>();
  const mirroredByOthers = new Map<string, MirrorSession>();
  for (const session of input.sessions) {
    const owner = owners.get(session.networkInterfaceId);
    const taskKey = owner?.task.taskArn ?? session.tags[TASK_ARN_TAG] ?? '';
    if (!isOurSession(session, options.targetId)) {
      // An unmanaged session to our own target (typically the seed Lambda's) already delivers this
      // ENI's packets: adding ours would make the IDS see every packet twice.
      if (owner?.state === 'wanted' && session.targetId === options.targetId && !isManagedSession(session)) {
        mirroredByOthers.set(session.networkInterfaceId, session);
      }
      if (owner?.state === 'wanted') {
        findings.push(keyed(taskKey, session.networkInterfaceId, {
          kind: 'foreign-session',
          taskArn: owner.task.taskArn,
          networkInterfaceId: session.networkInterfaceId,
          sessionId: session.sessionId,
          reason: isManagedSession(session)
            ? `managed by ecs-traffic-mirror for another target (${session.targetId}); left alone`
            : `not managed by ecs-traffic-mirror (target ${session.targetId}); left alone`,
        }));
      }
      continue;
    }
    if (owner === undefined && swept !== undefined && !swept.has(session.tags[CLUSTER_TAG] ?? '')) continue;
    const deleteReason = reasonToDelete(owner);
    if (deleteReason !== undefined) {
      actions.push(keyed(taskKey, session.networkInterfaceId, { kind: 'delete', session, reason: deleteReason }, session.sessionId));
      continue;
    }
    const kept = oursByEni.get(session.networkInterfaceId);
    if (kept !== undefined) {
      actions.push(keyed(taskKey, session.networkInterfaceId, {
        kind: 'delete',
        session,
        reason: `duplicate: ${session.networkInterfaceId} is already mirrored by ${kept.sessionId}`,
      }, session.sessionId));
      continue;
    }
    oursByEni.set(session.networkInterfaceId, session);
  }

  for (const [eniId, owner] of owners) {
    if (owner.state !== 'wanted') continue;
    const { task } = owner;
    const eni = task.enis.find((candidate) => candidate.networkInterfaceId === eniId);
    if (eni?.status !== ATTACHED) continue;
    const existing = oursByEni.get(eniId) ?? mirroredByOthers.get(eniId);
    if (existing !== undefined) {
      findings.push(keyed(task.taskArn, eniId, {
        kind: 'mirrored',
        taskArn: task.taskArn,
        networkInterfaceId: eniId,
        sessionId: existing.sessionId,
        reason: `mirrored by ${existing.sessionId}`,
      }));
    } else if (unsupportedEnis(task).has(eniId)) {
      findings.push(keyed(task.taskArn, eniId, {
        kind: 'unsupported',
        taskArn: task.taskArn,
        networkInterfaceId: eniId,
        reason: `task is tagged ${UNSUPPORTED_TASK_TAG}: this ENI cannot be mirrored`,
      }));
    } else if (isYoung(task, input)) {
      findings.push(keyed(task.taskArn, eniId, {
        kind: 'pending',
        taskArn: task.taskArn,
        networkInterfaceId: eniId,
        reason: `task started less than ${Math.round((input.graceMs ?? 0) / 1000)} s ago: left to the event path`,
      }));
    } else {
      actions.push(keyed(task.taskArn, eniId, { kind: 'create', task, plan: planSessionForEni(task, eniId, options) }));
    }
  }

  return { actions: sortByKey(actions), findings: sortByKey(findings) };
}

function isYoung(task: TaskSnapshot, input: ReconcileInput): boolean {
  if (!input.graceMs || input.now === undefined || task.createdAt === undefined) return false;
  const createdAt = Date.parse(task.createdAt);
  return Number.isFinite(createdAt) && input.now - createdAt < input.graceMs;
}

function reasonToDelete(owner: EniOwner | undefined): string | undefined {
  if (owner === undefined) return DELETE_REASON_NOT_RUNNING;
  if (owner.state === 'not-running') return `${DELETE_REASON_NOT_RUNNING} (task ${owner.task.taskId} is ${owner.task.lastStatus})`;
  if (owner.state === 'out-of-scope') return `task out of scope: ${owner.reason}`;
  return undefined;
}

/** The tag value lists ENI ids separated by commas (spaces tolerated). */
function unsupportedEnis(task: TaskSnapshot): ReadonlySet<string> {
  const value = Object.hasOwn(task.tags, UNSUPPORTED_TASK_TAG) ? task.tags[UNSUPPORTED_TASK_TAG] : undefined;
  if (value === undefined) return new Set();
  return new Set(value.split(',').map((id) => id.trim()).filter((id) => id !== ''));
}

/**
 * One snapshot per task ARN, the highest version winning (an event and a DescribeTasks result
 * may both be passed), sorted by ARN so that ENI ownership and output order are deterministic.
 */
function newestPerTask(tasks: readonly TaskSnapshot[]): TaskSnapshot[] {
  const byArn = new Map<string, TaskSnapshot>();
  for (const task of tasks) {
    const seen = byArn.get(task.taskArn);
    if (seen === undefined || task.version > seen.version) byArn.set(task.taskArn, task);
  }
  return [...byArn.values()].sort((a, b) => compare(a.taskArn, b.taskArn));
}

interface Keyed<T> {
  readonly key: readonly [string, string, string];
  readonly value: T;
}

function keyed<T>(taskArn: string, eniId: string, value: T, tiebreak = ''): Keyed<T> {
  return { key: [taskArn, eniId, tiebreak], value };
}

/** Stable, so entries with equal keys keep the order in which they were found. */
function sortByKey<T>(entries: Keyed<T>[]): T[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => compare(a.entry.key[0], b.entry.key[0]) || compare(a.entry.key[1], b.entry.key[1]) || compare(a.entry.key[2], b.entry.key[2]) || a.index - b.index)
    .map(({ entry }) => entry.value);
}

/** Code-unit order, not localeCompare: the same on every machine whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
