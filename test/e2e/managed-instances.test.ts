import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreateCapacityProviderCommand,
  CreateClusterCommand,
  DescribeTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  waitUntilTasksRunning,
} from '@aws-sdk/client-ecs';
import { z } from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleTaskEvents } from '../../src/app/handle-task-events.js';
import { BRANCH_ENI_REASON } from '../../src/core/door.js';
import { hasBoto3 } from '../emulator/helpers.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startWorld, type World } from './support/world.js';

/**
 * Issue 13, ECS Managed Instances, through the emulator over HTTP with the real SDK: a capacity
 * provider of type MANAGED_INSTANCES, tasks run by capacity provider strategy on instances ECS
 * launches itself, and the emulator's own task events through the real handler.
 */
let world: World;
let proxy: FaultProxy | undefined;
const CLUSTER = 'mi';
const run = promisify(execFile);

beforeEach(async () => {
  world = await startWorld();
  await world.clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await world.clients.ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'vpc', networkMode: 'awsvpc', cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'nginx' }] }),
  );
  await world.clients.ecs.send(
    new RegisterTaskDefinitionCommand({ family: 'hostnet', networkMode: 'host', containerDefinitions: [{ name: 'app', image: 'nginx', cpu: 128, memory: 256 }] }),
  );
});

afterEach(async () => {
  expect(world.emulator.ecs.backgroundErrors()).toEqual([]);
  await proxy?.close();
  proxy = undefined;
  await world.close();
});

/** A Managed Instances provider; `instanceType` pins the type ECS launches (else one with trunking). */
async function createProvider(name: string, instanceType?: string): Promise<void> {
  await world.clients.ecs.send(
    new CreateCapacityProviderCommand({
      name,
      cluster: CLUSTER,
      managedInstancesProvider: {
        infrastructureRoleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole',
        instanceLaunchTemplate: {
          ec2InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole',
          networkConfiguration: { subnets: [world.subnets[0] ?? ''] },
          ...(instanceType ? { instanceRequirements: { vCpuCount: { min: 1 }, memoryMiB: { min: 1024 }, allowedInstanceTypes: [instanceType] } } : {}),
        },
      },
    }),
  );
}

async function runOn(provider: string, family: 'vpc' | 'hostnet'): Promise<string> {
  const started = await world.clients.ecs.send(
    new RunTaskCommand({
      cluster: CLUSTER,
      taskDefinition: family,
      capacityProviderStrategy: [{ capacityProvider: provider, weight: 1 }],
      ...(family === 'vpc' ? { networkConfiguration: { awsvpcConfiguration: { subnets: [world.subnets[0] ?? ''] } } } : {}),
    }),
  );
  const taskArn = started.tasks?.[0]?.taskArn ?? '';
  await waitUntilTasksRunning({ client: world.clients.ecs, maxWaitTime: 20, minDelay: 1 }, { cluster: CLUSTER, tasks: [taskArn] });
  return taskArn;
}

const creates = (): number => world.emulator.stats().ec2.requests['CreateTrafficMirrorSession'] ?? 0;

describe('ECS Managed Instances', () => {
  it('describes the task as AWS models it: launch type, capacity provider and container instance', async () => {
    await createProvider('plain', 't3.medium');
    const taskArn = await runOn('plain', 'vpc');
    const [task] = (await world.clients.ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [taskArn] }))).tasks ?? [];
    expect(task).toMatchObject({ launchType: 'MANAGED_INSTANCES', capacityProviderName: 'plain' });
    expect(task?.containerInstanceArn).toMatch(/:container-instance\/mi\//);
  });

  it('mirrors an awsvpc task on its own ENI where the instance type has no trunking', async () => {
    await createProvider('plain', 't3.medium');
    const taskArn = await runOn('plain', 'vpc');

    const [result] = await handleTaskEvents([world.eventOf(taskArn, 'RUNNING')], world.deps());

    expect(result?.failure).toBeUndefined();
    const [eni] = result?.enis ?? [];
    expect(eni).toMatchObject({ outcome: 'created' });
    expect(world.emulator.ec2.describeSessions({ maxResults: 1000 }).items.map((s) => s.networkInterfaceId)).toEqual([eni?.networkInterfaceId]);
  });

  it('reports an awsvpc task on a trunked instance (a branch ENI) without any create', async () => {
    await createProvider('trunked');
    const taskArn = await runOn('trunked', 'vpc');

    const [result] = await handleTaskEvents([world.eventOf(taskArn, 'RUNNING')], world.deps());

    expect(result?.enis[0]).toMatchObject({ outcome: 'unsupported', reason: BRANCH_ENI_REASON });
    expect(creates()).toBe(0);
  });

  it('reports a host-mode task on a trunked instance: its door, the primary ENI, is the trunk', async () => {
    await createProvider('trunked');
    const taskArn = await runOn('trunked', 'hostnet');

    const [result] = await handleTaskEvents([world.eventOf(taskArn, 'RUNNING')], world.deps());

    expect(result?.failure).toBeUndefined();
    expect(result?.enis[0]).toMatchObject({ outcome: 'unsupported' });
    expect(world.emulator.ec2.describeSessions({ maxResults: 1000 }).items).toEqual([]);
  });

  it('fails only the event whose door could not be read, and mirrors the rest of the batch', async () => {
    await createProvider('plain', 't3.medium');
    const managed = await runOn('plain', 'vpc');
    const fargate = await world.runningTask();
    proxy = await startFaultProxy(world.emulator.url);
    proxy.setRules([{ operation: 'ec2:DescribeNetworkInterfaces', fault: { kind: 'status', status: 503, body: '<html>Service Unavailable</html>' } }]);

    const results = await handleTaskEvents([world.eventOf(fargate, 'RUNNING'), world.eventOf(managed, 'RUNNING')], world.depsVia(proxy.endpoint));

    expect(results[0]?.failure).toBeUndefined();
    expect(results[0]?.enis[0]).toMatchObject({ outcome: 'created' });
    expect(results[1]?.failure?.outcome).toBe('retry');
    expect(results[1]?.enis[0]).toMatchObject({ outcome: 'failed' });
    expect(proxy.applied()[0]).toBeGreaterThan(0);
  });
});

const BOTO3_SCRIPT = `
import json, os, boto3
ecs = boto3.client('ecs', endpoint_url=os.environ['EMULATOR_URL'], region_name='us-east-1',
                   aws_access_key_id='test', aws_secret_access_key='test')
ecs.create_capacity_provider(name='py', cluster='mi', managedInstancesProvider={
    'infrastructureRoleArn': 'arn:aws:iam::123456789012:role/ecsInfrastructureRole',
    'instanceLaunchTemplate': {'ec2InstanceProfileArn': 'arn:aws:iam::123456789012:instance-profile/ecsInstanceRole',
                               'networkConfiguration': {'subnets': [os.environ['SUBNET_ID']]}}})
provider = ecs.describe_capacity_providers(capacityProviders=['py'])['capacityProviders'][0]
task = ecs.run_task(cluster='mi', taskDefinition='hostnet', capacityProviderStrategy=[{'capacityProvider': 'py'}])['tasks'][0]
print(json.dumps({'type': provider['type'], 'launchType': task['launchType'], 'capacityProviderName': task['capacityProviderName']}))
`;

describe.skipIf(!hasBoto3())('boto3 with Managed Instances', () => {
  it('creates a provider and runs a task on it with the installed botocore model', async () => {
    const { stdout } = await run('python3', ['-c', BOTO3_SCRIPT], {
      env: { ...process.env, EMULATOR_URL: world.emulator.url, SUBNET_ID: world.subnets[0] ?? '', AWS_MAX_ATTEMPTS: '1' },
      timeout: 60_000,
    });
    const out = z.object({ type: z.string(), launchType: z.string(), capacityProviderName: z.string() }).parse(JSON.parse(stdout));
    expect(out).toEqual({ type: 'MANAGED_INSTANCES', launchType: 'MANAGED_INSTANCES', capacityProviderName: 'py' });
  });
});
