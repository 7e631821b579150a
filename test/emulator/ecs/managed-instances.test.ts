import { afterEach, describe, expect, it } from 'vitest';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { awsvpc, createHarness, field, list, registerFargateWeb, type Harness } from './harness.js';

let harness: Harness;

afterEach(() => {
  expect(harness.ecs.backgroundErrors()).toEqual([]);
  harness.ecs.close();
});

async function withProvider(instanceTypes: string[] = []): Promise<Harness> {
  harness = createHarness();
  await harness.call('CreateCluster', { clusterName: 'demo' });
  await registerFargateWeb(harness);
  await harness.call('RegisterTaskDefinition', { family: 'hostnet', networkMode: 'host', containerDefinitions: [{ name: 'job', image: 'busybox', memory: 128 }] });
  await harness.call('CreateCapacityProvider', {
    name: 'mi',
    cluster: 'demo',
    managedInstancesProvider: {
      infrastructureRoleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole',
      instanceLaunchTemplate: {
        ec2InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole',
        networkConfiguration: { subnets: [harness.subnetIds[0]] },
        ...(instanceTypes.length > 0 ? { instanceRequirements: { vCpuCount: { min: 1 }, memoryMiB: { min: 1024 }, allowedInstanceTypes: instanceTypes } } : {}),
      },
    },
  });
  return harness;
}

const strategy = { capacityProviderStrategy: [{ capacityProvider: 'mi', weight: 1 }] };

async function runOnProvider(h: Harness, taskDefinition: string): Promise<Record<string, unknown>> {
  const network = taskDefinition === 'web' ? { networkConfiguration: awsvpc([h.subnetIds[0] ?? '']) } : {};
  const [task] = list<Record<string, unknown>>(await h.call('RunTask', { cluster: 'demo', taskDefinition, ...strategy, ...network }), 'tasks');
  return task ?? {};
}

describe('Managed Instances capacity providers', () => {
  it('describes a created provider as type MANAGED_INSTANCES in its cluster', async () => {
    const h = await withProvider();
    const [provider] = list<Record<string, unknown>>(await h.call('DescribeCapacityProviders', { capacityProviders: ['mi', 'other'] }), 'capacityProviders');
    expect(provider).toMatchObject({ name: 'mi', cluster: 'demo', type: 'MANAGED_INSTANCES', status: 'ACTIVE' });
    expect(field<string>(provider, 'capacityProviderArn')).toBe('arn:aws:ecs:us-east-1:123456789012:capacity-provider/mi');
    expect((await h.call('DescribeCapacityProviders', { capacityProviders: ['other'] }))['failures']).toEqual([
      { arn: 'other', reason: 'MISSING' },
    ]);
  });

  it('refuses reserved names, a missing launch template and a missing cluster', async () => {
    const h = await withProvider();
    const template = { infrastructureRoleArn: 'arn:aws:iam::123456789012:role/r' };
    expect(await h.callError('CreateCapacityProvider', { name: 'fargate-mine', cluster: 'demo', managedInstancesProvider: template })).toMatchObject({
      code: 'InvalidParameterException',
    });
    expect((await h.callError('CreateCapacityProvider', { name: 'mine', cluster: 'demo', managedInstancesProvider: template })).message).toMatch(
      /instanceLaunchTemplate is required/,
    );
    expect((await h.callError('CreateCapacityProvider', { name: 'mine', managedInstancesProvider: template })).message).toMatch(/cluster is required/);
  });
});

describe('RunTask on Managed Instances', () => {
  it('refuses launchType MANAGED_INSTANCES, and a strategy together with a launch type', async () => {
    const h = await withProvider();
    const base = { cluster: 'demo', taskDefinition: 'web', networkConfiguration: awsvpc([h.subnetIds[0] ?? '']) };
    expect((await h.callError('RunTask', { ...base, launchType: 'MANAGED_INSTANCES' })).message).toMatch(/capacityProviderStrategy/);
    expect((await h.callError('RunTask', { ...base, launchType: 'EC2', ...strategy })).code).toBe('InvalidParameterException');
    expect((await h.callError('RunTask', { ...base, capacityProviderStrategy: [{ capacityProvider: 'nope' }] })).message).toMatch(/not associated with the cluster/);
  });

  it('launches a trunked instance whose primary ENI is the trunk; the awsvpc task gets a branch ENI', async () => {
    const h = await withProvider();
    const task = await runOnProvider(h, 'web');
    expect(task).toMatchObject({ launchType: 'MANAGED_INSTANCES', capacityProviderName: 'mi' });
    const containerInstanceArn = field<string>(task, 'containerInstanceArn');
    expect(containerInstanceArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:container-instance\/demo\/[0-9a-f]{32}$/);
    const [instance] = list<Record<string, unknown>>(await h.call('DescribeContainerInstances', { cluster: 'demo', containerInstances: [containerInstanceArn] }), 'containerInstances');
    expect(instance).toMatchObject({ capacityProviderName: 'mi', status: 'ACTIVE' });
    const ec2 = h.context.instances.instances.get(field<string>(instance, 'ec2InstanceId'));
    expect(ec2?.instanceType).toBe('m5.large');
    expect(ec2 && h.context.instances.primaryEniOf(ec2)?.interfaceType).toBe('trunk');

    await h.ecs.waitForTaskStatus(field<string>(task, 'taskArn'), 'RUNNING');
    const running = parseTaskStateChangeEvent(h.eventsOf(field<string>(task, 'taskArn')).at(-1));
    expect(running).toMatchObject({ launchType: 'MANAGED_INSTANCES', containerInstanceArn });
    const eni = h.network.enis.get(running.enis[0]?.networkInterfaceId ?? '');
    expect(eni?.interfaceType).toBe('branch');
  });

  it('on a type without trunking, attaches the task ENI (type interface) to the instance, and reuses the instance', async () => {
    const h = await withProvider(['t3.medium']);
    const first = await runOnProvider(h, 'web');
    const second = await runOnProvider(h, 'web');
    expect(field(second, 'containerInstanceArn')).toBe(field(first, 'containerInstanceArn'));
    await h.ecs.waitForTaskStatus(field<string>(first, 'taskArn'), 'RUNNING');
    const [attached] = parseTaskStateChangeEvent(h.eventsOf(field<string>(first, 'taskArn')).at(-1)).enis;
    const eni = h.network.enis.get(attached?.networkInterfaceId ?? '');
    expect(eni?.interfaceType ?? 'interface').toBe('interface');
    expect(h.context.instances.attachmentOf(eni?.networkInterfaceId ?? '')?.instance.instanceType).toBe('t3.medium');
  });

  it('runs host-mode tasks on the instance, with no ENI of their own', async () => {
    const h = await withProvider();
    const task = await runOnProvider(h, 'hostnet');
    expect(task).toMatchObject({ launchType: 'MANAGED_INSTANCES', attachments: [] });
    expect(field<string>(task, 'containerInstanceArn')).toMatch(/container-instance\/demo\//);
  });

  it('leaves EC2 placement alone: a Managed Instance does not count as EC2 capacity', async () => {
    const h = await withProvider();
    await runOnProvider(h, 'hostnet');
    expect((await h.callError('RunTask', { cluster: 'demo', taskDefinition: 'hostnet', launchType: 'EC2' })).message).toBe('No Container Instances were found in your cluster.');
  });
});
