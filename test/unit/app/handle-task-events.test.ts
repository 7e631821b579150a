import { beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../src/app/deps.js';
import { handleTaskEvents, type HandleTaskEventsOptions } from '../../../src/app/handle-task-events.js';
import { STOP_REASON } from '../../../src/app/unsupported-eni.js';
import { loadConfig, type Environment } from '../../../src/config/from-env.js';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { STOP_CLAIM_TASK_TAG } from '../../../src/contract/tags.js';
import { MANAGED_TAG, UNSUPPORTED_TASK_TAG } from '../../../src/core/session.js';
import type { TaskSnapshot } from '../../../src/core/task.js';
import { CountingMetrics, FakeClock, FakeEc2, FakeEcs, RecordingLogger, TurnClock } from '../../support/fake-ports.js';
import { taskEvent } from '../../support/task-events.js';

const TARGET = 'tmt-0123456789abcdef0';
const FILTER = 'tmf-0123456789abcdef0';
const ENI = 'eni-0a1b2c3d4e5f60718';

let ec2: FakeEc2;
let ecs: FakeEcs;
let metrics: CountingMetrics;
let clock: FakeClock;

function deps(env: Environment = {}): AppDeps {
  return {
    config: loadConfig({ MIRROR_TARGET_ID: TARGET, MIRROR_FILTER_ID: FILTER, ...env }),
    ec2,
    ecs: async () => ecs,
    clock,
    logger: new RecordingLogger(),
    metrics,
  };
}

/**
 * The event path asks ECS about every task it acts on; these tests are about what comes after,
 * so ECS knows each event's task as the event describes it (the newest event of each task),
 * unless a test has set ECS's view itself.
 */
async function handle(events: readonly Record<string, unknown>[], d: AppDeps, options?: HandleTaskEventsOptions) {
  const newest = new Map<string, TaskSnapshot>();
  for (const event of events) {
    if (event.source !== 'aws.ecs') continue;
    const snapshot = parseTaskStateChangeEvent(event);
    if ((newest.get(snapshot.taskArn)?.version ?? -1) < snapshot.version) newest.set(snapshot.taskArn, snapshot);
  }
  for (const snapshot of newest.values()) {
    const index = ecs.tasks.findIndex((t) => t.taskArn === snapshot.taskArn);
    const known = ecs.tasks[index];
    if (known === undefined) ecs.tasks.push(snapshot);
    else if (echoed.has(known) && known.version < snapshot.version) ecs.tasks[index] = snapshot;
    else continue;
    echoed.add(snapshot);
  }
  return handleTaskEvents(events, d, options);
}

/** ECS views that only echo an event (not set by the test itself): a later event may move them on. */
const echoed = new WeakSet<TaskSnapshot>();

beforeEach(() => {
  ec2 = new FakeEc2();
  ecs = new FakeEcs();
  metrics = new CountingMetrics();
  clock = new FakeClock();
});

describe('handleTaskEvents: creating sessions', () => {
  it('creates one managed session for an ATTACHED ENI of a RUNNING task', async () => {
    const [result] = await handle([taskEvent()], deps());

    expect(result?.failure).toBeUndefined();
    expect(result?.enis).toEqual([expect.objectContaining({ networkInterfaceId: ENI, outcome: 'created', sessionId: expect.stringMatching(/^tms-/) })]);
    const [session] = [...ec2.sessions.values()];
    expect(session).toMatchObject({ networkInterfaceId: ENI, targetId: TARGET, filterId: FILTER, sessionNumber: 1 });
    expect(session?.tags[MANAGED_TAG]).toBe('true');
    expect(ec2.calls).toEqual(['describe', 'create', 'find']);
    expect(metrics.get('SessionCreated')).toBe(1);
  });

  it.each(['PENDING', 'ACTIVATING', 'RUNNING'])('acts on %s', async (lastStatus) => {
    const [result] = await handle([taskEvent({ lastStatus })], deps());
    expect(result?.enis[0]?.outcome).toBe('created');
  });

  it('mirrors every ENI of a task with several', async () => {
    const event = taskEvent({ enis: [{ id: 'eni-00000000000000001' }, { id: 'eni-00000000000000002' }] });
    const [result] = await handle([event], deps());
    expect(result?.enis.map((e) => e.outcome)).toEqual(['created', 'created']);
    expect(ec2.sessions.size).toBe(2);
  });

  it('collapses duplicate and successive events of one task in a batch onto one create', async () => {
    const pending = taskEvent({ lastStatus: 'PENDING', version: 2 });
    const running = taskEvent({ lastStatus: 'RUNNING', version: 3 });
    const results = await handle([pending, running, running], deps());

    expect(ec2.calls).toEqual(['describe', 'create', 'find']);
    expect(new Set(results.map((r) => r.enis[0]?.sessionId)).size).toBe(1);
    expect(results.every((r) => r.failure === undefined)).toBe(true);
  });

  it('reports a later event as exists without creating again', async () => {
    await handle([taskEvent({ lastStatus: 'PENDING', version: 2 })], deps());
    const [result] = await handle([taskEvent({ lastStatus: 'RUNNING', version: 3 })], deps());

    expect(result?.enis[0]?.outcome).toBe('exists');
    expect(ec2.calls.filter((c) => c === 'create')).toHaveLength(1);
    expect(metrics.get('SessionExists')).toBe(1);
  });

  it('leaves a foreign session alone and takes the next free session number', async () => {
    ec2.add({ networkInterfaceId: ENI, targetId: 'tmt-0ffffffffffffffff', filterId: FILTER, sessionNumber: 1, tags: {} });
    const [result] = await handle([taskEvent()], deps());

    expect(result?.enis[0]?.outcome).toBe('created');
    const ours = [...ec2.sessions.values()].find((s) => s.targetId === TARGET);
    expect(ours?.sessionNumber).toBe(2);
    expect(ec2.sessions.size).toBe(2);
  });

  it('counts an unmanaged session to our target (the seed Lambda) as mirrored and does not duplicate it', async () => {
    const seeds = ec2.add({ networkInterfaceId: ENI, targetId: TARGET, filterId: FILTER, sessionNumber: 1, tags: { Name: 'Session for interface' } });
    const [result] = await handle([taskEvent()], deps());
    expect(result?.enis[0]).toMatchObject({ outcome: 'exists', sessionId: seeds.sessionId });
    expect(ec2.calls).not.toContain('create');
  });

  it('handles old-format task ARNs without a cluster segment', async () => {
    const event = taskEvent();
    const detail = event.detail as Record<string, unknown>;
    detail.taskArn = 'arn:aws:ecs:eu-central-1:123456789012:task/a1b2c3d4e5f60718293a4b5c6d7e8f90';
    event.resources = [detail.taskArn];
    const [result] = await handle([event], deps());
    expect(result?.enis[0]?.outcome).toBe('created');
    expect([...ec2.sessions.values()][0]?.tags['ecs-traffic-mirror:cluster']).toBe('prod');
  });
});

describe('handleTaskEvents: executing the core decision (issue 12)', () => {
  it('changes a drifted session of ours in place instead of creating a second one', async () => {
    const ours = ec2.add({ networkInterfaceId: ENI, targetId: TARGET, filterId: FILTER, sessionNumber: 1, tags: { [MANAGED_TAG]: 'true' } });
    const [result] = await handle([taskEvent()], deps({ MIRROR_PACKET_LENGTH: '128' }));
    expect(result?.failure).toBeUndefined();
    expect(result?.enis[0]).toMatchObject({ outcome: 'modified', sessionId: ours.sessionId, reason: 'packet length whole → 128' });
    expect(ec2.calls).not.toContain('create');
    expect(ec2.sessions.get(ours.sessionId)).toMatchObject({ packetLength: 128 });
    expect(metrics.get('SessionModified')).toBe(1);
  });

  it('puts the ENI on the pool target of its AZ id, read from its subnet only because a rule needs it', async () => {
    ec2.subnetZones.set('subnet-0123456789abcdef0', 'use1-az2');
    const rules = JSON.stringify({ rules: [{ targetsByAz: { 'use1-az1': ['tmt-0aaaaaaaaaaaaaaa1'], 'use1-az2': ['tmt-0bbbbbbbbbbbbbbb1', 'tmt-0bbbbbbbbbbbbbbb2'] } }] });
    ec2.add({ networkInterfaceId: 'eni-0cccccccccccccccc', targetId: 'tmt-0bbbbbbbbbbbbbbb1', filterId: FILTER, sessionNumber: 1, tags: {} });
    const [result] = await handle([taskEvent()], deps({ MIRROR_RULES: rules }));
    expect(result?.enis[0]).toMatchObject({ outcome: 'created' });
    expect([...ec2.sessions.values()].find((s) => s.networkInterfaceId === ENI)?.targetId).toBe('tmt-0bbbbbbbbbbbbbbb2');
    expect(ec2.calls).toEqual(expect.arrayContaining(['describe-subnets', 'describe-targets', 'count-sources']));
  });

  it('reads no subnet and no target without rules that need them', async () => {
    await handle([taskEvent()], deps());
    expect(ec2.calls.filter((call) => ['describe-subnets', 'describe-targets', 'count-sources'].includes(call))).toEqual([]);
  });

  it('reports a full pool as blocked with PoolFull, without failing the event', async () => {
    ec2.targets.set('tmt-0aaaaaaaaaaaaaaa1', { targetId: 'tmt-0aaaaaaaaaaaaaaa1', type: 'network-interface', maxSources: 1 });
    ec2.targets.set('tmt-0aaaaaaaaaaaaaaa2', { targetId: 'tmt-0aaaaaaaaaaaaaaa2', type: 'network-interface', maxSources: 1 });
    ec2.add({ networkInterfaceId: 'eni-0c1', targetId: 'tmt-0aaaaaaaaaaaaaaa1', filterId: FILTER, sessionNumber: 1, tags: {} });
    ec2.add({ networkInterfaceId: 'eni-0c2', targetId: 'tmt-0aaaaaaaaaaaaaaa2', filterId: FILTER, sessionNumber: 1, tags: {} });
    const rules = JSON.stringify({ rules: [{ targetIds: ['tmt-0aaaaaaaaaaaaaaa1', 'tmt-0aaaaaaaaaaaaaaa2'] }] });
    const [result] = await handle([taskEvent()], deps({ MIRROR_RULES: rules }));
    expect(result?.failure).toBeUndefined();
    expect(result?.enis[0]).toMatchObject({ outcome: 'blocked', reason: expect.stringMatching(/^pool full/) });
    expect(metrics.get('PoolFull')).toBe(1);
    expect(ec2.calls).not.toContain('create');
  });
});

describe('handleTaskEvents: what it does not act on', () => {
  it.each(['PROVISIONING', 'DEACTIVATING', 'STOPPED'])('skips %s without calling EC2', async (lastStatus) => {
    const [result] = await handle([taskEvent({ lastStatus })], deps());
    expect(result?.enis[0]?.outcome).toBe('skipped-status');
    expect(ec2.calls).toEqual([]);
  });

  it('skips an ENI that is not ATTACHED yet', async () => {
    const [result] = await handle([taskEvent({ lastStatus: 'PENDING', enis: [{ id: ENI, status: 'ATTACHING' }] })], deps());
    expect(result?.enis[0]?.outcome).toBe('not-attached');
    expect(ec2.calls).toEqual([]);
  });

  it('skips tasks out of scope', async () => {
    const [result] = await handle([taskEvent({ cluster: 'dev' })], deps({ MIRROR_CLUSTERS: 'prod' }));
    expect(result?.enis[0]?.outcome).toBe('out-of-scope');
    expect(ec2.calls).toEqual([]);
    expect(metrics.get('OutOfScope')).toBe(1);
  });

  it('recreates under a fresh token a session EC2 replays for a token whose session was deleted', async () => {
    const [first] = await handle([taskEvent()], deps());
    const deletedId = first?.enis[0]?.sessionId ?? '';
    await ec2.deleteSession(deletedId);
    ec2.calls.length = 0;

    const [again] = await handle([taskEvent()], deps());

    const [live] = [...ec2.sessions.values()];
    expect(again?.enis[0]).toMatchObject({ outcome: 'created', sessionId: live?.sessionId });
    expect(live?.sessionId).not.toBe(deletedId);
    expect(ec2.calls).toEqual(['describe', 'create', 'find', 'create']);
  });

  it('ignores a RUNNING event superseded by a STOPPED one in the same batch', async () => {
    const results = await handle([taskEvent({ lastStatus: 'RUNNING', version: 3 }), taskEvent({ lastStatus: 'STOPPED', version: 6 })], deps());
    expect(results[0]?.enis[0]).toMatchObject({ outcome: 'skipped-status', reason: expect.stringContaining('STOPPED') });
    expect(ec2.calls).toEqual([]);
  });

  it('returns an invalid-event failure for anything that is not an ECS Task State Change', async () => {
    const [result] = await handle([{ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} }], deps());
    expect(result?.failure).toMatchObject({ kind: 'invalid-event' });
    expect(metrics.get('InvalidEvent')).toBe(1);
  });
});

describe('handleTaskEvents: failures', () => {
  it('retries an ENI EC2 does not see yet with backoff, then creates', async () => {
    ec2.createFailures.set(ENI, ['eni-not-found', 'eni-not-found']);
    const [result] = await handle([taskEvent()], deps());

    expect(result?.enis[0]?.outcome).toBe('created');
    expect(clock.sleeps).toEqual([250, 500]);
    expect(metrics.get('EniNotFoundRetried')).toBe(2);
  });

  it('fails the event (for Lambda to retry) when the ENI stays invisible and the task still runs', async () => {
    ec2.createFailures.set(ENI, Array(10).fill('eni-not-found'));
    ecs.tasks = [parseTaskStateChangeEvent(taskEvent())];
    const [result] = await handle([taskEvent()], deps({ MIRROR_ENI_RETRY_ATTEMPTS: '3' }));

    expect(result?.failure).toMatchObject({ kind: 'eni-not-found', outcome: 'retry' });
    expect(ec2.calls.filter((c) => c === 'create')).toHaveLength(3);
  });

  it('gives up quietly on a late event whose task has stopped meanwhile', async () => {
    ec2.createFailures.set(ENI, Array(10).fill('eni-not-found'));
    ecs.tasks = [parseTaskStateChangeEvent(taskEvent({ lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }))];
    const [result] = await handle([taskEvent()], deps({ MIRROR_ENI_RETRY_ATTEMPTS: '2' }));
    expect(result?.failure).toBeUndefined();
    expect(result?.enis[0]?.outcome).toBe('skipped-status');
  });

  it('does not take a task ECS left out of its answer for a stopped one: the event is retried, not dropped', async () => {
    ec2.createFailures.set(ENI, Array(10).fill('eni-not-found'));
    ecs.tasks = [parseTaskStateChangeEvent(taskEvent())];
    // The batch's check is answered; the later question "has it stopped?" comes back without the task.
    const answer = ecs.describeTasks.bind(ecs);
    ecs.describeTasks = async (cluster, arns) =>
      ecs.describeCalls.length === 0 ? answer(cluster, arns) : { tasks: [], failures: arns.map((arn) => ({ arn, reason: 'NOT_ANSWERED' })) };
    const [result] = await handle([taskEvent()], deps({ MIRROR_ENI_RETRY_ATTEMPTS: '2' }));
    expect(result?.enis[0]?.outcome).not.toBe('skipped-status');
    expect(result?.failure).toMatchObject({ kind: 'eni-not-found', outcome: 'retry' });
  });

  it('never swallows throttling that outlasts the SDK retries', async () => {
    ec2.createFailures.set(ENI, ['throttled']);
    const [result] = await handle([taskEvent()], deps());
    expect(result?.failure).toMatchObject({ kind: 'throttled', outcome: 'retry' });
    expect(metrics.get('EventFailed')).toBe(1);
  });

  it('fails every ENI of the batch when the describe fails', async () => {
    ec2.describeFailure = 'throttled';
    const results = await handle([taskEvent(), taskEvent({ taskId: 'b'.repeat(32), enis: [{ id: 'eni-0bbbbbbbbbbbbbbbb' }] })], deps());
    expect(results.map((r) => r.failure?.kind)).toEqual(['throttled', 'throttled']);
  });

  // Issue 12: blocked, reported with a metric, and not failed (a redelivery would find the same three).
  it('reports an ENI with three foreign sessions as blocked with a quota metric, without failing the event', async () => {
    for (const n of [1, 2, 3]) ec2.add({ networkInterfaceId: ENI, targetId: 'tmt-0ffffffffffffffff', filterId: FILTER, sessionNumber: n, tags: {} });
    const [result] = await handle([taskEvent()], deps());
    expect(result?.failure).toBeUndefined();
    expect(result?.enis[0]).toMatchObject({ outcome: 'blocked', reason: expect.stringContaining('EC2 allows 3') });
    expect(metrics.get('QuotaExceeded')).toBe(1);
    expect(ec2.calls).not.toContain('create');
  });

  it('fails loudly on a wrong target, counting a config error', async () => {
    ec2.createFailures.set(ENI, ['target-not-found']);
    const [result] = await handle([taskEvent()], deps());
    expect(result?.failure).toMatchObject({ kind: 'target-not-found', outcome: 'config' });
    expect(metrics.get('ConfigError')).toBe(1);
  });
});

describe('handleTaskEvents: unsupported ENIs', () => {
  it('reports and tags the task under the default policy, never stopping it', async () => {
    ec2.createFailures.set(ENI, ['eni-not-supported']);
    const [result] = await handle([taskEvent()], deps());

    expect(result?.failure).toBeUndefined();
    expect(result?.enis[0]?.outcome).toBe('unsupported');
    expect(ecs.tagged).toEqual([{ taskArn: expect.stringContaining(':task/prod/'), tags: { [UNSUPPORTED_TASK_TAG]: ENI } }]);
    expect(ecs.stopped).toEqual([]);
    expect(metrics.get('EniUnsupported')).toBe(1);
  });

  it('stops a service task under stop-task', async () => {
    ec2.createFailures.set(ENI, ['eni-not-supported']);
    const [result] = await handle([taskEvent({ group: 'service:web' })], deps({ MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: 'prod' }));
    expect(result?.enis[0]?.outcome).toBe('stopped-task');
    expect(ecs.stopped).toEqual([{ taskArn: expect.any(String), reason: STOP_REASON }]);
    expect(metrics.get('TaskStopped')).toBe(1);
  });

  it('never stops a standalone task, even under stop-task', async () => {
    ec2.createFailures.set(ENI, ['eni-not-supported']);
    const [result] = await handle([taskEvent({ group: 'family:batch-job' })], deps({ MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: 'prod' }));
    expect(result?.enis[0]).toMatchObject({ outcome: 'unsupported', reason: expect.stringContaining('standalone') });
    expect(ecs.stopped).toEqual([]);
  });

  it('stops no more than the budget of one service per window', async () => {
    const recentlyStopped = (id: string) => ({
      ...parseTaskStateChangeEvent(taskEvent({ taskId: id, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' })),
      stoppedReason: STOP_REASON,
      stoppedAt: new Date(clock.now() - 60_000).toISOString(),
    });
    ecs.tasks = [recentlyStopped('1'.repeat(32)), recentlyStopped('2'.repeat(32))];
    ec2.createFailures.set(ENI, ['eni-not-supported']);
    const [result] = await handle([taskEvent()], deps({ MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: 'prod', MIRROR_STOP_MAX_PER_SERVICE: '2' }));

    expect(result?.enis[0]).toMatchObject({ outcome: 'unsupported', reason: expect.stringContaining('stop budget') });
    expect(ecs.stopped).toEqual([]);
  });
});

describe('handleTaskEvents: memory of a warm process', () => {
  it('answers a later event of a mirrored ENI without calling EC2', async () => {
    const { KnownSessions } = await import('../../../src/app/known-sessions.js');
    const warm = { ...deps(), knownSessions: new KnownSessions(clock) };
    const [first] = await handle([taskEvent({ lastStatus: 'PENDING', version: 2 })], warm);
    const callsAfterFirst = ec2.calls.length;

    const [second] = await handle([taskEvent({ lastStatus: 'RUNNING', version: 3 })], warm);

    expect(second?.enis[0]).toMatchObject({ outcome: 'exists', sessionId: first?.enis[0]?.sessionId });
    expect(ec2.calls.length).toBe(callsAfterFirst);
  });

  it('answers a later event of a mirrored ENI without asking ECS again either', async () => {
    const { KnownSessions } = await import('../../../src/app/known-sessions.js');
    const warm = { ...deps(), knownSessions: new KnownSessions(clock) };
    await handle([taskEvent({ lastStatus: 'PENDING', version: 2 })], warm);
    const describesAfterFirst = ecs.describeCalls.length;

    const [second] = await handle([taskEvent({ lastStatus: 'RUNNING', version: 3 })], warm);

    expect(second?.enis[0]?.outcome).toBe('exists');
    expect(describesAfterFirst).toBe(1);
    expect(ecs.describeCalls).toHaveLength(describesAfterFirst);
  });

  it('forgets after its time to live and asks EC2 again', async () => {
    const { KnownSessions } = await import('../../../src/app/known-sessions.js');
    const warm = { ...deps(), knownSessions: new KnownSessions(clock, 1_000) };
    await handle([taskEvent({ lastStatus: 'PENDING', version: 2 })], warm);
    await clock.sleep(1_001);
    await handle([taskEvent({ lastStatus: 'RUNNING', version: 3 })], warm);
    expect(ec2.calls).toEqual(['describe', 'create', 'find', 'describe']);
  });
});

describe('handleTaskEvents: unsupported ENIs in a warm process', () => {
  it('reports a later event of an unsupported ENI without another create, tag or stop', async () => {
    const { KnownSessions } = await import('../../../src/app/known-sessions.js');
    const warm = { ...deps({ MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: 'prod' }), knownSessions: new KnownSessions(clock) };
    ec2.createFailures.set(ENI, ['eni-not-supported', 'eni-not-supported']);
    await handle([taskEvent({ lastStatus: 'PENDING', version: 2 })], warm);

    const [later] = await handle([taskEvent({ lastStatus: 'RUNNING', version: 3 })], warm);

    // ECS now says the stopped task is stopping, so the later event is skipped before any work.
    expect(later?.enis[0]?.outcome).toBe('skipped-status');
    expect(ec2.calls.filter((c) => c === 'create')).toHaveLength(1);
    expect(ecs.tagged.filter((t) => UNSUPPORTED_TASK_TAG in t.tags)).toHaveLength(1);
    expect(ecs.stopped).toHaveLength(1);
  });
});

describe('handleTaskEvents: believing ECS, not the message', () => {
  it('asks ECS once per cluster for the tasks of a batch, and mirrors by ECS’s snapshot', async () => {
    // prepare
    const events = [
      taskEvent({ taskId: '1'.repeat(32), enis: [{ id: 'eni-00000000000000001' }] }),
      taskEvent({ taskId: '2'.repeat(32), enis: [{ id: 'eni-00000000000000002' }] }),
      taskEvent({ cluster: 'dev', taskId: '3'.repeat(32), enis: [{ id: 'eni-00000000000000003' }] }),
    ];
    // act
    const results = await handle(events, deps());
    // assess
    expect(results.map((r) => r.enis[0]?.outcome)).toEqual(['created', 'created', 'created']);
    expect(ecs.describeCalls.map((c) => [c.cluster.split('/').pop(), c.arns.length])).toEqual([
      ['prod', 2],
      ['dev', 1],
    ]);
  });

  it('rejects and dead-letters an event of a task ECS does not know, touching nothing', async () => {
    // prepare: ECS knows another task, not this one
    ecs.tasks = [parseTaskStateChangeEvent(taskEvent({ taskId: 'f'.repeat(32) }))];
    // act
    const [result] = await handleTaskEvents([taskEvent()], deps());
    // assess
    expect(result?.failure).toMatchObject({ kind: 'unverified-event', outcome: 'rejected' });
    expect(result?.enis[0]).toMatchObject({ networkInterfaceId: ENI, outcome: 'rejected' });
    expect(ec2.calls).toEqual([]);
    expect(metrics.get('EventRejected')).toBe(1);
    expect(metrics.get('EventFailed')).toBe(0);
  });

  it("rejects a real task with another task's ENI", async () => {
    // prepare
    ecs.tasks = [parseTaskStateChangeEvent(taskEvent())];
    // act
    const [result] = await handleTaskEvents([taskEvent({ enis: [{ id: 'eni-0eeeeeeeeeeeeeeee' }] })], deps());
    // assess
    expect(result?.failure).toMatchObject({ kind: 'unverified-event' });
    expect(ec2.calls).toEqual([]);
  });

  it('rejects an event that claims an in-scope cluster for a task ECS has in another', async () => {
    // prepare: the task lives in dev; the event names prod
    ecs.tasks = [parseTaskStateChangeEvent(taskEvent({ cluster: 'dev' }))];
    const forged = taskEvent();
    (forged.detail as Record<string, unknown>).taskArn = 'arn:aws:ecs:eu-central-1:123456789012:task/dev/a1b2c3d4e5f60718293a4b5c6d7e8f90';
    // act
    const [result] = await handleTaskEvents([forged], deps({ MIRROR_CLUSTERS: 'prod' }));
    // assess
    expect(result?.failure).toMatchObject({ kind: 'unverified-event' });
    expect(ec2.calls).toEqual([]);
  });

  it('rejects a made-up group, so a forged service cannot spend or bypass a stop budget', async () => {
    // prepare
    ecs.tasks = [parseTaskStateChangeEvent(taskEvent({ group: 'family:batch-job' }))];
    ec2.createFailures.set(ENI, ['eni-not-supported']);
    // act
    const [result] = await handleTaskEvents([taskEvent({ group: 'service:web' })], deps({ MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: 'prod' }));
    // assess
    expect(result?.failure).toMatchObject({ kind: 'unverified-event' });
    expect(ecs.stopped).toEqual([]);
    expect(ecs.tagged).toEqual([]);
  });

  it('skips, without failing, a task that ECS says is stopping', async () => {
    // prepare
    ecs.tasks = [parseTaskStateChangeEvent(taskEvent({ desiredStatus: 'STOPPED', lastStatus: 'DEACTIVATING', version: 5 }))];
    // act
    const [result] = await handleTaskEvents([taskEvent()], deps());
    // assess
    expect(result?.failure).toBeUndefined();
    expect(result?.enis[0]?.outcome).toBe('skipped-status');
    expect(ec2.calls).toEqual([]);
  });

  it('fails for a retry, not a rejection, when ECS leaves the task out of its answer', async () => {
    // prepare
    ecs.tasks = [parseTaskStateChangeEvent(taskEvent())];
    ecs.unanswered.add(ecs.tasks[0]?.taskArn ?? '');
    // act
    const [result] = await handleTaskEvents([taskEvent()], deps());
    // assess
    expect(result?.failure).toMatchObject({ kind: 'unconfirmed-event', outcome: 'retry' });
    expect(metrics.get('EventRejected')).toBe(0);
    expect(ec2.calls).toEqual([]);
  });

  it('fails for a retry when DescribeTasks itself fails', async () => {
    ecs.describeFailure = 'throttled';
    const [result] = await handle([taskEvent()], deps());
    expect(result?.failure).toMatchObject({ kind: 'throttled', outcome: 'retry' });
    expect(ec2.calls).toEqual([]);
  });

  it('asks ECS nothing for events it would not act on', async () => {
    await handleTaskEvents([taskEvent({ lastStatus: 'STOPPED' }), taskEvent({ cluster: 'dev' })], deps({ MIRROR_CLUSTERS: 'prod' }));
    expect(ecs.describeCalls).toEqual([]);
  });
});

describe('handleTaskEvents: the batch deadline', () => {
  it('returns work still running at the deadline as failures, and reports the rest as done', async () => {
    // prepare
    const turnClock = new TurnClock();
    const hung = 'eni-00000000000000001';
    ec2.hangingCreates.add(hung);
    const events = [
      taskEvent({ taskId: '1'.repeat(32), enis: [{ id: hung }] }),
      taskEvent({ taskId: '2'.repeat(32), enis: [{ id: 'eni-00000000000000002' }] }),
    ];
    // act
    const results = await handle(events, { ...deps(), clock: turnClock }, { deadline: turnClock.now() + 5_000 });
    // assess
    expect(results[0]?.failure).toMatchObject({ kind: 'deadline', outcome: 'retry' });
    expect(results[0]?.enis[0]).toMatchObject({ networkInterfaceId: hung, outcome: 'failed' });
    expect(results[1]?.failure).toBeUndefined();
    expect(results[1]?.enis[0]?.outcome).toBe('created');
    expect(metrics.get('EventDeadline')).toBe(1);
  });

  it('starts nothing once the deadline has passed', async () => {
    // act
    const results = await handle([taskEvent()], deps(), { deadline: clock.now() - 1 });
    // assess
    expect(results[0]?.failure).toMatchObject({ kind: 'deadline' });
    expect(ec2.calls).toEqual([]);
  });
});

describe('handleTaskEvents: a stop budget that holds', () => {
  const stopTask = { MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: 'prod', MIRROR_STOP_MAX_PER_SERVICE: '2' } as const;
  const unsupportedTasks = (count: number) =>
    Array.from({ length: count }, (_, n) => {
      const eni = `eni-${String(n + 1).padStart(17, '0')}`;
      ec2.createFailures.set(eni, ['eni-not-supported']);
      return taskEvent({ taskId: String(n + 1).repeat(32).slice(0, 32), enis: [{ id: eni }] });
    });

  it('claims before it stops, and stops no more than the budget in one batch', async () => {
    // act
    const results = await handle(unsupportedTasks(5), deps(stopTask));
    // assess
    expect(ecs.stopped).toHaveLength(2);
    expect(results.filter((r) => r.enis[0]?.outcome === 'stopped-task')).toHaveLength(2);
    expect(results.every((r) => r.failure === undefined)).toBe(true);
    const claims = ecs.tagged.filter((t) => STOP_CLAIM_TASK_TAG in t.tags);
    expect(claims.filter((t) => !t.tags[STOP_CLAIM_TASK_TAG]?.startsWith('released'))).toHaveLength(5);
    expect(claims.filter((t) => t.tags[STOP_CLAIM_TASK_TAG]?.startsWith('released'))).toHaveLength(3);
  });

  it('stops nothing when ListTasks(STOPPED) comes back empty after this process has stopped tasks', async () => {
    // prepare
    const d = deps(stopTask);
    const [first, ...rest] = unsupportedTasks(6);
    await handle([first ?? {}], d);
    expect(ecs.stopped).toHaveLength(1);
    ecs.emptyLists.add('STOPPED');
    // act
    const results = await handle(rest, d);
    // assess
    expect(ecs.stopped).toHaveLength(1);
    expect(results.map((r) => r.enis[0]?.reason)).toEqual(Array(5).fill(expect.stringContaining('stop budget uncertain')));
    expect(metrics.get('StopBudgetUncertain')).toBe(5);
  });

  it('stops nothing when ListTasks(RUNNING) leaves out our own claimed task', async () => {
    ecs.emptyLists.add('RUNNING');
    await handle(unsupportedTasks(3), deps(stopTask));
    expect(ecs.stopped).toEqual([]);
  });

  it('stops nothing when DescribeTasks answers MISSING for a task of the service', async () => {
    // prepare
    const events = unsupportedTasks(3);
    const stoppedLongAgo = parseTaskStateChangeEvent(taskEvent({ taskId: 'e'.repeat(32), desiredStatus: 'STOPPED', lastStatus: 'STOPPED' }));
    ecs.tasks.push(stoppedLongAgo);
    ecs.reportedMissing.add(stoppedLongAgo.taskArn);
    // act
    await handle(events, deps(stopTask));
    // assess
    expect(ecs.stopped).toEqual([]);
    expect(ecs.tagged.filter((t) => UNSUPPORTED_TASK_TAG in t.tags)).toHaveLength(3);
  });

  it('counts a live claim of another process against the budget', async () => {
    // prepare: another Lambda has claimed a stop of this service and not finished
    const other = parseTaskStateChangeEvent(taskEvent({ taskId: 'c'.repeat(32), enis: [{ id: 'eni-0cccccccccccccccc' }] }));
    ecs.tasks.push({ ...other, tags: { [STOP_CLAIM_TASK_TAG]: new Date(clock.now() - 1_000).toISOString() } });
    // act
    await handle(unsupportedTasks(3), deps({ ...stopTask, MIRROR_STOP_MAX_PER_SERVICE: '2' }));
    // assess: one stop left in the budget
    expect(ecs.stopped).toHaveLength(1);
  });
});
