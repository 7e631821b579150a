import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { planSessionForEni, type SessionOptions } from '../../../src/core/plan.js';
import { planReconcile, tasksToLookUp, type ReconcileAction, type ReconcileInput, type ReconcilePlan } from '../../../src/core/reconcile.js';
import { ALL_IN_SCOPE, type ScopeConfig } from '../../../src/core/scope.js';
import { CLUSTER_TAG, MANAGED_TAG, TASK_ARN_TAG, UNSUPPORTED_TASK_TAG, type MirrorSession } from '../../../src/core/session.js';
import type { TaskSnapshot } from '../../../src/core/task.js';
import { attachedEni, loadEvent, makeSession, makeTask } from './fixtures.js';

const OPTIONS: SessionOptions = { targetId: 'tmt-0123456789abcdef0', filterId: 'tmf-0123456789abcdef0', sessionNumber: 1 };
const OTHER_TARGET = 'tmt-0fedcba9876543210';

function ours(sessionId: string, eniId: string, taskArn?: string): MirrorSession {
  return makeSession(sessionId, eniId, { tags: { [MANAGED_TAG]: 'true', ...(taskArn === undefined ? {} : { [TASK_ARN_TAG]: taskArn }) } });
}

function reconcile(tasks: readonly TaskSnapshot[], sessions: readonly MirrorSession[], scope: ScopeConfig = ALL_IN_SCOPE): ReconcilePlan {
  const input: ReconcileInput = { tasks, sessions, scope, options: OPTIONS };
  return planReconcile(input);
}

function summary(actions: readonly ReconcileAction[]): string[] {
  return actions.map((action) => (action.kind === 'create' ? `create ${action.plan.networkInterfaceId}` : `delete ${action.session.sessionId}`));
}

describe('planReconcile', () => {
  describe('backfill', () => {
    it('creates a session for every attached ENI of every running task without one', () => {
      const web = makeTask('web1', { enis: [attachedEni('eni-1')] });
      const multi = parseTaskStateChangeEvent(loadEvent('several-enis.json'));

      const plan = reconcile([web, multi], []);

      expect(summary(plan.actions)).toEqual(['create eni-0d4e5f60718293a4b', 'create eni-0e5f60718293a4b5c', 'create eni-1']);
    });

    it('plans exactly what the event path would plan', () => {
      const task = makeTask('web1', { enis: [attachedEni('eni-1')] });

      const plan = reconcile([task], []);

      expect(plan.actions).toEqual([{ kind: 'create', task, plan: planSessionForEni(task, 'eni-1', OPTIONS) }]);
    });

    it.each(['PENDING', 'ACTIVATING', 'RUNNING'])('treats a %s task as mirrorable', (lastStatus) => {
      const task = makeTask('t1', { lastStatus, enis: [attachedEni('eni-1')] });

      expect(summary(reconcile([task], []).actions)).toEqual(['create eni-1']);
    });
  });

  describe('mirrored', () => {
    it('does nothing for an ENI that already has our session, and says so', () => {
      const task = makeTask('t1', { enis: [attachedEni('eni-1')] });

      const plan = reconcile([task], [ours('tms-1', 'eni-1')]);

      expect(plan.actions).toEqual([]);
      expect(plan.findings).toEqual([{ kind: 'mirrored', taskArn: task.taskArn, networkInterfaceId: 'eni-1', sessionId: 'tms-1', reason: 'mirrored by tms-1' }]);
    });
  });

  describe('sessions that are not ours', () => {
    it('counts an unmanaged session to our target as mirroring the ENI, leaving it alone and adding none', () => {
      const task = makeTask('t1', { enis: [attachedEni('eni-1')] });
      const foreign = makeSession('tms-foreign', 'eni-1', { targetId: OPTIONS.targetId });

      const plan = reconcile([task], [foreign]);

      expect(summary(plan.actions)).toEqual([]);
      expect(plan.findings).toEqual([
        expect.objectContaining({ kind: 'foreign-session', taskArn: task.taskArn, networkInterfaceId: 'eni-1', sessionId: 'tms-foreign' }),
        expect.objectContaining({ kind: 'mirrored', networkInterfaceId: 'eni-1', sessionId: 'tms-foreign' }),
      ]);
    });

    it('still creates ours next to an unmanaged session to another target', () => {
      const task = makeTask('t1', { enis: [attachedEni('eni-1')] });
      const foreign = makeSession('tms-foreign', 'eni-1', { targetId: OTHER_TARGET });

      const plan = reconcile([task], [foreign]);

      expect(summary(plan.actions)).toEqual(['create eni-1']);
    });

    // Issue 12: ours = our ownership tag on any target; one left on an old target is moved in place.
    it('moves a session of ours on another target to the target, in place', () => {
      const task = makeTask('t1', { enis: [attachedEni('eni-1')] });
      const onOldTarget = makeSession('tms-other', 'eni-1', { targetId: OTHER_TARGET, tags: { [MANAGED_TAG]: 'true' } });

      const plan = reconcile([task], [onOldTarget]);

      expect(plan.actions).toEqual([expect.objectContaining({ kind: 'modify', changes: { targetId: OPTIONS.targetId } })]);
      expect(plan.findings).toEqual([]);
    });

    it('never deletes a foreign session, even an orphaned one', () => {
      const unmanaged = makeSession('tms-a', 'eni-gone');
      const falseTag = makeSession('tms-b', 'eni-gone', { tags: { [MANAGED_TAG]: 'false' } });
      const otherTarget = makeSession('tms-c', 'eni-gone', { targetId: OTHER_TARGET });

      const plan = reconcile([], [unmanaged, falseTag, otherTarget]);

      expect(plan).toEqual({ actions: [], findings: [] });
    });

    it('does not report foreign sessions on ENIs outside the scope', () => {
      const task = makeTask('t1', { clusterName: 'staging', enis: [attachedEni('eni-1')] });

      const plan = reconcile([task], [makeSession('tms-foreign', 'eni-1')], { ...ALL_IN_SCOPE, clusters: ['prod'] });

      expect(plan.findings.map((finding) => finding.kind)).toEqual(['out-of-scope']);
    });
  });

  describe('orphans', () => {
    it('keeps our session on an ENI no task in the input has, and reports it unverified: absence is no evidence', () => {
      const session = ours('tms-1', 'eni-gone', makeTask('gone').taskArn);

      const plan = reconcile([], [session]);

      expect(plan.actions).toEqual([]);
      expect(plan.findings).toEqual([expect.objectContaining({ kind: 'unverified', sessionId: 'tms-1', networkInterfaceId: 'eni-gone' })]);
    });

    it('deletes our session whose own task ECS described as stopped in this sweep', () => {
      const stopped = makeTask('gone', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
      const session = ours('tms-1', 'eni-gone', stopped.taskArn);

      const plan = planReconcile({ tasks: [], lookedUp: [stopped], sessions: [session], scope: ALL_IN_SCOPE, options: OPTIONS });

      expect(plan.actions).toEqual([{ kind: 'delete', session, reason: 'ENI no longer belongs to a running task (task gone is STOPPED)' }]);
      expect(plan.findings).toEqual([]);
    });

    it('deletes our session on the ENI of a running task that is stopping (desired status STOPPED)', () => {
      const stopping = makeTask('t1', { lastStatus: 'RUNNING', desiredStatus: 'STOPPED', enis: [attachedEni('eni-1')] });

      const plan = planReconcile({ tasks: [], lookedUp: [stopping], sessions: [ours('tms-1', 'eni-1', stopping.taskArn)], scope: ALL_IN_SCOPE, options: OPTIONS });

      expect(summary(plan.actions)).toEqual(['delete tms-1']);
    });

    it('deletes our session whose task ECS describes as running with other ENIs', () => {
      const task = makeTask('t1', { enis: [attachedEni('eni-2')] });

      const plan = planReconcile({ tasks: [task], sessions: [ours('tms-1', 'eni-1', task.taskArn), ours('tms-2', 'eni-2', task.taskArn)], scope: ALL_IN_SCOPE, options: OPTIONS });

      expect(summary(plan.actions)).toEqual(['delete tms-1']);
    });

    it('keeps a session whose task DescribeTasks answered MISSING, naming the reason', () => {
      const session = ours('tms-1', 'eni-1', makeTask('t1').taskArn);

      const plan = planReconcile({ tasks: [], unanswered: [{ arn: makeTask('t1').taskArn, reason: 'MISSING' }], sessions: [session], scope: ALL_IN_SCOPE, options: OPTIONS });

      expect(plan.actions).toEqual([]);
      expect(plan.findings).toEqual([expect.objectContaining({ kind: 'unverified', reason: expect.stringContaining('(MISSING)') })]);
    });

    it('keeps a session without a task ARN tag: ECS cannot be asked about it', () => {
      const plan = reconcile([], [ours('tms-1', 'eni-1')]);

      expect(plan.actions).toEqual([]);
      expect(plan.findings).toEqual([expect.objectContaining({ kind: 'unverified', reason: expect.stringContaining('no task ARN tag') })]);
    });

    it('flags a listing that left out a task ECS describes as running, and keeps its session', () => {
      const task = makeTask('t1', { enis: [attachedEni('eni-1')] });

      const plan = planReconcile({ tasks: [], lookedUp: [task], sessions: [ours('tms-1', 'eni-1', task.taskArn)], scope: ALL_IN_SCOPE, options: OPTIONS });

      expect(plan.actions).toEqual([]);
      expect(plan.findings.map((f) => f.kind)).toEqual(['unverified', 'mirrored']);
      expect(plan.findings[0]?.reason).toContain("listing of cluster 'prod' is incomplete");
    });

    it('keeps the sessions of a cluster that could not be listed', () => {
      const session = makeSession('tms-1', 'eni-1', { tags: { [MANAGED_TAG]: 'true', [CLUSTER_TAG]: 'nosuch', [TASK_ARN_TAG]: makeTask('t1', { clusterName: 'nosuch' }).taskArn } });

      const plan = planReconcile({
        tasks: [],
        sessions: [session],
        unlistedClusters: [{ cluster: 'nosuch', reason: "cluster 'nosuch' not found" }],
        scope: ALL_IN_SCOPE,
        options: OPTIONS,
      });

      expect(plan.actions).toEqual([]);
      expect(plan.findings).toEqual([expect.objectContaining({ kind: 'unverified', reason: expect.stringContaining("cluster 'nosuch' not found") })]);
    });

    it('deletes our session on the ENI of a stopping task', () => {
      const task = makeTask('t1', { lastStatus: 'DEACTIVATING', desiredStatus: 'STOPPED', enis: [attachedEni('eni-1')] });

      const plan = reconcile([task], [ours('tms-1', 'eni-1')]);

      expect(plan.actions).toEqual([
        expect.objectContaining({ kind: 'delete', reason: 'ENI no longer belongs to a running task (task t1 is DEACTIVATING)' }),
      ]);
    });

    it('deletes our session on the ENI of a task that is now out of scope, with the scope reason', () => {
      const task = makeTask('t1', { clusterName: 'staging', enis: [attachedEni('eni-1')] });

      const plan = reconcile([task], [ours('tms-1', 'eni-1')], { ...ALL_IN_SCOPE, clusters: ['prod'] });

      expect(plan.actions).toEqual([
        expect.objectContaining({ kind: 'delete', reason: "task out of scope: cluster 'staging' is not in MIRROR_CLUSTERS" }),
      ]);
    });

    it('keeps our session on an in-scope task whose ENI is between states', () => {
      const task = makeTask('t1', { enis: [attachedEni('eni-1', { status: 'DETACHING' })] });

      const plan = reconcile([task], [ours('tms-1', 'eni-1')]);

      expect(plan.actions).toEqual([]);
    });
  });

  describe('a sweep of some clusters only', () => {
    const inCluster = (sessionId: string, eniId: string, cluster: string): MirrorSession =>
      makeSession(sessionId, eniId, { tags: { [MANAGED_TAG]: 'true', [CLUSTER_TAG]: cluster } });

    it('leaves our sessions of clusters it did not list alone', () => {
      const input: ReconcileInput = {
        tasks: [],
        sessions: [inCluster('tms-prod', 'eni-1', 'prod'), inCluster('tms-other', 'eni-2', 'staging'), ours('tms-untagged', 'eni-3')],
        scope: ALL_IN_SCOPE,
        options: OPTIONS,
        sweptClusters: ['arn:aws:ecs:eu-central-1:123456789012:cluster/prod'],
      };

      const plan = planReconcile(input);

      // tms-prod's task was not described: unverified, not deleted; the others were not swept at all.
      expect(summary(plan.actions)).toEqual([]);
      expect(plan.findings.map((f) => `${f.kind} ${f.sessionId ?? ''}`)).toEqual(['unverified tms-prod']);
    });

    it('still deletes a session on a listed task that is out of scope', () => {
      const task = makeTask('t1', { clusterName: 'staging', launchType: 'EC2', enis: [attachedEni('eni-1')] });
      const input: ReconcileInput = {
        tasks: [task],
        sessions: [inCluster('tms-1', 'eni-1', 'prod')],
        scope: { ...ALL_IN_SCOPE, launchTypes: ['FARGATE'] },
        options: OPTIONS,
        sweptClusters: ['staging'],
      };

      expect(summary(planReconcile(input).actions)).toEqual(['delete tms-1']);
    });
  });

  describe('duplicates', () => {
    it('keeps the first of our sessions on an ENI and deletes the others', () => {
      const task = makeTask('t1', { enis: [attachedEni('eni-1')] });
      const first = ours('tms-b', 'eni-1');
      const second = ours('tms-a', 'eni-1');
      const third = ours('tms-c', 'eni-1');

      const plan = reconcile([task], [first, second, third]);

      expect(summary(plan.actions)).toEqual(['delete tms-a', 'delete tms-c']);
      expect(plan.actions.every((action) => action.kind === 'delete' && action.reason.startsWith('duplicate'))).toBe(true);
      expect(plan.findings).toEqual([expect.objectContaining({ kind: 'mirrored', sessionId: 'tms-b' })]);
    });

    it('does not count a foreign session as a duplicate of ours', () => {
      const task = makeTask('t1', { enis: [attachedEni('eni-1')] });

      // EC2 holds one session per number on an ENI: the foreign one has another.
      const plan = reconcile([task], [makeSession('tms-foreign', 'eni-1', { sessionNumber: 2 }), ours('tms-1', 'eni-1')]);

      expect(plan.actions).toEqual([]);
    });
  });

  describe('unsupported ENIs', () => {
    it('does not create a session on an ENI the task is tagged unsupported for', () => {
      const task = makeTask('t1', {
        enis: [attachedEni('eni-1'), attachedEni('eni-2'), attachedEni('eni-3')],
        tags: { [UNSUPPORTED_TASK_TAG]: 'eni-1, eni-3' },
      });

      const plan = reconcile([task], []);

      expect(summary(plan.actions)).toEqual(['create eni-2']);
      expect(plan.findings.map((finding) => `${finding.kind} ${finding.networkInterfaceId ?? ''}`)).toEqual(['unsupported eni-1', 'unsupported eni-3']);
    });

    it('still reports an existing session of ours as mirrored on a tagged ENI', () => {
      const task = makeTask('t1', { enis: [attachedEni('eni-1')], tags: { [UNSUPPORTED_TASK_TAG]: 'eni-1' } });

      const plan = reconcile([task], [ours('tms-1', 'eni-1')]);

      expect(plan.actions).toEqual([]);
      expect(plan.findings.map((finding) => finding.kind)).toEqual(['mirrored']);
    });
  });

  describe('tasks and ENIs that cannot be mirrored yet or any more', () => {
    it('skips ENIs that are not attached, reporting them', () => {
      const task = makeTask('t1', {
        lastStatus: 'PENDING',
        enis: [
          attachedEni('eni-1', { status: 'ATTACHING' }),
          { attachmentId: 'att-precreated', status: 'PRECREATED', subnetId: 'subnet-1' },
        ],
      });

      const plan = reconcile([task], []);

      expect(plan.actions).toEqual([]);
      expect(plan.findings.map((finding) => finding.kind)).toEqual(['not-attached', 'not-attached']);
    });

    it.each(['PROVISIONING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'])('ignores a %s task', (lastStatus) => {
      const task = makeTask('t1', { lastStatus, enis: [attachedEni('eni-1')] });

      const plan = reconcile([task], []);

      expect(plan).toEqual({ actions: [], findings: [] });
    });

    it('ignores the stopped fixture task', () => {
      const task = parseTaskStateChangeEvent(loadEvent('fargate-stopped.json'));

      expect(reconcile([task], [])).toEqual({ actions: [], findings: [] });
    });

    it('reports an out-of-scope running task once and creates nothing for it', () => {
      const task = makeTask('t1', { launchType: 'EC2', enis: [attachedEni('eni-1'), attachedEni('eni-2')] });

      const plan = reconcile([task], [], { ...ALL_IN_SCOPE, launchTypes: ['FARGATE'] });

      expect(plan.actions).toEqual([]);
      expect(plan.findings).toEqual([{ kind: 'out-of-scope', taskArn: task.taskArn, reason: "launch type 'EC2' is not in MIRROR_LAUNCH_TYPES" }]);
    });
  });

  describe('input quirks', () => {
    it('uses the newest snapshot when a task appears twice', () => {
      const older = makeTask('t1', { version: 2, lastStatus: 'RUNNING', enis: [attachedEni('eni-1')] });
      const newer = makeTask('t1', { version: 5, lastStatus: 'STOPPED', enis: [attachedEni('eni-1', { status: 'DELETED' })] });

      const plan = reconcile([newer, older], [ours('tms-1', 'eni-1')]);

      expect(summary(plan.actions)).toEqual(['delete tms-1']);
    });

    it('lets the first task by ARN own an ENI two tasks claim', () => {
      const a = makeTask('a', { enis: [attachedEni('eni-1')] });
      const b = makeTask('b', { enis: [attachedEni('eni-1')] });

      const plan = reconcile([b, a], []);

      expect(plan.actions).toEqual([expect.objectContaining({ kind: 'create', task: a })]);
    });
  });

  describe('output order', () => {
    it('sorts actions by task ARN, then ENI', () => {
      const b = makeTask('b', { enis: [attachedEni('eni-9'), attachedEni('eni-2')] });
      const a = makeTask('a', { enis: [attachedEni('eni-5')] });
      const orphan = ours('tms-x', 'eni-0', makeTask('aa').taskArn);

      const plan = reconcile([b, a, makeTask('aa', { lastStatus: 'STOPPED' })], [orphan]);

      expect(summary(plan.actions)).toEqual(['create eni-5', 'delete tms-x', 'create eni-2', 'create eni-9']);
    });

    it('does not depend on the order of tasks or sessions', () => {
      const tasks = [
        makeTask('a', { enis: [attachedEni('eni-1'), attachedEni('eni-2')] }),
        makeTask('b', { enis: [attachedEni('eni-3')], tags: { [UNSUPPORTED_TASK_TAG]: 'eni-3' } }),
        makeTask('c', { lastStatus: 'STOPPING', enis: [attachedEni('eni-4')] }),
        makeTask('d', { clusterName: 'staging', enis: [attachedEni('eni-5')] }),
      ];
      const sessions = [ours('tms-1', 'eni-1'), ours('tms-4', 'eni-4'), ours('tms-5', 'eni-5'), ours('tms-9', 'eni-9'), makeSession('tms-f', 'eni-2', { targetId: OTHER_TARGET })];
      const scope = { ...ALL_IN_SCOPE, clusters: ['prod'] };
      const expected = reconcile(tasks, sessions, scope);

      fc.assert(
        fc.property(fc.shuffledSubarray(tasks, { minLength: tasks.length }), fc.shuffledSubarray(sessions, { minLength: sessions.length }), (t, s) => {
          expect(reconcile(t, s, scope)).toEqual(expected);
        }),
        { numRuns: 200 },
      );
      // tms-9 names no task, so no ECS answer can justify deleting it: it is kept, unverified.
      expect(summary(expected.actions)).toEqual(['create eni-2', 'delete tms-4', 'delete tms-5']);
    });
  });

  describe('invariants over arbitrary task and session sets', () => {
    const eniId = fc.constantFrom('eni-1', 'eni-2', 'eni-3', 'eni-4', 'eni-5');
    const task = fc
      .record({
        id: fc.constantFrom('a', 'b', 'c', 'd'),
        lastStatus: fc.constantFrom('PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING', 'STOPPING', 'STOPPED'),
        cluster: fc.constantFrom('prod', 'staging'),
        enis: fc.array(fc.record({ id: eniId, status: fc.constantFrom('ATTACHED', 'ATTACHED', 'PRECREATED', 'DELETED') }), { maxLength: 3 }),
        unsupported: fc.subarray(['eni-1', 'eni-2', 'eni-3', 'eni-4', 'eni-5']),
        version: fc.nat(9),
      })
      .map(({ id, lastStatus, cluster, enis, unsupported, version }) =>
        makeTask(id, {
          lastStatus,
          clusterName: cluster,
          version,
          enis: enis.map((eni) => attachedEni(eni.id, { status: eni.status })),
          tags: unsupported.length > 0 ? { [UNSUPPORTED_TASK_TAG]: unsupported.join(',') } : {},
        }),
      );
    const session = fc
      .record({ id: fc.nat(99), eni: eniId, managed: fc.boolean(), ourTarget: fc.boolean() })
      .map(({ id, eni, managed, ourTarget }) =>
        makeSession(`tms-${id}`, eni, { targetId: ourTarget ? OPTIONS.targetId : OTHER_TARGET, tags: managed ? { [MANAGED_TAG]: 'true' } : {} }),
      );
    const world = fc.record({
      tasks: fc.array(task, { maxLength: 6 }),
      sessions: fc.uniqueArray(session, { maxLength: 8, selector: (s) => s.sessionId }),
      scope: fc.constantFrom(ALL_IN_SCOPE, { ...ALL_IN_SCOPE, clusters: ['prod'] }),
    });

    it('never acts on a session that is not ours', () => {
      fc.assert(
        fc.property(world, ({ tasks, sessions, scope }) => {
          const plan = reconcile(tasks, sessions, scope);

          // Issue 12: ours is our ownership tag, whatever the target.
          for (const action of plan.actions) {
            if (action.kind === 'delete' || action.kind === 'modify') expect(action.session.tags[MANAGED_TAG]).toBe('true');
          }
        }),
        { numRuns: 500 },
      );
    });

    it('reaches a fixed point: applying the plan leaves nothing to do', () => {
      fc.assert(
        fc.property(world, ({ tasks, sessions, scope }) => {
          const plan = reconcile(tasks, sessions, scope);
          const deleted = new Set(plan.actions.flatMap((action) => (action.kind === 'delete' ? [action.session.sessionId] : [])));
          const created = plan.actions.flatMap((action, index) =>
            action.kind === 'create'
              ? [makeSession(`tms-new-${index}`, action.plan.networkInterfaceId, { targetId: action.plan.targetId, filterId: action.plan.filterId, sessionNumber: action.plan.sessionNumber, tags: action.plan.tags })]
              : [],
          );
          const modified = new Map(plan.actions.flatMap((action) => (action.kind === 'modify' ? [[action.session.sessionId, action.changes] as const] : [])));
          const after = [
            ...sessions.filter((s) => !deleted.has(s.sessionId)).map((s) => ({ ...s, ...modified.get(s.sessionId) }) as typeof s),
            ...created,
          ];

          const second = reconcile(tasks, after, scope);

          expect(second.actions).toEqual([]);
        }),
        { numRuns: 500 },
      );
    });

    it('plans at most one create per ENI and never deletes a session twice', () => {
      fc.assert(
        fc.property(world, ({ tasks, sessions, scope }) => {
          const plan = reconcile(tasks, sessions, scope);

          const creates = plan.actions.flatMap((action) => (action.kind === 'create' ? [action.plan.networkInterfaceId] : []));
          const deletes = plan.actions.flatMap((action) => (action.kind === 'delete' ? [action.session.sessionId] : []));
          expect(new Set(creates).size).toBe(creates.length);
          expect(new Set(deletes).size).toBe(deletes.length);
        }),
        { numRuns: 500 },
      );
    });
  });
});

describe('planReconcile: grace for young tasks', () => {
  it('plans no create for a task younger than graceMs, and does once it is older', () => {
    const task = { ...makeTask('t1', { enis: [attachedEni('eni-1')] }), createdAt: '2026-11-27T05:00:00.000Z' };
    const at = (iso: string) => planReconcile({ tasks: [task], sessions: [], scope: ALL_IN_SCOPE, options: OPTIONS, graceMs: 120_000, now: Date.parse(iso) });

    expect(summary(at('2026-11-27T05:01:00.000Z').actions)).toEqual([]);
    expect(at('2026-11-27T05:01:00.000Z').findings.map((f) => f.kind)).toEqual(['pending']);
    expect(summary(at('2026-11-27T05:03:00.000Z').actions)).toEqual(['create eni-1']);
  });
});

describe('planReconcile: deletes held back', () => {
  const tasks = Array.from({ length: 10 }, (_, i) => makeTask(`t${i}`, { family: 'api', enis: [attachedEni(`eni-${i}`)] }));
  const sessions = tasks.map((t, i) => ours(`tms-${i}`, `eni-${i}`, t.taskArn));

  it('holds every delete when the scope names a family no listed task has (a typo)', () => {
    const plan = reconcile(tasks, sessions, { ...ALL_IN_SCOPE, families: ['api;worker'] });

    expect(plan.actions).toEqual([]);
    expect(plan.hold?.deletes).toHaveLength(10);
    expect(plan.hold?.reason).toContain('MIRROR_FAMILIES (api;worker) matches no task definition family of the 10 tasks listed');
  });

  it('holds every delete beyond the circuit breaker share, and lets a sweep within it delete', () => {
    const stoppedTasks = tasks.slice(0, 3).map((t) => ({ ...t, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' }));
    const input = { tasks: tasks.slice(3), lookedUp: stoppedTasks, sessions, scope: ALL_IN_SCOPE, options: OPTIONS };

    const held = planReconcile({ ...input, maxDeletePercent: 10 });
    const allowed = planReconcile({ ...input, maxDeletePercent: 30 });

    expect(held.actions).toEqual([]);
    expect(held.hold?.reason).toContain('circuit breaker: 3 of our 10 sessions');
    expect(summary(allowed.actions)).toEqual(['delete tms-0', 'delete tms-1', 'delete tms-2']);
    expect(allowed.hold).toBeUndefined();
  });

  it('always allows one delete unless the limit is 0', () => {
    const input = { tasks: tasks.slice(1, 3), lookedUp: [{ ...tasks[0], lastStatus: 'STOPPED' } as TaskSnapshot], sessions: sessions.slice(0, 3), scope: ALL_IN_SCOPE, options: OPTIONS };

    expect(summary(planReconcile({ ...input, maxDeletePercent: 10 }).actions)).toEqual(['delete tms-0']);
    expect(planReconcile({ ...input, maxDeletePercent: 0 }).hold?.deletes).toHaveLength(1);
  });
});

describe('tasksToLookUp', () => {
  it('asks about the tasks our unclaimed sessions name, per cluster, at most 100 a call', () => {
    const listed = makeTask('listed', { enis: [attachedEni('eni-listed')] });
    const prod = Array.from({ length: 150 }, (_, i) => ours(`tms-p${i}`, `eni-p${i}`, makeTask(`p${String(i).padStart(3, '0')}`).taskArn));
    const other = ours('tms-s', 'eni-s', makeTask('s1', { clusterName: 'staging' }).taskArn);
    const claimed = ours('tms-l', 'eni-listed', listed.taskArn);
    const cut = ours('tms-cut', 'eni-cut', 'arn:aws:ecs:eu-central-1:123456789012:task/a-very-long-clus');
    const foreign = makeSession('tms-f', 'eni-f', { tags: { [TASK_ARN_TAG]: makeTask('f').taskArn } });

    const lookups = tasksToLookUp({ tasks: [listed], sessions: [...prod, other, claimed, cut, foreign] });

    expect(lookups.map((l) => [l.cluster, l.taskArns.length])).toEqual([
      ['prod', 100],
      ['prod', 50],
      ['staging', 1],
    ]);
  });
});
