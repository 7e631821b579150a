import { describe, expect, it } from 'vitest';
import { CONTAINER_INSTANCE_TAG, INSTANCE_SOURCE, SOURCE_KIND_TAG } from '../../../src/contract/tags.js';
import { decide } from '../../../src/core/decide.js';
import { BRANCH_ENI_REASON, doorOf, withDoors, type ContainerInstanceFact, type HostFacts } from '../../../src/core/door.js';
import type { SessionOptions } from '../../../src/core/plan.js';
import { planReconcile, type ReconcileInput } from '../../../src/core/reconcile.js';
import { ALL_IN_SCOPE } from '../../../src/core/scope.js';
import { CLUSTER_TAG, MANAGED_TAG, TASK_ARN_TAG, UNSUPPORTED_TASK_TAG } from '../../../src/core/session.js';
import type { TaskSnapshot } from '../../../src/core/task.js';
import { attachedEni, makeSession, makeTask } from './fixtures.js';

const OPTIONS: SessionOptions = { targetId: 'tmt-0123456789abcdef0', filterId: 'tmf-0123456789abcdef0', sessionNumber: 1 };
const CI = 'arn:aws:ecs:eu-central-1:123456789012:container-instance/prod/ci1';
const CI2 = 'arn:aws:ecs:eu-central-1:123456789012:container-instance/prod/ci2';

function facts(instances: readonly ContainerInstanceFact[], types: Record<string, string> = {}): HostFacts {
  return {
    containerInstances: new Map(instances.map((i) => [i.containerInstanceArn, i])),
    primaryEnis: new Map([['i-1', 'eni-primary1'], ['i-2', 'eni-primary2']]),
    interfaceTypes: new Map(Object.entries(types)),
  };
}
const ci1 = (running: number): ContainerInstanceFact => ({ containerInstanceArn: CI, ec2InstanceId: 'i-1', status: 'ACTIVE', runningTasksCount: running, pendingTasksCount: 0 });
const bridge = (id: string, overrides: Partial<TaskSnapshot> = {}) => makeTask(id, { launchType: 'EC2', containerInstanceArn: CI, enis: [], ...overrides });

function decideFor(task: TaskSnapshot, eniId: string, unsupportedHosts?: ReadonlyMap<string, string>) {
  return decide({ task, networkInterfaceId: eniId, sessionsOnEni: [], rules: [], defaults: OPTIONS, door: doorOf(task, eniId, unsupportedHosts) });
}

describe('door resolution', () => {
  it('gives a bridge/host task its instance primary ENI, and plans an instance session that names no task', () => {
    const task = withDoors(bridge('b1'), facts([ci1(1)]));
    expect(task.enis).toEqual([expect.objectContaining({ networkInterfaceId: 'eni-primary1', status: 'ATTACHED', door: 'instance-eni', containerInstanceArn: CI, instanceId: 'i-1' })]);
    const decision = decideFor(task, 'eni-primary1');
    expect(decision.kind).toBe('create');
    if (decision.kind !== 'create') return;
    expect(decision.plan.tags[SOURCE_KIND_TAG]).toBe(INSTANCE_SOURCE);
    expect(decision.plan.tags[CONTAINER_INSTANCE_TAG]).toBe(CI);
    expect(decision.plan.tags[TASK_ARN_TAG]).toBeUndefined();
    // Every task on the instance plans the very same session: one token, one session.
    const other = decideFor(withDoors(bridge('b2', { serviceName: 'api', group: 'service:api' }), facts([ci1(2)])), 'eni-primary1');
    expect(other.kind === 'create' && other.plan).toEqual(decision.plan);
  });

  it('leaves a bridge task without an ENI when its instance is not described, and says why', () => {
    const [eni] = withDoors(bridge('b1'), facts([])).enis;
    expect(eni?.networkInterfaceId).toBeUndefined();
    expect(eni?.status).toMatch(/not described/);
  });

  it('reports a branch ENI unsupported with no create, and a task ENI on an instance as its own door', () => {
    const trunked = withDoors(makeTask('t1', { launchType: 'EC2', containerInstanceArn: CI, enis: [attachedEni('eni-branch')] }), facts([ci1(1)], { 'eni-branch': 'branch' }));
    expect(decideFor(trunked, 'eni-branch')).toMatchObject({ kind: 'unsupported', reason: BRANCH_ENI_REASON });
    const plain = withDoors(makeTask('t2', { launchType: 'EC2', containerInstanceArn: CI, enis: [attachedEni('eni-own')] }), facts([ci1(1)], { 'eni-own': 'interface' }));
    const decision = decideFor(plain, 'eni-own');
    expect(decision.kind === 'create' && decision.plan.tags[TASK_ARN_TAG]).toBe(plain.taskArn);
  });

  it('creates nothing on a host already known not to mirror', () => {
    const task = withDoors(makeTask('t3', { launchType: 'EC2', containerInstanceArn: CI, enis: [attachedEni('eni-x')] }), facts([ci1(1)], { 'eni-x': 'interface' }));
    expect(decideFor(task, 'eni-x', new Map([[CI, 'instance cannot mirror']]))).toMatchObject({ kind: 'unsupported', reason: 'instance cannot mirror' });
    expect(decideFor(task, 'eni-x', new Map([[CI2, 'instance cannot mirror']])).kind).toBe('create');
  });

  it('excludes bridge/host tasks of a rule with hostNetworkTasks: skip', () => {
    const task = withDoors(bridge('b1'), facts([ci1(1)]));
    const decision = decide({ task, networkInterfaceId: 'eni-primary1', sessionsOnEni: [], rules: [{ hostNetworkTasks: 'skip' }], defaults: OPTIONS, door: doorOf(task, 'eni-primary1') });
    expect(decision).toMatchObject({ kind: 'excluded', reason: expect.stringMatching(/hostNetworkTasks: skip/) });
  });
});

describe('the sweep and instance sessions', () => {
  const instanceSession = makeSession('tms-inst', 'eni-primary1', {
    tags: { [MANAGED_TAG]: 'true', [SOURCE_KIND_TAG]: INSTANCE_SOURCE, [CONTAINER_INSTANCE_TAG]: CI, [CLUSTER_TAG]: 'prod' },
  });
  const input = (tasks: TaskSnapshot[], instance: ContainerInstanceFact | undefined, extra: Partial<ReconcileInput> = {}): ReconcileInput => ({
    tasks: tasks.map((t) => withDoors(t, facts(instance ? [instance] : []))),
    sessions: [instanceSession],
    scope: ALL_IN_SCOPE,
    options: OPTIONS,
    containerInstances: new Map(instance ? [[CI, instance]] : []),
    ...extra,
  });

  it('creates one session for several bridge tasks on one instance, and keeps it while any runs', () => {
    const plan = planReconcile({ ...input([bridge('b1'), bridge('b2'), bridge('b3')], ci1(3)), sessions: [] });
    expect(plan.actions.map((a) => a.kind === 'create' && a.plan.networkInterfaceId)).toEqual(['eni-primary1']);
    const kept = planReconcile(input([bridge('b2')], ci1(1)));
    expect(kept.actions).toEqual([]);
    expect(kept.findings).toContainEqual(expect.objectContaining({ kind: 'mirrored', sessionId: 'tms-inst' }));
  });

  it('keeps the session when a stopping task claims the ENI first but another runs', () => {
    const stopping = bridge('a0', { desiredStatus: 'STOPPED' });
    const plan = planReconcile(input([stopping, bridge('b1')], ci1(2)));
    expect(plan.actions).toEqual([]);
  });

  it('deletes it when the last bridge task is gone and ECS counts no other task on the instance', () => {
    const plan = planReconcile(input([], ci1(0)));
    expect(plan.actions).toEqual([expect.objectContaining({ kind: 'delete', reason: expect.stringMatching(/no running in-scope bridge\/host task/) })]);
  });

  it('deletes it when the instance left the cluster', () => {
    expect(planReconcile(input([], undefined, { missingInstances: new Set([CI]) })).actions).toEqual([expect.objectContaining({ kind: 'delete', reason: expect.stringMatching(/left the cluster/) })]);
    expect(planReconcile(input([], { ...ci1(0), status: 'INACTIVE' })).actions).toHaveLength(1);
  });

  it('keeps it, unverified, when ECS counts tasks the listing did not show or said nothing of the instance', () => {
    const counted = planReconcile(input([], ci1(1)));
    expect(counted.actions).toEqual([]);
    expect(counted.findings).toContainEqual(expect.objectContaining({ kind: 'unverified', sessionId: 'tms-inst' }));
    expect(planReconcile(input([], undefined)).actions).toEqual([]);
    expect(planReconcile(input([], ci1(0), { unlistedClusters: [{ cluster: 'prod', reason: 'failed' }] })).actions).toEqual([]);
  });

  it('treats an instance as unmirrorable once one of its tasks is tagged unsupported', () => {
    const tagged = makeTask('t1', { launchType: 'EC2', containerInstanceArn: CI, enis: [attachedEni('eni-a')], tags: { [UNSUPPORTED_TASK_TAG]: 'eni-a' } });
    const next = makeTask('t2', { launchType: 'EC2', containerInstanceArn: CI, enis: [attachedEni('eni-b')] });
    const plan = planReconcile({ ...input([tagged, next, bridge('b1')], ci1(3)), sessions: [] });
    expect(plan.actions).toEqual([]);
    expect(plan.findings.filter((f) => f.kind === 'unsupported').map((f) => f.networkInterfaceId).sort()).toEqual(['eni-a', 'eni-b', 'eni-primary1']);
  });
});
