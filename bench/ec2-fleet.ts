/**
 * The burst on EC2 capacity: how many container instances N tasks need, and launching them and
 * the tasks through the same actions a user's tooling calls (RunInstances and
 * RegisterContainerInstance in-process, RunTask with launchType EC2 over HTTP).
 */
import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { launchContainerInstances, type LaunchedContainerInstance } from '../src/emulator/capacity.js';
import type { RunningEmulator } from '../src/emulator/index.js';
import { defaultResourcesOf, eniLimitsOf } from '../src/emulator/instances.js';
import { runTasksTenAtATime, type EmulatorClients } from '../src/demo/world.js';

export const CAPACITIES = ['fargate', 'ec2'] as const;
export type CapacityName = (typeof CAPACITIES)[number];

/**
 * Nitro types whose ENI limit the emulator's table states (src/emulator/instances.ts, from the
 * ECS and EC2 guides); Xen types are left out: none of their ENIs can be a mirroring source.
 */
export const FLEET_INSTANCE_TYPES = ['m5.xlarge', 'c5.xlarge', 'm5.large', 'c5.large', 'm6i.large', 't3.medium'] as const;
export type FleetInstanceType = (typeof FLEET_INSTANCE_TYPES)[number];
/** 3 task ENIs per instance: 100 instances for N = 300. */
export const DEFAULT_INSTANCE_TYPE: FleetInstanceType = 'm5.xlarge';

/** Every burst task asks for this much, awsvpc or bridge (the Fargate burst's task size). */
export const BURST_TASK_SIZE = { cpu: 256, memory: 512 } as const;

export interface InstanceCapacity {
  /** Network interfaces the type can attach, the primary one included. */
  readonly interfaces: number;
  /** ECS CPU units (1,024 per vCPU) and MiB. */
  readonly cpu: number;
  readonly memory: number;
}

export interface FleetPlan {
  readonly instanceType: string;
  readonly instances: number;
  readonly awsvpcTasks: number;
  readonly bridgeTasks: number;
  /** Task ENIs one instance can attach without trunking: its limit less the primary ENI. */
  readonly taskEnisPerInstance: number;
}

export interface FleetRequest {
  readonly tasks: number;
  /** Share of the tasks in bridge network mode, 0..1 (rounded to whole tasks). */
  readonly bridgeShare: number;
  readonly instanceType: string;
  readonly capacity: InstanceCapacity;
  readonly taskSize?: { readonly cpu: number; readonly memory: number };
}

/**
 * The fewest instances on which every task fits. Without trunking each awsvpc task takes one of
 * the instance's network interfaces and the primary one is the instance's own (ECS Developer
 * Guide, "Increasing Amazon ECS Linux container instance network interfaces": "a c5.large
 * instance may have up to three ENIs attached to it. The primary network interface for the
 * instance counts as one … you can typically only run two such tasks"); bridge tasks need only
 * CPU and memory, which every task needs.
 */
export function planFleet(request: FleetRequest): FleetPlan {
  const size = request.taskSize ?? BURST_TASK_SIZE;
  const bridgeTasks = Math.round(request.tasks * request.bridgeShare);
  const awsvpcTasks = request.tasks - bridgeTasks;
  const taskEnisPerInstance = request.capacity.interfaces - 1;
  if (awsvpcTasks > 0 && taskEnisPerInstance < 1) throw new Error(`${request.instanceType} has no network interface left for an awsvpc task`);
  const tasksPerInstance = Math.min(Math.floor(request.capacity.cpu / size.cpu), Math.floor(request.capacity.memory / size.memory));
  if (tasksPerInstance < 1) throw new Error(`${request.instanceType} cannot hold one task of ${size.cpu} CPU units and ${size.memory} MiB`);
  const instances = Math.max(awsvpcTasks > 0 ? Math.ceil(awsvpcTasks / taskEnisPerInstance) : 0, Math.ceil(request.tasks / tasksPerInstance));
  return { instanceType: request.instanceType, instances, awsvpcTasks, bridgeTasks, taskEnisPerInstance };
}

/** The emulator's figures for the type (its agent registers the type's full CPU and memory). */
export function instanceCapacityOf(instanceType: string): InstanceCapacity {
  return { interfaces: eniLimitsOf(instanceType).interfaces, ...defaultResourcesOf(instanceType) };
}

/** Registers the fleet on the cluster (trunking off: branch ENIs cannot be mirroring sources). */
export async function launchFleet(emulator: RunningEmulator, cluster: string, plan: FleetPlan): Promise<LaunchedContainerInstance[]> {
  return launchContainerInstances(emulator, { cluster, count: plan.instances, instanceType: plan.instanceType, trunking: false });
}

export async function registerEc2TaskDefinitions(clients: EmulatorClients, family: string, image: string): Promise<{ awsvpc: string; bridge: string }> {
  const register = async (networkMode: 'awsvpc' | 'bridge', name: string) => {
    const output = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: name,
        networkMode,
        requiresCompatibilities: ['EC2'],
        cpu: String(BURST_TASK_SIZE.cpu),
        memory: String(BURST_TASK_SIZE.memory),
        containerDefinitions: [{ name, image, essential: true }],
      }),
    );
    return output.taskDefinition?.taskDefinitionArn ?? name;
  };
  return { awsvpc: await register('awsvpc', family), bridge: await register('bridge', `${family}-bridge`) };
}

/** `count` tasks of one definition, 10 per RunTask; a task that fits nowhere fails with ECS's reasons. */
export async function runEc2TaskBatch(clients: EmulatorClients, cluster: string, taskDefinition: string, count: number, awsvpcSubnets: string[] | undefined): Promise<string[]> {
  return runTasksTenAtATime(clients, { cluster, taskDefinition, launchType: 'EC2', awsvpcSubnets, requirePlaced: true }, count);
}

/**
 * The awsvpc tasks first, then the bridge ones: the bridge tasks then cannot take the CPU an
 * awsvpc task needs on an instance with a free ENI. A task that fits nowhere is a sizing error of
 * the bench, so it fails the run.
 */
export async function runEc2Tasks(clients: EmulatorClients, cluster: string, definitions: { awsvpc: string; bridge: string }, plan: FleetPlan, subnets: string[]): Promise<string[]> {
  const awsvpc = await runEc2TaskBatch(clients, cluster, definitions.awsvpc, plan.awsvpcTasks, subnets);
  const bridge = await runEc2TaskBatch(clients, cluster, definitions.bridge, plan.bridgeTasks, undefined);
  return [...awsvpc, ...bridge];
}
