import type { ArnScope } from './arns.js';
import { tagList, type ClusterRecord, type TaskDefinitionRecord, type TaskRecord } from './model.js';

/** Drops undefined members, so that absent fields are absent in JSON and in tests alike. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as Partial<T>;
}

/** JSON 1.1 timestamps are epoch seconds (fractional); events carry ISO strings. */
export const epochSeconds = (ms: number): number => ms / 1000;
export const isoTime = (ms: number): string => new Date(ms).toISOString();

type TimeFormat = (ms: number) => number | string;

interface TaskRendering {
  readonly time: TimeFormat;
  /** `ElasticNetworkInterface` in DescribeTasks, `eni` in events. */
  readonly attachmentType: string;
}

function privateDnsName(ip: string, region: string): string {
  const host = `ip-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

function attachments(task: TaskRecord, rendering: TaskRendering, region: string): Record<string, unknown>[] {
  const attachment = task.attachment;
  if (!attachment) return [];
  const eni = attachment.networkInterface;
  // ECS reports only the subnet until the interface is attached (PRECREATED).
  const details = [{ name: 'subnetId', value: attachment.subnetId }];
  if (attachment.status !== 'PRECREATED') {
    details.push(
      { name: 'networkInterfaceId', value: eni.networkInterfaceId },
      { name: 'macAddress', value: eni.macAddress },
      { name: 'privateDnsName', value: privateDnsName(eni.privateIpAddress, region) },
      { name: 'privateIPv4Address', value: eni.privateIpAddress },
    );
  }
  return [{ id: attachment.id, type: rendering.attachmentType, status: attachment.status, details }];
}

function containers(task: TaskRecord): Record<string, unknown>[] {
  const attachment = task.attachment;
  const attached = attachment !== undefined && attachment.status !== 'PRECREATED';
  return task.containers.map((container) =>
    compact({
      containerArn: container.containerArn,
      taskArn: task.taskArn,
      name: container.name,
      image: container.image,
      runtimeId: container.runtimeId,
      lastStatus: container.lastStatus,
      exitCode: container.exitCode,
      networkBindings: [],
      networkInterfaces: attached
        ? [{ attachmentId: attachment.id, privateIpv4Address: attachment.networkInterface.privateIpAddress }]
        : [],
      healthStatus: 'UNKNOWN',
      cpu: container.cpu,
      memory: container.memory,
    }),
  );
}

function taskFields(task: TaskRecord, rendering: TaskRendering, region: string): Record<string, unknown> {
  const time = (ms: number | undefined): number | string | undefined => (ms === undefined ? undefined : rendering.time(ms));
  const definition = task.taskDefinition;
  return compact({
    attachments: attachments(task, rendering, region),
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: task.availabilityZone,
    capacityProviderName: task.capacityProviderName,
    clusterArn: task.cluster.clusterArn,
    connectivity: task.connectivity,
    containerInstanceArn: task.containerInstance?.arn,
    connectivityAt: time(task.connectivityAt),
    containers: containers(task),
    cpu: definition.cpu,
    createdAt: time(task.createdAt),
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: false,
    executionStoppedAt: time(task.executionStoppedAt),
    group: task.group,
    healthStatus: 'UNKNOWN',
    lastStatus: task.lastStatus,
    launchType: task.launchType,
    memory: definition.memory,
    overrides: {
      containerOverrides: task.containers.map((container) => ({ name: container.name })),
      inferenceAcceleratorOverrides: [],
    },
    platformVersion: task.platformVersion,
    platformFamily: task.launchType === 'FARGATE' ? 'Linux' : undefined,
    pullStartedAt: time(task.pullStartedAt),
    pullStoppedAt: time(task.pullStoppedAt),
    startedAt: time(task.startedAt),
    startedBy: task.startedBy,
    stopCode: task.stopCode,
    stoppedAt: time(task.stoppedAt),
    stoppedReason: task.stoppedReason,
    stoppingAt: time(task.stoppingAt),
    taskArn: task.taskArn,
    taskDefinitionArn: definition.taskDefinitionArn,
    version: task.version,
    ephemeralStorage: task.launchType === 'FARGATE' ? { sizeInGiB: 20 } : undefined,
  });
}

/** A Task as DescribeTasks, RunTask and StopTask answer it. */
export function taskView(task: TaskRecord, region: string, includeTags: boolean): Record<string, unknown> {
  const fields = taskFields(task, { time: epochSeconds, attachmentType: 'ElasticNetworkInterface' }, region);
  return includeTags ? { ...fields, tags: tagList(task.tags) } : fields;
}

/** The `detail` of an ECS Task State Change event: the task with ISO times, plus updatedAt. */
export function taskEventDetail(task: TaskRecord, region: string): Record<string, unknown> {
  return {
    ...taskFields(task, { time: isoTime, attachmentType: 'eni' }, region),
    updatedAt: isoTime(task.updatedAt),
  };
}

export function clusterView(
  cluster: ClusterRecord,
  tasks: Iterable<TaskRecord>,
  activeServicesCount: number,
  includeTags: boolean,
  registeredContainerInstancesCount = 0,
): Record<string, unknown> {
  let running = 0;
  let pending = 0;
  for (const task of tasks) {
    if (task.cluster !== cluster) continue;
    if (task.lastStatus === 'RUNNING') running++;
    else if (task.desiredStatus === 'RUNNING') pending++;
  }
  return compact({
    clusterArn: cluster.clusterArn,
    clusterName: cluster.clusterName,
    status: 'ACTIVE',
    registeredContainerInstancesCount,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount,
    statistics: [],
    tags: includeTags ? tagList(cluster.tags) : undefined,
    settings: cluster.settings,
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
  });
}

export function taskDefinitionView(definition: TaskDefinitionRecord, scope: ArnScope): Record<string, unknown> {
  return compact({
    taskDefinitionArn: definition.taskDefinitionArn,
    containerDefinitions: definition.containerDefinitions.map((container) => container.raw),
    family: definition.family,
    taskRoleArn: definition.taskRoleArn,
    executionRoleArn: definition.executionRoleArn,
    networkMode: definition.networkMode,
    revision: definition.revision,
    volumes: [],
    status: 'ACTIVE',
    requiresAttributes: [],
    placementConstraints: [],
    compatibilities: definition.compatibilities,
    requiresCompatibilities: definition.requiresCompatibilities,
    cpu: definition.cpu,
    memory: definition.memory,
    registeredAt: epochSeconds(definition.registeredAt),
    registeredBy: `arn:aws:iam::${scope.accountId}:root`,
  });
}
