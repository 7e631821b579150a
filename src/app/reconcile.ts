import { MirrorError } from '../core/errors.js';
import {
  planReconcile,
  tasksToLookUp,
  type ReconcileInput,
  type ClusterProblem,
  type ReconcileAction,
  type ReconcileFinding,
  type TaskLookup,
  type TaskLookupProblem,
} from '../core/reconcile.js';
import { checkScope } from '../core/scope.js';
import type { MirrorSession } from '../core/session.js';
import { clusterNameOf, lastPathSegment, MIRRORABLE_TASK_STATUSES, type Door, type TaskSnapshot } from '../core/task.js';
import { METRIC, forEachLimited, type AppDeps } from './deps.js';
import { mirrorEnisVerified, type EniToMirror, type MirrorAttempt } from './mirror-eni.js';
import { availabilityZoneIdsOf, poolLoads } from './decision-inputs.js';
import type { EniDecision } from '../core/decide.js';
import { RateLimiter } from './rate-limiter.js';
import { withDoors } from '../core/door.js';
import { isInstanceSession } from '../core/reconcile.js';
import { CLUSTER_TAG, CONTAINER_INSTANCE_TAG } from '../contract/tags.js';
import { gatherHostFacts, unsupportedHosts } from './host-facts.js';
import type { EniResult } from './results.js';
import { doorsByCluster, instanceSessionsOf, taskDoors, withDoorOf, type ClusterDoors, type InstanceSessionCoverage } from './door-report.js';

export interface SweepProgress {
  readonly stage: 'sessions' | 'tasks' | 'actions';
  readonly done: number;
  readonly total?: number;
}

export interface SweepOptions {
  /** Report what would change, change nothing. */
  readonly dryRun: boolean;
  /** Clusters to sweep (names or ARNs); default: MIRROR_CLUSTERS, else every cluster. */
  readonly clusters?: readonly string[];
  /** Creates and deletes per second; EC2's mutating bucket refills at 5/s for the whole account. */
  readonly actionsPerSecond?: number;
  /** Circuit breaker: most of our sessions (percent) one sweep may delete; default from config (10). */
  readonly maxDeletePercent?: number;
  readonly onProgress?: (progress: SweepProgress) => void;
}

/** `excluded`: a rule or the opt-out tag leaves it unmirrored (not counted in coverage); `blocked`: counted as missing. */
export type EniState = 'mirrored' | 'unsupported' | 'missing' | 'not-attached' | 'excluded' | 'blocked';

export interface EniStatus {
  readonly cluster: string;
  readonly taskArn: string;
  readonly networkInterfaceId?: string;
  readonly state: EniState;
  readonly sessionId?: string;
  readonly reason: string;
  /** Which door carries the traffic (core/door.ts); set on every status of a report. */
  readonly door?: Door;
  /** Set when the task runs on EC2 capacity: its container instance. */
  readonly containerInstanceArn?: string;
  /** The EC2 instance of an `instance-eni` door. */
  readonly instanceId?: string;
}

export interface ClusterCoverage {
  readonly cluster: string;
  readonly tasks: number;
  readonly enis: number;
  readonly mirrored: number;
  readonly unsupported: number;
  readonly missing: number;
  /** mirrored / (ENIs − unsupported), in percent; 100 when there is nothing to mirror. */
  readonly coveragePercent: number;
}

export interface SweepFailure {
  readonly taskArn?: string;
  readonly networkInterfaceId?: string;
  readonly sessionId?: string;
  readonly kind: string;
  readonly awsCode?: string;
  readonly message: string;
}

export interface ReconcileReport {
  readonly dryRun: boolean;
  readonly clusters: readonly ClusterCoverage[];
  /** Per cluster (same order as `clusters`), its tasks by door, each task once (app/door-report.ts). */
  readonly doors: readonly ClusterDoors[];
  /** Each session of ours on an instance's primary ENI, with the bridge/host tasks it covers. */
  readonly instanceSessions: readonly InstanceSessionCoverage[];
  /** Every in-scope ENI that is not mirrored after the sweep, with the reason. */
  readonly unmirrored: readonly EniStatus[];
  readonly created: readonly { readonly taskArn: string; readonly networkInterfaceId: string; readonly sessionId?: string }[];
  readonly deleted: readonly { readonly sessionId: string; readonly networkInterfaceId: string; readonly reason: string }[];
  /**
   * Sessions of ours that differ from what their rule wants (filter, target, packet length, session
   * number, VNI), each with what differs: brought to it in place by `reconcile`, shown by `status`.
   */
  readonly drifted: readonly DriftedSession[];
  /** Drifted sessions changed in place by this sweep (a dry run: those it would change). */
  readonly modified: readonly DriftedSession[];
  /** Sessions on in-scope ENIs that we do not own: reported, never touched. */
  readonly foreignSessions: readonly ReconcileFinding[];
  readonly failures: readonly SweepFailure[];
  /**
   * Sessions of ours kept because ECS said nothing certain about their task in this sweep (and
   * tasks listed but not described): a sweep with any is not a clean one.
   */
  readonly unverified: readonly UnverifiedEntry[];
  /** Deletes planned and refused (circuit breaker, scope matching nothing), with `holdReason`. */
  readonly heldDeletes: readonly { readonly sessionId: string; readonly networkInterfaceId: string; readonly reason: string }[];
  readonly holdReason?: string;
  /** Clusters whose tasks could not be listed (e.g. `cluster 'nosuch' not found`); the others were swept. */
  readonly clusterErrors: readonly { readonly cluster: string; readonly message: string }[];
}

export interface DriftedSession {
  readonly sessionId: string;
  readonly networkInterfaceId: string;
  readonly taskArn: string;
  /** One entry per field: `filter tmf-a → tmf-b`. */
  readonly differences: readonly string[];
}

export interface UnverifiedEntry {
  readonly sessionId?: string;
  readonly networkInterfaceId?: string;
  readonly taskArn?: string;
  readonly reason: string;
}

/**
 * What keeps a sweep from being a success, one line each: the CLI exits 1 and the scheduled
 * Lambda throws (after publishing its metrics) when there is any.
 */
export function sweepProblems(report: ReconcileReport): string[] {
  const problems: string[] = [];
  for (const c of report.clusterErrors) problems.push(c.message);
  if (report.unverified.length > 0) problems.push(`${report.unverified.length} sessions or tasks unverified: ECS did not answer for them with certainty; nothing deleted for them`);
  if (report.holdReason !== undefined) problems.push(`${report.heldDeletes.length} deletes held back: ${report.holdReason}`);
  if (report.failures.length > 0) problems.push(`${report.failures.length} repairs failed`);
  return problems;
}

const ACTION_CONCURRENCY = 8;
const DEFAULT_ACTIONS_PER_SECOND = 5;

/**
 * The periodic sweep: lists our sessions, then the running tasks, and repairs the difference.
 * Sessions come first so that a task started between the two listings cannot make its fresh
 * session look orphaned. Creates go through the event path's own mirrorEni, so both paths share
 * one definition of "mirrored" and one client token per ENI.
 */
export async function reconcile(deps: AppDeps, options: SweepOptions): Promise<ReconcileReport> {
  const sessions = await listOurSessions(deps, options);
  const listed = await listRunningTasks(deps, options);
  // The doors of tasks on EC2 capacity (instance ENI, branch ENI), and what ECS says of the
  // instances our instance sessions name: read once for the sweep.
  const facts = await gatherHostFacts(listed.tasks, deps, instancesOfSessions(sessions));
  const listing = { ...listed, tasks: listed.tasks.map((task) => withDoors(task, facts)) };
  // Sessions whose task was not listed: ask ECS about that very task before deciding anything.
  const lookups = tasksToLookUp({
    tasks: listing.tasks,
    sessions,
    ...(listing.sweptClusters ? { sweptClusters: listing.sweptClusters } : {}),
  });
  const lookedUp = await describeDirectly(deps, lookups);
  const unanswered = [...listing.unanswered, ...lookedUp.unanswered];
  const tasks = [...listing.tasks, ...lookedUp.tasks];
  const [availabilityZoneIds, loads] = await Promise.all([availabilityZoneIdsOf(tasks, deps), poolLoads(deps)]);
  const input: ReconcileInput = {
    tasks: listing.tasks,
    lookedUp: lookedUp.tasks,
    unanswered,
    unlistedClusters: listing.unlistedClusters,
    sessions,
    scope: deps.config.scope,
    options: deps.config.session,
    rules: deps.config.rules,
    availabilityZoneIds,
    loads,
    graceMs: deps.config.reconcileGraceSeconds * 1000,
    now: deps.clock.now(),
    maxDeletePercent: options.maxDeletePercent ?? deps.config.reconcileMaxDeletePercent,
    containerInstances: facts.containerInstances,
    missingInstances: facts.missingInstances,
    unsupportedHosts: unsupportedHosts(deps),
    ...(listing.sweptClusters ? { sweptClusters: listing.sweptClusters } : {}),
  };
  const first = planReconcile(input);
  // Listing our sessions shows nobody else's: the ENIs about to be changed are described whole
  // first (one call per 200), so that an unmanaged session to the target, a session number taken
  // or a session the event path made since the listing decides them.
  const toCheck = [...new Set([
    ...first.actions.flatMap((a) => (a.kind === 'create' ? [a.plan.networkInterfaceId] : a.kind === 'modify' ? [a.session.networkInterfaceId] : [])),
    ...first.findings.flatMap((f) => (f.kind === 'blocked' && f.networkInterfaceId ? [f.networkInterfaceId] : [])),
  ])];
  const plan = toCheck.length === 0 ? first : planReconcile({ ...input, sessions: [...sessions, ...(await deps.ec2.findSessionsForEnis(toCheck))] });

  const states = new Map<string, EniStatus>();
  for (const status of initialStates(tasks, plan.findings)) states.set(eniKey(status.taskArn, status.networkInterfaceId), status);
  for (const finding of plan.findings) {
    if (finding.kind === 'mirrored' && finding.networkInterfaceId) deps.knownSessions?.confirm(finding.networkInterfaceId, finding.sessionId);
  }
  const creates = plan.actions.filter((a): a is CreateAction => a.kind === 'create');
  const modifies = plan.actions.filter((a): a is ModifyAction => a.kind === 'modify');
  const deletes = plan.actions.filter((a): a is Extract<ReconcileAction, { kind: 'delete' }> => a.kind === 'delete');
  for (const { task, plan: planned } of creates) {
    deps.knownSessions?.forget(planned.networkInterfaceId);
    states.set(eniKey(task.taskArn, planned.networkInterfaceId), {
      cluster: task.clusterName,
      taskArn: task.taskArn,
      networkInterfaceId: planned.networkInterfaceId,
      state: 'missing',
      reason: options.dryRun ? 'no session to the target (would create)' : 'no session to the target',
    });
  }
  // A drifted session still mirrors the ENI, and a change in place keeps it mirrored throughout.
  for (const { task, session, drift } of modifies) {
    states.set(eniKey(task.taskArn, session.networkInterfaceId), {
      cluster: task.clusterName,
      taskArn: task.taskArn,
      networkInterfaceId: session.networkInterfaceId,
      state: 'mirrored',
      sessionId: session.sessionId,
      reason: `drifted: ${drift.join(', ')}`,
    });
  }
  const drifted: DriftedSession[] = modifies.map(({ task, session, drift }) => ({
    sessionId: session.sessionId,
    networkInterfaceId: session.networkInterfaceId,
    taskArn: task.taskArn,
    differences: drift,
  }));
  const modified: DriftedSession[] = options.dryRun ? drifted : [];

  const created: ReconcileReport['created'][number][] = [];
  const deleted: ReconcileReport['deleted'][number][] = [];
  const failures: SweepFailure[] = [];
  if (!options.dryRun) {
    const limiter = new RateLimiter(options.actionsPerSecond ?? DEFAULT_ACTIONS_PER_SECOND, options.actionsPerSecond ?? DEFAULT_ACTIONS_PER_SECOND, deps.clock);
    const total = creates.length + modifies.length + deletes.length;
    let done = 0;
    const progressed = () => options.onProgress?.({ stage: 'actions', done: ++done, total });

    // Deletes first: at the account's 10,000-session quota, they make room for the creates.
    await forEachLimited(deletes, ACTION_CONCURRENCY, async ({ session, reason }) => {
      deps.knownSessions?.forget(session.networkInterfaceId);
      try {
        await limiter.acquire();
        await deps.ec2.deleteSession(session.sessionId);
        deleted.push({ sessionId: session.sessionId, networkInterfaceId: session.networkInterfaceId, reason });
        deps.metrics.count(METRIC.reconcileDeleted);
      } catch (error) {
        // Deleting the ENI deletes its sessions: one that vanished meanwhile is what we wanted.
        if (!(error instanceof MirrorError && error.kind === 'session-not-found')) {
          failures.push(failureOf(error, { sessionId: session.sessionId, networkInterfaceId: session.networkInterfaceId }));
        }
      }
      progressed();
    });
    const outcomes = await createAndModify(creates, modifies, deps, limiter, progressed);
    for (const { task, session, drift } of modifies) {
      const attempt = outcomes.get(session.networkInterfaceId);
      if (attempt === undefined) continue;
      if (!attempt.ok) {
        failures.push(failureOf(attempt.error, { taskArn: task.taskArn, networkInterfaceId: session.networkInterfaceId, sessionId: session.sessionId }));
        continue;
      }
      const key = eniKey(task.taskArn, session.networkInterfaceId);
      states.set(key, stateAfter(task, session.networkInterfaceId, attempt.result));
      if (attempt.result.outcome === 'modified') {
        modified.push({ sessionId: session.sessionId, networkInterfaceId: session.networkInterfaceId, taskArn: task.taskArn, differences: drift });
        deps.metrics.count(METRIC.reconcileModified);
      }
    }
    for (const { task, plan: planned } of creates) {
      const eniId = planned.networkInterfaceId;
      const key = eniKey(task.taskArn, eniId);
      const attempt = outcomes.get(eniId);
      if (attempt === undefined) continue;
      if (!attempt.ok) {
        const failure = failureOf(attempt.error, { taskArn: task.taskArn, networkInterfaceId: eniId });
        failures.push(failure);
        states.set(key, { ...(states.get(key) as EniStatus), reason: `create failed: ${failure.awsCode ?? failure.kind}: ${failure.message}` });
        continue;
      }
      const outcome = attempt.result;
      states.set(key, stateAfter(task, eniId, outcome));
      if (outcome.outcome === 'created') {
        created.push({ taskArn: task.taskArn, networkInterfaceId: eniId, ...(outcome.sessionId ? { sessionId: outcome.sessionId } : {}) });
        deps.metrics.count(METRIC.reconcileCreated);
      }
    }
  }

  const taskByArn = new Map(tasks.map((task) => [task.taskArn, task]));
  const all = [...states.values()].map((status) => withDoorOf(status, taskByArn.get(status.taskArn)));
  const clusters = coverageByCluster(tasks, all, deps);
  const doors = taskDoors([...taskByArn.values()], all);
  const missing = all.filter((s) => s.state === 'missing' || s.state === 'blocked').length;
  const poolFull = plan.findings.filter((f) => f.kind === 'blocked' && f.cause !== 'sessions-per-eni').length;
  if (poolFull > 0) deps.metrics.count(METRIC.poolFull, poolFull);
  const unverified = unverifiedEntries(plan.findings, listing.unanswered, tasks);
  const heldDeletes = (plan.hold?.deletes ?? []).map(({ session, reason }) => ({ sessionId: session.sessionId, networkInterfaceId: session.networkInterfaceId, reason }));
  deps.metrics.count(METRIC.reconcileMissing, missing);
  deps.metrics.count(METRIC.sweepUnverified, unverified.length);
  deps.metrics.count(METRIC.sweepDeletesHeld, heldDeletes.length);
  const report: ReconcileReport = {
    dryRun: options.dryRun,
    clusters,
    doors: doorsByCluster(clusters.map((c) => c.cluster), doors),
    instanceSessions: instanceSessionsOf(doors),
    unmirrored: all.filter((s) => s.state !== 'mirrored').sort((a, b) => a.cluster.localeCompare(b.cluster) || a.taskArn.localeCompare(b.taskArn)),
    created,
    drifted,
    modified,
    deleted: options.dryRun ? deletes.map(({ session, reason }) => ({ sessionId: session.sessionId, networkInterfaceId: session.networkInterfaceId, reason })) : deleted,
    foreignSessions: plan.findings.filter((f) => f.kind === 'foreign-session'),
    failures,
    unverified,
    heldDeletes,
    ...(plan.hold ? { holdReason: plan.hold.reason } : {}),
    clusterErrors: listing.unlistedClusters.map((c) => ({ cluster: c.cluster, message: c.reason })),
  };
  deps.logger.info('sweep finished', {
    dryRun: options.dryRun,
    created: created.length,
    deleted: report.deleted.length,
    modified: modified.length,
    drifted: drifted.length,
    missing,
    failures: failures.length,
    unverified: unverified.length,
    held: heldDeletes.length,
    clusterErrors: report.clusterErrors.length,
  });
  return report;
}

/**
 * The plan's unverified sessions, and the tasks ListTasks listed that no DescribeTasks of this
 * sweep described (a MISSING or unanswered entry is not a stopped task, and not a clean sweep).
 */
function unverifiedEntries(findings: readonly ReconcileFinding[], listingUnanswered: readonly TaskLookupProblem[], described: readonly TaskSnapshot[]): UnverifiedEntry[] {
  const entries: UnverifiedEntry[] = findings
    .filter((f) => f.kind === 'unverified')
    .map((f) => ({
      ...(f.sessionId ? { sessionId: f.sessionId } : {}),
      ...(f.networkInterfaceId ? { networkInterfaceId: f.networkInterfaceId } : {}),
      ...(f.taskArn ? { taskArn: f.taskArn } : {}),
      reason: f.reason,
    }));
  const known = new Set([...described.map((t) => lastPathSegment(t.taskArn)), ...entries.flatMap((e) => (e.taskArn ? [lastPathSegment(e.taskArn)] : []))]);
  for (const problem of listingUnanswered) {
    const id = lastPathSegment(problem.arn);
    if (known.has(id)) continue;
    known.add(id);
    entries.push({ taskArn: problem.arn, reason: `listed by ListTasks but DescribeTasks did not describe it (${problem.reason}): not mirrored by this sweep` });
  }
  return entries;
}

/** Every session of ours, on any target: ours left on a target no rule names any more are found too. */
async function listOurSessions(deps: AppDeps, options: SweepOptions): Promise<MirrorSession[]> {
  const sessions: MirrorSession[] = [];
  for await (const page of deps.ec2.listManagedSessions()) {
    sessions.push(...page);
    options.onProgress?.({ stage: 'sessions', done: sessions.length });
  }
  return sessions;
}

interface Listing {
  readonly tasks: TaskSnapshot[];
  readonly sweptClusters?: readonly string[];
  readonly unanswered: TaskLookupProblem[];
  readonly unlistedClusters: ClusterProblem[];
}

/**
 * The running tasks, which clusters were listed when not all of them were, and what could not be
 * read: a cluster that fails (`ClusterNotFoundException` for a typo) is named and skipped, and the
 * sweep goes on with the others.
 */
async function listRunningTasks(deps: AppDeps, options: SweepOptions): Promise<Listing> {
  const ecs = await deps.ecs();
  const configured = options.clusters?.length ? options.clusters : deps.config.scope.clusters;
  const clusters = configured.length > 0 ? configured : await ecs.listClusterArns();
  const tasks: TaskSnapshot[] = [];
  const unanswered: TaskLookupProblem[] = [];
  const unlistedClusters: ClusterProblem[] = [];
  for (const cluster of clusters) {
    try {
      // ListTasks pages hold 100 ARNs, DescribeTasks takes 100: one describe per page, the minimum.
      for await (const arns of ecs.listTaskArns(cluster, 'RUNNING')) {
        const described = await ecs.describeTasks(cluster, arns);
        tasks.push(...described.tasks);
        unanswered.push(...described.failures);
        options.onProgress?.({ stage: 'tasks', done: tasks.length });
      }
    } catch (error) {
      if (!(error instanceof MirrorError)) throw error;
      const reason = error.kind === 'cluster-not-found' ? `cluster '${clusterNameOf(cluster)}' not found` : `cluster '${clusterNameOf(cluster)}' could not be listed: ${error.awsCode ?? error.kind}: ${error.message}`;
      // Info, not error: the report carries it, and the CLI's one-line error names it.
      deps.logger.info('cluster not swept', { cluster, reason });
      unlistedClusters.push({ cluster, reason });
    }
  }
  return { tasks, unanswered, unlistedClusters, ...(configured.length > 0 ? { sweptClusters: configured } : {}) };
}

/** DescribeTasks for the tasks our sessions name; a call that fails leaves its tasks unanswered, never gone. */
async function describeDirectly(deps: AppDeps, lookups: readonly TaskLookup[]): Promise<{ tasks: TaskSnapshot[]; unanswered: TaskLookupProblem[] }> {
  const tasks: TaskSnapshot[] = [];
  const unanswered: TaskLookupProblem[] = [];
  if (lookups.length === 0) return { tasks, unanswered };
  const ecs = await deps.ecs();
  for (const { cluster, taskArns } of lookups) {
    try {
      const described = await ecs.describeTasks(cluster, taskArns);
      tasks.push(...described.tasks);
      unanswered.push(...described.failures);
    } catch (error) {
      if (!(error instanceof MirrorError)) throw error;
      unanswered.push(...taskArns.map((arn) => ({ arn, reason: `${error.awsCode ?? error.kind}: ${error.message}` })));
    }
  }
  return { tasks, unanswered };
}

type CreateAction = Extract<ReconcileAction, { kind: 'create' }>;
type ModifyAction = Extract<ReconcileAction, { kind: 'modify' }>;

/**
 * Through the event path's own execution path (same plan, same client token, so a sweep racing
 * the event path cannot make a second session; the same check for replayed tokens), paced.
 */
async function createAndModify(
  creates: readonly CreateAction[],
  modifies: readonly ModifyAction[],
  deps: AppDeps,
  limiter: RateLimiter,
  progressed: () => void,
): Promise<Map<string, MirrorAttempt>> {
  const items: EniToMirror[] = [
    ...modifies.map(({ task, session, changes, drift }) => ({
      task,
      networkInterfaceId: session.networkInterfaceId,
      decision: { kind: 'modify', rule: '', session, changes, drift, toDelete: [] } satisfies EniDecision,
    })),
    ...creates.map(({ task, plan: planned }) => ({
      task,
      networkInterfaceId: planned.networkInterfaceId,
      decision: { kind: 'create', rule: '', plan: planned, toDelete: [] } satisfies EniDecision,
    })),
  ];
  if (items.length === 0) return new Map();
  return mirrorEnisVerified(items, deps, { concurrency: ACTION_CONCURRENCY, beforeCreate: () => limiter.acquire(), afterEach: progressed });
}

/** The container instances our instance sessions name, by cluster (from the cluster tag). */
function instancesOfSessions(sessions: readonly MirrorSession[]): Map<string, string[]> {
  const byCluster = new Map<string, string[]>();
  for (const session of sessions) {
    const arn = session.tags[CONTAINER_INSTANCE_TAG];
    const cluster = session.tags[CLUSTER_TAG];
    // A value cut to EC2's 256 characters is no ARN to ask about: that session stays unverified.
    if (!isInstanceSession(session) || arn === undefined || cluster === undefined || !arn.startsWith('arn:') || arn.includes('…')) continue;
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), arn]);
  }
  return byCluster;
}

function stateAfter(task: TaskSnapshot, eniId: string, result: EniResult): EniStatus {
  const base = { cluster: task.clusterName, taskArn: task.taskArn, networkInterfaceId: eniId };
  switch (result.outcome) {
    case 'created':
    case 'exists':
    case 'modified':
      return { ...base, state: 'mirrored', ...(result.sessionId ? { sessionId: result.sessionId } : {}), reason: result.reason ?? 'mirrored' };
    case 'unsupported':
    case 'stopped-task':
      return { ...base, state: 'unsupported', reason: result.reason ?? 'host does not support traffic mirroring' };
    default:
      return { ...base, state: 'missing', reason: result.reason ?? result.outcome };
  }
}

/** A young task left to the event path counts as missing until it is mirrored: coverage tells the truth. */
const STATE_OF_FINDING: Readonly<Record<ReconcileFinding['kind'], EniState | undefined>> = {
  mirrored: 'mirrored',
  unsupported: 'unsupported',
  'not-attached': 'not-attached',
  pending: 'missing',
  excluded: 'excluded',
  blocked: 'blocked',
  unverified: undefined,
  'foreign-session': undefined,
  'out-of-scope': undefined,
};

function initialStates(tasks: readonly TaskSnapshot[], findings: readonly ReconcileFinding[]): EniStatus[] {
  const clusterOf = new Map(tasks.map((t) => [t.taskArn, t.clusterName]));
  const states: EniStatus[] = [];
  for (const finding of findings) {
    if (!finding.taskArn) continue;
    const state = STATE_OF_FINDING[finding.kind];
    if (!state) continue;
    states.push({
      cluster: clusterOf.get(finding.taskArn) ?? '',
      taskArn: finding.taskArn,
      ...(finding.networkInterfaceId ? { networkInterfaceId: finding.networkInterfaceId } : {}),
      state,
      ...(finding.sessionId ? { sessionId: finding.sessionId } : {}),
      reason: finding.reason,
    });
  }
  return states;
}

function coverageByCluster(tasks: readonly TaskSnapshot[], states: readonly EniStatus[], deps: AppDeps): ClusterCoverage[] {
  const rows = new Map<string, { tasks: Set<string>; enis: number; mirrored: number; unsupported: number; missing: number }>();
  const row = (cluster: string) => {
    let found = rows.get(cluster);
    if (!found) rows.set(cluster, (found = { tasks: new Set(), enis: 0, mirrored: 0, unsupported: 0, missing: 0 }));
    return found;
  };
  for (const task of tasks) {
    if (MIRRORABLE_TASK_STATUSES.has(task.lastStatus) && checkScope(task, deps.config.scope).inScope) row(task.clusterName).tasks.add(task.taskArn);
  }
  for (const state of states) {
    const r = row(state.cluster);
    r.tasks.add(state.taskArn);
    if (state.state === 'not-attached' || state.state === 'excluded') continue;
    r.enis++;
    if (state.state === 'mirrored') r.mirrored++;
    else if (state.state === 'unsupported') r.unsupported++;
    else r.missing++;
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cluster, r]) => {
      const mirrorable = r.enis - r.unsupported;
      return {
        cluster,
        tasks: r.tasks.size,
        enis: r.enis,
        mirrored: r.mirrored,
        unsupported: r.unsupported,
        missing: r.missing,
        coveragePercent: mirrorable === 0 ? 100 : Math.floor((r.mirrored / mirrorable) * 1000) / 10,
      };
    });
}

function eniKey(taskArn: string, eniId: string | undefined): string {
  return `${taskArn}|${eniId ?? ''}`;
}

function failureOf(error: unknown, where: Omit<SweepFailure, 'kind' | 'message'>): SweepFailure {
  if (error instanceof MirrorError) return { ...where, kind: error.kind, ...(error.awsCode ? { awsCode: error.awsCode } : {}), message: error.message };
  return { ...where, kind: 'unknown', message: error instanceof Error ? error.message : String(error) };
}

