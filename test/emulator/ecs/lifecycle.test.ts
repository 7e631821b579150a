import { afterEach, describe, expect, it } from 'vitest';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { createHarness, detailOf, field, list, registerFargateWeb, runFargate, type Harness } from './harness.js';

const TASK_ARN = /^arn:aws:ecs:us-east-1:123456789012:task\/demo\/[0-9a-f]{32}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

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

describe('task start', () => {
  it('answers RunTask with a PROVISIONING task whose ENI is precreated (subnet only)', async () => {
    const h = await startedHarness();
    const output = await h.call('RunTask', {
      cluster: 'demo',
      taskDefinition: 'web',
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [h.subnetIds[0]] } },
    });
    const [task] = list<Record<string, unknown>>(output, 'tasks');
    expect(output['failures']).toEqual([]);
    expect(task).toMatchObject({
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      launchType: 'FARGATE',
      group: 'family:web',
      platformVersion: '1.4.0',
      version: 1,
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/demo',
    });
    expect(field<string>(task, 'taskArn')).toMatch(TASK_ARN);
    expect(typeof field(task, 'createdAt')).toBe('number');
    const [attachment] = list<Record<string, unknown>>(task, 'attachments');
    expect(attachment).toMatchObject({ type: 'ElasticNetworkInterface', status: 'PRECREATED' });
    expect(list(attachment, 'details')).toEqual([{ name: 'subnetId', value: h.subnetIds[0] }]);

    const enis = [...h.network.enis.values()];
    expect(enis).toHaveLength(1);
    expect(enis[0]).toMatchObject({
      subnetId: h.subnetIds[0],
      description: `arn:aws:ecs:us-east-1:123456789012:attachment/${field<string>(attachment, 'id')}`,
      requesterManaged: true,
      interfaceType: 'interface',
      mirroringSupported: true,
      visibleAt: 0,
    });
  });

  it('goes PROVISIONING → PENDING → ACTIVATING → RUNNING, one event and one version each', async () => {
    const h = await startedHarness();
    const [taskArn = ''] = await runFargate(h);
    await h.ecs.idle();

    const events = h.eventsOf(taskArn);
    expect(events.map((event) => [event.detail['lastStatus'], event.detail['version']])).toEqual([
      ['PROVISIONING', 1],
      ['PENDING', 2],
      ['ACTIVATING', 3],
      ['RUNNING', 4],
    ]);
    const running = events[3];
    expect(running).toMatchObject({
      version: '0',
      'detail-type': 'ECS Task State Change',
      source: 'aws.ecs',
      account: '123456789012',
      region: 'us-east-1',
      resources: [taskArn],
    });
    expect(running?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(running?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const detail = running?.detail ?? {};
    expect(detail).toMatchObject({
      taskArn,
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/demo',
      desiredStatus: 'RUNNING',
      group: 'family:web',
      launchType: 'FARGATE',
      connectivity: 'CONNECTED',
      platformVersion: '1.4.0',
      cpu: '256',
      memory: '512',
    });
    for (const name of ['createdAt', 'connectivityAt', 'pullStartedAt', 'pullStoppedAt', 'startedAt', 'updatedAt']) {
      expect(detail[name], name).toMatch(ISO);
    }
    expect(detail['availabilityZone']).toMatch(/^us-east-1[abc]$/);

    const [attachment] = list<Record<string, unknown>>(detail, 'attachments');
    const eniId = detailOf('networkInterfaceId', attachment) ?? '';
    const eni = h.network.enis.get(eniId);
    expect(attachment).toMatchObject({ type: 'eni', status: 'ATTACHED' });
    expect(eni).toBeDefined();
    expect(detailOf('privateIPv4Address', attachment)).toBe(eni?.privateIpAddress);
    expect(detailOf('macAddress', attachment)).toBe(eni?.macAddress);
    expect(detailOf('subnetId', attachment)).toBe(eni?.subnetId);
    expect(detailOf('privateDnsName', attachment)).toBe(`ip-${eni?.privateIpAddress.replaceAll('.', '-')}.ec2.internal`);
    const [container] = list<Record<string, unknown>>(detail, 'containers');
    expect(container).toMatchObject({
      name: 'app',
      lastStatus: 'RUNNING',
      taskArn,
      networkInterfaces: [{ attachmentId: field(attachment, 'id'), privateIpv4Address: eni?.privateIpAddress }],
    });

    // DescribeTasks agrees, with epoch-second numbers and the API's attachment type.
    const described = await h.call('DescribeTasks', { cluster: 'demo', tasks: [taskArn] });
    const [task] = list<Record<string, unknown>>(described, 'tasks');
    expect(task).toMatchObject({ lastStatus: 'RUNNING', version: 4 });
    expect(list<Record<string, unknown>>(task, 'attachments')[0]).toMatchObject({ type: 'ElasticNetworkInterface', status: 'ATTACHED' });
    expect(field<number>(task, 'startedAt')).toBeCloseTo(Date.parse(String(detail['startedAt'])) / 1000, 3);
  });

  it('announces PENDING with the ENI already ATTACHED, so it is mirrorable before RUNNING', async () => {
    const h = await startedHarness();
    const [taskArn = ''] = await runFargate(h);
    await h.ecs.waitForTaskStatus(taskArn, 'PENDING');
    const pending = h.eventsOf(taskArn).find((event) => event.detail['lastStatus'] === 'PENDING');
    const [attachment] = list<Record<string, unknown>>(pending?.detail, 'attachments');
    expect(field(attachment, 'status')).toBe('ATTACHED');
    expect(detailOf('networkInterfaceId', attachment)).toMatch(/^eni-/);
  });

  it('keeps ACTIVATING silent when announceActivating is off: versions 1, 2, 3', async () => {
    const h = await startedHarness({ timing: { announceActivating: false } });
    const [taskArn = ''] = await runFargate(h);
    await h.ecs.waitForTaskStatus(taskArn, 'RUNNING');
    await h.ecs.idle();
    expect(h.eventsOf(taskArn).map((event) => [event.detail['lastStatus'], event.detail['version']])).toEqual([
      ['PROVISIONING', 1],
      ['PENDING', 2],
      ['RUNNING', 3],
    ]);
  });

  it('produces events the product parses', async () => {
    const h = await startedHarness();
    const [taskArn = ''] = await runFargate(h);
    await h.ecs.idle();
    const snapshots = h.eventsOf(taskArn).map((event) => parseTaskStateChangeEvent(event));
    const running = snapshots[snapshots.length - 1];
    expect(running).toMatchObject({ taskArn, clusterName: 'demo', lastStatus: 'RUNNING', version: 4, family: 'web' });
    expect(running?.enis[0]?.status).toBe('ATTACHED');
    expect(running?.enis[0]?.networkInterfaceId).toMatch(/^eni-/);
  });

  // ECS answers RunTask on a cluster without container instances with InvalidParameterException
  // "No Container Instances were found in your cluster." (observed in CloudTrail records and SDK
  // error reports); the emulator registers no container instances, so only Fargate places tasks.
  it.each(['EC2', 'EXTERNAL', undefined])('refuses RunTask with launch type %s: no container instances', async (launchType) => {
    const h = await startedHarness();
    await h.call('RegisterTaskDefinition', { family: 'batch', containerDefinitions: [{ name: 'job', image: 'busybox', memory: 128 }] });
    const error = await h.callError('RunTask', { cluster: 'demo', taskDefinition: 'batch', count: 2, ...(launchType ? { launchType } : {}) });
    expect(error).toMatchObject({ code: 'InvalidParameterException', message: 'No Container Instances were found in your cluster.' });
    expect(h.network.enis.size).toBe(0);
    expect(await h.call('ListTasks', { cluster: 'demo' })).toEqual({ taskArns: [] });
  });
});

describe('task stop', () => {
  it('goes through DEACTIVATING, STOPPING, DEPROVISIONING to STOPPED, deleting the ENI last', async () => {
    const h = await startedHarness();
    const [taskArn = ''] = await runFargate(h);
    await h.ecs.waitForTaskStatus(taskArn, 'RUNNING');
    const eniId = [...h.network.enis.keys()][0] ?? '';
    const stopped = await h.call('StopTask', { cluster: 'demo', task: taskArn, reason: 'maintenance' });
    expect(field(stopped, 'task')).toMatchObject({ desiredStatus: 'STOPPED', lastStatus: 'RUNNING', stopCode: 'UserInitiated' });

    await h.ecs.waitForTaskStatus(taskArn, 'DEPROVISIONING');
    expect(h.network.enis.has(eniId)).toBe(true);
    await h.ecs.waitForTaskStatus(taskArn, 'STOPPED');
    expect(h.network.enis.has(eniId)).toBe(false);

    const events = h.eventsOf(taskArn).slice(4);
    expect(events.map((event) => [event.detail['lastStatus'], event.detail['desiredStatus'], event.detail['version']])).toEqual([
      ['RUNNING', 'STOPPED', 5],
      ['DEACTIVATING', 'STOPPED', 6],
      ['STOPPING', 'STOPPED', 7],
      ['DEPROVISIONING', 'STOPPED', 8],
      ['STOPPED', 'STOPPED', 9],
    ]);
    const attachmentStatus = (index: number): unknown =>
      field(list<Record<string, unknown>>(events[index]?.detail, 'attachments')[0], 'status');
    expect(attachmentStatus(3)).toBe('DETACHING');
    expect(attachmentStatus(4)).toBe('DELETED');
    const final = events[4]?.detail ?? {};
    expect(final).toMatchObject({ stopCode: 'UserInitiated', stoppedReason: 'maintenance' });
    for (const name of ['stoppingAt', 'stoppedAt', 'executionStoppedAt']) expect(final[name], name).toMatch(ISO);
    expect(list<Record<string, unknown>>(final, 'containers')[0]).toMatchObject({ lastStatus: 'STOPPED', exitCode: 0 });
  });

  it('keeps stopped tasks describable and lists them under desiredStatus STOPPED', async () => {
    const h = await startedHarness();
    const [first = '', second = ''] = await runFargate(h, { count: 2 });
    await h.ecs.idle();
    await h.call('StopTask', { cluster: 'demo', task: first });
    expect(await h.call('ListTasks', { cluster: 'demo', desiredStatus: 'STOPPED' })).toEqual({ taskArns: [first] });
    await h.ecs.idle();
    expect(await h.call('ListTasks', { cluster: 'demo' })).toEqual({ taskArns: [second] });
    const described = await h.call('DescribeTasks', { cluster: 'demo', tasks: [first] });
    expect(list(described, 'tasks')[0]).toMatchObject({ lastStatus: 'STOPPED', stoppedReason: 'Task stopped by user' });
    // StopTask on a stopped task answers it unchanged.
    const again = await h.call('StopTask', { cluster: 'demo', task: first, reason: 'again' });
    expect(field(again, 'task')).toMatchObject({ lastStatus: 'STOPPED', stoppedReason: 'Task stopped by user', version: 9 });
  });

  it('stops a task that is still provisioning without ever attaching its ENI', async () => {
    const h = await startedHarness({ timing: { stepDelayMs: 20 } });
    const [taskArn = ''] = await runFargate(h);
    await h.call('StopTask', { cluster: 'demo', task: taskArn });
    await h.ecs.waitForTaskStatus(taskArn, 'STOPPED');
    expect(h.eventsOf(taskArn).map((event) => event.detail['lastStatus'])).toEqual([
      'PROVISIONING',
      'PROVISIONING',
      'STOPPING',
      'DEPROVISIONING',
      'STOPPED',
    ]);
    expect(h.network.enis.size).toBe(0);
    await expect(h.ecs.waitForTaskStatus(taskArn, 'RUNNING', 200)).rejects.toThrow(/stopped without reaching RUNNING/);
  });

  it('forgets stopped tasks after the retention period', async () => {
    const h = await startedHarness({ options: { stoppedTaskRetentionMs: 30 } });
    const [taskArn = ''] = await runFargate(h);
    await h.call('StopTask', { cluster: 'demo', task: taskArn });
    await h.ecs.waitForTaskStatus(taskArn, 'STOPPED');
    await new Promise((resolve) => setTimeout(resolve, 80));
    const described = await h.call('DescribeTasks', { cluster: 'demo', tasks: [taskArn] });
    expect(described).toEqual({ tasks: [], failures: [{ arn: taskArn, reason: 'MISSING' }] });
  });
});

describe('ENI faults', () => {
  it('keeps a late ENI invisible to EC2 for lateEniDelayMs after ATTACHED', async () => {
    const h = await startedHarness({ faults: { lateEniRate: 1, lateEniDelayMs: 60_000 } });
    const before = Date.now();
    const [taskArn = ''] = await runFargate(h);
    await h.ecs.waitForTaskStatus(taskArn, 'PENDING');
    const eni = [...h.network.enis.values()][0];
    expect(eni?.visibleAt).toBeGreaterThanOrEqual(before + 5 + 60_000);
    expect(h.network.visibleEni(eni?.networkInterfaceId ?? '', Date.now())).toBeUndefined();
    expect(h.network.visibleEni(eni?.networkInterfaceId ?? '', (eni?.visibleAt ?? 0) + 1)).toBe(eni);
  });

  it('puts ENIs on hosts without mirroring support at unsupportedEniRate', async () => {
    const h = await startedHarness({ faults: { unsupportedEniRate: 1 } });
    await runFargate(h, { count: 3 });
    expect([...h.network.enis.values()].map((eni) => eni.mirroringSupported)).toEqual([false, false, false]);
  });
});

describe('old task ARN format', () => {
  it('creates task/<uuid> ARNs when asked, findable by ARN and by id', async () => {
    const h = await startedHarness({ options: { taskArnFormat: 'old' } });
    const [taskArn = ''] = await runFargate(h);
    expect(taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/[0-9a-f-]{36}$/);
    const id = taskArn.split('/')[1] ?? '';
    const described = await h.call('DescribeTasks', { cluster: 'demo', tasks: [id] });
    expect(list(described, 'tasks')[0]).toMatchObject({ taskArn });
    await h.ecs.idle();
    const snapshot = parseTaskStateChangeEvent(h.eventsOf(taskArn).at(-1));
    expect(snapshot).toMatchObject({ taskId: id, clusterName: 'demo' });

    h.ecs.setTaskArnFormat('long');
    const [longArn = ''] = await runFargate(h);
    expect(longArn).toMatch(TASK_ARN);
  });
});
