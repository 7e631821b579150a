import type { EmulatorContext } from '../context.js';
import { attachmentArn, containerArn, taskArn, type TaskArnFormat } from './arns.js';
import { longTaskId, uuid } from './ids.js';
import type { ContainerInstanceRecord } from './container-instances.js';
import type { AwsVpcSettings, ClusterRecord, EniAttachment, LaunchType, TaskDefinitionRecord, TaskRecord } from './model.js';
import type { EcsStore } from './store.js';

export interface NewTaskSpec {
  readonly cluster: ClusterRecord;
  readonly taskDefinition: TaskDefinitionRecord;
  readonly launchType: LaunchType;
  readonly group: string;
  readonly startedBy?: string;
  readonly serviceName?: string;
  readonly deploymentId?: string;
  readonly platformVersion?: string;
  /** Required for awsvpc task definitions; validated by the caller. */
  readonly awsvpc?: AwsVpcSettings;
  readonly tags: ReadonlyMap<string, string>;
  readonly arnFormat: TaskArnFormat;
  readonly capacityProviderName?: string;
  /** EC2 launch type: where placement put the task, and (awsvpc) the subnet in its zone. */
  readonly placement?: { readonly on: ContainerInstanceRecord; readonly subnetId: string | undefined };
}

/** Fargate resolves LATEST to this platform version. */
export const FARGATE_PLATFORM_VERSION = '1.4.0';

/**
 * A new task in PROVISIONING, stored. For awsvpc tasks ECS creates the ENI now (requester
 * managed, described by the attachment ARN, as real task ENIs are) with the injected faults:
 * a host without mirroring support, or an interface EC2 cannot see until a while after ECS
 * reports it ATTACHED (one step from now).
 */
export function createTask(context: EmulatorContext, store: EcsStore, spec: NewTaskSpec): TaskRecord {
  const now = context.now();
  const random = context.random;
  const taskId = spec.arnFormat === 'long' ? longTaskId(random) : uuid(random);
  const arn = taskArn(context, spec.arnFormat, spec.cluster.clusterName, taskId);
  const host = spec.placement?.on;
  const subnetId = spec.placement?.subnetId ?? (host ? host.instance.subnetId : pickSubnet(context, spec.awsvpc));
  const subnet = context.network.subnets.get(subnetId);
  const attachment = !spec.awsvpc ? undefined : host ? createInstanceTaskEni(context, host, subnetId) : createEniAttachment(context, subnetId);
  const task: TaskRecord = {
    sequence: store.nextSequence(),
    taskArn: arn,
    taskId,
    arnFormat: spec.arnFormat,
    cluster: spec.cluster,
    taskDefinition: spec.taskDefinition,
    launchType: spec.launchType,
    group: spec.group,
    startedBy: spec.startedBy,
    serviceName: spec.serviceName,
    deploymentId: spec.deploymentId,
    availabilityZone: subnet?.availabilityZone ?? `${context.region}a`,
    platformVersion: spec.launchType === 'FARGATE' ? resolvePlatformVersion(spec.platformVersion) : undefined,
    awsvpc: spec.awsvpc,
    containerInstance: host,
    capacityProviderName: spec.capacityProviderName,
    containers: spec.taskDefinition.containerDefinitions.map((definition) => ({
      containerArn: containerArn(context, spec.arnFormat, spec.cluster.clusterName, taskId, uuid(random)),
      name: definition.name,
      image: definition.image,
      cpu: String(definition.cpu ?? 0),
      memory: definition.memory === undefined ? undefined : String(definition.memory),
      lastStatus: 'PENDING',
    })),
    tags: new Map(spec.tags),
    lastStatus: 'PROVISIONING',
    desiredStatus: 'RUNNING',
    version: 0,
    attachment,
    createdAt: now,
    updatedAt: now,
  };
  store.addTask(task);
  return task;
}

function resolvePlatformVersion(requested: string | undefined): string {
  return requested === undefined || requested === 'LATEST' ? FARGATE_PLATFORM_VERSION : requested;
}

/** One of the requested subnets (ECS spreads tasks over them), or any subnet for the task's AZ. */
function pickSubnet(context: EmulatorContext, awsvpc: AwsVpcSettings | undefined): string {
  const candidates = awsvpc ? awsvpc.subnets : [...context.network.subnets.keys()];
  return candidates[context.random.int(0, candidates.length - 1)] ?? '';
}

/**
 * The ENI of an awsvpc task on a container instance. ECS Developer Guide, "Increasing Amazon ECS
 * Linux container instance network interfaces": without trunking each such task "receives its own
 * elastic network interface (ENI), which is attached to the container instance that hosts it";
 * with trunking ECS gives it a branch network interface behind the instance's trunk. The branch
 * ENI's InterfaceType is `branch` (EC2 model, NetworkInterfaceType); that EC2 lists it unattached
 * (the trunk association is not an instance attachment) is *inferred*. A task ENI mirrors only
 * where its host can (Nitro); a branch ENI is never a source (EC2 answers
 * NetworkInterfaceNotSupported: *inferred*, see ec2/mirroring.ts requireSource).
 */
function createInstanceTaskEni(context: EmulatorContext, host: ContainerInstanceRecord, subnetId: string): EniAttachment {
  const attachment = createTaskEni(context, subnetId, { interfaceType: host.trunk ? 'branch' : 'interface', mirroringSupported: () => host.instance.nitro });
  // ECS deletes the task ENI when the task stops, so it is not DeleteOnTermination (inferred).
  if (!host.trunk) context.instances.attach(host.instance, attachment.networkInterface, { deleteOnTermination: false, now: context.now() });
  return attachment;
}

function createEniAttachment(context: EmulatorContext, subnetId: string): EniAttachment {
  return createTaskEni(context, subnetId, { mirroringSupported: () => !context.random.chance(context.faults().unsupportedEniRate) });
}

/**
 * A task's ENI, requester-managed by ECS, late to EC2's API at the profile's rate. Whether it can
 * mirror is drawn after its id, in the order the seeded runs (demo, benchmarks) have always used.
 */
function createTaskEni(context: EmulatorContext, subnetId: string, kind: { interfaceType?: 'interface' | 'branch'; mirroringSupported: () => boolean }): EniAttachment {
  const faults = context.faults();
  const id = uuid(context.random);
  const attachedAt = context.now() + context.timing().stepDelayMs;
  const networkInterface = context.network.createEni({
    subnetId,
    description: attachmentArn(context, id),
    requesterManaged: true,
    ...(kind.interfaceType === undefined ? {} : { interfaceType: kind.interfaceType }),
    mirroringSupported: kind.mirroringSupported(),
    visibleAt: context.random.chance(faults.lateEniRate) ? attachedAt + faults.lateEniDelayMs : 0,
  });
  return { id, subnetId, status: 'PRECREATED', networkInterface };
}
