import {
  CreateTrafficMirrorSessionCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTrafficMirrorSessionsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  ClientException,
  CreateClusterCommand,
  CreateServiceCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListAccountSettingsCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutAccountSettingCommand,
  PutAccountSettingDefaultCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
  type ContainerInstance,
  type Resource,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchContainerInstances, startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';

/** ECS on EC2 capacity with the real AWS SDK v3: container instances, placement, task ENIs, trunking. */
let emulator: RunningEmulator;
let ecs: ECSClient;
let ec2: EC2Client;
let counter = 0;

beforeEach(async () => {
  emulator = await startEmulator({ port: 0, seed: 5, timing: { stepDelayMs: 5, schedulerIntervalMs: 10 } });
  const client = { endpoint: emulator.url, region: emulator.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  ecs = new ECSClient(client);
  ec2 = new EC2Client(client);
  await ecs.send(new CreateClusterCommand({ clusterName: 'ec2' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'bridge', networkMode: 'bridge', containerDefinitions: [{ name: 'app', image: 'nginx', cpu: 512, memory: 1024 }] }),
  );
  await ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'vpc', networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx' }] }),
  );
});

afterEach(async () => {
  ecs.destroy();
  ec2.destroy();
  await emulator.close();
});

const integer = (resources: Resource[] | undefined, name: string) => resources?.find((resource) => resource.name === name)?.integerValue;
const attribute = (instance: ContainerInstance | undefined, name: string) => instance?.attributes?.find((a) => a.name === name)?.value;
const detail = (task: Task | undefined, name: string) => task?.attachments?.[0]?.details?.find((d) => d.name === name)?.value;

async function describeInstance(arn: string): Promise<ContainerInstance | undefined> {
  return (await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'ec2', containerInstances: [arn] }))).containerInstances?.[0];
}

async function runTask(family: string, extra: Record<string, unknown> = {}) {
  return ecs.send(new RunTaskCommand({ cluster: 'ec2', taskDefinition: family, launchType: 'EC2', ...extra }));
}

const awsvpcIn = (subnetId: string) => ({ networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId] } } });

function mirror(eniId: string | undefined) {
  const nlb = `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/ci${++counter}/0123456789abcdef`;
  return ec2.send(
    new CreateTrafficMirrorSessionCommand({
      NetworkInterfaceId: eniId,
      TrafficMirrorTargetId: emulator.ec2.createTarget({ networkLoadBalancerArn: nlb }).trafficMirrorTarget.trafficMirrorTargetId,
      TrafficMirrorFilterId: emulator.ec2.createFilter().trafficMirrorFilter.trafficMirrorFilterId,
      SessionNumber: 1,
    }),
  );
}

const errorOf = (call: Promise<unknown>): Promise<unknown> => call.then(() => undefined, (error: unknown) => error);

describe('RegisterContainerInstance', () => {
  it('registers an EC2 instance from its identity document, with its resources and built-in attributes', async () => {
    // prepare
    const [instance] = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-1', InstanceType: 'c5.large', MinCount: 1, MaxCount: 1 }))).Instances ?? [];
    const document = JSON.stringify({ instanceId: instance?.InstanceId, region: 'us-east-1', instanceType: 'c5.large', availabilityZone: instance?.Placement?.AvailabilityZone, accountId: '123456789012' });
    // act
    const registered = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'ec2',
        instanceIdentityDocument: document,
        instanceIdentityDocumentSignature: 'signature',
        totalResources: [{ name: 'CPU', type: 'INTEGER', integerValue: 2048 }, { name: 'MEMORY', type: 'INTEGER', integerValue: 3800 }],
      }),
    );
    // assess
    const record = registered.containerInstance;
    expect(record?.containerInstanceArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:container-instance\/ec2\/[0-9a-f]{32}$/);
    expect(record).toMatchObject({ ec2InstanceId: instance?.InstanceId, status: 'ACTIVE', agentConnected: true, runningTasksCount: 0 });
    expect([integer(record?.registeredResources, 'CPU'), integer(record?.remainingResources, 'MEMORY')]).toEqual([2048, 3800]);
    expect(attribute(record, 'ecs.instance-type')).toBe('c5.large');
    expect(attribute(record, 'ecs.availability-zone')).toBe(instance?.Placement?.AvailabilityZone);
    expect(attribute(record, 'ecs.awsvpc-trunk-id')).toBeUndefined();
    const cluster = (await ecs.send(new DescribeClustersCommand({ clusters: ['ec2'] }))).clusters?.[0];
    expect(cluster?.registeredContainerInstancesCount).toBe(1);
    const events = emulator.ecs.containerInstanceEventsAfter(0).map((logged) => logged.event);
    expect(events[0]).toMatchObject({
      'detail-type': 'ECS Container Instance State Change',
      source: 'aws.ecs',
      resources: [record?.containerInstanceArn],
      detail: { clusterArn: cluster?.clusterArn, ec2InstanceId: instance?.InstanceId, status: 'ACTIVE', version: 1 },
    });
  });

  it('refuses an unknown instance, a missing signature, and a document that does not match the instance', async () => {
    const unknown = JSON.stringify({ instanceId: 'i-0123456789abcdef0', region: 'us-east-1' });
    const error = await errorOf(ecs.send(new RegisterContainerInstanceCommand({ cluster: 'ec2', instanceIdentityDocument: unknown, instanceIdentityDocumentSignature: 's' })));
    expect(error).toBeInstanceOf(InvalidParameterException);
    const unsigned = await errorOf(ecs.send(new RegisterContainerInstanceCommand({ cluster: 'ec2', instanceIdentityDocument: unknown })));
    expect(unsigned).toBeInstanceOf(ClientException);
    const [instance] = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-1', InstanceType: 'c5.large', MinCount: 1, MaxCount: 1 }))).Instances ?? [];
    const forged = JSON.stringify({ instanceId: instance?.InstanceId, region: 'us-east-1', instanceType: 'm5.24xlarge' });
    expect(await errorOf(ecs.send(new RegisterContainerInstanceCommand({ cluster: 'ec2', instanceIdentityDocument: forged, instanceIdentityDocumentSignature: 's' })))).toBeInstanceOf(
      InvalidParameterException,
    );
  });

  it('describes unknown container instances as MISSING failures and lists with paging and a status filter', async () => {
    const launched = await launchContainerInstances(emulator, { cluster: 'ec2', count: 3 });
    const missing = 'arn:aws:ecs:us-east-1:123456789012:container-instance/ec2/0123456789abcdef0123456789abcdef';
    const described = await ecs.send(new DescribeContainerInstancesCommand({ cluster: 'ec2', containerInstances: [launched[0]?.containerInstanceArn ?? '', missing] }));
    expect(described.containerInstances?.map((ci) => ci.ec2InstanceId)).toEqual([launched[0]?.instanceId]);
    expect(described.failures).toEqual([{ arn: missing, reason: 'MISSING' }]);
    const first = await ecs.send(new ListContainerInstancesCommand({ cluster: 'ec2', maxResults: 2 }));
    const second = await ecs.send(new ListContainerInstancesCommand({ cluster: 'ec2', maxResults: 2, nextToken: first.nextToken }));
    expect([...(first.containerInstanceArns ?? []), ...(second.containerInstanceArns ?? [])]).toEqual(launched.map((l) => l.containerInstanceArn));
    expect(second.nextToken).toBeUndefined();
    await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'ec2', containerInstance: launched[0]?.containerInstanceArn }));
    expect((await ecs.send(new ListContainerInstancesCommand({ cluster: 'ec2' }))).containerInstanceArns).toHaveLength(2);
    expect((await ecs.send(new ListContainerInstancesCommand({ cluster: 'ec2', status: 'DRAINING' }))).containerInstanceArns).toEqual([]);
    expect((await describeInstance(launched[0]?.containerInstanceArn ?? ''))?.status).toBe('INACTIVE');
  });
});

describe('placement of EC2 tasks', () => {
  it('refuses RunTask on a cluster without container instances, as ECS does', async () => {
    const error = await errorOf(runTask('bridge'));
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect((error as InvalidParameterException).message).toBe('No Container Instances were found in your cluster.');
  });

  it('places a bridge task on an instance without an ENI attachment, reserves its resources and gives them back when it stops', async () => {
    // prepare
    const [host] = await launchContainerInstances(emulator, { cluster: 'ec2', cpu: 2048, memory: 4096 });
    const arn = host?.containerInstanceArn ?? '';
    // act
    const run = await runTask('bridge');
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning({ client: ecs, maxWaitTime: 10, minDelay: 1 }, { cluster: 'ec2', tasks: [taskArn] });
    const running = (await ecs.send(new DescribeTasksCommand({ cluster: 'ec2', tasks: [taskArn] }))).tasks?.[0];
    const busy = await describeInstance(arn);
    // assess
    expect(run.failures).toEqual([]);
    expect(running).toMatchObject({ containerInstanceArn: arn, launchType: 'EC2', availabilityZone: host?.availabilityZone, attachments: [] });
    expect([integer(busy?.remainingResources, 'CPU'), integer(busy?.remainingResources, 'MEMORY'), busy?.runningTasksCount]).toEqual([1536, 3072, 1]);
    const events = emulator.ecs.eventsAfter(0).filter((logged) => logged.event.resources[0] === taskArn);
    expect(events.every((logged) => logged.event.detail['containerInstanceArn'] === arn)).toBe(true);
    expect((await ecs.send(new ListTasksCommand({ cluster: 'ec2', containerInstance: arn }))).taskArns).toEqual([taskArn]);
    await ecs.send(new StopTaskCommand({ cluster: 'ec2', task: taskArn }));
    await waitUntilTasksStopped({ client: ecs, maxWaitTime: 10, minDelay: 1 }, { cluster: 'ec2', tasks: [taskArn] });
    expect(integer((await describeInstance(arn))?.remainingResources, 'CPU')).toBe(2048);
  });

  it('answers failures RESOURCE:MEMORY and RESOURCE:CPU for tasks that fit on no instance', async () => {
    const [small] = await launchContainerInstances(emulator, { cluster: 'ec2', cpu: 4096, memory: 1500 });
    const run = await runTask('bridge', { count: 3 });
    expect(run.tasks).toHaveLength(1);
    expect(run.failures).toEqual([{ arn: small?.containerInstanceArn, reason: 'RESOURCE:MEMORY' }]);
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'cpu-heavy', containerDefinitions: [{ name: 'app', image: 'nginx', cpu: 8192, memory: 128 }] }));
    const heavy = await runTask('cpu-heavy');
    expect(heavy.tasks).toEqual([]);
    expect(heavy.failures).toEqual([{ arn: small?.containerInstanceArn, reason: 'RESOURCE:CPU' }]);
  });

  it('gives an awsvpc task its own interface ENI attached to the instance, mirrorable on Nitro, not on Xen', async () => {
    const subnetId = [...emulator.network.subnets.keys()][0] ?? '';
    const [nitro] = await launchContainerInstances(emulator, { cluster: 'ec2', subnetId });
    const run = await runTask('vpc', awsvpcIn(subnetId));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning({ client: ecs, maxWaitTime: 10, minDelay: 1 }, { cluster: 'ec2', tasks: [taskArn] });
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'ec2', tasks: [taskArn] }))).tasks?.[0];
    const eniId = detail(task, 'networkInterfaceId');
    expect(task).toMatchObject({ containerInstanceArn: nitro?.containerInstanceArn, attachments: [{ type: 'ElasticNetworkInterface', status: 'ATTACHED' }] });
    const eni = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId ?? ''] }))).NetworkInterfaces?.[0];
    expect(eni).toMatchObject({ InterfaceType: 'interface', SubnetId: subnetId, Attachment: { InstanceId: nitro?.instanceId } });
    expect(eni?.Attachment?.DeviceIndex).toBeGreaterThan(0);
    expect((await mirror(eniId)).TrafficMirrorSession?.NetworkInterfaceId).toBe(eniId);

    await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'ec2', containerInstance: nitro?.containerInstanceArn, force: true }));
    const [xen] = await launchContainerInstances(emulator, { cluster: 'ec2', subnetId, nitro: false });
    const onXen = await runTask('vpc', awsvpcIn(subnetId));
    const xenTask = onXen.tasks?.[0];
    expect(xenTask?.containerInstanceArn).toBe(xen?.containerInstanceArn);
    await waitUntilTasksRunning({ client: ecs, maxWaitTime: 10, minDelay: 1 }, { cluster: 'ec2', tasks: [xenTask?.taskArn ?? ''] });
    const described = (await ecs.send(new DescribeTasksCommand({ cluster: 'ec2', tasks: [xenTask?.taskArn ?? ''] }))).tasks?.[0];
    expect(await errorOf(mirror(detail(described, 'networkInterfaceId')))).toMatchObject({ name: 'NetworkInterfaceNotSupported' });
    expect(await errorOf(mirror(xen?.primaryNetworkInterfaceId))).toMatchObject({ name: 'NetworkInterfaceNotSupported' });
  });

  it('fits as many awsvpc tasks as the instance type has ENIs to spare, and answers RESOURCE:ENI beyond', async () => {
    const subnetId = [...emulator.network.subnets.keys()][0] ?? '';
    // c5.large: 3 network interfaces, the primary among them (ECS Developer Guide, ENI trunking).
    const [host] = await launchContainerInstances(emulator, { cluster: 'ec2', subnetId, instanceType: 'c5.large' });
    const run = await runTask('vpc', { ...awsvpcIn(subnetId), count: 3 });
    expect(run.tasks).toHaveLength(2);
    expect(run.failures).toEqual([{ arn: host?.containerInstanceArn, reason: 'RESOURCE:ENI' }]);
  });

  it('places an EC2 service while its tasks fit and rests there', async () => {
    await launchContainerInstances(emulator, { cluster: 'ec2', count: 2, cpu: 1024, memory: 4096 });
    await ecs.send(new CreateServiceCommand({ cluster: 'ec2', serviceName: 'web', taskDefinition: 'bridge', desiredCount: 5, launchType: 'EC2' }));
    await emulator.ecs.idle();
    const service = (await ecs.send(new DescribeServicesCommand({ cluster: 'ec2', services: ['web'] }))).services?.[0];
    // 2 instances × 1024 CPU units, 512 per task: room for 4 of the 5.
    expect(service?.runningCount ?? (await ecs.send(new ListTasksCommand({ cluster: 'ec2', serviceName: 'web' }))).taskArns?.length).toBe(4);
  });
});

describe('awsvpcTrunking', () => {
  it('gives instances registered after it is enabled a trunk ENI, and their awsvpc tasks branch ENIs that cannot be mirrored', async () => {
    // prepare
    const subnetId = [...emulator.network.subnets.keys()][1] ?? '';
    const [before] = await launchContainerInstances(emulator, { cluster: 'ec2', subnetId });
    // act
    const put = await ecs.send(new PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'enabled' }));
    const [trunked] = await launchContainerInstances(emulator, { cluster: 'ec2', subnetId });
    await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'ec2', containerInstance: before?.containerInstanceArn }));
    const run = await runTask('vpc', awsvpcIn(subnetId));
    const taskArn = run.tasks?.[0]?.taskArn ?? '';
    await waitUntilTasksRunning({ client: ecs, maxWaitTime: 10, minDelay: 1 }, { cluster: 'ec2', tasks: [taskArn] });
    // assess
    expect(put.setting).toMatchObject({ name: 'awsvpcTrunking', value: 'enabled', principalArn: 'arn:aws:iam::123456789012:root' });
    const effective = await ecs.send(new ListAccountSettingsCommand({ name: 'awsvpcTrunking', effectiveSettings: true }));
    expect(effective.settings?.map((s) => s.value)).toEqual(['enabled']);
    expect(attribute(await describeInstance(before?.containerInstanceArn ?? ''), 'ecs.awsvpc-trunk-id')).toBeUndefined();
    const record = await describeInstance(trunked?.containerInstanceArn ?? '');
    const trunkEniId = record?.attachments?.[0]?.details?.find((d) => d.name === 'networkInterfaceId')?.value;
    expect(attribute(record, 'ecs.awsvpc-trunk-id')).toBe(record?.attachments?.[0]?.id);
    const trunk = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [trunkEniId ?? ''] }))).NetworkInterfaces?.[0];
    expect(trunk).toMatchObject({ InterfaceType: 'trunk', Attachment: { InstanceId: trunked?.instanceId } });
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'ec2', tasks: [taskArn] }))).tasks?.[0];
    const branchId = detail(task, 'networkInterfaceId');
    const branch = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [branchId ?? ''] }))).NetworkInterfaces?.[0];
    expect(branch?.InterfaceType).toBe('branch');
    expect(await errorOf(mirror(branchId))).toMatchObject({ name: 'NetworkInterfaceNotSupported' });
    // The trunk goes with the registration (ECS Developer Guide, ENI trunking).
    await ecs.send(new StopTaskCommand({ cluster: 'ec2', task: taskArn }));
    await waitUntilTasksStopped({ client: ecs, maxWaitTime: 10, minDelay: 1 }, { cluster: 'ec2', tasks: [taskArn] });
    await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'ec2', containerInstance: trunked?.containerInstanceArn }));
    expect(await errorOf(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [trunkEniId ?? ''] })))).toMatchObject({ name: 'InvalidNetworkInterfaceID.NotFound' });
  });
});

describe('account settings', () => {
  it('lists only settings that were set, or every effective one with defaults, paged by 10 at most', async () => {
    expect((await ecs.send(new ListAccountSettingsCommand({}))).settings).toEqual([]);
    await ecs.send(new PutAccountSettingDefaultCommand({ name: 'containerInsights', value: 'enabled' }));
    const first = await ecs.send(new ListAccountSettingsCommand({ effectiveSettings: true, maxResults: 10 }));
    const second = await ecs.send(new ListAccountSettingsCommand({ effectiveSettings: true, maxResults: 10, nextToken: first.nextToken }));
    const all = [...(first.settings ?? []), ...(second.settings ?? [])];
    expect(first.settings).toHaveLength(10);
    expect(all.find((setting) => setting.name === 'awsvpcTrunking')?.value).toBe('disabled');
    expect(all.find((setting) => setting.name === 'containerInsights')?.value).toBe('enabled');
    expect(all.find((setting) => setting.name === 'taskLongArnFormat')?.value).toBe('enabled');
    expect(await errorOf(ecs.send(new PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'on' })))).toBeInstanceOf(InvalidParameterException);
    expect(await errorOf(ecs.send(new ListAccountSettingsCommand({ maxResults: 11 })))).toBeInstanceOf(InvalidParameterException);
  });
});

describe('deregistration and termination', () => {
  it('refuses to deregister an instance with running tasks unless forced', async () => {
    const [host] = await launchContainerInstances(emulator, { cluster: 'ec2' });
    await runTask('bridge');
    const refused = await errorOf(ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'ec2', containerInstance: host?.containerInstanceArn })));
    expect(refused).toBeInstanceOf(InvalidParameterException);
    const forced = await ecs.send(new DeregisterContainerInstanceCommand({ cluster: 'ec2', containerInstance: host?.containerInstanceArn, force: true }));
    expect(forced.containerInstance).toMatchObject({ status: 'INACTIVE', agentConnected: false });
    expect(await errorOf(runTask('bridge'))).toBeInstanceOf(InvalidParameterException);
  });

  it('deregisters the container instance of a terminated EC2 instance, stops its tasks and drops the sessions on its ENI', async () => {
    const [host] = await launchContainerInstances(emulator, { cluster: 'ec2' });
    const taskArn = (await runTask('bridge')).tasks?.[0]?.taskArn ?? '';
    await mirror(host?.primaryNetworkInterfaceId);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [host?.instanceId ?? ''] }));
    await waitUntilTasksStopped({ client: ecs, maxWaitTime: 10, minDelay: 1 }, { cluster: 'ec2', tasks: [taskArn] });
    const stopped = (await ecs.send(new DescribeTasksCommand({ cluster: 'ec2', tasks: [taskArn] }))).tasks?.[0];
    expect(stopped?.stoppedReason).toBe(`Host EC2 (instance ${host?.instanceId}) terminated.`);
    expect((await describeInstance(host?.containerInstanceArn ?? ''))?.status).toBe('INACTIVE');
    const sessions = await ec2.send(new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'network-interface-id', Values: [host?.primaryNetworkInterfaceId ?? ''] }] }));
    expect(sessions.TrafficMirrorSessions).toEqual([]);
    const last = emulator.ecs.containerInstanceEventsAfter(0).at(-1)?.event;
    expect(last?.detail).toMatchObject({ status: 'INACTIVE', containerInstanceArn: host?.containerInstanceArn });
    const served = (await (await fetch(`${emulator.url}/_emulator/container-instance-events?after=0`)).json()) as { events: { event: { detail: { status: string } } }[] };
    expect(served.events.map((logged) => logged.event.detail.status).at(-1)).toBe('INACTIVE');
  });
});
