import type { PlannedSession, SessionOptions } from './plan.js';
import { ECS_NAME_PATTERN } from '../contract/ids.js';
import { decide, loadsAfter, type BlockedCause, type TargetLoads } from './decide.js';
import { doorOf, unsupportedHostReason, type ContainerInstanceFact } from './door.js';
import { CONTAINER_INSTANCE_TAG, INSTANCE_SOURCE, SOURCE_KIND_TAG } from '../contract/tags.js';
import type { MirrorRule } from './rules.js';
import { checkScope, type ScopeConfig } from './scope.js';
import { CLUSTER_TAG, isManagedSession, TASK_ARN_TAG, UNSUPPORTED_TASK_TAG, type MirrorSession } from './session.js';
import type { SessionChanges } from './session-changes.js';
import { ATTACHED, clusterNameOf, DESCRIBE_TASKS_LIMIT, lastPathSegment, MIRRORABLE_TASK_STATUSES, type TaskSnapshot } from './task.js';

/**
 * Everything the sweep saw. List the sessions BEFORE the tasks: a session listed first belongs to
 * a task that already existed, so the later task listing contains it unless it has stopped. The
 * other order lets the event path mirror a task started between the two listings, and the sweep
 * would then delete that fresh session as an orphan.
 */
export interface ReconcileInput {
  readonly tasks: readonly TaskSnapshot[];
  /**
   * Every session of ours (any target), and whatever other sessions are known on the ENIs: the
   * sessions of an ENI that has no session of ours are only known once described by ENI.
   */
  readonly sessions: readonly MirrorSession[];
  readonly scope: ScopeConfig;
  /** The defaults: what the rules leave unset. */
  readonly options: SessionOptions;
  readonly rules?: readonly MirrorRule[];
  /** AZ id by ENI id, when the rules need them. */
  readonly availabilityZoneIds?: ReadonlyMap<string, string>;
  /** Sources and quotas of pool targets. */
  readonly loads?: TargetLoads;
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
  /**
   * Tasks described in this sweep although ListTasks(RUNNING) did not list them: the tasks our
   * sessions' tags name, asked about directly so that a session is deleted only on what ECS says
   * about its own task. One that turns out to be running proves the listing incomplete.
   */
  readonly lookedUp?: readonly TaskSnapshot[];
  /** Tasks ECS was asked about in this sweep and did not describe (MISSING, not answered, …). */
  readonly unanswered?: readonly TaskLookupProblem[];
  /** Clusters whose tasks could not be listed in this sweep (not found, failed): nothing about them is known. */
  readonly unlistedClusters?: readonly ClusterProblem[];
  /**
   * The circuit breaker: when the deletes planned exceed this share (percent) of our sessions,
   * none is made (see `holdMassDeletes`). Absent = no breaker.
   */
  readonly maxDeletePercent?: number;
  /**
   * What ECS said in this sweep about the container instances of the listed tasks and of our
   * instance sessions; an instance asked about and not described is in `missingInstances`.
   */
  readonly containerInstances?: ReadonlyMap<string, ContainerInstanceFact>;
  /** Container instances ECS answered MISSING for: they left the cluster. */
  readonly missingInstances?: ReadonlySet<string>;
  /** Container instances known not to mirror (this process's memory), with why. */
  readonly unsupportedHosts?: ReadonlyMap<string, string>;
}

/** A task asked about and not described: ECS's reason (`MISSING`) or `NOT_ANSWERED`. */
export interface TaskLookupProblem {
  readonly arn: string;
  readonly reason: string;
}

export interface ClusterProblem {
  /** As configured or listed: a name or an ARN. */
  readonly cluster: string;
  readonly reason: string;
}

export type ReconcileAction =
  | { readonly kind: 'create'; readonly task: TaskSnapshot; readonly plan: PlannedSession }
  /** A session of ours brought to what its rule wants, in place: the ENI stays mirrored throughout. */
  | { readonly kind: 'modify'; readonly task: TaskSnapshot; readonly session: MirrorSession; readonly changes: SessionChanges; readonly drift: readonly string[] }
  | { readonly kind: 'delete'; readonly session: MirrorSession; readonly reason: string };

/**
 * `unverified`: a session of ours that ECS said nothing certain about in this sweep (its task was
 * not described, or the listing was shown incomplete); it is kept, and the sweep must not pass.
 */
export type ReconcileFindingKind =
  | 'foreign-session'
  | 'unsupported'
  | 'not-attached'
  | 'out-of-scope'
  | 'mirrored'
  | 'pending'
  | 'unverified'
  /** A rule (`mirror: false`) or the opt-out tag leaves this ENI unmirrored. */
  | 'excluded'
  /** Not mirrored as things stand: pool full, three other sessions on the ENI, no pool for its AZ. */
  | 'blocked';

/** Something the sweep noticed and will not change: for logs, metrics and `status`. */
export interface ReconcileFinding {
  readonly kind: ReconcileFindingKind;
  readonly taskArn?: string;
  readonly networkInterfaceId?: string;
  readonly sessionId?: string;
  readonly reason: string;
  /** blocked: why, as a kind (the sweep counts pool-full ones on a metric). */
  readonly cause?: BlockedCause;
}

export type DeleteAction = Extract<ReconcileAction, { kind: 'delete' }>;

/** Deletes the sweep planned and refuses to make, and why: the sweep reports them and fails. */
export interface DeleteHold {
  readonly reason: string;
  readonly deletes: readonly DeleteAction[];
}

export interface ReconcilePlan {
  /** What to do; held deletes are not among them. */
  readonly actions: ReconcileAction[];
  readonly findings: ReconcileFinding[];
  readonly hold?: DeleteHold;
}

export const DELETE_REASON_NOT_RUNNING = 'ENI no longer belongs to a running task';

/** Where an ENI seen in the task list stands; the first task (by ARN) to claim an ENI wins. */
type EniOwner =
  | { readonly state: 'wanted'; readonly task: TaskSnapshot }
  | { readonly state: 'out-of-scope'; readonly task: TaskSnapshot; readonly reason: string }
  | { readonly state: 'not-running'; readonly task: TaskSnapshot };

/**
 * A task that is stopping or stopped: ECS's own word that its ENI leaves the task. A task still
 * RUNNING whose desired status is STOPPED is on its way out: no new session, ours may go.
 */
function isRunningTask(task: TaskSnapshot): boolean {
  return MIRRORABLE_TASK_STATUSES.has(task.lastStatus) && task.desiredStatus !== 'STOPPED';
}

/**
 * The diff of the periodic sweep: create what the event path missed, delete our sessions that no
 * longer mirror an in-scope running task. A session without our managed tag, or managed for
 * another target, is never in an action. Output is sorted by task ARN, then ENI, so two sweeps
 * over the same state plan the same calls.
 */
export function planReconcile(input: ReconcileInput): ReconcilePlan {
  const { options } = input;
  const listedArns = new Set(input.tasks.map((t) => t.taskArn));
  const tasks = newestPerTask([...input.tasks, ...(input.lookedUp ?? [])]);
  const describedByArn = new Map(tasks.map((t) => [t.taskArn, t]));
  const owners = new Map<string, EniOwner>();
  const findings: Keyed<ReconcileFinding>[] = [];
  const actions: Keyed<ReconcileAction>[] = [];

  for (const task of tasks) {
    const mirrorable = isRunningTask(task);
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
      // Every bridge/host task on an instance claims its primary ENI: any one in scope and running keeps it.
      const claimed = owners.get(eniId);
      if (claimed !== undefined && !(eni.door === 'instance-eni' && claimed.state !== 'wanted')) continue;
      if (claimed !== undefined) owners.delete(eniId);
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
  /** Sessions of ENIs to decide: the foreign ones, and ours that no evidence condemns. */
  const onEni = new Map<string, MirrorSession[]>();
  const addOnEni = (session: MirrorSession) => onEni.set(session.networkInterfaceId, [...(onEni.get(session.networkInterfaceId) ?? []), session]);
  for (const session of uniqueById(input.sessions)) {
    const owner = owners.get(session.networkInterfaceId);
    const taskKey = owner?.task.taskArn ?? session.tags[TASK_ARN_TAG] ?? '';
    if (!isManagedSession(session)) {
      if (owner?.state === 'wanted') {
        addOnEni(session);
        findings.push(keyed(taskKey, session.networkInterfaceId, {
          kind: 'foreign-session',
          taskArn: owner.task.taskArn,
          networkInterfaceId: session.networkInterfaceId,
          sessionId: session.sessionId,
          reason: `not managed by ecs-traffic-mirror (target ${session.targetId}); left alone`,
        }));
      }
      continue;
    }
    if (owner === undefined && swept !== undefined && !swept.has(session.tags[CLUSTER_TAG] ?? '')) continue;
    // A task younger than the grace may be missing from ListTasks by ECS's own lag: no alarm for it.
    const doubt = owner === undefined || isYoung(owner.task, input) ? undefined : doubtAboutListing(owner, listedArns);
    if (doubt !== undefined) {
      findings.push(keyed(taskKey, session.networkInterfaceId, {
        kind: 'unverified',
        taskArn: owner?.task.taskArn,
        networkInterfaceId: session.networkInterfaceId,
        sessionId: session.sessionId,
        reason: doubt,
      }));
    }
    const deleteReason =
      owner !== undefined ? reasonToDelete(owner) : isInstanceSession(session) ? reasonToDeleteInstanceSession(session, tasks, input) : reasonToDeleteUnowned(session, describedByArn);
    if (deleteReason === undefined && owner === undefined) {
      findings.push(keyed(taskKey, session.networkInterfaceId, {
        kind: 'unverified',
        ...(session.tags[TASK_ARN_TAG] ? { taskArn: session.tags[TASK_ARN_TAG] } : {}),
        networkInterfaceId: session.networkInterfaceId,
        sessionId: session.sessionId,
        reason: whyUnverified(session, input),
      }));
      continue;
    }
    if (deleteReason !== undefined) {
      actions.push(keyed(taskKey, session.networkInterfaceId, { kind: 'delete', session, reason: deleteReason }, session.sessionId));
      continue;
    }
    addOnEni(session);
  }

  const unsupportedHosts = unsupportedHostsOf(tasks, input.unsupportedHosts);
  const taggedUnsupported = new Set(tasks.flatMap((t) => [...unsupportedEnis(t)]));
  let loads: TargetLoads = input.loads ?? new Map();
  for (const [eniId, owner] of [...owners].sort(([a], [b]) => compare(owners.get(a)?.task.taskArn ?? '', owners.get(b)?.task.taskArn ?? '') || compare(a, b))) {
    if (owner.state !== 'wanted') continue;
    const { task } = owner;
    const eni = task.enis.find((candidate) => candidate.networkInterfaceId === eniId);
    if (eni?.status !== ATTACHED) continue;
    const availabilityZoneId = input.availabilityZoneIds?.get(eniId);
    const decision = decide({
      task,
      networkInterfaceId: eniId,
      ...(availabilityZoneId === undefined ? {} : { availabilityZoneId }),
      sessionsOnEni: onEni.get(eniId) ?? [],
      rules: input.rules ?? [],
      defaults: options,
      loads,
      door: doorOf(task, eniId, unsupportedHosts),
    });
    const at = <T>(value: T, tiebreak = ''): Keyed<T> => keyed(task.taskArn, eniId, value, tiebreak);
    const where = { taskArn: task.taskArn, networkInterfaceId: eniId };
    const keptId = decision.kind === 'mirrored' ? decision.sessionId : decision.kind === 'modify' ? decision.session.sessionId : undefined;
    for (const session of decision.toDelete) {
      const reason =
        decision.kind === 'excluded'
          ? `excluded: ${decision.reason}`
          : `duplicate: ${eniId} is already mirrored by ${keptId ?? 'another session of ours'}`;
      actions.push(at<ReconcileAction>({ kind: 'delete', session, reason }, session.sessionId));
    }
    switch (decision.kind) {
      case 'mirrored':
        findings.push(at<ReconcileFinding>({ kind: 'mirrored', ...where, sessionId: decision.sessionId, reason: `mirrored by ${decision.sessionId}` }));
        break;
      case 'modify':
        actions.push(at<ReconcileAction>({ kind: 'modify', task, session: decision.session, changes: decision.changes, drift: decision.drift }));
        break;
      case 'excluded':
        findings.push(at<ReconcileFinding>({ kind: 'excluded', ...where, reason: decision.reason }));
        break;
      case 'unsupported':
        findings.push(at<ReconcileFinding>({ kind: 'unsupported', ...where, reason: decision.reason }));
        break;
      case 'blocked':
        findings.push(at<ReconcileFinding>({ kind: 'blocked', ...where, cause: decision.cause, reason: decision.reason }));
        break;
      case 'create':
        // An instance ENI is tagged on whichever of its tasks tried first.
        if (unsupportedEnis(task).has(eniId) || (eni.door === 'instance-eni' && taggedUnsupported.has(eniId))) {
          findings.push(at<ReconcileFinding>({ kind: 'unsupported', ...where, reason: `task is tagged ${UNSUPPORTED_TASK_TAG}: this ENI cannot be mirrored` }));
          continue;
        }
        if (isYoung(task, input)) {
          findings.push(at<ReconcileFinding>({ kind: 'pending', ...where, reason: `task started less than ${Math.round((input.graceMs ?? 0) / 1000)} s ago: left to the event path` }));
          continue;
        }
        actions.push(at<ReconcileAction>({ kind: 'create', task, plan: decision.plan }));
        break;
    }
    loads = loadsAfter(loads, decision);
  }

  const sorted = sortByKey(actions);
  const hold = holdDeletes(sorted, input, tasks.filter((t) => listedArns.has(t.taskArn)));
  if (hold === undefined) return { actions: sorted, findings: sortByKey(findings) };
  return { actions: sorted.filter((a) => a.kind !== 'delete'), findings: sortByKey(findings), hold };
}

/**
 * Deletes the sweep refuses to make although each has its evidence, because the whole set looks
 * like a mistake rather than churn:
 * - the scope names services or families that no listed task has (a typo deletes everything);
 * - every configured cluster failed to list;
 * - the circuit breaker: more than `maxDeletePercent` of our sessions at once (at least one
 *   delete is always allowed unless the limit is 0, so that small fleets still clean up).
 * All deletes are held rather than the first N: when the plan is wrong, any share of it is harm.
 * A stateless "second sweep agreeing" is not possible without somewhere to keep state (our IAM
 * cannot tag sessions after creation), and a second read would agree with a typo anyway: the
 * agreement is an operator's sweep with a raised limit (`--max-delete-percent`).
 */
function holdDeletes(actions: readonly ReconcileAction[], input: ReconcileInput, listed: readonly TaskSnapshot[]): DeleteHold | undefined {
  const deletes = actions.filter((a): a is DeleteAction => a.kind === 'delete');
  if (deletes.length === 0) return undefined;
  const nothingMatches = scopeMatchingNothing(input, listed);
  if (nothingMatches !== undefined) return { reason: `${nothingMatches}: refusing to delete`, deletes };
  if (input.maxDeletePercent === undefined) return undefined;
  const ours = uniqueById(input.sessions).filter(isManagedSession).length;
  const allowed = input.maxDeletePercent === 0 ? 0 : Math.max(1, Math.floor((ours * input.maxDeletePercent) / 100));
  if (deletes.length <= allowed) return undefined;
  return {
    reason: `circuit breaker: ${deletes.length} of our ${ours} sessions to delete, more than ${input.maxDeletePercent}% (${allowed}); nothing deleted — rerun with a higher --max-delete-percent if this is intended`,
    deletes,
  };
}

/** Why the configured scope looks like it means nothing in this account, if it does. */
function scopeMatchingNothing(input: ReconcileInput, listed: readonly TaskSnapshot[]): string | undefined {
  const { scope } = input;
  const failed = new Set((input.unlistedClusters ?? []).map((c) => c.cluster));
  if (scope.clusters.length > 0 && scope.clusters.every((c) => failed.has(c))) return `no cluster of MIRROR_CLUSTERS (${scope.clusters.join(', ')}) could be listed`;
  if (listed.length === 0) return undefined;
  if (scope.services.length > 0 && !listed.some((t) => t.serviceName !== undefined && scope.services.includes(t.serviceName))) {
    return `MIRROR_SERVICES (${scope.services.join(', ')}) matches no service of the ${listed.length} tasks listed`;
  }
  if (scope.families.length > 0 && !listed.some((t) => t.family !== undefined && scope.families.includes(t.family))) {
    return `MIRROR_FAMILIES (${scope.families.join(', ')}) matches no task definition family of the ${listed.length} tasks listed`;
  }
  return undefined;
}

/** A task ECS describes as running, that ListTasks(RUNNING) left out: the listing cannot be trusted. */
function doubtAboutListing(owner: EniOwner, listedArns: ReadonlySet<string>): string | undefined {
  if (owner.state !== 'wanted' || listedArns.has(owner.task.taskArn)) return undefined;
  return `task ${owner.task.taskId} is ${owner.task.lastStatus} (DescribeTasks) but ListTasks did not list it: the listing of cluster '${owner.task.clusterName}' is incomplete; session kept`;
}

/**
 * A session of ours whose ENI no described task claims: deleted only when its own task (named by
 * its tag) was described in this sweep, i.e. ECS said the task no longer uses this ENI.
 */
function reasonToDeleteUnowned(session: MirrorSession, describedByArn: ReadonlyMap<string, TaskSnapshot>): string | undefined {
  const taskArn = session.tags[TASK_ARN_TAG];
  const task = taskArn === undefined ? undefined : describedByArn.get(taskArn);
  if (task === undefined) return undefined;
  if (!isRunningTask(task)) return `${DELETE_REASON_NOT_RUNNING} (task ${task.taskId} is ${task.lastStatus})`;
  return `${DELETE_REASON_NOT_RUNNING} (task ${task.taskId} is ${task.lastStatus} with other ENIs)`;
}

export function isInstanceSession(session: MirrorSession): boolean {
  return session.tags[SOURCE_KIND_TAG] === INSTANCE_SOURCE;
}

/** Statuses of a container instance that still runs tasks; any other is on its way out of the cluster. */
const INSTANCE_IN_CLUSTER: ReadonlySet<string> = new Set(['ACTIVE', 'DRAINING', 'REGISTERING']);

/**
 * An instance session whose ENI no running in-scope bridge/host task claims. Deleted only on
 * ECS's word about that instance in this sweep: it left the cluster (MISSING, or deregistering /
 * inactive), or it is in a cluster listed whole and ECS's own count of its tasks equals the tasks
 * the listing found on it — so none of them, running and in scope, uses its ENI any more.
 */
function reasonToDeleteInstanceSession(session: MirrorSession, tasks: readonly TaskSnapshot[], input: ReconcileInput): string | undefined {
  const arn = session.tags[CONTAINER_INSTANCE_TAG];
  if (arn === undefined) return undefined;
  if (input.missingInstances?.has(arn)) return `container instance ${lastPathSegment(arn)} left the cluster (ECS: MISSING)`;
  const instance = input.containerInstances?.get(arn);
  if (instance === undefined) return undefined;
  if (!INSTANCE_IN_CLUSTER.has(instance.status)) return `container instance ${lastPathSegment(arn)} is ${instance.status}: it left the cluster`;
  const cluster = session.tags[CLUSTER_TAG] ?? '';
  if ((input.unlistedClusters ?? []).some((c) => clusterNameOf(c.cluster) === cluster)) return undefined;
  if (input.sweptClusters !== undefined && !input.sweptClusters.map(clusterNameOf).includes(cluster)) return undefined;
  const onInstance = tasks.filter((t) => t.containerInstanceArn === arn && isRunningTask(t)).length;
  const counted = (instance.runningTasksCount ?? -1) + (instance.pendingTasksCount ?? 0);
  if (counted !== onInstance) return undefined;
  return `no running in-scope bridge/host task is left on container instance ${lastPathSegment(arn)}`;
}

/** Hosts known not to mirror: this process's memory, and instances one of whose tasks we tagged unsupported. */
function unsupportedHostsOf(tasks: readonly TaskSnapshot[], remembered: ReadonlyMap<string, string> | undefined): Map<string, string> {
  const hosts = new Map(remembered ?? []);
  for (const task of tasks) {
    if (task.containerInstanceArn !== undefined && unsupportedEnis(task).size > 0 && !hosts.has(task.containerInstanceArn)) {
      hosts.set(task.containerInstanceArn, unsupportedHostReason(task.containerInstanceArn));
    }
  }
  return hosts;
}

function whyUnverified(session: MirrorSession, input: ReconcileInput): string {
  const taskArn = session.tags[TASK_ARN_TAG];
  const cluster = session.tags[CLUSTER_TAG];
  const unlisted = (input.unlistedClusters ?? []).find((c) => cluster !== undefined && clusterNameOf(c.cluster) === cluster);
  if (unlisted !== undefined) return `cluster '${cluster ?? ''}' could not be listed (${unlisted.reason}); session kept`;
  if (isInstanceSession(session)) return `ECS said nothing certain about container instance ${lastPathSegment(session.tags[CONTAINER_INSTANCE_TAG] ?? '(no tag)')} and its tasks in this sweep; session kept`;
  if (taskArn === undefined) return 'session has no task ARN tag, so ECS cannot be asked about its task; session kept';
  const problem = (input.unanswered ?? []).find((p) => p.arn === taskArn || lastPathSegment(p.arn) === lastPathSegment(taskArn));
  if (problem !== undefined) return `DescribeTasks did not describe task ${lastPathSegment(taskArn)} (${problem.reason}); session kept`;
  return `task ${lastPathSegment(taskArn)} could not be asked about (tag cannot be resolved to a task); session kept`;
}

/** A task ARN as our tag holds it: `arn:…:task/<cluster>/<id>`, or the old `arn:…:task/<id>`. */
const TASK_ARN_PATTERN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/(?:([A-Za-z0-9_-]{1,255})\/)?([A-Za-z0-9-]{1,64})$/;


export interface TaskLookup {
  readonly cluster: string;
  readonly taskArns: readonly string[];
}

export interface LookupInput {
  /** The tasks listed (and described) so far in this sweep. */
  readonly tasks: readonly TaskSnapshot[];
  readonly sessions: readonly MirrorSession[];
  readonly sweptClusters?: readonly string[];
}

/**
 * The tasks the sweep must describe itself before it may delete anything: those named by the
 * tags of our sessions whose ENI no listed task claims. Not being listed is no evidence; ECS
 * describing the task as stopped, or running with other ENIs, is. A tag that does not hold a
 * whole task ARN (values cut to EC2's 256 characters, or no tag) cannot be asked about: its
 * session is left unverified by planReconcile. Batches of at most 100, one cluster each.
 */
export function tasksToLookUp(input: LookupInput): TaskLookup[] {
  const claimed = new Set(input.tasks.flatMap((t) => t.enis.flatMap((e) => e.networkInterfaceId ?? [])));
  const described = new Set(input.tasks.map((t) => t.taskArn));
  const swept = input.sweptClusters === undefined ? undefined : new Set(input.sweptClusters.map(clusterNameOf));
  const byCluster = new Map<string, Set<string>>();
  for (const session of input.sessions) {
    if (!isManagedSession(session) || claimed.has(session.networkInterfaceId)) continue;
    if (swept !== undefined && !swept.has(session.tags[CLUSTER_TAG] ?? '')) continue;
    const taskArn = session.tags[TASK_ARN_TAG];
    const match = taskArn === undefined ? null : TASK_ARN_PATTERN.exec(taskArn);
    if (taskArn === undefined || match === null || described.has(taskArn)) continue;
    const cluster = match[1] ?? session.tags[CLUSTER_TAG];
    if (cluster === undefined || !ECS_NAME_PATTERN.test(cluster)) continue;
    const arns = byCluster.get(cluster) ?? new Set<string>();
    byCluster.set(cluster, arns.add(taskArn));
  }
  const lookups: TaskLookup[] = [];
  for (const [cluster, arns] of [...byCluster.entries()].sort(([a], [b]) => compare(a, b))) {
    const sorted = [...arns].sort(compare);
    for (let start = 0; start < sorted.length; start += DESCRIBE_TASKS_LIMIT) lookups.push({ cluster, taskArns: sorted.slice(start, start + DESCRIBE_TASKS_LIMIT) });
  }
  return lookups;
}

function isYoung(task: TaskSnapshot, input: ReconcileInput): boolean {
  if (!input.graceMs || input.now === undefined || task.createdAt === undefined) return false;
  const createdAt = Date.parse(task.createdAt);
  return Number.isFinite(createdAt) && input.now - createdAt < input.graceMs;
}

function reasonToDelete(owner: EniOwner): string | undefined {
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

/** A session described twice (listed, then described by ENI) counts once. */
function uniqueById(sessions: readonly MirrorSession[]): MirrorSession[] {
  return [...new Map(sessions.map((s) => [s.sessionId, s])).values()];
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
