import { afterEach, describe, expect, it } from 'vitest';
import { awsvpc, createHarness, field, list, registerFargateWeb, runFargate, type Harness } from './harness.js';

let harness: Harness;

async function startedHarness(options: Parameters<typeof createHarness>[0] = {}): Promise<Harness> {
  harness = createHarness(options);
  await harness.call('CreateCluster', { clusterName: 'demo' });
  await registerFargateWeb(harness);
  return harness;
}

afterEach(() => {
  expect(harness.ecs.backgroundErrors()).toEqual([]);
  harness.ecs.close();
});

async function listAll(h: Harness, input: Record<string, unknown>): Promise<{ arns: string[]; pages: number }> {
  const arns: string[] = [];
  let nextToken: unknown;
  let pages = 0;
  do {
    const output = await h.call('ListTasks', { ...input, ...(nextToken === undefined ? {} : { nextToken }) });
    arns.push(...list<string>(output, 'taskArns'));
    nextToken = output['nextToken'];
    pages++;
  } while (nextToken !== undefined);
  return { arns, pages };
}

describe('clusters', () => {
  it('creates idempotently, lists with paging and describes by name or ARN', async () => {
    const h = await startedHarness();
    const again = await h.call('CreateCluster', { clusterName: 'demo' });
    expect(field(again, 'cluster')).toMatchObject({ clusterName: 'demo', status: 'ACTIVE', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/demo' });
    for (const name of ['a', 'b']) await h.call('CreateCluster', { clusterName: name });
    const first = await h.call('ListClusters', { maxResults: 2 });
    const second = await h.call('ListClusters', { maxResults: 2, nextToken: field(first, 'nextToken') });
    expect([...list<string>(first, 'clusterArns'), ...list<string>(second, 'clusterArns')].map((arn) => arn.split('/')[1])).toEqual(['demo', 'a', 'b']);
    expect(second['nextToken']).toBeUndefined();

    await runFargate(h);
    await h.ecs.idle();
    const described = await h.call('DescribeClusters', {
      clusters: ['arn:aws:ecs:us-east-1:123456789012:cluster/demo', 'ghost'],
      include: ['TAGS'],
    });
    expect(list(described, 'clusters')[0]).toMatchObject({ clusterName: 'demo', runningTasksCount: 1, pendingTasksCount: 0, tags: [] });
    expect(field(described, 'failures')).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/ghost', reason: 'MISSING' }]);
  });

  it('creates the default cluster on the first RunTask without a cluster', async () => {
    const h = await startedHarness();
    expect(await h.callError('ListTasks', {})).toMatchObject({ code: 'ClusterNotFoundException' });
    await h.call('RunTask', { taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: awsvpc(h.subnetIds) });
    expect(list(await h.call('ListTasks', {}), 'taskArns')).toHaveLength(1);
    expect(list<string>(await h.call('ListClusters'), 'clusterArns')).toContain('arn:aws:ecs:us-east-1:123456789012:cluster/default');
  });
});

describe('task definitions', () => {
  it('increments revisions and resolves family, family:revision and ARN', async () => {
    const h = await startedHarness();
    const second = await registerFargateWeb(h);
    expect(second).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/web:2');
    const latest = await h.call('DescribeTaskDefinition', { taskDefinition: 'web' });
    expect(field(latest, 'taskDefinition')).toMatchObject({
      revision: 2,
      networkMode: 'awsvpc',
      compatibilities: ['EC2', 'FARGATE', 'MANAGED_INSTANCES'],
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      status: 'ACTIVE',
    });
    expect(field(await h.call('DescribeTaskDefinition', { taskDefinition: 'web:1' }), 'taskDefinition')).toMatchObject({ revision: 1 });
    expect(field(await h.call('DescribeTaskDefinition', { taskDefinition: second, include: ['TAGS'] }), 'tags')).toEqual([{ key: 'team', value: 'edge' }]);
    expect(await h.callError('DescribeTaskDefinition', { taskDefinition: 'web:9' })).toMatchObject({ code: 'ClientException' });
  });

  it('rejects definitions Fargate cannot run and containers without an image', async () => {
    const h = await startedHarness();
    const container = { name: 'app', image: 'nginx' };
    expect(await h.callError('RegisterTaskDefinition', { family: 'x', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [container] })).toMatchObject({ code: 'ClientException' });
    expect(await h.callError('RegisterTaskDefinition', { family: 'x', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], containerDefinitions: [container] })).toMatchObject({ code: 'ClientException' });
    expect(await h.callError('RegisterTaskDefinition', { family: 'x', containerDefinitions: [{ name: 'app' }] })).toMatchObject({ code: 'ClientException' });
    expect(await h.callError('RegisterTaskDefinition', { family: 'x', containerDefinitions: [] })).toMatchObject({ code: 'ClientException' });
    expect(await h.callError('RegisterTaskDefinition', { containerDefinitions: [container] })).toMatchObject({ code: 'InvalidParameterException' });
  });
});

describe('RunTask validation', () => {
  it('answers bad requests with the AWS error types', async () => {
    const h = await startedHarness();
    const base = { cluster: 'demo', taskDefinition: 'web', launchType: 'FARGATE', networkConfiguration: awsvpc(h.subnetIds) };
    expect(await h.callError('RunTask', { ...base, networkConfiguration: awsvpc(['subnet-0000000000000000']) })).toMatchObject({
      code: 'InvalidParameterException',
      message: expect.stringContaining("The subnet ID 'subnet-0000000000000000' does not exist"),
    });
    expect(await h.callError('RunTask', { ...base, networkConfiguration: awsvpc([]) })).toMatchObject({ code: 'InvalidParameterException' });
    expect(await h.callError('RunTask', { ...base, networkConfiguration: undefined })).toMatchObject({ code: 'InvalidParameterException' });
    expect(await h.callError('RunTask', { ...base, count: 11 })).toMatchObject({ code: 'InvalidParameterException' });
    expect(await h.callError('RunTask', { ...base, count: 0 })).toMatchObject({ code: 'InvalidParameterException' });
    expect(await h.callError('RunTask', { ...base, count: '2' })).toMatchObject({ code: 'SerializationException' });
    expect(await h.callError('RunTask', { ...base, launchType: 'LAMBDA' })).toMatchObject({ code: 'InvalidParameterException' });
    expect(await h.callError('RunTask', { ...base, cluster: 'ghost' })).toMatchObject({ code: 'ClusterNotFoundException', message: 'Cluster not found.' });
    expect(await h.callError('RunTask', { ...base, taskDefinition: 'nope' })).toMatchObject({ code: 'ClientException' });
    expect(await h.callError('RunTask', { ...base, propagateTags: 'SERVICE' })).toMatchObject({ code: 'InvalidParameterException' });
    await h.call('RegisterTaskDefinition', { family: 'bridge', containerDefinitions: [{ name: 'a', image: 'b' }] });
    expect(await h.callError('RunTask', { ...base, taskDefinition: 'bridge' })).toMatchObject({
      code: 'InvalidParameterException',
      message: 'Task definition does not support launch_type FARGATE.',
    });
    expect(await h.callError('StopTask', { cluster: 'demo', task: 'f'.repeat(32) })).toMatchObject({ code: 'InvalidParameterException' });
    expect(await h.callError('FlyToTheMoon', {})).toMatchObject({ code: 'UnknownOperationException' });
    expect(h.network.enis.size).toBe(0);
  });

  it('takes group, startedBy, tags and task-definition tags (propagateTags)', async () => {
    const h = await startedHarness();
    const [taskArn = ''] = await runFargate(h, {
      extra: { group: 'batch', startedBy: 'nightly-job', propagateTags: 'TASK_DEFINITION', tags: [{ key: 'run', value: '42' }] },
    });
    expect(h.ecs.describeTask(taskArn)).toMatchObject({
      group: 'batch',
      startedBy: 'nightly-job',
      tags: [{ key: 'team', value: 'edge' }, { key: 'run', value: '42' }],
    });
    expect(await h.call('ListTasks', { cluster: 'demo', startedBy: 'nightly-job' })).toEqual({ taskArns: [taskArn] });
    expect(await h.callError('ListTasks', { cluster: 'demo', startedBy: 'nightly-job', family: 'web' })).toMatchObject({ code: 'InvalidParameterException' });
  });
});

describe('ListTasks', () => {
  it('pages with maxResults and nextToken, without gaps when tasks stop between pages', async () => {
    const h = await startedHarness();
    const started: string[] = [];
    for (let i = 0; i < 3; i++) started.push(...(await runFargate(h, { count: 10 })));
    const page = await h.call('ListTasks', { cluster: 'demo', maxResults: 10 });
    expect(list(page, 'taskArns')).toEqual(started.slice(0, 10));
    // Stopping listed tasks must not shift the next page.
    for (const arn of started.slice(0, 5)) await h.call('StopTask', { cluster: 'demo', task: arn });
    const next = await h.call('ListTasks', { cluster: 'demo', maxResults: 10, nextToken: page['nextToken'] });
    expect(list(next, 'taskArns')).toEqual(started.slice(10, 20));

    const all = await listAll(h, { cluster: 'demo', maxResults: 7 });
    expect(all.arns).toEqual(started.slice(5));
    expect(all.pages).toBe(4);
    expect((await listAll(h, { cluster: 'demo' })).pages).toBe(1);
    expect((await listAll(h, { cluster: 'demo', desiredStatus: 'STOPPED' })).arns).toEqual(started.slice(0, 5));
  });

  it('filters by family and launch type and validates maxResults and the token', async () => {
    const h = await startedHarness();
    const [fargate = ''] = await runFargate(h);
    await h.call('RegisterTaskDefinition', {
      family: 'batch',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'job', image: 'busybox' }],
    });
    const batch = list<Record<string, unknown>>(
      await h.call('RunTask', { cluster: 'demo', taskDefinition: 'batch', launchType: 'FARGATE', networkConfiguration: awsvpc(h.subnetIds) }),
      'tasks',
    )[0];
    expect(await h.call('ListTasks', { cluster: 'demo', family: 'web' })).toEqual({ taskArns: [fargate] });
    expect(await h.call('ListTasks', { cluster: 'demo', family: 'batch' })).toEqual({ taskArns: [field(batch, 'taskArn')] });
    expect(await h.call('ListTasks', { cluster: 'demo', launchType: 'FARGATE' })).toEqual({ taskArns: [fargate, field(batch, 'taskArn')] });
    expect(await h.call('ListTasks', { cluster: 'demo', launchType: 'EC2' })).toEqual({ taskArns: [] });
    // ECS API reference, ListTasks desiredStatus: filtering on PENDING "doesn't return any results.
    // Amazon ECS never sets the desired status of a task to that value" — even while tasks are pending.
    expect(await h.call('ListTasks', { cluster: 'demo', desiredStatus: 'PENDING' })).toEqual({ taskArns: [] });
    expect(await h.callError('ListTasks', { cluster: 'demo', maxResults: 101 })).toMatchObject({ code: 'InvalidParameterException' });
    expect(await h.callError('ListTasks', { cluster: 'demo', nextToken: 'garbage' })).toMatchObject({ code: 'InvalidParameterException' });
    expect(await h.callError('ListTasks', { cluster: 'demo', desiredStatus: 'DONE' })).toMatchObject({ code: 'InvalidParameterException' });
  });
});

describe('DescribeTasks', () => {
  it('reports missing tasks as failures and includes tags only when asked', async () => {
    const h = await startedHarness();
    const [taskArn = ''] = await runFargate(h, { extra: { tags: [{ key: 'k', value: 'v' }] } });
    const missingId = '0'.repeat(32);
    const output = await h.call('DescribeTasks', { cluster: 'demo', tasks: [taskArn, missingId] });
    const [task] = list<Record<string, unknown>>(output, 'tasks');
    expect(task?.['tags']).toBeUndefined();
    expect(field(output, 'failures')).toEqual([
      { arn: `arn:aws:ecs:us-east-1:123456789012:task/demo/${missingId}`, reason: 'MISSING' },
    ]);
    const tagged = await h.call('DescribeTasks', { cluster: 'demo', tasks: [taskArn.split('/')[2]], include: ['TAGS'] });
    expect(list(tagged, 'tasks')[0]).toMatchObject({ taskArn, tags: [{ key: 'k', value: 'v' }] });
    // A task of another cluster is missing from this one.
    await h.call('CreateCluster', { clusterName: 'other' });
    expect(field(await h.call('DescribeTasks', { cluster: 'other', tasks: [taskArn] }), 'failures')).toEqual([{ arn: taskArn, reason: 'MISSING' }]);
  });

  it('accepts at most 100 tasks and at least one', async () => {
    const h = await startedHarness();
    const ids = Array.from({ length: 101 }, (_, i) => i.toString(16).padStart(32, '0'));
    expect(await h.callError('DescribeTasks', { cluster: 'demo', tasks: ids })).toMatchObject({ code: 'InvalidParameterException' });
    expect(list(await h.call('DescribeTasks', { cluster: 'demo', tasks: ids.slice(0, 100) }), 'failures')).toHaveLength(100);
    expect(await h.callError('DescribeTasks', { cluster: 'demo', tasks: [] })).toMatchObject({ code: 'InvalidParameterException' });
    expect(await h.callError('DescribeTasks', { cluster: 'ghost', tasks: ['x'] })).toMatchObject({ code: 'ClusterNotFoundException' });
  });
});

describe('tags', () => {
  it('tags, untags and lists tags of tasks, services and clusters', async () => {
    const h = await startedHarness();
    const [taskArn = ''] = await runFargate(h);
    await h.call('CreateService', { cluster: 'demo', serviceName: 'api', taskDefinition: 'web', desiredCount: 0, launchType: 'FARGATE', networkConfiguration: awsvpc(h.subnetIds) });
    const resources = [taskArn, 'arn:aws:ecs:us-east-1:123456789012:service/demo/api', 'arn:aws:ecs:us-east-1:123456789012:cluster/demo'];
    for (const resourceArn of resources) {
      await h.call('TagResource', { resourceArn, tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
      await h.call('UntagResource', { resourceArn, tagKeys: ['a'] });
      expect(await h.call('ListTagsForResource', { resourceArn }), resourceArn).toEqual({ tags: [{ key: 'b', value: '2' }] });
    }
    expect(await h.callError('TagResource', { resourceArn: taskArn, tags: [{ key: 'aws:x', value: '1' }] })).toMatchObject({ code: 'InvalidParameterException' });
    const tooMany = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: '' }));
    expect(await h.callError('TagResource', { resourceArn: taskArn, tags: tooMany })).toMatchObject({ code: 'InvalidParameterException' });
    expect(await h.callError('ListTagsForResource', { resourceArn: `arn:aws:ecs:us-east-1:123456789012:task/demo/${'0'.repeat(32)}` })).toMatchObject({ code: 'ResourceNotFoundException' });
    expect(await h.callError('ListTagsForResource', { resourceArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/ghost' })).toMatchObject({ code: 'ClusterNotFoundException' });
    expect(await h.callError('ListTagsForResource', { resourceArn: 'not-an-arn' })).toMatchObject({ code: 'InvalidParameterException' });
  });
});

describe('throttling and counts', () => {
  it('answers ThrottlingException (400, "Rate exceeded") at ecsThrottleRate and counts every call', async () => {
    const h = await startedHarness();
    h.setFaults({ ecsThrottleRate: 1 });
    const error = await h.callError('ListTasks', { cluster: 'demo' });
    expect(error).toMatchObject({ code: 'ThrottlingException', message: 'Rate exceeded', httpStatus: 400 });
    h.setFaults({ ecsThrottleRate: 0.5 });
    let throttled = 0;
    for (let i = 0; i < 200; i++) {
      try {
        await h.call('ListClusters');
      } catch {
        throttled++;
      }
    }
    expect(throttled).toBeGreaterThan(60);
    expect(throttled).toBeLessThan(140);
    expect(h.ecs.operationCounts()).toEqual({ CreateCluster: 1, RegisterTaskDefinition: 1, ListTasks: 1, ListClusters: 200 });
    expect(h.ecs.throttledCounts()).toEqual({ ListTasks: 1, ListClusters: throttled });
  });
});
