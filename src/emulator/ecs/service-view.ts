import { awsVpcView } from './network-configuration.js';
import { tagList, type DeploymentRecord, type ServiceRecord, type TaskRecord } from './model.js';
import { compact, epochSeconds } from './views.js';

interface Counts {
  running: number;
  pending: number;
}

function countTasks(tasks: Iterable<TaskRecord>): Counts {
  const counts: Counts = { running: 0, pending: 0 };
  for (const task of tasks) {
    if (task.desiredStatus !== 'RUNNING') continue;
    if (task.lastStatus === 'RUNNING') counts.running++;
    else counts.pending++;
  }
  return counts;
}

function deploymentView(service: ServiceRecord, deployment: DeploymentRecord, tasks: TaskRecord[]): Record<string, unknown> {
  const counts = countTasks(tasks);
  const primary = deployment === service.primary;
  const desiredCount = primary ? service.desiredCount : 0;
  const done = primary && counts.running === desiredCount && counts.pending === 0;
  return compact({
    id: deployment.id,
    status: primary ? 'PRIMARY' : 'ACTIVE',
    taskDefinition: deployment.taskDefinition.taskDefinitionArn,
    desiredCount,
    pendingCount: counts.pending,
    runningCount: counts.running,
    failedTasks: 0,
    createdAt: epochSeconds(deployment.createdAt),
    updatedAt: epochSeconds(deployment.createdAt),
    launchType: service.launchType,
    platformVersion: service.platformVersion,
    networkConfiguration: awsVpcView(deployment.awsvpc),
    rolloutState: done ? 'COMPLETED' : 'IN_PROGRESS',
  });
}

/** A Service as CreateService, UpdateService, DeleteService and DescribeServices answer it. */
export function serviceView(service: ServiceRecord, includeTags: boolean): Record<string, unknown> {
  const counts = countTasks(service.tasks);
  const byDeployment = new Map<DeploymentRecord, TaskRecord[]>([[service.primary, []]]);
  for (const task of service.tasks) {
    const deployment = task.deploymentId === undefined ? undefined : service.deployments.get(task.deploymentId);
    if (!deployment || task.desiredStatus !== 'RUNNING') continue;
    byDeployment.set(deployment, [...(byDeployment.get(deployment) ?? []), task]);
  }
  return compact({
    serviceArn: service.serviceArn,
    serviceName: service.serviceName,
    clusterArn: service.cluster.clusterArn,
    loadBalancers: [],
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: counts.running,
    pendingCount: counts.pending,
    launchType: service.launchType,
    platformVersion: service.platformVersion,
    platformFamily: service.launchType === 'FARGATE' ? 'Linux' : undefined,
    taskDefinition: service.primary.taskDefinition.taskDefinitionArn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: false, rollback: false },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments: [...byDeployment].map(([deployment, tasks]) => deploymentView(service, deployment, tasks)),
    events: [],
    createdAt: epochSeconds(service.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: awsVpcView(service.primary.awsvpc),
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    tags: includeTags ? tagList(service.tags) : undefined,
    createdBy: `arn:aws:iam::${service.serviceArn.split(':')[4] ?? ''}:root`,
    enableECSManagedTags: false,
    propagateTags: service.propagateTags,
    enableExecuteCommand: false,
  });
}
