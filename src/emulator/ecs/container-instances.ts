import type { EcsEventBridgeEvent, EmulatorContext } from '../context.js';
import { eniLimitsOf, type Ec2Instance } from '../instances.js';
import type { NetworkInterface } from '../network.js';
import { uuid } from './ids.js';
import type { AwsVpcSettings, ClusterRecord, TaskDefinitionRecord, TaskRecord } from './model.js';
import { compact, epochSeconds, isoTime } from './views.js';

/**
 * Container instances: EC2 instances the agent registered to a cluster, with the CPU and memory
 * ECS places EC2-launch-type tasks against. Shapes are the ECS model's ContainerInstance,
 * Resource and Attachment.
 */

export type ContainerInstanceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE';

export interface Resources {
  readonly cpu: number;
  readonly memory: number;
}

export interface TrunkAttachment {
  readonly id: string;
  readonly eni: NetworkInterface;
}

export interface ContainerInstanceRecord {
  readonly sequence: number;
  readonly id: string;
  readonly arn: string;
  readonly cluster: ClusterRecord;
  readonly instance: Ec2Instance;
  readonly registered: Resources;
  remaining: Resources;
  status: ContainerInstanceStatus;
  agentConnected: boolean;
  readonly registeredAt: number;
  updatedAt: number;
  /** ContainerInstance.version: grows with every change ECS announces. */
  version: number;
  readonly attributes: readonly { readonly name: string; readonly value?: string }[];
  readonly versionInfo: Readonly<Record<string, string>>;
  /** The trunk ENI ECS attached at registration when awsvpcTrunking was on. */
  trunk?: TrunkAttachment;
  readonly tags: Map<string, string>;
  /** Tasks placed on it that have not released their resources yet. */
  readonly tasks: Set<TaskRecord>;
  /** Set for a Managed Instance: the capacity provider that launched it (ECS model, ContainerInstance.capacityProviderName). */
  readonly capacityProviderName?: string;
}

/** The state of a container instance just registered, by its agent or by Managed Instances: ACTIVE, connected, nothing placed. */
export function freshRegistration(registered: Resources, now: number): Pick<ContainerInstanceRecord, 'registered' | 'remaining' | 'status' | 'agentConnected' | 'registeredAt' | 'updatedAt' | 'version'> {
  return { registered, remaining: registered, status: 'ACTIVE', agentConnected: true, registeredAt: now, updatedAt: now, version: 0 };
}

/** EC2 placement uses only instances the cluster's owner registered: a Managed Instance serves its provider's tasks (*inferred*). */
export const registeredByAgent = (record: ContainerInstanceRecord): boolean => record.capacityProviderName === undefined;

/** What a task reserves on its container instance: task-level sizes, else the sum of its containers'. */
export function taskResources(definition: TaskDefinitionRecord): Resources {
  const sum = (pick: (container: TaskDefinitionRecord['containerDefinitions'][number]) => number | undefined): number =>
    definition.containerDefinitions.reduce((total, container) => total + (pick(container) ?? 0), 0);
  const cpu = definition.cpu === undefined ? Number.NaN : Number(definition.cpu);
  const memory = definition.memory === undefined ? Number.NaN : Number(definition.memory);
  return {
    cpu: Number.isFinite(cpu) ? cpu : sum((c) => c.cpu),
    memory: Number.isFinite(memory) ? memory : sum((c) => c.memory),
  };
}

/** An "ECS Container Instance State Change" event (ECS Developer Guide, container instance state change events). */
export type EcsContainerInstanceStateChangeEvent = EcsEventBridgeEvent<'ECS Container Instance State Change'>;

export interface PlacementFailure {
  readonly arn: string;
  readonly reason: string;
}

export type Placement =
  | { readonly placed: true; readonly on: ContainerInstanceRecord; readonly subnetId: string | undefined }
  | { readonly placed: false; readonly failures: readonly PlacementFailure[] };

type InstanceEventSubscriber = (event: EcsContainerInstanceStateChangeEvent) => void;

/**
 * The container instances of the account, their placement, and the events ECS sends for them.
 * Container instance events have a log of their own: the product's EventBridge rule matches Task
 * State Change events, and a consumer of the task log must not receive another detail-type.
 */
export class Capacity {
  private readonly records = new Map<string, ContainerInstanceRecord>();
  private readonly byId = new Map<string, ContainerInstanceRecord>();
  private readonly released = new WeakSet<TaskRecord>();
  private readonly log: { readonly sequence: number; readonly event: EcsContainerInstanceStateChangeEvent }[] = [];
  private readonly subscribers = new Set<InstanceEventSubscriber>();

  constructor(private readonly context: EmulatorContext) {}

  add(record: ContainerInstanceRecord): void {
    this.records.set(record.arn, record);
    this.byId.set(record.id, record);
    this.announce(record);
  }

  /** A container instance by ARN or id; with a cluster, only one of that cluster. */
  find(reference: string, cluster?: ClusterRecord): ContainerInstanceRecord | undefined {
    const record = reference.startsWith('arn:') ? this.records.get(reference) : this.byId.get(reference);
    if (!record || (cluster && record.cluster !== cluster)) return undefined;
    return record;
  }

  /** In registration order. */
  all(): ContainerInstanceRecord[] {
    return [...this.records.values()];
  }

  /** The registration of an EC2 instance that is not INACTIVE, in any cluster. */
  liveRegistrationOf(instanceId: string): ContainerInstanceRecord | undefined {
    return this.all().find((record) => record.instance.instanceId === instanceId && record.status !== 'INACTIVE');
  }

  /** Instances ECS may place on: ACTIVE with a connected agent (ContainerInstance.agentConnected). */
  placeable(cluster: ClusterRecord): ContainerInstanceRecord[] {
    return this.all().filter((record) => record.cluster === cluster && record.status === 'ACTIVE' && record.agentConnected);
  }

  /**
   * Where one task goes. Candidates need enough remaining CPU and memory (ECS Developer Guide,
   * "API failure reasons": RESOURCE:CPU / RESOURCE:MEMORY name the resource a container instance
   * lacks) and, for awsvpc, a requested subnet in their Availability Zone (the task ENI is created
   * there; the reason ATTRIBUTE for the others is *inferred*). Among fitting instances the one
   * with the most remaining CPU wins: *inferred*, standing in for ECS's placement strategies.
   * CPU is checked before memory: *inferred*. An awsvpc task also needs a free ENI slot: an
   * attachment (the instance's limit less the ENIs attached) or, on a trunked instance, a branch
   * (see eniLimitsOf); the reason RESOURCE:ENI for a full instance is *inferred*.
   */
  place(
    cluster: ClusterRecord,
    definition: TaskDefinitionRecord,
    awsvpc: AwsVpcSettings | undefined,
    eligible: (record: ContainerInstanceRecord) => boolean = registeredByAgent,
  ): Placement {
    const need = taskResources(definition);
    const failures: PlacementFailure[] = [];
    let best: { on: ContainerInstanceRecord; subnetId: string | undefined } | undefined;
    for (const record of this.placeable(cluster).filter(eligible)) {
      const subnetId = awsvpc ? this.subnetInZone(awsvpc, record.instance.availabilityZone) : undefined;
      if (awsvpc && subnetId === undefined) failures.push({ arn: record.arn, reason: 'ATTRIBUTE' });
      else if (awsvpc && !this.hasEniSlot(record)) failures.push({ arn: record.arn, reason: 'RESOURCE:ENI' });
      else if (record.remaining.cpu < need.cpu) failures.push({ arn: record.arn, reason: 'RESOURCE:CPU' });
      else if (record.remaining.memory < need.memory) failures.push({ arn: record.arn, reason: 'RESOURCE:MEMORY' });
      else if (!best || record.remaining.cpu > best.on.remaining.cpu) best = { on: record, subnetId };
    }
    return best ? { placed: true, ...best } : { placed: false, failures };
  }

  /** Reserves the task's resources on its instance (an announced change of the instance). */
  reserve(task: TaskRecord, record: ContainerInstanceRecord): void {
    const need = taskResources(task.taskDefinition);
    record.remaining = { cpu: record.remaining.cpu - need.cpu, memory: record.remaining.memory - need.memory };
    record.tasks.add(task);
    this.announce(record);
  }

  /** A stopped task gives its resources back, once. */
  taskChanged(task: TaskRecord): void {
    const record = task.containerInstance;
    if (!record || task.lastStatus !== 'STOPPED' || this.released.has(task)) return;
    this.released.add(task);
    record.tasks.delete(task);
    const need = taskResources(task.taskDefinition);
    record.remaining = { cpu: record.remaining.cpu + need.cpu, memory: record.remaining.memory + need.memory };
    if (record.status !== 'INACTIVE') this.announce(record);
  }

  announce(record: ContainerInstanceRecord): void {
    record.version++;
    record.updatedAt = this.context.now();
    const event: EcsContainerInstanceStateChangeEvent = {
      version: '0',
      id: uuid(this.context.random),
      'detail-type': 'ECS Container Instance State Change',
      source: 'aws.ecs',
      account: this.context.accountId,
      time: new Date(this.context.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.context.region,
      resources: [record.arn],
      // ECS Developer Guide: "The detail section … resembles the ContainerInstance object that is
      // returned from a DescribeContainerInstances API operation", plus clusterArn and updatedAt.
      detail: {
        ...containerInstanceFields(record, isoTime),
        clusterArn: record.cluster.clusterArn,
        updatedAt: isoTime(record.updatedAt),
      },
    };
    this.log.push({ sequence: this.log.length + 1, event });
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber(event);
      } catch {
        // A consumer's bug must not stop the emulator.
      }
    }
  }

  eventsAfter(sequence: number): { readonly sequence: number; readonly event: EcsContainerInstanceStateChangeEvent }[] {
    return this.log.slice(Math.max(0, sequence));
  }

  subscribe(subscriber: InstanceEventSubscriber): () => void {
    const wrapped: InstanceEventSubscriber = (event) => subscriber(event);
    this.subscribers.add(wrapped);
    return () => {
      this.subscribers.delete(wrapped);
    };
  }

  private hasEniSlot(record: ContainerInstanceRecord): boolean {
    const limits = eniLimitsOf(record.instance.instanceType);
    if (record.trunk) {
      const branches = [...record.tasks].filter((task) => task.attachment !== undefined).length;
      return branches < limits.branches;
    }
    return record.instance.attachments.size < limits.interfaces;
  }

  private subnetInZone(awsvpc: AwsVpcSettings, availabilityZone: string): string | undefined {
    return awsvpc.subnets.find((subnetId) => this.context.network.subnets.get(subnetId)?.availabilityZone === availabilityZone);
  }
}

function resourceList(resources: Resources): Record<string, unknown>[] {
  // The shape DescribeContainerInstances answers: CPU and MEMORY as INTEGER, the agent's reserved
  // ports as STRINGSET (ECS Developer Guide, container instance memory management; the port list
  // is the agent's default ECS_RESERVED_PORTS).
  const integer = (name: string, value: number) => ({ name, type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: value });
  const ports = (name: string, values: string[]) => ({ name, type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: values });
  return [integer('CPU', resources.cpu), integer('MEMORY', resources.memory), ports('PORTS', ['22', '2375', '2376', '51678', '51679']), ports('PORTS_UDP', [])];
}

function containerInstanceFields(record: ContainerInstanceRecord, time: (ms: number) => number | string): Record<string, unknown> {
  let running = 0;
  let pending = 0;
  for (const task of record.tasks) {
    if (task.lastStatus === 'RUNNING') running++;
    else if (task.lastStatus !== 'STOPPED') pending++;
  }
  return compact({
    containerInstanceArn: record.arn,
    ec2InstanceId: record.instance.instanceId,
    capacityProviderName: record.capacityProviderName,
    version: record.version,
    versionInfo: record.versionInfo,
    remainingResources: resourceList(record.remaining),
    registeredResources: resourceList(record.registered),
    status: record.status,
    agentConnected: record.agentConnected,
    runningTasksCount: running,
    pendingTasksCount: pending,
    attributes: record.attributes.map((attribute) => compact({ ...attribute })),
    registeredAt: time(record.registeredAt),
    attachments: record.trunk ? [trunkAttachmentView(record.trunk)] : [],
  });
}

/**
 * The trunk ENI as a container instance attachment. That ECS lists it in `attachments` with the
 * details of a task ENI attachment is *inferred* (no page shows a trunked instance's answer).
 */
function trunkAttachmentView(trunk: TrunkAttachment): Record<string, unknown> {
  return {
    id: trunk.id,
    type: 'ElasticNetworkInterface',
    status: 'ATTACHED',
    details: [
      { name: 'subnetId', value: trunk.eni.subnetId },
      { name: 'networkInterfaceId', value: trunk.eni.networkInterfaceId },
      { name: 'macAddress', value: trunk.eni.macAddress },
      { name: 'privateIPv4Address', value: trunk.eni.privateIpAddress },
    ],
  };
}

/** A ContainerInstance as RegisterContainerInstance, DeregisterContainerInstance and DescribeContainerInstances answer it. */
export function containerInstanceView(record: ContainerInstanceRecord, includeTags: boolean): Record<string, unknown> {
  const fields = containerInstanceFields(record, epochSeconds);
  return includeTags ? { ...fields, tags: [...record.tags].map(([key, value]) => ({ key, value })) } : fields;
}

export const newTrunkAttachmentId = (context: EmulatorContext): string => uuid(context.random);
