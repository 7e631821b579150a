import { beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../src/app/deps.js';
import { reconcile, sweepProblems } from '../../../src/app/reconcile.js';
import { loadConfig } from '../../../src/config/from-env.js';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { CLUSTER_TAG, MANAGED_TAG, TASK_ARN_TAG } from '../../../src/core/session.js';
import { CountingMetrics, FakeClock, FakeEc2, FakeEcs, RecordingLogger } from '../../support/fake-ports.js';
import { taskEvent } from '../../support/task-events.js';

const TARGET = 'tmt-0123456789abcdef0';
const FILTER = 'tmf-0123456789abcdef0';

let ec2: FakeEc2;
let ecs: FakeEcs;
let deps: AppDeps;

function runningTask(n: number, cluster = 'prod') {
  return parseTaskStateChangeEvent(taskEvent({ cluster, taskId: String(n).padStart(32, '0'), enis: [{ id: `eni-${String(n).padStart(17, '0')}` }] }));
}

beforeEach(() => {
  ec2 = new FakeEc2();
  ecs = new FakeEcs();
  deps = {
    config: loadConfig({ MIRROR_TARGET_ID: TARGET, MIRROR_FILTER_ID: FILTER }),
    ec2,
    ecs: async () => ecs,
    clock: new FakeClock(),
    logger: new RecordingLogger(),
    metrics: new CountingMetrics(),
  };
});

describe('reconcile', () => {
  it('backfills tasks that were running before deployment', async () => {
    ecs.tasks = [runningTask(1), runningTask(2)];
    const report = await reconcile(deps, { dryRun: false });

    expect(report.created).toHaveLength(2);
    expect(ec2.sessions.size).toBe(2);
    expect(report.clusters).toEqual([{ cluster: 'prod', tasks: 2, enis: 2, mirrored: 2, unsupported: 0, missing: 0, coveragePercent: 100 }]);
    expect(report.unmirrored).toEqual([]);
  });

  it('reports progress for each create as it is made, not all at the end', async () => {
    ecs.tasks = [runningTask(1), runningTask(2), runningTask(3)];
    const progress: { done: number; proven: boolean }[] = [];
    await reconcile(deps, { dryRun: false, onProgress: ({ stage, done }) => stage === 'actions' && progress.push({ done, proven: ec2.calls.includes('find') }) });

    expect(progress.map((p) => p.done)).toEqual([1, 2, 3]);
    // Reported as each create returns: before the one describe that proves the batch ('find').
    expect(progress.map((p) => p.proven)).toEqual([false, false, false]);
  });

  it('changes nothing on a dry run and reports what is missing', async () => {
    ecs.tasks = [runningTask(1)];
    const report = await reconcile(deps, { dryRun: true });
    expect(ec2.calls).not.toContain('create');
    expect(report.clusters[0]).toMatchObject({ missing: 1, coveragePercent: 0 });
    expect(report.unmirrored[0]).toMatchObject({ state: 'missing', networkInterfaceId: 'eni-00000000000000001' });
  });

  it('recreates a session deleted by hand even though its client token was used before', async () => {
    ecs.tasks = [runningTask(1)];
    await reconcile(deps, { dryRun: false });
    const [first] = [...ec2.sessions.keys()];
    await ec2.deleteSession(first as string);

    const report = await reconcile(deps, { dryRun: false });

    expect(ec2.sessions.size).toBe(1);
    expect([...ec2.sessions.keys()][0]).not.toBe(first);
    expect(report.created[0]?.sessionId).toBe([...ec2.sessions.keys()][0]);
  });

  it('deletes our orphaned sessions once ECS describes their task as stopped, and leaves foreign ones alone', async () => {
    const stopped = { ...runningTask(9), lastStatus: 'STOPPED', desiredStatus: 'STOPPED' };
    ecs.tasks = [runningTask(1), stopped];
    const tags = { [MANAGED_TAG]: 'true', [TASK_ARN_TAG]: stopped.taskArn, [CLUSTER_TAG]: 'prod' };
    const orphan = ec2.add({ networkInterfaceId: 'eni-0dead0000000000000', targetId: TARGET, filterId: FILTER, sessionNumber: 1, tags });
    const foreign = ec2.add({ networkInterfaceId: 'eni-0dead0000000000001', targetId: TARGET, filterId: FILTER, sessionNumber: 1, tags: {} });

    const report = await reconcile(deps, { dryRun: false, maxDeletePercent: 100 });

    expect(report.deleted.map((d) => d.sessionId)).toEqual([orphan.sessionId]);
    expect(report.unverified).toEqual([]);
    expect(ec2.sessions.has(orphan.sessionId)).toBe(false);
    expect(ec2.sessions.has(foreign.sessionId)).toBe(true);
  });

  it('keeps an orphan whose task ECS does not know (MISSING), reports it unverified and counts it', async () => {
    ecs.tasks = [runningTask(1)];
    const tags = { [MANAGED_TAG]: 'true', [TASK_ARN_TAG]: runningTask(9).taskArn, [CLUSTER_TAG]: 'prod' };
    const orphan = ec2.add({ networkInterfaceId: 'eni-0dead0000000000000', targetId: TARGET, filterId: FILTER, sessionNumber: 1, tags });

    const report = await reconcile(deps, { dryRun: false, maxDeletePercent: 100 });

    expect(report.deleted).toEqual([]);
    expect(report.unverified).toEqual([expect.objectContaining({ sessionId: orphan.sessionId, reason: expect.stringContaining('MISSING') })]);
    expect(sweepProblems(report)).toHaveLength(1);
    expect((deps.metrics as CountingMetrics).get('SweepUnverified')).toBe(1);
    expect(ec2.sessions.has(orphan.sessionId)).toBe(true);
  });

  it('sweeps only the clusters asked for', async () => {
    ecs.tasks = [runningTask(1, 'prod'), runningTask(2, 'dev')];
    const report = await reconcile(deps, { dryRun: false, clusters: ['arn:aws:ecs:eu-central-1:123456789012:cluster/dev'] });
    expect(report.clusters.map((c) => c.cluster)).toEqual(['dev']);
    expect(report.created).toHaveLength(1);
  });
});

describe('reconcile: scope of a partial sweep', () => {
  it('leaves our sessions in clusters it did not list', async () => {
    ecs.tasks = [runningTask(1, 'prod'), runningTask(2, 'dev')];
    await reconcile(deps, { dryRun: false });
    const report = await reconcile(deps, { dryRun: false, clusters: ['dev'] });
    expect(report.deleted).toEqual([]);
    expect(ec2.sessions.size).toBe(2);
  });

  it('counts an unmanaged session to our target as mirrored instead of doubling it', async () => {
    ecs.tasks = [runningTask(1)];
    ec2.add({ networkInterfaceId: 'eni-00000000000000001', targetId: TARGET, filterId: FILTER, sessionNumber: 1, tags: { Name: 'seed' } });
    const report = await reconcile(deps, { dryRun: false });
    expect(report.created).toEqual([]);
    expect(report.clusters[0]).toMatchObject({ mirrored: 1, missing: 0 });
  });
});

describe('reconcile: grace for young tasks', () => {
  it('leaves tasks younger than the grace period to the event path and reports them missing', async () => {
    const clock = deps.clock;
    const young = { ...runningTask(1), createdAt: new Date(clock.now() - 30_000).toISOString() };
    const old = { ...runningTask(2), createdAt: new Date(clock.now() - 600_000).toISOString() };
    ecs.tasks = [young, old];
    const graced = { ...deps, config: loadConfig({ MIRROR_TARGET_ID: TARGET, MIRROR_FILTER_ID: FILTER, MIRROR_RECONCILE_GRACE_SECONDS: '120' }) };

    const report = await reconcile(graced, { dryRun: false });

    expect(report.created.map((c) => c.networkInterfaceId)).toEqual(['eni-00000000000000002']);
    expect(report.unmirrored).toEqual([expect.objectContaining({ networkInterfaceId: 'eni-00000000000000001', state: 'missing', reason: expect.stringContaining('left to the event path') })]);
  });
});
