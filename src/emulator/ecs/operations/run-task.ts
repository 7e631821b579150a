import { clientException, invalidParameter } from '../errors.js';
import { optionalEnum, optionalInteger, optionalObjectList, optionalString, optionalTags, requiredString, type Input } from '../input.js';
import { providerOfStrategy, type ManagedInstancesProviderRecord } from '../managed-instances.js';
import type { EcsRuntime } from '../runtime.js';
import { LAUNCH_TYPES, needsContainerInstances } from '../model.js';
import { checkLaunchType, readAwsVpcSettings } from '../network-configuration.js';
import type { Operation } from '../runtime.js';
import { registeredByAgent, type Placement, type PlacementFailure } from '../container-instances.js';
import { placesOnContainerInstances } from '../placement.js';
import { createTask } from '../task-factory.js';
import { taskView } from '../views.js';

/** ECS model (RunTask.startedBy): "Up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slash (/), and underscores (_)". */
const STARTED_BY_PATTERN = /^[A-Za-z0-9_/-]{1,128}$/;
/**
 * ECS model (RunTask.clientToken): "Up to 64 characters are allowed. The valid characters are
 * characters in the range of 33-126, inclusive." Replaying an earlier answer for a reused token is
 * not emulated (the product never calls RunTask).
 */
const CLIENT_TOKEN_PATTERN = /^[\x21-\x7e]{1,64}$/;

/**
 * RunTask: validates like ECS, creates `count` tasks in PROVISIONING and starts their
 * lifecycles. Fargate places every task. EC2 places each task on an ACTIVE container instance
 * with room for it (see Capacity.place); the tasks that fit nowhere are not started, and
 * `failures` names each container instance with the resource it lacked (ECS model, RunTask:
 * "tasks that were successfully placed … are described here", failures otherwise; the reasons are
 * those of the "API failure reasons" page).
 */
export const runTask: Operation = (runtime, input) => {
  const { context, store, lifecycle } = runtime;
  const reference = requiredString(input, 'taskDefinition');
  // ECS model (RunTask.count): "You can specify up to 10 tasks for each call."
  const count = optionalInteger(input, 'count', 1, 10) ?? 1;
  const clientToken = optionalString(input, 'clientToken');
  if (clientToken !== undefined && !CLIENT_TOKEN_PATTERN.test(clientToken)) {
    throw invalidParameter('clientToken must be 1 to 64 characters in the range 33-126.');
  }
  const cluster = store.clusterOrDefault(optionalString(input, 'cluster'));
  const provider = managedInstancesProviderOf(runtime, input, cluster.clusterArn);
  // ECS model (RunTask.launchType / capacityProviderStrategy): without either, the cluster's
  // default capacity provider strategy applies; the emulator's clusters have none, so EC2 (inferred).
  // That a task a Managed Instances provider placed reports launch type MANAGED_INSTANCES (the
  // LaunchType enum's value) besides its capacityProviderName is *inferred*.
  const launchType = provider ? 'MANAGED_INSTANCES' : (optionalEnum(input, 'launchType', LAUNCH_TYPES) ?? 'EC2');
  const startedBy = optionalString(input, 'startedBy');
  if (startedBy !== undefined && !STARTED_BY_PATTERN.test(startedBy)) {
    throw invalidParameter('startedBy may contain up to 128 letters, numbers, hyphens, forward slashes and underscores.');
  }
  const propagateTags = optionalEnum(input, 'propagateTags', ['TASK_DEFINITION', 'SERVICE', 'NONE'] as const) ?? 'NONE';
  // ECS model (RunTask.propagateTags): "An error will be received if you specify the SERVICE option when running a task."
  if (propagateTags === 'SERVICE') throw invalidParameter('SERVICE is not a valid propagateTags value for RunTask.');
  const requestTags = optionalTags(input, 'tags') ?? [];
  const definition = store.findTaskDefinition(reference);
  if (!definition) throw clientException('TaskDefinition not found.');
  // Which check ECS makes first is inferred: placement needs instances before compatibility matters.
  const onInstances = placesOnContainerInstances(launchType);
  if (!provider && needsContainerInstances(launchType) && (!onInstances || !runtime.capacity.placeable(cluster).some(registeredByAgent))) {
    throw invalidParameter('No Container Instances were found in your cluster.');
  }
  checkLaunchType(launchType, definition);
  const awsvpc = readAwsVpcSettings(input, definition, context.network);
  const group = optionalString(input, 'group') ?? `family:${definition.family}`;
  // Tags given with the request win over propagated ones with the same key.
  const tags = new Map(propagateTags === 'TASK_DEFINITION' ? definition.tags : []);
  for (const tag of requestTags) tags.set(tag.key, tag.value);

  const tasks = [];
  const failures = new Map<string, PlacementFailure>();
  for (let index = 0; index < count; index++) {
    const placement: Placement | undefined = provider
      ? runtime.managedInstances.place(provider, definition, awsvpc)
      : onInstances
        ? runtime.capacity.place(cluster, definition, awsvpc)
        : undefined;
    if (placement && !placement.placed) {
      for (const failure of placement.failures) failures.set(failure.arn, failure);
      break;
    }
    const task = createTask(context, store, {
      cluster,
      taskDefinition: definition,
      launchType,
      group,
      startedBy,
      platformVersion: optionalString(input, 'platformVersion'),
      awsvpc,
      tags,
      arnFormat: runtime.taskArnFormat,
      ...(provider ? { capacityProviderName: provider.name } : {}),
      placement: placement?.placed ? placement : undefined,
    });
    if (placement?.placed) runtime.capacity.reserve(task, placement.on);
    tasks.push(task);
  }
  for (const task of tasks) lifecycle.launch(task);
  return { tasks: tasks.map((task) => taskView(task, context.region, true)), failures: [...failures.values()] };
};

/** ECS model (RunTask.capacityProviderStrategy): "A capacity provider strategy can contain a maximum of 20 capacity providers." */
const MAX_STRATEGY_ITEMS = 20;

/**
 * The Managed Instances provider a RunTask names, if any. ECS model (RunTask.launchType and
 * capacityProviderStrategy): "If you want to use Amazon ECS Managed Instances, you must use the
 * capacityProviderStrategy request parameter and omit the launchType request parameter", and
 * "If a capacityProviderStrategy is specified, the launchType parameter must be omitted". The
 * messages of the refusals are *inferred*; so is the one for a provider the cluster does not have
 * (a Managed Instances provider exists in one cluster only: CreateCapacityProvider.cluster).
 * FARGATE / FARGATE_SPOT strategies are not emulated (use launchType FARGATE).
 */
function managedInstancesProviderOf(runtime: EcsRuntime, input: Input, clusterArn: string): ManagedInstancesProviderRecord | undefined {
  const strategy = optionalObjectList(input, 'capacityProviderStrategy');
  const launchType = optionalString(input, 'launchType');
  if (strategy === undefined) {
    if (launchType === 'MANAGED_INSTANCES') {
      throw invalidParameter('To run tasks on Amazon ECS Managed Instances, specify a capacityProviderStrategy and omit launchType.');
    }
    return undefined;
  }
  if (launchType !== undefined) throw invalidParameter('Specifying both a launchType and capacityProviderStrategy is not supported.');
  if (strategy.length > MAX_STRATEGY_ITEMS) throw invalidParameter(`A capacity provider strategy can contain at most ${MAX_STRATEGY_ITEMS} capacity providers.`);
  const items = strategy.map((item) => ({ capacityProvider: requiredString(item, 'capacityProvider'), base: optionalInteger(item, 'base', 0, 100_000) }));
  const name = providerOfStrategy(items);
  const provider = runtime.managedInstances.find(name);
  if (!provider || provider.cluster.clusterArn !== clusterArn) {
    throw invalidParameter(`The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster: ${name}.`);
  }
  return provider;
}
