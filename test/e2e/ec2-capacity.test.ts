import { RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, waitUntilTasksRunning, waitUntilTasksStopped } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleTaskEvents } from '../../src/app/handle-task-events.js';
import { reconcile } from '../../src/app/reconcile.js';
import { CONTAINER_INSTANCE_TAG, INSTANCE_SOURCE, MANAGED_TAG, SOURCE_KIND_TAG } from '../../src/contract/tags.js';
import { BRANCH_ENI_REASON } from '../../src/core/door.js';
import { launchContainerInstances } from '../../src/emulator/index.js';
import { startWorld, type World } from './support/world.js';

/**
 * Issue 13, the product on EC2 capacity, through the emulator over HTTP with the real SDK: the
 * emulator's own task events go through the real handler, and the real sweep cleans up.
 */
let world: World;

beforeEach(async () => {
  world = await startWorld();
  await world.clients.ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'bridge', networkMode: 'bridge', containerDefinitions: [{ name: 'app', image: 'nginx', cpu: 128, memory: 256 }] }),
  );
  await world.clients.ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'vpc', networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx' }] }),
  );
});

afterEach(async () => {
  expect(world.emulator.ecs.backgroundErrors()).toEqual([]);
  await world.close();
});

async function runOn(cluster: string, family: string, count: number): Promise<string[]> {
  const subnetId = world.subnets[0] ?? '';
  const run = await world.clients.ecs.send(
    new RunTaskCommand({
      cluster,
      taskDefinition: family,
      launchType: 'EC2',
      count,
      ...(family === 'vpc' ? { networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId] } } } : {}),
    }),
  );
  const arns = (run.tasks ?? []).map((t) => t.taskArn ?? '');
  expect(arns).toHaveLength(count);
  await waitUntilTasksRunning({ client: world.clients.ecs, maxWaitTime: 20, minDelay: 1 }, { cluster, tasks: arns });
  return arns;
}

/** Every RUNNING event the emulator delivered for these tasks. */
function runningEvents(arns: readonly string[]): unknown[] {
  return arns.map((arn) => world.eventOf(arn, 'RUNNING'));
}

function sessionsOn(eni: string) {
  return world.emulator.ec2.describeSessions({ maxResults: 1000 }).items.filter((s) => s.networkInterfaceId === eni);
}

function createCalls(): number {
  return world.emulator.stats().ec2.requests['CreateTrafficMirrorSession'] ?? 0;
}

describe('ECS on EC2 capacity', () => {
  it('mirrors bridge tasks of one instance with exactly one session on its primary ENI, removed by the sweep after the last task stops', async () => {
    const [host] = await launchContainerInstances(world.emulator, { cluster: 'ec2', subnetId: world.subnets[0] ?? '' });
    const deps = world.deps();
    const arns = await runOn('ec2', 'bridge', 3);

    const results = await handleTaskEvents(runningEvents(arns), deps);

    const sessions = sessionsOn(host?.primaryNetworkInterfaceId ?? '');
    expect(sessions).toHaveLength(1);
    const tags = Object.fromEntries(sessions[0]?.tagSet.map((t) => [t.key, t.value]) ?? []);
    expect(tags).toMatchObject({ [MANAGED_TAG]: 'true', [SOURCE_KIND_TAG]: INSTANCE_SOURCE, [CONTAINER_INSTANCE_TAG]: host?.containerInstanceArn });
    expect(results.flatMap((r) => r.enis.map((e) => e.networkInterfaceId))).toEqual(arns.map(() => host?.primaryNetworkInterfaceId));

    // A sweep while two of three still run keeps the session; after the last one it goes.
    for (const arn of arns.slice(0, 2)) await world.clients.ecs.send(new StopTaskCommand({ cluster: 'ec2', task: arn }));
    await waitUntilTasksStopped({ client: world.clients.ecs, maxWaitTime: 20, minDelay: 1 }, { cluster: 'ec2', tasks: arns.slice(0, 2) });
    const kept = await reconcile(deps, { dryRun: false, clusters: ['ec2'], actionsPerSecond: 1000 });
    expect(kept.deleted).toEqual([]);
    expect(sessionsOn(host?.primaryNetworkInterfaceId ?? '')).toHaveLength(1);

    await world.clients.ecs.send(new StopTaskCommand({ cluster: 'ec2', task: arns[2] }));
    await waitUntilTasksStopped({ client: world.clients.ecs, maxWaitTime: 20, minDelay: 1 }, { cluster: 'ec2', tasks: [arns[2] ?? ''] });
    const swept = await reconcile(deps, { dryRun: false, clusters: ['ec2'], actionsPerSecond: 1000 });
    expect(swept.deleted).toEqual([expect.objectContaining({ networkInterfaceId: host?.primaryNetworkInterfaceId })]);
    expect(sessionsOn(host?.primaryNetworkInterfaceId ?? '')).toEqual([]);
  });

  it('mirrors awsvpc tasks of an instance without trunking on their own ENI', async () => {
    await launchContainerInstances(world.emulator, { cluster: 'ec2', subnetId: world.subnets[0] ?? '', trunking: false });
    const arns = await runOn('ec2', 'vpc', 2);

    const results = await handleTaskEvents(runningEvents(arns), world.deps());

    const enis = arns.map((arn) => world.eniOf(arn));
    expect(results.map((r) => r.enis.map((e) => [e.networkInterfaceId, e.outcome]))).toEqual(enis.map((eni) => [[eni, 'created']]));
    for (const eni of enis) expect(sessionsOn(eni)).toHaveLength(1);
  });

  it('reports tasks with branch ENIs (awsvpcTrunking) without any create attempt', async () => {
    await launchContainerInstances(world.emulator, { cluster: 'ec2', subnetId: world.subnets[0] ?? '', trunking: true });
    const arns = await runOn('ec2', 'vpc', 3);
    const before = createCalls();

    const results = await handleTaskEvents(runningEvents(arns), world.deps());
    const report = await reconcile(world.deps(), { dryRun: false, clusters: ['ec2'], actionsPerSecond: 1000 });

    expect(results.flatMap((r) => r.enis.map((e) => [e.outcome, e.reason]))).toEqual(arns.map(() => ['unsupported', BRANCH_ENI_REASON]));
    expect(report.unmirrored.map((s) => [s.state, s.reason])).toEqual(arns.map(() => ['unsupported', BRANCH_ENI_REASON]));
    expect(createCalls()).toBe(before);
  });

  it('pays one failed create for an instance that cannot mirror, whatever the number of its tasks', async () => {
    await launchContainerInstances(world.emulator, { cluster: 'ec2', subnetId: world.subnets[0] ?? '', nitro: false, trunking: false });
    const deps = world.deps();
    const arns = await runOn('ec2', 'vpc', 1);
    const before = createCalls();
    const first = await handleTaskEvents(runningEvents(arns), deps);
    expect(first[0]?.enis[0]?.outcome).toBe('unsupported');
    expect(createCalls()).toBe(before + 1);

    const bridge = await runOn('ec2', 'bridge', 5);
    const later = await handleTaskEvents(runningEvents(bridge), deps);

    expect(later.flatMap((r) => r.enis.map((e) => e.outcome))).toEqual(bridge.map(() => 'unsupported'));
    expect(createCalls()).toBe(before + 1);
  });
});
