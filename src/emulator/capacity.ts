import { isNitroInstanceType } from './instances.js';
import type { RunningEmulator } from './index.js';

/**
 * EC2 capacity for a cluster, created the way it is on AWS and through the same actions any
 * client would call: RunInstances, then RegisterContainerInstance with the instance identity
 * document the ECS agent reads from IMDS. For tests, demos and benchmarks.
 */
export interface LaunchCapacityOptions {
  readonly cluster: string;
  /** Default 1. */
  readonly count?: number;
  /** Default `c5.large` (Nitro), or `m4.large` (Xen) when `nitro` is false. */
  readonly instanceType?: string;
  /** Subnet of every instance; default: the instances are spread over the default VPC's subnets. */
  readonly subnetId?: string;
  /**
   * Sets the account's awsvpcTrunking (PutAccountSetting) before registering: true gives Nitro
   * instances a trunk ENI, so their awsvpc tasks get branch ENIs. Account-wide and lasting, as on
   * AWS. Default: the setting is left as it is.
   */
  readonly trunking?: boolean;
  /** false: a Xen instance type, whose ENIs cannot be mirroring sources. */
  readonly nitro?: boolean;
  /** The agent's totalResources; default: the instance type's vCPUs × 1024 and memory. */
  readonly cpu?: number;
  readonly memory?: number;
}

export interface LaunchedContainerInstance {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly primaryNetworkInterfaceId: string;
  readonly containerInstanceArn: string;
}

const XEN_DEFAULT = 'm4.large';
const NITRO_DEFAULT = 'c5.large';
/** inferred: any AMI id will do; the ECS-optimized AMI's is not modelled. */
const ECS_OPTIMIZED_AMI = 'ami-0ec2ec5ec2ec5ec20';

export async function launchContainerInstances(emulator: RunningEmulator, options: LaunchCapacityOptions): Promise<LaunchedContainerInstance[]> {
  const instanceType = options.instanceType ?? (options.nitro === false ? XEN_DEFAULT : NITRO_DEFAULT);
  if (options.nitro !== undefined && isNitroInstanceType(instanceType) !== options.nitro) {
    throw new Error(`instance type ${instanceType} is ${options.nitro ? 'not ' : ''}a Nitro type`);
  }
  if (options.trunking !== undefined) {
    await emulator.ecs.handle('PutAccountSetting', { name: 'awsvpcTrunking', value: options.trunking ? 'enabled' : 'disabled' });
  }
  await emulator.ecs.handle('CreateCluster', { clusterName: options.cluster });
  const subnets = options.subnetId ? [options.subnetId] : [...emulator.network.subnets.keys()];
  const launched: LaunchedContainerInstance[] = [];
  for (let index = 0; index < (options.count ?? 1); index++) {
    const reservation = await emulator.ec2.handle('RunInstances', {
      ImageId: ECS_OPTIMIZED_AMI,
      InstanceType: instanceType,
      MinCount: '1',
      MaxCount: '1',
      SubnetId: subnets[index % subnets.length] ?? '',
    });
    const instance = firstInstance(reservation);
    const document = {
      accountId: emulator.accountId,
      architecture: 'x86_64',
      availabilityZone: instance.availabilityZone,
      imageId: ECS_OPTIMIZED_AMI,
      instanceId: instance.instanceId,
      instanceType,
      privateIp: instance.privateIpAddress,
      region: emulator.region,
      version: '2017-09-30',
    };
    const totalResources = [
      ...(options.cpu === undefined ? [] : [{ name: 'CPU', type: 'INTEGER', integerValue: options.cpu }]),
      ...(options.memory === undefined ? [] : [{ name: 'MEMORY', type: 'INTEGER', integerValue: options.memory }]),
    ];
    const registered = await emulator.ecs.handle('RegisterContainerInstance', {
      cluster: options.cluster,
      instanceIdentityDocument: JSON.stringify(document),
      // The emulator cannot check EC2's signature; it only requires one, as the agent sends it.
      instanceIdentityDocumentSignature: 'emulated-signature',
      ...(totalResources.length > 0 ? { totalResources } : {}),
    });
    launched.push({
      instanceId: instance.instanceId,
      instanceType,
      availabilityZone: instance.availabilityZone,
      primaryNetworkInterfaceId: instance.primaryNetworkInterfaceId,
      containerInstanceArn: stringAt(registered, ['containerInstance', 'containerInstanceArn']),
    });
  }
  return launched;
}

function firstInstance(reservation: unknown) {
  const instances = valueAt(reservation, ['instancesSet']);
  const instance: unknown = Array.isArray(instances) ? instances[0] : undefined;
  const interfaces = valueAt(instance, ['networkInterfaceSet']);
  const primary: unknown = Array.isArray(interfaces) ? interfaces[0] : undefined;
  return {
    instanceId: stringAt(instance, ['instanceId']),
    availabilityZone: stringAt(instance, ['placement', 'availabilityZone']),
    privateIpAddress: stringAt(instance, ['privateIpAddress']),
    primaryNetworkInterfaceId: stringAt(primary, ['networkInterfaceId']),
  };
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !(key in current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function stringAt(value: unknown, path: readonly string[]): string {
  const found = valueAt(value, path);
  if (typeof found !== 'string') throw new Error(`emulator answer has no ${path.join('.')}`);
  return found;
}
