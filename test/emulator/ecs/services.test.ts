import { afterEach, describe, expect, it } from 'vitest';
import { awsvpc, createHarness, field, list, registerFargateWeb, type Harness } from './harness.js';

let harness: Harness;

async function withService(desiredCount: number, extra: Record<string, unknown> = {}): Promise<Harness> {
  harness = createHarness();
  await harness.call('CreateCluster', { clusterName: 'demo' });
  await registerFargateWeb(harness);
  await harness.call('CreateService', {
    cluster: 'demo',
    serviceName: 'api',
    taskDefinition: 'web',
    desiredCount,
    launchType: 'FARGATE',
    networkConfiguration: awsvpc(harness.subnetIds),
    ...extra,
  });
  await harness.ecs.idle();
  return harness;
}

afterEach(() => {
  expect(harness.ecs.backgroundErrors()).toEqual([]);
  harness.ecs.close();
});

async function serviceTasks(h: Harness, desiredStatus = 'RUNNING'): Promise<Record<string, unknown>[]> {
  const arns = list<string>(await h.call('ListTasks', { cluster: 'demo', serviceName: 'api', desiredStatus }), 'taskArns');
  if (arns.length === 0) return [];
  return list(await h.call('DescribeTasks', { cluster: 'demo', tasks: arns, include: ['TAGS'] }), 'tasks');
}

async function describeService(h: Harness): Promise<Record<string, unknown>> {
  const output = await h.call('DescribeServices', { cluster: 'demo', services: ['api'] });
  return list<Record<string, unknown>>(output, 'services')[0] ?? {};
}

describe('service scheduler', () => {
  it('starts desiredCount tasks in group service:<name>, started by the deployment', async () => {
    const h = await withService(3, { propagateTags: 'SERVICE', tags: [{ key: 'app', value: 'api' }] });
    const tasks = await serviceTasks(h);
    const service = await describeService(h);
    const [deployment] = list<Record<string, unknown>>(service, 'deployments');
    expect(tasks).toHaveLength(3);
    for (const task of tasks) {
      expect(task).toMatchObject({
        group: 'service:api',
        lastStatus: 'RUNNING',
        startedBy: field(deployment, 'id'),
        tags: [{ key: 'app', value: 'api' }],
      });
    }
    expect(field<string>(deployment, 'id')).toMatch(/^ecs-svc\/\d{19}$/);
    expect(service).toMatchObject({
      serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/demo/api',
      status: 'ACTIVE',
      desiredCount: 3,
      runningCount: 3,
      pendingCount: 0,
      launchType: 'FARGATE',
    });
    expect(deployment).toMatchObject({ status: 'PRIMARY', runningCount: 3, rolloutState: 'COMPLETED' });
    const events = h.ecs.eventsAfter(0).filter((logged) => logged.event.detail['group'] === 'service:api');
    expect(events).toHaveLength(12);
  });

  it('replaces a task stopped by StopTask and keeps desiredCount', async () => {
    const h = await withService(2);
    const [victim] = await serviceTasks(h);
    const victimArn = field<string>(victim, 'taskArn');
    await h.call('StopTask', { cluster: 'demo', task: victimArn, reason: 'chaos' });
    await h.ecs.idle();
    const running = await serviceTasks(h);
    expect(running).toHaveLength(2);
    expect(running.map((task) => task.taskArn)).not.toContain(victimArn);
    const stopped = await serviceTasks(h, 'STOPPED');
    expect(stopped).toEqual([expect.objectContaining({ taskArn: victimArn, stopCode: 'UserInitiated', stoppedReason: 'chaos' })]);
  });

  it('scales in with ServiceSchedulerInitiated stops and scales out again', async () => {
    const h = await withService(3);
    const updated = await h.call('UpdateService', { cluster: 'demo', service: 'api', desiredCount: 1 });
    expect(field(updated, 'service')).toMatchObject({ desiredCount: 1 });
    await h.ecs.idle();
    expect(await serviceTasks(h)).toHaveLength(1);
    const stopped = await serviceTasks(h, 'STOPPED');
    expect(stopped).toHaveLength(2);
    for (const task of stopped) {
      expect(task).toMatchObject({ stopCode: 'ServiceSchedulerInitiated', lastStatus: 'STOPPED' });
      expect(String(task['stoppedReason'])).toMatch(/^Scaling activity initiated by \(deployment ecs-svc\/\d+\)$/);
    }
    await h.call('UpdateService', { cluster: 'demo', service: 'api', desiredCount: 4 });
    await h.ecs.idle();
    expect(await serviceTasks(h)).toHaveLength(4);
  });

  it('replaces the tasks of the old task definition after UpdateService', async () => {
    const h = await withService(2);
    const v2 = await registerFargateWeb(h);
    await h.call('UpdateService', { cluster: 'demo', service: 'api', taskDefinition: 'web' });
    await h.ecs.idle();
    const running = await serviceTasks(h);
    expect(running.map((task) => task.taskDefinitionArn)).toEqual([v2, v2]);
    expect(await serviceTasks(h, 'STOPPED')).toHaveLength(2);
    const service = await describeService(h);
    expect(service).toMatchObject({ taskDefinition: v2 });
    expect(list(service, 'deployments')).toHaveLength(1);
  });

  it('deletes a service: needs force above zero, drains, then INACTIVE', async () => {
    const h = await withService(2);
    expect(await h.callError('DeleteService', { cluster: 'demo', service: 'api' })).toMatchObject({
      code: 'InvalidParameterException',
      message: 'The service cannot be stopped while it is scaled above 0.',
    });
    const deleted = await h.call('DeleteService', { cluster: 'demo', service: 'api', force: true });
    expect(field(deleted, 'service')).toMatchObject({ status: 'DRAINING', desiredCount: 0 });
    expect(await h.call('ListServices', { cluster: 'demo' })).toEqual({ serviceArns: [] });
    await h.ecs.idle();
    expect(await describeService(h)).toMatchObject({ status: 'INACTIVE' });
    const stopped = await serviceTasks(h, 'STOPPED');
    expect(stopped.map((task) => task.stopCode)).toEqual(['ServiceSchedulerInitiated', 'ServiceSchedulerInitiated']);
    expect(await h.callError('UpdateService', { cluster: 'demo', service: 'api', desiredCount: 1 })).toMatchObject({
      code: 'ServiceNotActiveException',
    });
    // An INACTIVE name can be used again.
    await h.call('CreateService', {
      cluster: 'demo',
      serviceName: 'api',
      taskDefinition: 'web',
      desiredCount: 0,
      launchType: 'FARGATE',
      networkConfiguration: awsvpc(h.subnetIds),
    });
    expect(await describeService(h)).toMatchObject({ status: 'ACTIVE' });
  });

  it('deletes a service scaled to zero without force', async () => {
    const h = await withService(1);
    await h.call('UpdateService', { cluster: 'demo', service: 'api', desiredCount: 0 });
    const deleted = await h.call('DeleteService', { cluster: 'demo', service: 'arn:aws:ecs:us-east-1:123456789012:service/demo/api' });
    expect(field(deleted, 'service')).toMatchObject({ status: 'DRAINING' });
  });

  it('answers service errors with the AWS types', async () => {
    const h = await withService(0);
    expect(await h.callError('UpdateService', { cluster: 'demo', service: 'nope', desiredCount: 1 })).toMatchObject({
      code: 'ServiceNotFoundException',
    });
    expect(await h.callError('DeleteService', { cluster: 'demo', service: 'nope' })).toMatchObject({ code: 'ServiceNotFoundException' });
    expect(await h.callError('ListTasks', { cluster: 'demo', serviceName: 'nope' })).toMatchObject({ code: 'ServiceNotFoundException' });
    expect(
      await h.callError('CreateService', { cluster: 'demo', serviceName: 'api', taskDefinition: 'web', desiredCount: 1, launchType: 'FARGATE', networkConfiguration: awsvpc(h.subnetIds) }),
    ).toMatchObject({ code: 'InvalidParameterException', message: 'Creation of service was not idempotent.' });
    expect(
      await h.callError('CreateService', { cluster: 'demo', serviceName: 'other', taskDefinition: 'web', desiredCount: 1, launchType: 'FARGATE' }),
    ).toMatchObject({ code: 'InvalidParameterException', message: "Network Configuration must be provided when networkMode 'awsvpc' is specified." });
    expect(await h.callError('CreateService', { cluster: 'ghost', serviceName: 'x', taskDefinition: 'web', desiredCount: 0 })).toMatchObject({
      code: 'ClusterNotFoundException',
    });
    const described = await h.call('DescribeServices', { cluster: 'demo', services: ['api', 'missing'] });
    expect(field(described, 'failures')).toEqual([
      { arn: 'arn:aws:ecs:us-east-1:123456789012:service/demo/missing', reason: 'MISSING' },
    ]);
  });

  it('pages ListServices', async () => {
    const h = await withService(0);
    for (const name of ['b', 'c', 'd']) {
      await h.call('CreateService', { cluster: 'demo', serviceName: name, taskDefinition: 'web', desiredCount: 0, launchType: 'FARGATE', networkConfiguration: awsvpc(h.subnetIds) });
    }
    const first = await h.call('ListServices', { cluster: 'demo', maxResults: 3 });
    expect(list(first, 'serviceArns')).toHaveLength(3);
    const second = await h.call('ListServices', { cluster: 'demo', maxResults: 3, nextToken: field(first, 'nextToken') });
    expect(second).toEqual({ serviceArns: ['arn:aws:ecs:us-east-1:123456789012:service/demo/d'] });
  });
});
