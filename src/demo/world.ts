import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { CreateTrafficMirrorFilterCommand, CreateTrafficMirrorTargetCommand, EC2Client } from '@aws-sdk/client-ec2';

export interface EmulatorClients {
  readonly ec2: EC2Client;
  readonly ecs: ECSClient;
}

export function emulatorClients(url: string, region: string, maxAttempts = 3): EmulatorClients {
  const config = { endpoint: url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts };
  return { ec2: new EC2Client(config), ecs: new ECSClient(config) };
}

/** An IDS behind an NLB and an accept-everything filter, as a user would create them. */
export async function createMirrorTargetAndFilter(clients: EmulatorClients, nlbArn: string): Promise<{ targetId: string; filterId: string }> {
  const target = await clients.ec2.send(new CreateTrafficMirrorTargetCommand({ NetworkLoadBalancerArn: nlbArn, Description: 'Suricata behind an NLB' }));
  const filter = await clients.ec2.send(new CreateTrafficMirrorFilterCommand({ Description: 'all TCP and UDP' }));
  const targetId = target.TrafficMirrorTarget?.TrafficMirrorTargetId;
  const filterId = filter.TrafficMirrorFilter?.TrafficMirrorFilterId;
  if (!targetId || !filterId) throw new Error('the emulator did not return a target and a filter');
  return { targetId, filterId };
}

export async function createCluster(clients: EmulatorClients, name: string): Promise<string> {
  const output = await clients.ecs.send(new CreateClusterCommand({ clusterName: name }));
  return output.cluster?.clusterArn ?? name;
}

export async function registerFargateTaskDefinition(clients: EmulatorClients, family: string, image: string): Promise<string> {
  const output = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: family, image, essential: true }],
    }),
  );
  return output.taskDefinition?.taskDefinitionArn ?? family;
}

export async function createFargateService(clients: EmulatorClients, cluster: string, name: string, taskDefinition: string, desiredCount: number, subnets: string[]): Promise<void> {
  await clients.ecs.send(
    new CreateServiceCommand({
      cluster,
      serviceName: name,
      taskDefinition,
      desiredCount,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets, assignPublicIp: 'DISABLED' } },
    }),
  );
}

export async function runFargateTasks(clients: EmulatorClients, cluster: string, taskDefinition: string, count: number, subnets: string[]): Promise<string[]> {
  return runTasksTenAtATime(clients, { cluster, taskDefinition, launchType: 'FARGATE', awsvpcSubnets: subnets }, count);
}

export interface RunTasksInput {
  readonly cluster: string;
  readonly taskDefinition: string;
  readonly launchType: 'FARGATE' | 'EC2';
  /** The awsvpc subnets; none for bridge and host tasks. */
  readonly awsvpcSubnets?: readonly string[] | undefined;
  /** Fail when ECS places fewer tasks than asked, with its reasons. */
  readonly requirePlaced?: boolean;
}

/** `count` tasks of one definition, 10 per RunTask (its most per call, ECS API reference). */
export async function runTasksTenAtATime(clients: EmulatorClients, input: RunTasksInput, count: number): Promise<string[]> {
  const arns: string[] = [];
  for (let left = count; left > 0; left -= 10) {
    const asked = Math.min(10, left);
    const output = await clients.ecs.send(
      new RunTaskCommand({
        cluster: input.cluster,
        taskDefinition: input.taskDefinition,
        count: asked,
        launchType: input.launchType,
        ...(input.awsvpcSubnets ? { networkConfiguration: { awsvpcConfiguration: { subnets: [...input.awsvpcSubnets], assignPublicIp: 'DISABLED' } } } : {}),
      }),
    );
    const failures = output.failures ?? [];
    if (input.requirePlaced && failures.length > 0) throw new Error(`RunTask placed ${output.tasks?.length ?? 0} of ${asked}: ${failures.map((f) => f.reason).join(', ')}`);
    arns.push(...(output.tasks ?? []).flatMap((t) => (t.taskArn ? [t.taskArn] : [])));
  }
  return arns;
}
