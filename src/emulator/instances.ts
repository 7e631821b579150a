import type { NetworkInterface, NetworkRegistry } from './network.js';
import type { Random } from './random.js';

/**
 * EC2 instances, shared like the NetworkRegistry: EC2 launches and terminates them, ECS registers
 * them as container instances and attaches task and trunk ENIs to them.
 */

/** EC2 model, InstanceStateName (pending | running | shutting-down | terminated | stopping | stopped). */
export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated';

/**
 * EC2 model, InstanceState.Code: "0 : pending, 16 : running, 32 : shutting-down, 48 : terminated,
 * 64 : stopping, 80 : stopped" (the low byte; the high byte is internal and left 0 here).
 */
export const STATE_CODES: Readonly<Record<InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
};

export interface EniAttachmentToInstance {
  readonly attachmentId: string;
  readonly deviceIndex: number;
  readonly attachedAt: number;
  /** EC2 model, NetworkInterfaceAttachment.DeleteOnTermination; true for the primary ENI. */
  readonly deleteOnTermination: boolean;
  readonly eni: NetworkInterface;
}

export interface Ec2Instance {
  /** Launch order: the paging cursor of DescribeInstances. */
  readonly seq: number;
  readonly instanceId: string;
  readonly reservationId: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly nitro: boolean;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly launchedAt: number;
  readonly amiLaunchIndex: number;
  readonly clientToken?: string;
  readonly tags: Map<string, string>;
  /** Attached ENIs by device index; 0 is the primary. */
  readonly attachments: Map<number, EniAttachmentToInstance>;
  /** Epoch ms at which pending became running. */
  readonly runningAt: number;
  terminatingAt?: number;
  terminatedAt?: number;
}

type InstanceListener = (instance: Ec2Instance) => void;

/**
 * Which hypervisor an instance type runs on. Source: the EC2 instance types guide, "Instances
 * built on the AWS Nitro System" (docs.aws.amazon.com/ec2/latest/instancetypes/ec2-nitro-instances.html),
 * which lists the Nitro families; the previous-generation families below run on Xen (same guide,
 * "Previous generation instances"). Mirroring needs a Nitro host (Traffic Mirroring
 * "Requirements": supported instance types are Nitro-based, plus a few listed Xen ones that the
 * emulator does not single out). Families this table does not know are taken as Nitro: *inferred*,
 * every family launched since 2018 is built on Nitro.
 */
const XEN_FAMILIES: ReadonlySet<string> = new Set([
  't1', 't2', 'm1', 'm2', 'm3', 'm4', 'c1', 'c3', 'c4', 'r3', 'r4', 'i2', 'i3', 'd2', 'x1', 'x1e',
  'p2', 'p3', 'g2', 'g3', 'g3s', 'f1', 'h1', 'cc2', 'cr1', 'hs1',
]);

/** Exceptions by full type: bare metal and some sizes of Xen families are Nitro (same page). */
const NITRO_TYPES: ReadonlySet<string> = new Set(['i3.metal', 'p3dn.24xlarge']);

export function isNitroInstanceType(instanceType: string): boolean {
  if (NITRO_TYPES.has(instanceType)) return true;
  const family = instanceType.split('.')[0] ?? '';
  return !XEN_FAMILIES.has(family);
}

/**
 * vCPUs and memory (MiB) of a few instance types (EC2 instance types guide, specifications), used
 * as the container instance's resources when the agent sends none. ECS counts 1,024 CPU units per
 * vCPU (ECS Developer Guide, "Container instance memory management" and task CPU units). Other
 * types: 2 vCPUs and 4 GiB, *inferred*. The agent reserves some memory for the OS; not emulated.
 */
const SIZES: Readonly<Record<string, { readonly vcpus: number; readonly memoryMiB: number }>> = {
  't2.micro': { vcpus: 1, memoryMiB: 1024 },
  't2.medium': { vcpus: 2, memoryMiB: 4096 },
  't3.medium': { vcpus: 2, memoryMiB: 4096 },
  'm4.large': { vcpus: 2, memoryMiB: 8192 },
  'c4.large': { vcpus: 2, memoryMiB: 3840 },
  'c5.large': { vcpus: 2, memoryMiB: 4096 },
  'c5.xlarge': { vcpus: 4, memoryMiB: 8192 },
  'm5.large': { vcpus: 2, memoryMiB: 8192 },
  'm5.xlarge': { vcpus: 4, memoryMiB: 16384 },
  'm6i.large': { vcpus: 2, memoryMiB: 8192 },
};

/**
 * Network interfaces an instance type can attach, and the branch ENIs ECS allows it with
 * awsvpcTrunking. ECS Developer Guide, "Increasing Amazon ECS Linux container instance network
 * interfaces": "by default a c5.large instance may have up to three ENIs attached to it … you can
 * typically only run two such tasks", and with trunking "ten tasks"; the other rows are the EC2
 * instance types guide's "Maximum network interfaces" and the ECS page's supported-instances
 * table. Types not listed: 3 and 10, *inferred*.
 */
const ENI_LIMITS: Readonly<Record<string, { readonly interfaces: number; readonly branches: number }>> = {
  't2.micro': { interfaces: 2, branches: 0 },
  't2.medium': { interfaces: 3, branches: 0 },
  't3.medium': { interfaces: 3, branches: 0 },
  'm4.large': { interfaces: 2, branches: 0 },
  'c4.large': { interfaces: 3, branches: 0 },
  'c5.large': { interfaces: 3, branches: 10 },
  'c5.xlarge': { interfaces: 4, branches: 20 },
  'm5.large': { interfaces: 3, branches: 10 },
  'm5.xlarge': { interfaces: 4, branches: 20 },
  'm6i.large': { interfaces: 3, branches: 10 },
};

export function eniLimitsOf(instanceType: string): { readonly interfaces: number; readonly branches: number } {
  return ENI_LIMITS[instanceType] ?? { interfaces: 3, branches: 10 };
}

export function defaultResourcesOf(instanceType: string): { readonly cpu: number; readonly memory: number } {
  const size = SIZES[instanceType] ?? { vcpus: 2, memoryMiB: 4096 };
  return { cpu: size.vcpus * 1024, memory: size.memoryMiB };
}

export interface LaunchInput {
  readonly imageId: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly reservationId: string;
  readonly amiLaunchIndex: number;
  readonly clientToken?: string;
  readonly tags: ReadonlyMap<string, string>;
  readonly now: number;
  /** How long the instance stays pending. */
  readonly bootMs: number;
  /** Overrides the table (fault injection: a share of launches land on Xen hosts). */
  readonly nitro?: boolean;
}

export class InstanceRegistry {
  readonly instances = new Map<string, Ec2Instance>();
  private readonly byEni = new Map<string, { readonly instance: Ec2Instance; readonly attachment: EniAttachmentToInstance }>();
  private readonly terminatedListeners: InstanceListener[] = [];
  private seq = 0;

  constructor(
    private readonly random: Random,
    private readonly network: NetworkRegistry,
  ) {
    // An ENI deleted elsewhere (a task ENI at STOPPED) is detached from its instance with it.
    network.onEniDeleted((eni) => this.detach(eni.networkInterfaceId));
  }

  launch(input: LaunchInput): Ec2Instance {
    const subnet = this.network.subnets.get(input.subnetId);
    if (!subnet) throw new Error(`unknown subnet ${input.subnetId}`);
    const instanceId = `i-${this.random.hex(17)}`;
    const nitro = input.nitro ?? isNitroInstanceType(input.instanceType);
    const instance: Ec2Instance = {
      seq: this.seq++,
      instanceId,
      reservationId: input.reservationId,
      imageId: input.imageId,
      instanceType: input.instanceType,
      nitro,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      launchedAt: input.now,
      amiLaunchIndex: input.amiLaunchIndex,
      clientToken: input.clientToken,
      tags: new Map(input.tags),
      attachments: new Map(),
      runningAt: input.now + input.bootMs,
    };
    this.instances.set(instanceId, instance);
    // EC2 User Guide, "Network interfaces": every instance has a primary network interface
    // (device index 0) in its subnet, which cannot be detached and is deleted with the instance.
    const primary = this.network.createEni({
      subnetId: subnet.subnetId,
      description: '',
      mirroringSupported: nitro,
    });
    this.attach(instance, primary, { deviceIndex: 0, deleteOnTermination: true, now: input.now });
    return instance;
  }

  attach(instance: Ec2Instance, eni: NetworkInterface, options: { deviceIndex?: number; deleteOnTermination: boolean; now: number }): EniAttachmentToInstance {
    let deviceIndex = options.deviceIndex ?? 1;
    while (options.deviceIndex === undefined && instance.attachments.has(deviceIndex)) deviceIndex++;
    const attachment: EniAttachmentToInstance = {
      attachmentId: `eni-attach-${this.random.hex(17)}`,
      deviceIndex,
      attachedAt: options.now,
      deleteOnTermination: options.deleteOnTermination,
      eni,
    };
    instance.attachments.set(deviceIndex, attachment);
    this.byEni.set(eni.networkInterfaceId, { instance, attachment });
    return attachment;
  }

  /** The instance and attachment of an ENI attached to an instance, or undefined. */
  attachmentOf(networkInterfaceId: string): { readonly instance: Ec2Instance; readonly attachment: EniAttachmentToInstance } | undefined {
    return this.byEni.get(networkInterfaceId);
  }

  primaryEniOf(instance: Ec2Instance): NetworkInterface | undefined {
    return instance.attachments.get(0)?.eni;
  }

  stateAt(instance: Ec2Instance, now: number): InstanceStateName {
    if (instance.terminatedAt !== undefined && instance.terminatedAt <= now) return 'terminated';
    if (instance.terminatingAt !== undefined) return 'shutting-down';
    return instance.runningAt <= now ? 'running' : 'pending';
  }

  /**
   * Begins termination: shutting-down now, terminated after `shutdownMs`. The ENIs with
   * DeleteOnTermination go at once (EC2 User Guide, "Terminate instances": the primary network
   * interface is deleted; when it goes is *inferred*), and with them their mirror sessions.
   */
  terminate(instance: Ec2Instance, now: number, shutdownMs: number): void {
    if (instance.terminatingAt !== undefined) return;
    instance.terminatingAt = now;
    instance.terminatedAt = now + shutdownMs;
    for (const attachment of [...instance.attachments.values()]) {
      if (attachment.deleteOnTermination) this.network.deleteEni(attachment.eni.networkInterfaceId);
    }
    for (const listener of this.terminatedListeners) listener(instance);
  }

  /** ECS registers here to deregister the container instance of a terminated instance. */
  onTerminated(listener: InstanceListener): void {
    this.terminatedListeners.push(listener);
  }

  private detach(networkInterfaceId: string): void {
    const found = this.byEni.get(networkInterfaceId);
    if (!found) return;
    this.byEni.delete(networkInterfaceId);
    found.instance.attachments.delete(found.attachment.deviceIndex);
  }
}
