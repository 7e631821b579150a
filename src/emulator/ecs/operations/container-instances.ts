import { defaultResourcesOf, eniLimitsOf } from '../../instances.js';
import { clientException, invalidParameter } from '../errors.js';
import { longTaskId } from '../ids.js';
import {
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalObjectList,
  optionalString,
  optionalStringList,
  optionalTags,
  requiredString,
  type Input,
} from '../input.js';
import {
  containerInstanceView,
  freshRegistration,
  newTrunkAttachmentId,
  type ContainerInstanceRecord,
  type Resources,
} from '../container-instances.js';
import type { ClusterRecord } from '../model.js';
import { paginate } from '../paging.js';
import type { EcsRuntime, Operation } from '../runtime.js';

/** ECS model (DescribeContainerInstances.containerInstances): "A list of up to 100 container instance IDs or full ARN entries." */
const MAX_DESCRIBE = 100;
/** inferred: what the agent reports when the request names no versionInfo. */
const DEFAULT_VERSION_INFO = { agentVersion: '1.88.0', agentHash: 'emulated', dockerVersion: 'DockerVersion: 25.0.8' };

const containerInstanceArn = (runtime: EcsRuntime, cluster: ClusterRecord, id: string): string =>
  // ECS model (ContainerInstance.containerInstanceArn) and the long ARN format (the default):
  // arn:aws:ecs:region:account:container-instance/<cluster>/<id>.
  `arn:aws:ecs:${runtime.context.region}:${runtime.context.accountId}:container-instance/${cluster.clusterName}/${id}`;

/** The EC2 instance identity document as the agent reads it from IMDS (instance-identity/document). */
interface IdentityDocument {
  readonly instanceId: string;
  readonly region: string;
  readonly instanceType?: string;
  readonly availabilityZone?: string;
  readonly accountId?: string;
}

function readIdentityDocument(input: Input): IdentityDocument {
  const text = optionalString(input, 'instanceIdentityDocument');
  // inferred: ECS needs the document to know which EC2 instance registers (the agent always sends
  // it with its signature); the codes for a missing or unreadable one are inferred.
  if (text === undefined || text === '') throw clientException('instanceIdentityDocument is required to register an EC2 instance.');
  if (!optionalString(input, 'instanceIdentityDocumentSignature')) {
    throw clientException('instanceIdentityDocumentSignature is required with instanceIdentityDocument.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidParameter('instanceIdentityDocument is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalidParameter('instanceIdentityDocument is not a JSON object.');
  const read = (name: string): string | undefined => {
    const value = (parsed as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  };
  const instanceId = read('instanceId');
  const region = read('region');
  if (!instanceId || !region) throw invalidParameter('instanceIdentityDocument must name the instanceId and region.');
  return { instanceId, region, instanceType: read('instanceType'), availabilityZone: read('availabilityZone'), accountId: read('accountId') };
}

/** totalResources' CPU and MEMORY (INTEGER); without them, the instance type's size. */
function readResources(input: Input, instanceType: string): Resources {
  const defaults = defaultResourcesOf(instanceType);
  const given = optionalObjectList(input, 'totalResources') ?? [];
  const integerOf = (name: string): number | undefined => {
    const resource = given.find((candidate) => candidate['name'] === name);
    return resource ? optionalInteger(resource, 'integerValue', 0, 2 ** 31 - 1) : undefined;
  };
  return { cpu: integerOf('CPU') ?? defaults.cpu, memory: integerOf('MEMORY') ?? defaults.memory };
}

/**
 * RegisterContainerInstance, as the agent calls it at boot: the instance identity document names
 * the EC2 instance, which must exist and not be terminated in this account and Region (the checks'
 * codes are inferred). ECS adds the built-in attributes (ECS Developer Guide, task placement
 * constraints, "Attributes": ecs.ami-id, ecs.availability-zone, ecs.instance-type, ecs.os-type,
 * ecs.os-family, ecs.cpu-architecture, ecs.vpc-id, ecs.subnet-id) and, when awsvpcTrunking is on
 * for the account, attaches a trunk ENI and the optional attribute ecs.awsvpc-trunk-id ("If this
 * attribute exists, the instance has a trunk network interface"); its value being the trunk
 * attachment's id is *inferred*. Only instances registered after the setting is on get a trunk
 * (ECS Developer Guide, ENI trunking), and only types that support it (the page's supported
 * instances are Nitro families; see eniLimitsOf).
 */
export const registerContainerInstance: Operation = (runtime, input) => {
  const { context, store, capacity } = runtime;
  const cluster = store.clusterOrDefault(optionalString(input, 'cluster'));
  const document = readIdentityDocument(input);
  if (document.region !== context.region || (document.accountId !== undefined && document.accountId !== context.accountId)) {
    throw invalidParameter('The instance identity document is not for this account and Region.');
  }
  const instance = context.instances.instances.get(document.instanceId);
  if (!instance || context.instances.stateAt(instance, context.now()) === 'terminated' || instance.terminatingAt !== undefined) {
    throw invalidParameter(`The EC2 instance ${document.instanceId} does not exist or is not running.`);
  }
  if (
    (document.instanceType !== undefined && document.instanceType !== instance.instanceType) ||
    (document.availabilityZone !== undefined && document.availabilityZone !== instance.availabilityZone)
  ) {
    // The document is signed by EC2: one that disagrees with the instance is refused (inferred).
    throw invalidParameter('The instance identity document does not match the EC2 instance.');
  }
  const existing = capacity.liveRegistrationOf(instance.instanceId);
  if (existing) {
    // The agent re-registers after a restart and gets its registration back (inferred).
    if (existing.cluster !== cluster) throw invalidParameter(`The instance is already registered to cluster ${existing.cluster.clusterName}.`);
    return { containerInstance: containerInstanceView(existing, false) };
  }
  const registered = readResources(input, instance.instanceType);
  const requested = (optionalObjectList(input, 'attributes') ?? []).map((attribute) => ({
    name: requiredString(attribute, 'name'),
    value: optionalString(attribute, 'value'),
  }));
  const tags = new Map((optionalTags(input, 'tags') ?? []).map((tag) => [tag.key, tag.value]));
  const versionInfo = optionalObject(input, 'versionInfo');
  const id = longTaskId(context.random);
  const now = context.now();
  const trunked =
    runtime.accountSettings.effective('awsvpcTrunking') === 'enabled' && instance.nitro && eniLimitsOf(instance.instanceType).branches > 0;
  const trunk = trunked ? createTrunk(runtime, instance) : undefined;
  const builtIn = [
    { name: 'ecs.ami-id', value: instance.imageId },
    { name: 'ecs.availability-zone', value: instance.availabilityZone },
    { name: 'ecs.instance-type', value: instance.instanceType },
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'ecs.os-family', value: 'LINUX' },
    { name: 'ecs.cpu-architecture', value: 'x86_64' },
    { name: 'ecs.vpc-id', value: instance.vpcId },
    { name: 'ecs.subnet-id', value: instance.subnetId },
    ...(trunk ? [{ name: 'ecs.awsvpc-trunk-id', value: trunk.id }] : []),
  ];
  const names = new Set(builtIn.map((attribute) => attribute.name));
  const record: ContainerInstanceRecord = {
    sequence: store.nextSequence(),
    id,
    arn: containerInstanceArn(runtime, cluster, id),
    cluster,
    instance,
    ...freshRegistration(registered, now),
    attributes: [...builtIn, ...requested.filter((attribute) => !names.has(attribute.name))],
    versionInfo: versionInfo
      ? Object.fromEntries(Object.entries(versionInfo).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
      : DEFAULT_VERSION_INFO,
    trunk,
    tags,
    tasks: new Set(),
  };
  capacity.add(record);
  return { containerInstance: containerInstanceView(record, false) };
};

function createTrunk(runtime: EcsRuntime, instance: ContainerInstanceRecord['instance']): ContainerInstanceRecord['trunk'] {
  const { context } = runtime;
  const eni = context.network.createEni({
    subnetId: instance.subnetId,
    // inferred: ECS describes the trunk ENI it manages like its task ENIs, by attachment.
    description: 'ENI managed by Amazon ECS (awsvpc trunk)',
    interfaceType: 'trunk',
    requesterManaged: true,
    mirroringSupported: false,
  });
  // Deleted with the instance or at deregistration (ECS Developer Guide, ENI trunking).
  context.instances.attach(instance, eni, { deleteOnTermination: true, now: context.now() });
  return { id: newTrunkAttachmentId(context), eni };
}

/**
 * Deregisters: INACTIVE, no longer placeable, its trunk ENI deleted (ECS Developer Guide, ENI
 * trunking). ECS model (DeregisterContainerInstance.force): with force, running tasks "remain
 * running … but they're orphaned", and a service "starts another copy of that task"; without
 * force and with tasks running, ECS refuses (the code and message are inferred).
 */
export function deregister(runtime: EcsRuntime, record: ContainerInstanceRecord, force: boolean): void {
  const running = [...record.tasks].filter((task) => task.desiredStatus === 'RUNNING');
  if (running.length > 0 && !force) {
    throw invalidParameter('Found running tasks on the instance. Use force to deregister it anyway.');
  }
  record.status = 'INACTIVE';
  record.agentConnected = false;
  for (const task of running) {
    for (const service of runtime.store.allServices()) service.tasks.delete(task);
  }
  if (record.trunk) runtime.context.network.deleteEni(record.trunk.eni.networkInterfaceId);
  runtime.capacity.announce(record);
}

export const deregisterContainerInstance: Operation = (runtime, input) => {
  const cluster = runtime.store.cluster(optionalString(input, 'cluster'));
  const record = runtime.capacity.find(requiredString(input, 'containerInstance'), cluster);
  // inferred: what ECS answers for a container instance it does not know in this cluster.
  if (!record || record.status === 'INACTIVE') throw invalidParameter('The referenced container instance was not found.');
  deregister(runtime, record, optionalBoolean(input, 'force') ?? false);
  return { containerInstance: containerInstanceView(record, false) };
};

export const describeContainerInstances: Operation = (runtime, input) => {
  const cluster = runtime.store.cluster(optionalString(input, 'cluster'));
  const references = optionalStringList(input, 'containerInstances');
  if (!references || references.length === 0) throw invalidParameter('containerInstances can not be empty.');
  if (references.length > MAX_DESCRIBE) throw invalidParameter(`At most ${MAX_DESCRIBE} container instances can be described at once.`);
  const includeTags = (optionalStringList(input, 'include') ?? []).includes('TAGS');
  const containerInstances: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const reference of new Set(references)) {
    const record = runtime.capacity.find(reference, cluster);
    if (record) containerInstances.push(containerInstanceView(record, includeTags));
    else {
      // ECS Developer Guide, "API failure reasons": MISSING, "The specified container instance wasn't found".
      const arn = reference.startsWith('arn:') ? reference : containerInstanceArn(runtime, cluster, reference);
      failures.push({ arn, reason: 'MISSING' });
    }
  }
  return { containerInstances, failures };
};

/**
 * ECS model (ListContainerInstances.status): without it, every status but INACTIVE; maxResults
 * 1..100 (default 100). The cluster query language `filter` is not emulated (refused).
 */
export const listContainerInstances: Operation = (runtime, input) => {
  const cluster = runtime.store.cluster(optionalString(input, 'cluster'));
  if (optionalString(input, 'filter') !== undefined) throw invalidParameter('The emulator does not evaluate cluster query language filters.');
  const status = optionalEnum(input, 'status', ['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED'] as const);
  const maxResults = optionalInteger(input, 'maxResults', 1, 100) ?? 100;
  const matching = runtime.capacity
    .all()
    .filter((record) => record.cluster === cluster && (status === undefined ? record.status !== 'INACTIVE' : record.status === status));
  const page = paginate(matching, (record) => record.sequence, maxResults, optionalString(input, 'nextToken'));
  return { containerInstanceArns: page.items.map((record) => record.arn), nextToken: page.nextToken };
};
