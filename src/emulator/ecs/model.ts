import type { NetworkInterface } from '../network.js';
import type { TaskArnFormat } from './arns.js';
import type { Tag } from './input.js';
import type { LaunchType } from '../../contract/ids.js';
import type { ContainerInstanceRecord } from './container-instances.js';

/** The emulator's own records of ECS resources; views render them into API and event shapes. */

// ECS model (shape LaunchType): EC2 | FARGATE | EXTERNAL | MANAGED_INSTANCES, defined once for product and emulator.
export { LAUNCH_TYPES, type LaunchType } from '../../contract/ids.js';

/**
 * Every launch type but FARGATE places tasks on container instances (EC2 instances, external
 * hosts, or Managed Instances) registered to the cluster. EC2 instances register through
 * RegisterContainerInstance; Managed Instances are launched by ECS for a Managed Instances
 * capacity provider (see managed-instances.ts); EXTERNAL hosts (SSM-activated) cannot be
 * registered in the emulator, so that launch type always finds an empty cluster. RunTask answers
 * what ECS answers for one (observed, e.g. in CloudTrail: InvalidParameterException "No Container
 * Instances were found in your cluster."); that EXTERNAL answers the same as EC2 is inferred.
 */
export const needsContainerInstances = (launchType: LaunchType): boolean => launchType !== 'FARGATE';

export type TaskStatus =
  | 'PROVISIONING'
  | 'PENDING'
  | 'ACTIVATING'
  | 'RUNNING'
  | 'DEACTIVATING'
  | 'STOPPING'
  | 'DEPROVISIONING'
  | 'STOPPED';

// ECS model, TaskStopCode (a subset).
export type StopCode = 'UserInitiated' | 'ServiceSchedulerInitiated' | 'EssentialContainerExited';

export type AttachmentStatus = 'PRECREATED' | 'ATTACHED' | 'DETACHING' | 'DELETED';

export interface ClusterRecord {
  /** Creation order: the key for stable paging. */
  readonly sequence: number;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly settings: readonly { readonly name: string; readonly value: string }[];
  readonly tags: Map<string, string>;
}

export interface ContainerDefinitionRecord {
  readonly name: string;
  readonly image: string;
  readonly cpu?: number;
  readonly memory?: number;
  readonly essential: boolean;
  /** The definition as registered, echoed back by DescribeTaskDefinition. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export type NetworkMode = 'awsvpc' | 'bridge' | 'host' | 'none';
export const NETWORK_MODES: readonly NetworkMode[] = ['awsvpc', 'bridge', 'host', 'none'];

export interface TaskDefinitionRecord {
  readonly taskDefinitionArn: string;
  readonly family: string;
  readonly revision: number;
  readonly networkMode: NetworkMode;
  readonly requiresCompatibilities: readonly LaunchType[];
  readonly compatibilities: readonly LaunchType[];
  readonly cpu?: string;
  readonly memory?: string;
  readonly taskRoleArn?: string;
  readonly executionRoleArn?: string;
  readonly containerDefinitions: readonly ContainerDefinitionRecord[];
  readonly registeredAt: number;
  readonly tags: Map<string, string>;
}

export interface AwsVpcSettings {
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
  readonly assignPublicIp: 'ENABLED' | 'DISABLED';
}

/** The task's ENI attachment; the interface exists in the shared network from PROVISIONING on. */
export interface EniAttachment {
  readonly id: string;
  readonly subnetId: string;
  status: AttachmentStatus;
  readonly networkInterface: NetworkInterface;
}

export interface ContainerRecord {
  readonly containerArn: string;
  readonly name: string;
  readonly image: string;
  readonly cpu: string;
  readonly memory?: string;
  lastStatus: 'PENDING' | 'RUNNING' | 'STOPPED';
  runtimeId?: string;
  exitCode?: number;
}

export interface TaskRecord {
  readonly sequence: number;
  readonly taskArn: string;
  readonly taskId: string;
  readonly arnFormat: TaskArnFormat;
  readonly cluster: ClusterRecord;
  readonly taskDefinition: TaskDefinitionRecord;
  readonly launchType: LaunchType;
  readonly group: string;
  readonly startedBy?: string;
  /** Set for tasks a service started: the service's name and its deployment. */
  readonly serviceName?: string;
  readonly deploymentId?: string;
  readonly availabilityZone: string;
  readonly platformVersion?: string;
  readonly awsvpc?: AwsVpcSettings;
  /** EC2 and MANAGED_INSTANCES: the container instance the task was placed on. */
  readonly containerInstance?: ContainerInstanceRecord;
  /** ECS model, Task.capacityProviderName: set when a capacity provider strategy placed the task. */
  readonly capacityProviderName?: string;
  readonly containers: ContainerRecord[];
  readonly tags: Map<string, string>;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  /** Grows by one on every change ECS announces with an event. */
  version: number;
  attachment?: EniAttachment;
  connectivity?: 'CONNECTED';
  stopCode?: StopCode;
  stoppedReason?: string;
  // Epoch milliseconds.
  readonly createdAt: number;
  updatedAt: number;
  connectivityAt?: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  executionStoppedAt?: number;
  stoppedAt?: number;
}

export type ServiceStatus = 'ACTIVE' | 'DRAINING' | 'INACTIVE';

export interface DeploymentRecord {
  readonly id: string;
  readonly taskDefinition: TaskDefinitionRecord;
  readonly awsvpc?: AwsVpcSettings;
  readonly createdAt: number;
}

export interface ServiceRecord {
  readonly sequence: number;
  readonly serviceName: string;
  readonly serviceArn: string;
  readonly cluster: ClusterRecord;
  readonly launchType: LaunchType;
  readonly platformVersion?: string;
  readonly propagateTags: 'TASK_DEFINITION' | 'SERVICE' | 'NONE';
  readonly createdAt: number;
  readonly tags: Map<string, string>;
  status: ServiceStatus;
  desiredCount: number;
  /** The newest deployment; tasks of older ones are replaced once it is running. */
  primary: DeploymentRecord;
  /** Every deployment by id, the primary included, for the tasks that older ones left running. */
  readonly deployments: Map<string, DeploymentRecord>;
  /** Every task the service started that the emulator still remembers. */
  readonly tasks: Set<TaskRecord>;
}

export const tagList = (tags: ReadonlyMap<string, string>): Tag[] =>
  [...tags].map(([key, value]) => ({ key, value }));

export const isStopping = (task: TaskRecord): boolean => task.desiredStatus === 'STOPPED';
