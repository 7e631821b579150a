import { CreateServiceCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { launchContainerInstances, type LaunchCapacityOptions, type LaunchedContainerInstance } from '../emulator/capacity.js';
import type { GroundTruth } from '../emulator/ground-truth.js';
import type { RunningEmulator } from '../emulator/index.js';
import { createCluster, type EmulatorClients } from './world.js';

/** The demo's cluster on EC2 capacity: one task of each door the product knows on an instance. */
export interface DemoEc2Capacity {
  readonly clusterArn: string;
  readonly clusterName: string;
  /** No trunk ENI: its awsvpc tasks get ENIs of type `interface`, and its bridge tasks share its primary ENI. */
  readonly plain: LaunchedContainerInstance;
  /** Registered after awsvpcTrunking was enabled: its awsvpc task gets a branch ENI. */
  readonly trunked: LaunchedContainerInstance;
  readonly awsvpcTasks: number;
  readonly bridgeTasks: number;
  readonly trunkedTasks: number;
}

export const EC2_CLUSTER = 'orders';
const AWSVPC_TASKS = 2;
const BRIDGE_TASKS = 3;
const AWSVPC_TASK = { cpu: 256, memory: 512 };

/**
 * Where each task lands is decided by the instances' sizes, not by luck. A c5.large has three
 * network interfaces, the primary one included, so it runs two awsvpc tasks (ECS Developer Guide,
 * "Increasing Amazon ECS Linux container instance network interfaces"): with them it is full, and
 * the third awsvpc task can only go to the second instance. That page also says the trunk comes
 * only to container instances launched after awsvpcTrunking is turned on, hence the order below.
 * The second instance has room for exactly one awsvpc task, and the emulator places a task on the
 * fitting instance with the most CPU left (its own *inferred* stand-in for ECS's placement
 * strategies), so the bridge service stays on the first.
 */
export async function startEc2Capacity(emulator: RunningEmulator, clients: EmulatorClients, subnets: readonly string[]): Promise<DemoEc2Capacity> {
  const clusterArn = await createCluster(clients, EC2_CLUSTER);
  // As for Fargate hosts, the profile's random share of Xen launches is off: every seed then
  // shows the same doors, and the host that cannot mirror stays the one Fargate task's.
  emulator.setFaults({ nonNitroInstanceRate: 0 });
  const [plain] = await launchUnthrottled(emulator, { cluster: EC2_CLUSTER, nitro: true, trunking: false, subnetId: subnets[0] ?? '' });
  const awsvpc = await registerTaskDefinition(clients, 'orders-api', 'awsvpc');
  const bridge = await registerTaskDefinition(clients, 'orders-worker', 'bridge');
  await clients.ecs.send(
    new RunTaskCommand({ cluster: clusterArn, taskDefinition: awsvpc, count: AWSVPC_TASKS, launchType: 'EC2', networkConfiguration: { awsvpcConfiguration: { subnets: [...subnets] } } }),
  );
  await clients.ecs.send(new CreateServiceCommand({ cluster: clusterArn, serviceName: 'orders-worker', taskDefinition: bridge, desiredCount: BRIDGE_TASKS, launchType: 'EC2' }));
  const [trunked] = await launchUnthrottled(emulator, {
    cluster: EC2_CLUSTER,
    nitro: true,
    trunking: true,
    subnetId: subnets[0] ?? '',
    cpu: AWSVPC_TASK.cpu,
    memory: AWSVPC_TASK.memory,
  });
  await clients.ecs.send(
    new RunTaskCommand({ cluster: clusterArn, taskDefinition: awsvpc, count: 1, launchType: 'EC2', networkConfiguration: { awsvpcConfiguration: { subnets: [...subnets] } } }),
  );
  if (!plain || !trunked) throw new Error('the emulator launched no container instance');
  return { clusterArn, clusterName: EC2_CLUSTER, plain, trunked, awsvpcTasks: AWSVPC_TASKS, bridgeTasks: BRIDGE_TASKS, trunkedTasks: 1 };
}

/**
 * launchContainerInstances calls the emulator in-process, with no SDK to retry a
 * ThrottlingException (the hostile profile throttles a share of ECS calls), whereas the ECS
 * agent retries its registration until it succeeds: throttling is held off while it runs.
 */
async function launchUnthrottled(emulator: RunningEmulator, options: LaunchCapacityOptions): Promise<LaunchedContainerInstance[]> {
  const { ecsThrottleRate } = emulator.faults();
  emulator.setFaults({ ecsThrottleRate: 0 });
  try {
    return await launchContainerInstances(emulator, options);
  } finally {
    emulator.setFaults({ ecsThrottleRate });
  }
}

export const ec2CapacityTasks = (capacity: DemoEc2Capacity): number => capacity.awsvpcTasks + capacity.bridgeTasks + capacity.trunkedTasks;

async function registerTaskDefinition(clients: EmulatorClients, family: string, networkMode: 'awsvpc' | 'bridge'): Promise<string> {
  const output = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      networkMode,
      requiresCompatibilities: ['EC2'],
      // Task-level sizes for awsvpc; bridge containers carry their own, as EC2 task definitions may.
      ...(networkMode === 'awsvpc' ? { cpu: String(AWSVPC_TASK.cpu), memory: String(AWSVPC_TASK.memory) } : {}),
      containerDefinitions: [
        { name: family, image: 'public.ecr.aws/nginx/nginx:stable', essential: true, ...(networkMode === 'bridge' ? { cpu: 128, memory: 256 } : {}) },
      ],
    }),
  );
  return output.taskDefinition?.taskDefinitionArn ?? family;
}

/** What the EC2 cluster shows, read from the emulator's own state like the ground truth. */
export interface Ec2Doors {
  /** The cluster's live task ENIs of type `interface` (awsvpc tasks without trunking), and those with a session. */
  readonly taskEnis: number;
  readonly taskEnisMirrored: number;
  /** Sessions to the target on the container instances' primary ENIs. */
  readonly instanceSessions: number;
  /** Running tasks without an ENI of their own (bridge/host) on an instance that has such a session. */
  readonly coveredBridgeTasks: number;
  /** Live task ENIs of type `branch` (behind a trunk ENI): mirroring sources must be `interface`. */
  readonly branchEnis: number;
  /** Branch ENIs with a session: must stay 0. */
  readonly branchSessions: number;
}

type Json = Record<string, unknown>;

export function ec2Doors(emulator: RunningEmulator, targetId: string, truth: GroundTruth, capacity: DemoEc2Capacity): Ec2Doors {
  const instances = [capacity.plain, capacity.trunked];
  const sessionsOn = (eni: string) =>
    emulator.ec2.describeSessions({
      filters: [
        { name: 'traffic-mirror-target-id', values: [targetId] },
        { name: 'network-interface-id', values: [eni] },
      ],
      maxResults: 1000,
    }).items.length;
  const mirroredInstances = new Set(instances.filter((i) => sessionsOn(i.primaryNetworkInterfaceId) > 0).map((i) => i.containerInstanceArn));
  let instanceSessions = 0;
  for (const instance of instances) instanceSessions += sessionsOn(instance.primaryNetworkInterfaceId);
  const coveredBridgeTasks = (emulator.ecs.tasksWantedRunning() as Json[]).filter(
    (task) =>
      task.lastStatus === 'RUNNING' &&
      typeof task.containerInstanceArn === 'string' &&
      mirroredInstances.has(task.containerInstanceArn) &&
      ((task.attachments ?? []) as Json[]).length === 0,
  ).length;
  const typeOf = (eni: string) => emulator.network.enis.get(eni)?.interfaceType;
  const branch = truth.enis.filter((e) => typeOf(e.networkInterfaceId) === 'branch');
  const own = truth.enis.filter((e) => e.cluster === capacity.clusterName && typeOf(e.networkInterfaceId) === 'interface');
  return {
    taskEnis: own.length,
    taskEnisMirrored: own.filter((e) => e.sessionsToTarget > 0).length,
    instanceSessions,
    coveredBridgeTasks,
    branchEnis: branch.length,
    branchSessions: branch.reduce((sum, e) => sum + e.sessionsToTarget, 0),
  };
}
