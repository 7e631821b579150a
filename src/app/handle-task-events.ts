import { InvalidEventError, MirrorError } from '../core/errors.js';
import { parseTaskStateChangeEvent } from '../core/event.js';
import { classifyError } from '../core/outcome.js';
import { checkScope } from '../core/scope.js';
import type { MirrorSession } from '../core/session.js';
import { ATTACHED, MIRRORABLE_TASK_STATUSES, type TaskSnapshot } from '../core/task.js';
import { METRIC, type AppDeps } from './deps.js';
import { mirrorEnisVerified } from './mirror-eni.js';
import type { EniResult, EventFailure, TaskEventResult } from './results.js';

/** Creates in flight at once within one batch; the rate limiter, not this, sets the pace. */
const CREATE_CONCURRENCY = 16;

interface Candidate {
  readonly task: TaskSnapshot;
  readonly networkInterfaceId: string;
}

type EniWork = EniResult | MirrorError;

/**
 * The event path: ECS Task State Change events in (one, or a batch from SQS), sessions out.
 * One DescribeTrafficMirrorSessions for the whole batch, one create per ENI that lacks our
 * session; repeated and reordered events of a task collapse onto one piece of work.
 */
export async function handleTaskEvents(rawEvents: readonly unknown[], deps: AppDeps): Promise<TaskEventResult[]> {
  const parsed = rawEvents.map(parseOrFailure);
  const snapshots = parsed.flatMap((p) => (p.ok ? [p.task] : []));
  const latest = latestByTask(snapshots);

  const candidates = new Map<string, Candidate>();
  const triage = new Map<TaskSnapshot, EniResult[]>();
  for (const task of snapshots) {
    const results = triageTask(task, latest.get(task.taskArn) ?? task, deps);
    triage.set(task, results);
    for (const result of results) {
      if (result.outcome !== 'failed' || !result.networkInterfaceId) continue;
      const known = candidates.get(result.networkInterfaceId);
      if (!known || known.task.version < task.version) candidates.set(result.networkInterfaceId, { task, networkInterfaceId: result.networkInterfaceId });
    }
  }

  const work = await mirrorCandidates([...candidates.values()], deps);

  const results = parsed.map((entry) => (entry.ok ? resultOf(entry.task, triage.get(entry.task) ?? [], work) : entry.result));
  for (const result of results) {
    if (result.failure?.kind === 'invalid-event') deps.metrics.count(METRIC.invalidEvent);
    else if (result.failure) deps.metrics.count(METRIC.eventFailed);
  }
  return results;
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
 * What can be decided without AWS. ENIs that need work come back as `failed` placeholders
 * carrying their id; mirrorCandidates replaces them with the real outcome.
 */
function triageTask(task: TaskSnapshot, newest: TaskSnapshot, deps: AppDeps): EniResult[] {
  const skip = (outcome: EniResult['outcome'], reason: string) =>
    task.enis.map((eni) => ({ attachmentId: eni.attachmentId, networkInterfaceId: eni.networkInterfaceId, outcome, reason }));
  if (!MIRRORABLE_TASK_STATUSES.has(task.lastStatus)) return skip('skipped-status', `task is ${task.lastStatus}`);
  if (newest !== task && !MIRRORABLE_TASK_STATUSES.has(newest.lastStatus)) {
    return skip('skipped-status', `superseded by ${newest.lastStatus} (version ${newest.version})`);
  }
  const scope = checkScope(task, deps.config.scope);
  if (!scope.inScope) {
    deps.metrics.count(METRIC.outOfScope);
    return skip('out-of-scope', scope.reason);
  }
  return task.enis.map((eni) =>
    eni.status === ATTACHED && eni.networkInterfaceId
      ? { attachmentId: eni.attachmentId, networkInterfaceId: eni.networkInterfaceId, outcome: 'failed' as const, reason: 'pending' }
      : { attachmentId: eni.attachmentId, networkInterfaceId: eni.networkInterfaceId, outcome: 'not-attached' as const, reason: `ENI is ${eni.status}` },
  );
}

async function mirrorCandidates(candidates: readonly Candidate[], deps: AppDeps): Promise<Map<string, EniWork>> {
  const work = new Map<string, EniWork>();
  const unknown: Candidate[] = [];
  for (const candidate of candidates) {
    const known = deps.knownSessions?.get(candidate.networkInterfaceId);
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
  let sessions: MirrorSession[];
  try {
    sessions = await deps.ec2.findSessionsForEnis(unknown.map((c) => c.networkInterfaceId));
  } catch (error) {
    const failure = asMirrorError(error);
    for (const candidate of unknown) work.set(candidate.networkInterfaceId, failure);
    return work;
  }
  const byEni = new Map<string, MirrorSession[]>();
  for (const session of sessions) byEni.set(session.networkInterfaceId, [...(byEni.get(session.networkInterfaceId) ?? []), session]);
  const attempts = await mirrorEnisVerified(
    unknown.map((c) => ({ ...c, sessionsOnEni: byEni.get(c.networkInterfaceId) ?? [] })),
    deps,
    { concurrency: CREATE_CONCURRENCY },
  );
  for (const { task, networkInterfaceId } of unknown) {
    const attempt = attempts.get(networkInterfaceId);
    if (attempt?.ok) {
      const result = attempt.result;
      rememberOutcome(deps, networkInterfaceId, result);
      work.set(networkInterfaceId, { attachmentId: task.enis.find((e) => e.networkInterfaceId === networkInterfaceId)?.attachmentId, ...result });
      deps.logger.info('ENI handled', { taskArn: task.taskArn, lastStatus: task.lastStatus, version: task.version, ...result });
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

function rememberOutcome(deps: AppDeps, networkInterfaceId: string, result: EniResult): void {
  if ((result.outcome === 'created' || result.outcome === 'exists') && result.sessionId) {
    deps.knownSessions?.remember(networkInterfaceId, { kind: 'mirrored', sessionId: result.sessionId });
  } else if (result.outcome === 'unsupported' || result.outcome === 'stopped-task') {
    deps.knownSessions?.remember(networkInterfaceId, { kind: 'unsupported' });
  }
}

function asMirrorError(error: unknown): MirrorError {
  if (error instanceof MirrorError) return error;
  return new MirrorError('unknown', error instanceof Error ? error.message : String(error), undefined, { cause: error });
}

function resultOf(task: TaskSnapshot, triaged: readonly EniResult[], work: ReadonlyMap<string, EniWork>): TaskEventResult {
  let failure: EventFailure | undefined;
  const enis = triaged.map((result): EniResult => {
    if (result.outcome !== 'failed' || !result.networkInterfaceId) return result;
    const done = work.get(result.networkInterfaceId);
    if (done === undefined) return result;
    if (!(done instanceof MirrorError)) return done;
    failure ??= { kind: done.kind, outcome: classifyError(done.kind), message: done.message, ...(done.awsCode ? { awsCode: done.awsCode } : {}) };
    return { ...result, reason: done.message };
  });
  return {
    taskArn: task.taskArn,
    clusterArn: task.clusterArn,
    lastStatus: task.lastStatus,
    version: task.version,
    enis,
    ...(failure ? { failure } : {}),
  };
}
