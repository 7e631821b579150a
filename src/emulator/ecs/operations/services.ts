import { serviceArn } from '../arns.js';
import { invalidParameter, serviceNotActive, serviceNotFound } from '../errors.js';
import { deploymentId } from '../ids.js';
import {
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalString,
  optionalStringList,
  optionalTags,
  requiredString,
  type Input,
} from '../input.js';
import { LAUNCH_TYPES, type DeploymentRecord, type ServiceRecord, type TaskDefinitionRecord } from '../model.js';
import { checkLaunchType, readAwsVpcSettings } from '../network-configuration.js';
import { paginate } from '../paging.js';
import type { EcsRuntime, Operation } from '../runtime.js';
import { serviceView } from '../service-view.js';

/** ECS model (CreateService.serviceName): "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens". */
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
/** inferred: no document found names an upper bound for desiredCount; large enough for the benchmarks. */
const MAX_DESIRED_COUNT = 10_000;
/** ECS model (DescribeServices.services): "You may specify up to 10 services". */
const MAX_DESCRIBE = 10;

function findTaskDefinition(runtime: EcsRuntime, reference: string): TaskDefinitionRecord {
  const definition = runtime.store.findTaskDefinition(reference);
  if (!definition) throw invalidParameter('TaskDefinition not found.');
  return definition;
}

function newDeployment(runtime: EcsRuntime, definition: TaskDefinitionRecord, input: Input): DeploymentRecord {
  return {
    id: deploymentId(runtime.context.random),
    taskDefinition: definition,
    awsvpc: readAwsVpcSettings(input, definition, runtime.context.network),
    createdAt: runtime.context.now(),
  };
}

/** The service a request names; missing is ServiceNotFoundException, not ACTIVE is ServiceNotActiveException. */
function activeService(runtime: EcsRuntime, input: Input): ServiceRecord {
  const cluster = runtime.store.cluster(optionalString(input, 'cluster'));
  const service = runtime.store.findService(cluster, requiredString(input, 'service'));
  if (!service) throw serviceNotFound();
  if (service.status !== 'ACTIVE') throw serviceNotActive();
  return service;
}

export const createService: Operation = (runtime, input) => {
  const { store, context } = runtime;
  const serviceName = requiredString(input, 'serviceName');
  if (!NAME_PATTERN.test(serviceName)) {
    throw invalidParameter('Service name may contain up to 255 letters, numbers, hyphens and underscores.');
  }
  const desiredCount = optionalInteger(input, 'desiredCount', 0, MAX_DESIRED_COUNT);
  if (desiredCount === undefined) throw invalidParameter('desiredCount is required for the REPLICA scheduling strategy.');
  const schedulingStrategy = optionalEnum(input, 'schedulingStrategy', ['REPLICA', 'DAEMON'] as const) ?? 'REPLICA';
  if (schedulingStrategy === 'DAEMON') throw invalidParameter('The emulator supports only the REPLICA scheduling strategy.');
  const launchType = optionalEnum(input, 'launchType', LAUNCH_TYPES) ?? 'EC2';
  const propagateTags = optionalEnum(input, 'propagateTags', ['TASK_DEFINITION', 'SERVICE', 'NONE'] as const) ?? 'NONE';
  const tags = new Map((optionalTags(input, 'tags') ?? []).map((tag) => [tag.key, tag.value]));
  const cluster = store.clusterOrDefault(optionalString(input, 'cluster'));
  const existing = store.findService(cluster, serviceName);
  if (existing?.status === 'DRAINING') throw invalidParameter('Unable to Start a service that is still Draining.');
  if (existing?.status === 'ACTIVE') throw invalidParameter('Creation of service was not idempotent.');
  const definition = findTaskDefinition(runtime, requiredString(input, 'taskDefinition'));
  checkLaunchType(launchType, definition);
  const primary = newDeployment(runtime, definition, input);
  const platformVersion = optionalString(input, 'platformVersion') ?? (launchType === 'FARGATE' ? 'LATEST' : undefined);
  const service: ServiceRecord = {
    sequence: store.nextSequence(),
    serviceName,
    serviceArn: serviceArn(context, cluster.clusterName, serviceName),
    cluster,
    launchType,
    platformVersion,
    propagateTags,
    createdAt: context.now(),
    tags,
    status: 'ACTIVE',
    desiredCount,
    primary,
    deployments: new Map([[primary.id, primary]]),
    tasks: new Set(),
  };
  store.putService(service);
  return { service: serviceView(service, true) };
};

export const updateService: Operation = (runtime, input) => {
  const service = activeService(runtime, input);
  const desiredCount = optionalInteger(input, 'desiredCount', 0, MAX_DESIRED_COUNT);
  const reference = optionalString(input, 'taskDefinition');
  const definition = reference === undefined ? service.primary.taskDefinition : findTaskDefinition(runtime, reference);
  checkLaunchType(service.launchType, definition);
  const forceNewDeployment = optionalBoolean(input, 'forceNewDeployment') ?? false;
  const networkChanged = input['networkConfiguration'] !== undefined;
  if (definition !== service.primary.taskDefinition || networkChanged || forceNewDeployment) {
    const settings: Input = networkChanged ? input : { networkConfiguration: { awsvpcConfiguration: service.primary.awsvpc } };
    const deployment = newDeployment(runtime, definition, settings);
    service.primary = deployment;
    service.deployments.set(deployment.id, deployment);
  }
  if (desiredCount !== undefined) service.desiredCount = desiredCount;
  return { service: serviceView(service, false) };
};

/**
 * DeleteService: DRAINING at once (the scheduler stops the tasks and makes it INACTIVE once they
 * are all stopping); a service still scaled above zero needs `force`.
 */
export const deleteService: Operation = (runtime, input) => {
  const service = activeService(runtime, input);
  const force = optionalBoolean(input, 'force') ?? false;
  if (service.desiredCount > 0 && !force) {
    throw invalidParameter('The service cannot be stopped while it is scaled above 0.');
  }
  service.desiredCount = 0;
  service.status = 'DRAINING';
  for (const task of service.tasks) {
    runtime.lifecycle.stop(task, 'ServiceSchedulerInitiated', 'Service is being deleted');
  }
  return { service: serviceView(service, false) };
};

export const describeServices: Operation = (runtime, input) => {
  const cluster = runtime.store.cluster(optionalString(input, 'cluster'));
  const references = optionalStringList(input, 'services') ?? [];
  if (references.length === 0) throw invalidParameter('Services cannot be empty.');
  if (references.length > MAX_DESCRIBE) {
    throw invalidParameter(`At most ${MAX_DESCRIBE} services can be described at once.`);
  }
  const includeTags = (optionalStringList(input, 'include') ?? []).includes('TAGS');
  const services: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const reference of references) {
    const service = runtime.store.findService(cluster, reference);
    if (service) services.push(serviceView(service, includeTags));
    else {
      const arn = reference.startsWith('arn:') ? reference : serviceArn(runtime.context, cluster.clusterName, reference);
      failures.push({ arn, reason: 'MISSING' });
    }
  }
  return { services, failures };
};

/** Lists ACTIVE services only: DRAINING and INACTIVE ones are visible to DescribeServices alone. */
export const listServices: Operation = (runtime, input) => {
  const cluster = runtime.store.cluster(optionalString(input, 'cluster'));
  // ECS model (ListServices.maxResults): "between 1 and 100"; without it "up to 10 results".
  const maxResults = optionalInteger(input, 'maxResults', 1, 100) ?? 10;
  const launchType = optionalEnum(input, 'launchType', LAUNCH_TYPES);
  const matching = runtime.store
    .allServices()
    .filter((service) => service.cluster === cluster && service.status === 'ACTIVE')
    .filter((service) => launchType === undefined || service.launchType === launchType)
    .sort((a, b) => a.sequence - b.sequence);
  const page = paginate(matching, (service) => service.sequence, maxResults, optionalString(input, 'nextToken'));
  return { serviceArns: page.items.map((service) => service.serviceArn), nextToken: page.nextToken };
};
