import { asMirrorError, InvalidEventError, MirrorError } from '../core/errors.js';
import { parseTaskStateChangeEvent } from '../core/event.js';
import { classifyError } from '../core/outcome.js';
import { decideAll } from '../core/decide.js';
import { checkScope } from '../core/scope.js';
import type { MirrorSession } from '../core/session.js';
import { ATTACHED, MIRRORABLE_TASK_STATUSES, type TaskSnapshot } from '../core/task.js';
import type { EventVerdict } from '../core/verify-event.js';
import type { TargetLoads } from '../core/decide.js';
import { ABANDONED, Deadline, type Abandoned } from './deadline.js';
import { METRIC, type AppDeps } from './deps.js';
import { mirrorEnisVerified } from './mirror-eni.js';
import type { EniResult, EventFailure, TaskEventResult } from './results.js';
import { verifyWithEcs, type Verification } from './verify-with-ecs.js';
import type { KnownEni } from './known-sessions.js';
import { availabilityZoneIdsOf, poolLoads } from './decision-inputs.js';
import { doorOf, doorReadFailureOf, withDoors } from '../core/door.js';
import { readHostFacts, unsupportedHosts } from './host-facts.js';

export interface HandleTaskEventsOptions {
  /**
   * Epoch milliseconds on deps.clock after which no work is waited for: events not done by then
   * come back as `deadline` failures, for redelivery. Default: none.
   */
  readonly deadline?: number;
}

/** Creates in flight at once within one batch; the rate limiter, not this, sets the pace. */
const CREATE_CONCURRENCY = 16;

/** Time kept back from the creates for the describe that checks them (one call, well under its request timeout). */
const CHECK_RESERVE_MS = 1_000;

interface Candidate {
  readonly task: TaskSnapshot;
  readonly networkInterfaceId: string;
}

type EniWork = EniResult | MirrorError | Abandoned;

/** What triage found for one attachment: its final result, or an ENI the core must decide with AWS's view. */
type Triaged =
  | { readonly kind: 'done'; readonly result: EniResult }
  | { readonly kind: 'work'; readonly attachmentId: string; readonly networkInterfaceId: string };

/**
 * The event path: ECS Task State Change events in (one, or a batch from SQS), sessions out.
 * One DescribeTasks per cluster (≤ 100 tasks) to check the events against ECS, one
 * DescribeTrafficMirrorSessions for the whole batch, one create per ENI that lacks our session;
 * repeated and reordered events of a task collapse onto one piece of work.
 */
export async function handleTaskEvents(
  rawEvents: readonly unknown[],
  deps: AppDeps,
  options: HandleTaskEventsOptions = {},
): Promise<TaskEventResult[]> {
  const deadline = new Deadline(deps.clock, options.deadline);
  const parsedRaw = rawEvents.map(parseOrFailure);
  // Bridge/host tasks have no ENI of their own and awsvpc tasks on instances may have a branch
  // ENI: their doors are resolved once for the batch, on the events and on ECS's answers alike.
  // A door read that fails fails only the events whose door depends on it; the others go on.
  const mirrorable = (p: Parsed): p is Extract<Parsed, { ok: true }> => p.ok && MIRRORABLE_TASK_STATUSES.has(p.task.lastStatus);
  const facts = await readHostFacts(parsedRaw.flatMap((p) => (mirrorable(p) ? [p.task] : [])), deps);
  const resolve = (task: TaskSnapshot) => withDoors(task, facts);
  const parsed = parsedRaw.map((p): Parsed => {
    if (!p.ok) return p;
    const unread = mirrorable(p) ? doorReadFailureOf(p.task, facts, facts.failures) : undefined;
    return unread === undefined ? { ok: true, task: resolve(p.task) } : { ok: false, result: doorUnreadResult(p.task, unread, deps) };
  });
  const snapshots = parsed.flatMap((p) => (p.ok ? [p.task] : []));
  const latest = latestByTask(snapshots);

  const triage = new Map<TaskSnapshot, Triaged[]>();
  for (const task of snapshots) triage.set(task, triageTask(task, latest.get(task.taskArn) ?? task, deps));

  // The event only says which task and ENI to look at; ECS says whether they belong together, and
  // its snapshot (group, tags, attachments) is what the rest of the work uses. An event whose ENIs
  // this warm process already mirrored leads to no create, tag or stop, so it is answered from
  // memory without asking ECS (the RUNNING event after PENDING, a redelivered duplicate).
  // Read once, here: the memory may forget an ENI (time to live) while ECS is being asked, and a
  // settled event must then still be answered from this read, never acted on unchecked.
  const pendingOf = new Map(snapshots.map((task) => [task, pendingEnis(triage.get(task) ?? [])]));
  const remembered = new Map<string, KnownEni>();
  for (const eni of [...pendingOf.values()].flat()) {
    const known = deps.knownSessions?.get(eni);
    if (known !== undefined) remembered.set(eni, known);
  }
  const settled = (task: TaskSnapshot) => (pendingOf.get(task) ?? []).every((eni) => remembered.get(eni)?.kind === 'mirrored');
  const pending = snapshots.filter((task) => (pendingOf.get(task) ?? []).length > 0);
  const toVerify = pending.filter((task) => !settled(task));
  const verifications = await verifyWithEcs(
    toVerify.map((task) => ({ event: task, eniIds: pendingOf.get(task) ?? [] })),
    deps,
    deadline,
    resolve,
  );

  const candidates = new Map<string, Candidate>();
  for (const task of pending.filter(settled)) {
    for (const networkInterfaceId of pendingOf.get(task) ?? []) candidates.set(networkInterfaceId, { task, networkInterfaceId });
  }
  for (const task of toVerify) {
    const verification = verifications.get(task);
    // Out of scope by ECS's own view (its tags): counted like the out-of-scope events above.
    if (verification?.kind === 'verdict' && verification.verdict.verdict === 'out-of-scope') deps.metrics.count(METRIC.outOfScope);
    if (verification?.kind !== 'verdict' || verification.verdict.verdict !== 'verified') continue;
    const verified = verification.verdict.task;
    for (const networkInterfaceId of pendingOf.get(task) ?? []) {
      const known = candidates.get(networkInterfaceId);
      if (!known || known.task.version < verified.version) candidates.set(networkInterfaceId, { task: verified, networkInterfaceId });
    }
  }

  const work = await mirrorCandidates([...candidates.values()], remembered, deps, deadline);

  const results = parsed.map((entry) =>
    entry.ok ? resultOf(entry.task, triage.get(entry.task) ?? [], verifications.get(entry.task), work) : entry.result,
  );
  for (const result of results) {
    if (result.failure?.kind === 'invalid-event') deps.metrics.count(METRIC.invalidEvent);
    else if (result.failure?.kind === 'unverified-event') deps.metrics.count(METRIC.eventRejected);
    else if (result.failure?.kind === 'deadline') deps.metrics.count(METRIC.eventDeadline);
    else if (result.failure) deps.metrics.count(METRIC.eventFailed);
  }
  return results;
}

/** ENIs of a triaged event that still need work (ATTACHED, in a mirrorable, in-scope event). */
function pendingEnis(triaged: readonly Triaged[]): string[] {
  return triaged.flatMap((entry) => (entry.kind === 'work' ? [entry.networkInterfaceId] : []));
}

type Parsed = { readonly ok: true; readonly task: TaskSnapshot } | { readonly ok: false; readonly result: TaskEventResult };

function parseOrFailure(raw: unknown): Parsed {
  try {
    return { ok: true, task: parseTaskStateChangeEvent(raw) };
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    return { ok: false, result: { enis: [], failure: { kind: 'invalid-event', outcome: 'invalid-event', message: error.message } } };
  }
}

function latestByTask(snapshots: readonly TaskSnapshot[]): Map<string, TaskSnapshot> {
  const latest = new Map<string, TaskSnapshot>();
  for (const task of snapshots) {
    const known = latest.get(task.taskArn);
    if (!known || known.version < task.version) latest.set(task.taskArn, task);
  }
  return latest;
}

/**
 * What can be decided without AWS; ENIs that need ECS's and EC2's view are left as work for
 * mirrorCandidates, which has the core decide them.
 */
function triageTask(task: TaskSnapshot, newest: TaskSnapshot, deps: AppDeps): Triaged[] {
  const skip = (outcome: EniResult['outcome'], reason: string): Triaged[] =>
    task.enis.map((eni) => ({ kind: 'done', result: { attachmentId: eni.attachmentId, networkInterfaceId: eni.networkInterfaceId, outcome, reason } }));
  if (!MIRRORABLE_TASK_STATUSES.has(task.lastStatus)) return skip('skipped-status', `task is ${task.lastStatus}`);
  if (newest !== task && !MIRRORABLE_TASK_STATUSES.has(newest.lastStatus)) {
    return skip('skipped-status', `superseded by ${newest.lastStatus} (version ${newest.version})`);
  }
  const scope = checkScope(task, deps.config.scope);
  if (!scope.inScope) {
    deps.metrics.count(METRIC.outOfScope);
    return skip('out-of-scope', scope.reason);
  }
  return task.enis.map((eni): Triaged =>
    eni.status === ATTACHED && eni.networkInterfaceId
      ? { kind: 'work', attachmentId: eni.attachmentId, networkInterfaceId: eni.networkInterfaceId }
      : { kind: 'done', result: { attachmentId: eni.attachmentId, networkInterfaceId: eni.networkInterfaceId, outcome: 'not-attached', reason: `ENI is ${eni.status}` } },
  );
}

async function mirrorCandidates(
  candidates: readonly Candidate[],
  remembered: ReadonlyMap<string, KnownEni>,
  deps: AppDeps,
  deadline: Deadline,
): Promise<Map<string, EniWork>> {
  const work = new Map<string, EniWork>();
  const unknown: Candidate[] = [];
  for (const candidate of candidates) {
    const known = remembered.get(candidate.networkInterfaceId);
    const networkInterfaceId = candidate.networkInterfaceId;
    if (known === undefined) unknown.push(candidate);
    else if (known.kind === 'mirrored') {
      work.set(networkInterfaceId, { networkInterfaceId, outcome: 'exists', sessionId: known.sessionId, reason: 'mirrored earlier by this process' });
      deps.metrics.count(METRIC.sessionExists);
    } else {
      // Already reported (and tagged, or stopped) for an earlier event: no second create, tag or stop.
      work.set(networkInterfaceId, { networkInterfaceId, outcome: 'unsupported', reason: 'found unsupported earlier by this process' });
    }
  }
  if (unknown.length === 0) return work;
  let seen: Ec2View | Abandoned;
  try {
    seen = await deadline.race(ec2View(unknown, deps));
  } catch (error) {
    const failure = asMirrorError(error);
    for (const candidate of unknown) work.set(candidate.networkInterfaceId, failure);
    return work;
  }
  if (seen === ABANDONED) {
    for (const candidate of unknown) work.set(candidate.networkInterfaceId, ABANDONED);
    return work;
  }
  const { sessions, zones, loads } = seen;
  const byEni = new Map<string, MirrorSession[]>();
  for (const session of sessions) byEni.set(session.networkInterfaceId, [...(byEni.get(session.networkInterfaceId) ?? []), session]);
  const hosts = unsupportedHosts(deps);
  const decisions = decideAll(
    unknown.map(({ task, networkInterfaceId }) => {
      const availabilityZoneId = zones.get(networkInterfaceId);
      return {
        task,
        networkInterfaceId,
        ...(availabilityZoneId === undefined ? {} : { availabilityZoneId }),
        sessionsOnEni: byEni.get(networkInterfaceId) ?? [],
        rules: deps.config.rules,
        defaults: deps.config.session,
        door: doorOf(task, networkInterfaceId, hosts),
      };
    }),
    loads,
  );
  // Creates stop a little before the deadline so the one describe that proves them still fits:
  // a create that cannot be proven in time is returned for redelivery, not reported as done.
  const createDeadline = deadline.earlier(CHECK_RESERVE_MS);
  const attempts = await mirrorEnisVerified(
    unknown.map((c, index) => ({ ...c, decision: decisions[index] ?? unreachable() })),
    deps,
    {
      concurrency: CREATE_CONCURRENCY,
      settle: (pending) => createDeadline.race(pending),
      settleCheck: (pending) => deadline.race(pending),
    },
  );
  for (const { task, networkInterfaceId } of unknown) {
    const attempt = attempts.get(networkInterfaceId);
    if (attempt?.ok) {
      const result = attempt.result;
      rememberOutcome(deps, networkInterfaceId, result);
      work.set(networkInterfaceId, { attachmentId: task.enis.find((e) => e.networkInterfaceId === networkInterfaceId)?.attachmentId, ...result });
      deps.logger.info('ENI handled', { taskArn: task.taskArn, lastStatus: task.lastStatus, version: task.version, ...result });
    } else if (attempt?.error === ABANDONED) {
      work.set(networkInterfaceId, ABANDONED);
      deps.logger.warn('ENI abandoned at the batch deadline; its event goes back for redelivery', { taskArn: task.taskArn, networkInterfaceId });
    } else {
      const failure = asMirrorError(attempt?.error);
      work.set(networkInterfaceId, failure);
      deps.logger.error('ENI could not be mirrored', {
        taskArn: task.taskArn,
        networkInterfaceId,
        kind: failure.kind,
        awsCode: failure.awsCode,
        message: failure.message,
      });
    }
  }
  return work;
}

interface Ec2View {
  readonly sessions: MirrorSession[];
  readonly zones: ReadonlyMap<string, string>;
  readonly loads: TargetLoads;
}

/** What the core needs from EC2 to decide these ENIs: their sessions, and only when rules need them, AZ ids and pool loads. */
async function ec2View(candidates: readonly Candidate[], deps: AppDeps): Promise<Ec2View> {
  const [sessions, zones, loads] = await Promise.all([
    deps.ec2.findSessionsForEnis(candidates.map((c) => c.networkInterfaceId)),
    availabilityZoneIdsOf(candidates.map((c) => c.task), deps),
    poolLoads(deps),
  ]);
  return { sessions, zones, loads };
}

function unreachable(): never {
  throw new Error('decideAll returned fewer decisions than it was given ENIs');
}

function rememberOutcome(deps: AppDeps, networkInterfaceId: string, result: EniResult): void {
  if ((result.outcome === 'created' || result.outcome === 'exists' || result.outcome === 'modified') && result.sessionId) {
    deps.knownSessions?.remember(networkInterfaceId, { kind: 'mirrored', sessionId: result.sessionId });
  } else if (result.outcome === 'unsupported' || result.outcome === 'stopped-task') {
    deps.knownSessions?.remember(networkInterfaceId, { kind: 'unsupported' });
  }
}

/** An event whose door could not be read: nothing of it was touched, and it comes back for redelivery. */
function doorUnreadResult(task: TaskSnapshot, error: MirrorError, deps: AppDeps): TaskEventResult {
  deps.logger.error('door of the task could not be read; its event goes back for redelivery', { taskArn: task.taskArn, kind: error.kind, awsCode: error.awsCode, message: error.message });
  return {
    taskArn: task.taskArn,
    clusterArn: task.clusterArn,
    lastStatus: task.lastStatus,
    version: task.version,
    enis: task.enis.map((eni) => ({ attachmentId: eni.attachmentId, networkInterfaceId: eni.networkInterfaceId, outcome: 'failed', reason: error.message })),
    failure: { kind: error.kind, outcome: classifyError(error.kind), message: error.message, ...(error.awsCode ? { awsCode: error.awsCode } : {}) },
  };
}

/** An ENI left to mirrorCandidates that came back without an outcome: a bug, retried rather than taken for done. */
const NO_OUTCOME_MESSAGE = 'no outcome was recorded for this ENI; returned for redelivery';

const DEADLINE_MESSAGE = 'the batch reached its deadline before this work was done; returned for redelivery';

function resultOf(
  task: TaskSnapshot,
  triaged: readonly Triaged[],
  verification: Verification | undefined,
  work: ReadonlyMap<string, EniWork>,
): TaskEventResult {
  const identity = { taskArn: task.taskArn, clusterArn: task.clusterArn, lastStatus: task.lastStatus, version: task.version };
  if (verification !== undefined && !(verification.kind === 'verdict' && verification.verdict.verdict === 'verified')) {
    return { ...identity, ...unverifiedResult(triaged, verification) };
  }
  let failure: EventFailure | undefined;
  const enis = triaged.map((entry): EniResult => {
    if (entry.kind === 'done') return entry.result;
    const result = { attachmentId: entry.attachmentId, networkInterfaceId: entry.networkInterfaceId };
    const done = work.get(entry.networkInterfaceId);
    if (done === undefined) {
      failure ??= { kind: 'unknown', outcome: 'fatal', message: NO_OUTCOME_MESSAGE };
      return { ...result, outcome: 'failed', reason: NO_OUTCOME_MESSAGE };
    }
    if (done === ABANDONED) {
      failure ??= { kind: 'deadline', outcome: 'retry', message: DEADLINE_MESSAGE };
      return { ...result, outcome: 'failed', reason: DEADLINE_MESSAGE };
    }
    if (!(done instanceof MirrorError)) return done;
    failure ??= { kind: done.kind, outcome: classifyError(done.kind), message: done.message, ...(done.awsCode ? { awsCode: done.awsCode } : {}) };
    return { ...result, outcome: 'failed', reason: done.message };
  });
  return { ...identity, enis, ...(failure ? { failure } : {}) };
}

/** An event that ECS did not confirm: no ENI of it was touched. */
function unverifiedResult(triaged: readonly Triaged[], verification: Verification): Pick<TaskEventResult, 'enis' | 'failure'> {
  const pending = (outcome: EniResult['outcome'], reason: string): EniResult[] =>
    triaged.map((entry) =>
      entry.kind === 'done' ? entry.result : { attachmentId: entry.attachmentId, networkInterfaceId: entry.networkInterfaceId, outcome, reason },
    );
  if (verification.kind === 'abandoned') return { enis: pending('failed', DEADLINE_MESSAGE), failure: { kind: 'deadline', outcome: 'retry', message: DEADLINE_MESSAGE } };
  if (verification.kind === 'error') {
    const error = verification.error;
    return {
      enis: pending('failed', error.message),
      failure: { kind: error.kind, outcome: classifyError(error.kind), message: error.message, ...(error.awsCode ? { awsCode: error.awsCode } : {}) },
    };
  }
  const verdict: EventVerdict = verification.verdict;
  switch (verdict.verdict) {
    case 'verified':
      return { enis: pending('failed', NO_OUTCOME_MESSAGE), failure: { kind: 'unknown', outcome: 'fatal', message: NO_OUTCOME_MESSAGE } };
    case 'skipped':
      return { enis: pending('skipped-status', verdict.reason) };
    case 'out-of-scope':
      return { enis: pending('out-of-scope', verdict.reason) };
    case 'rejected':
      return { enis: pending('rejected', verdict.reason), failure: { kind: 'unverified-event', outcome: 'rejected', message: verdict.reason } };
    case 'retry':
      return { enis: pending('failed', verdict.reason), failure: { kind: 'unconfirmed-event', outcome: 'retry', message: verdict.reason } };
  }
}
