import type { EmulatorContext } from '../context.js';
import { defaultResourcesOf, eniLimitsOf } from '../instances.js';
import type { Capacity, ContainerInstanceRecord, PlacementFailure } from './container-instances.js';
import { freshRegistration, newTrunkAttachmentId } from './container-instances.js';
import { invalidParameter } from './errors.js';
import { longTaskId } from './ids.js';
import type { AwsVpcSettings, ClusterRecord, TaskDefinitionRecord } from './model.js';

/**
 * Amazon ECS Managed Instances: a capacity provider of type MANAGED_INSTANCES (ECS model,
 * CapacityProviderType) that ECS gives EC2 instances of its own choosing and registers to the one
 * cluster it was created in (ECS model, CreateCapacityProvider.cluster: "it becomes available only
 * within the specified cluster"). Networking, from the ECS Developer Guide, "Allocate a network
 * interface for tasks on Amazon ECS Managed Instances": every instance "has a trunk Elastic
 * Network Interface (ENI) attached during launch as a primary ENI when the instance type supports
 * trunking … When the chosen instance type doesn't support trunk ENIs, the instance will be
 * launched with a regular ENI", and each awsvpc task's ENI is "attached to the trunk ENI" (a
 * branch ENI), or attached to the instance as on EC2 without trunking.
 */

export interface ManagedInstancesProviderRecord {
  readonly sequence: number;
  readonly name: string;
  readonly arn: string;
  readonly cluster: ClusterRecord;
  readonly infrastructureRoleArn: string;
  readonly ec2InstanceProfileArn: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  /** instanceRequirements.allowedInstanceTypes: the emulator launches the first (see instanceTypeOf). */
  readonly allowedInstanceTypes: readonly string[];
  readonly propagateTags: 'CAPACITY_PROVIDER' | 'NONE';
  /** The request as given, echoed back by DescribeCapacityProviders. */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly tags: Map<string, string>;
  /** The instances ECS launched for it, in launch order. */
  readonly instances: ContainerInstanceRecord[];
}

/**
 * inferred: the instance type ECS picks when the requirements leave it free. ECS chooses "the most
 * cost-optimized general-purpose Amazon EC2 instance types" (ECS Developer Guide, "Architect for
 * Amazon ECS Managed Instances"); m5.large is general purpose and supports trunking.
 */
export const DEFAULT_MANAGED_INSTANCE_TYPE = 'm5.large';
/** inferred: the AMI the emulator reports for a Managed Instance (ECS manages the OS itself). */
const MANAGED_IMAGE_ID = 'ami-0ecsmanagedinstance';

export class ManagedInstances {
  private readonly providers = new Map<string, ManagedInstancesProviderRecord>();

  constructor(
    private readonly context: EmulatorContext,
    private readonly capacity: Capacity,
    private readonly nextSequence: () => number,
  ) {}

  add(provider: ManagedInstancesProviderRecord): void {
    this.providers.set(provider.name, provider);
  }

  /** By name or ARN. */
  find(reference: string): ManagedInstancesProviderRecord | undefined {
    if (!reference.startsWith('arn:')) return this.providers.get(reference);
    return [...this.providers.values()].find((provider) => provider.arn === reference);
  }

  all(): ManagedInstancesProviderRecord[] {
    return [...this.providers.values()];
  }

  /**
   * Where one task of this provider goes: an instance of the provider with room (the same checks
   * as EC2 placement, see Capacity.place), else a new instance ECS launches for it in a provider
   * subnet that is also one of the task's (the task ENI is created in the instance's zone). ECS
   * launches capacity as tasks need it (ECS Developer Guide, "Architect for Amazon ECS Managed
   * Instances"); that the instance is ready before the task leaves PROVISIONING is *inferred*.
   */
  place(provider: ManagedInstancesProviderRecord, definition: TaskDefinitionRecord, awsvpc: AwsVpcSettings | undefined) {
    const existing = this.capacity.place(provider.cluster, definition, awsvpc, (record) => provider.instances.includes(record));
    if (existing.placed) return existing;
    const subnetId = provider.subnets.find((candidate) => awsvpc === undefined || this.sameZone(candidate, awsvpc));
    if (subnetId === undefined) {
      // inferred: ECS names no instance it could not launch; the reason is the one for a zone mismatch.
      const failures: PlacementFailure[] = [{ arn: provider.arn, reason: 'ATTRIBUTE' }];
      return { placed: false as const, failures };
    }
    const record = this.launch(provider, subnetId);
    return this.capacity.place(provider.cluster, definition, awsvpc, (candidate) => candidate === record);
  }

  private sameZone(subnetId: string, awsvpc: AwsVpcSettings): boolean {
    const zone = this.context.network.subnets.get(subnetId)?.availabilityZone;
    return awsvpc.subnets.some((candidate) => this.context.network.subnets.get(candidate)?.availabilityZone === zone);
  }

  private launch(provider: ManagedInstancesProviderRecord, subnetId: string): ContainerInstanceRecord {
    const { context } = this;
    const instanceType = provider.allowedInstanceTypes[0] ?? DEFAULT_MANAGED_INSTANCE_TYPE;
    const now = context.now();
    const instance = context.instances.launch({
      imageId: MANAGED_IMAGE_ID,
      instanceType,
      subnetId,
      reservationId: `r-${context.random.hex(17)}`,
      amiLaunchIndex: 0,
      tags: provider.propagateTags === 'CAPACITY_PROVIDER' ? provider.tags : new Map(),
      now,
      bootMs: 0,
    });
    const trunk = instance.nitro && eniLimitsOf(instanceType).branches > 0 ? this.replacePrimaryWithTrunk(instance) : undefined;
    const id = longTaskId(context.random);
    const registered = defaultResourcesOf(instanceType);
    const record: ContainerInstanceRecord = {
      sequence: this.nextSequence(),
      id,
      arn: `arn:aws:ecs:${context.region}:${context.accountId}:container-instance/${provider.cluster.clusterName}/${id}`,
      cluster: provider.cluster,
      instance,
      ...freshRegistration(registered, now),
      attributes: [
        { name: 'ecs.availability-zone', value: instance.availabilityZone },
        { name: 'ecs.instance-type', value: instanceType },
        { name: 'ecs.os-type', value: 'linux' },
        { name: 'ecs.cpu-architecture', value: 'x86_64' },
        { name: 'ecs.vpc-id', value: instance.vpcId },
        { name: 'ecs.subnet-id', value: instance.subnetId },
        { name: 'ecs.capability.managed-instances', value: provider.name },
        ...(trunk ? [{ name: 'ecs.awsvpc-trunk-id', value: trunk.id }] : []),
      ],
      versionInfo: { agentVersion: '1.88.0', agentHash: 'emulated-managed' },
      trunk,
      tags: new Map(),
      tasks: new Set(),
      capacityProviderName: provider.name,
    };
    provider.instances.push(record);
    this.capacity.add(record);
    return record;
  }

  /**
   * The trunk as the instance's primary ENI (device index 0), as the guide above says. The
   * registry launches every instance with an `interface` primary; it is swapped for a trunk here.
   * A trunk is not an ENI of type `interface`, so it cannot be a mirroring source (Traffic
   * Mirroring docs: sources are ENIs of type `interface`; what EC2 answers is *inferred*).
   */
  private replacePrimaryWithTrunk(instance: ContainerInstanceRecord['instance']): ContainerInstanceRecord['trunk'] {
    const { context } = this;
    const primary = context.instances.primaryEniOf(instance);
    if (primary) context.network.deleteEni(primary.networkInterfaceId);
    const eni = context.network.createEni({
      subnetId: instance.subnetId,
      description: 'ENI managed by Amazon ECS (Managed Instances trunk)',
      interfaceType: 'trunk',
      mirroringSupported: false,
    });
    context.instances.attach(instance, eni, { deviceIndex: 0, deleteOnTermination: true, now: context.now() });
    return { id: newTrunkAttachmentId(context), eni };
  }
}

/** Which provider of a strategy ECS uses: the emulator takes the first with a base, else the first (*inferred*, no weights). */
export function providerOfStrategy(strategy: readonly { readonly capacityProvider: string; readonly base?: number }[]): string {
  const chosen = strategy.find((item) => (item.base ?? 0) > 0) ?? strategy[0];
  if (!chosen) throw invalidParameter('capacityProviderStrategy can not be empty.');
  return chosen.capacityProvider;
}
