import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { handleTaskEvents } from '../../src/app/handle-task-events.js';
import { STOP_REASON } from '../../src/app/unsupported-eni.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { WAIT_MS, startWorld, waitFor, type World } from './support/world.js';

/**
 * The stop budget of `stop-task` against the emulator: it must hold when ECS answers partially
 * (through the fault proxy) and when two event Lambdas decide at once. Every host is unsupported,
 * so every task of the service is a candidate for a stop.
 */
let world: World;
let proxy: FaultProxy;
const SERVICE = 'api';
const BUDGET = 2;
const STOP_TASK = { MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: 'apps', MIRROR_STOP_MAX_PER_SERVICE: String(BUDGET) } as const;

beforeEach(async () => {
  world = await startWorld({ seed: 31 });
  proxy = await startFaultProxy(world.emulator.url);
  world.emulator.setFaults({ unsupportedEniRate: 1 });
});

afterEach(async () => {
  await proxy.close();
  await world.close();
});

/** The RUNNING events of a service of `count` tasks, once all of them run. */
async function serviceEvents(count: number): Promise<unknown[]> {
  await world.createService(SERVICE, count);
  const arns = await waitFor('the service to start its tasks', async () => {
    const listed = await world.serviceTaskArns(SERVICE);
    return listed.length === count ? listed : undefined;
  });
  for (const arn of arns) await world.emulator.ecs.waitForTaskStatus(arn, 'RUNNING', WAIT_MS);
  return arns.map((arn) => world.eventOf(arn, 'RUNNING'));
}

/** Tasks of the service that ECS shows as stopped by us, read past the proxy. */
async function stoppedByUs(): Promise<number> {
  const listed = await world.clients.ecs.send(new ListTasksCommand({ cluster: world.cluster, serviceName: SERVICE, desiredStatus: 'STOPPED' }));
  const arns = listed.taskArns ?? [];
  if (arns.length === 0) return 0;
  const described = await world.clients.ecs.send(new DescribeTasksCommand({ cluster: world.cluster, tasks: arns }));
  return (described.tasks ?? []).filter((task) => task.stoppedReason?.startsWith(STOP_REASON)).length;
}

const listsStopped = (body: string): boolean => body.includes('"desiredStatus":"STOPPED"');
const describesMany = (body: string): boolean => ((JSON.parse(body) as { tasks?: unknown[] }).tasks?.length ?? 0) > 1;

describe('stop budget: fail closed', () => {
  it('stops no more than the budget when ListTasks(STOPPED) answers empty', async () => {
    // prepare
    const events = await serviceEvents(6);
    proxy.setRules([{ operation: 'ecs:ListTasks', when: listsStopped, fault: { kind: 'empty-200' } }]);
    const deps = world.depsVia(proxy.endpoint, STOP_TASK);
    // act: one event per invocation, as a trickle of starts would arrive
    const results = [];
    for (const event of events) results.push(...(await handleTaskEvents([event], deps)));
    // assess
    expect(proxy.applied()[0]).toBeGreaterThan(0);
    expect(await stoppedByUs()).toBeLessThanOrEqual(BUDGET);
    expect(results.filter((r) => r.enis[0]?.outcome === 'stopped-task').length).toBeLessThanOrEqual(BUDGET);
    expect(results.filter((r) => r.enis[0]?.reason?.includes('stop budget uncertain')).length).toBeGreaterThan(0);
    expect(results.every((r) => r.failure === undefined)).toBe(true);
  });

  it('stops nothing when DescribeTasks answers MISSING for tasks of the service', async () => {
    // prepare
    const events = await serviceEvents(6);
    // The first DescribeTasks is the event path's check of the batch; the budget's reads come after.
    proxy.setRules([{ operation: 'ecs:DescribeTasks', when: describesMany, after: 1, fault: { kind: 'missing', share: 0.5 } }]);
    const deps = world.depsVia(proxy.endpoint, STOP_TASK);
    // act
    const results = await handleTaskEvents(events, deps);
    // assess
    expect(proxy.applied()[0]).toBeGreaterThan(0);
    expect(await stoppedByUs()).toBe(0);
    expect(results.map((r) => r.enis[0]?.outcome)).toEqual(Array(6).fill('unsupported'));
    for (const event of events) {
      const taskArn = (event as { detail: { taskArn: string } }).detail.taskArn;
      expect(await world.taskTags(taskArn)).toHaveProperty(['ecs-traffic-mirror:unsupported']);
    }
  });
});

describe('stop budget: a cold process after the budget is spent', () => {
  it('stops nothing more when ListTasks(STOPPED) later answers empty to processes that never stopped anything', async () => {
    // prepare: a warm process spends the budget, and one more claim is released once the stops are STOPPED
    const events = await serviceEvents(6);
    const warm = world.depsVia(proxy.endpoint, STOP_TASK);
    const spent = await handleTaskEvents(events.slice(0, BUDGET), warm);
    expect(spent.map((r) => r.enis[0]?.outcome)).toEqual(Array(BUDGET).fill('stopped-task'));
    for (const result of spent) await world.emulator.ecs.waitForTaskStatus(result.taskArn ?? '', 'STOPPED', WAIT_MS);
    const [released] = await handleTaskEvents(events.slice(BUDGET, BUDGET + 1), warm);
    expect(released?.enis[0]?.reason).toMatch(/stop budget spent/);
    proxy.setRules([{ operation: 'ecs:ListTasks', when: listsStopped, fault: { kind: 'empty-200' } }]);
    // act: each remaining event in a fresh process, with no memory of the stops
    const later = [];
    for (const event of events.slice(BUDGET + 1)) later.push(...(await handleTaskEvents([event], world.depsVia(proxy.endpoint, STOP_TASK))));
    // assess
    expect(await stoppedByUs()).toBe(BUDGET);
    expect(later.map((r) => r.enis[0]?.reason)).toEqual(Array(later.length).fill(expect.stringContaining('stop budget uncertain')));
  });
});

describe('stop budget: every event in a process of its own (cold Lambdas)', () => {
  it('stops nothing more once ListTasks(STOPPED) answers empty, though no process ever stopped twice or released a claim', async () => {
    // prepare: each stop made by a fresh process, as cold Lambdas or one `ecs-mirror handle` per event do
    const events = await serviceEvents(6);
    const fresh = () => world.depsVia(proxy.endpoint, STOP_TASK);
    const spent = [];
    for (const event of events.slice(0, BUDGET)) spent.push(...(await handleTaskEvents([event], fresh())));
    expect(spent.map((r) => r.enis[0]?.outcome)).toEqual(Array(BUDGET).fill('stopped-task'));
    for (const result of spent) await world.emulator.ecs.waitForTaskStatus(result.taskArn ?? '', 'STOPPED', WAIT_MS);
    proxy.setRules([{ operation: 'ecs:ListTasks', when: listsStopped, fault: { kind: 'empty-200' } }]);
    // act
    const later = [];
    for (const event of events.slice(BUDGET)) later.push(...(await handleTaskEvents([event], fresh())));
    // assess
    expect(await stoppedByUs()).toBe(BUDGET);
    expect(later.map((r) => r.enis[0]?.outcome)).not.toContain('stopped-task');
  });
});

describe('stop budget: two event Lambdas at once', () => {
  it('holds when two processes handle halves of a burst of unsupported service tasks concurrently', async () => {
    // prepare
    const events = await serviceEvents(8);
    const first: AppDeps = world.deps(STOP_TASK);
    const second: AppDeps = world.deps(STOP_TASK);
    // act
    const [a, b] = await Promise.all([handleTaskEvents(events.slice(0, 4), first), handleTaskEvents(events.slice(4), second)]);
    // assess
    const results = [...a, ...b];
    expect(results.every((r) => r.failure === undefined)).toBe(true);
    const stops = await stoppedByUs();
    expect(stops).toBeLessThanOrEqual(BUDGET);
    expect(stops).toBeGreaterThan(0);
    expect(results.filter((r) => r.enis[0]?.outcome === 'stopped-task')).toHaveLength(stops);
  });
});
