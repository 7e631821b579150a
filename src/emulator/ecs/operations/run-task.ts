import { clientException, invalidParameter } from '../errors.js';
import { optionalEnum, optionalInteger, optionalString, optionalTags, requiredString } from '../input.js';
import { LAUNCH_TYPES, needsContainerInstances } from '../model.js';
import { checkLaunchType, readAwsVpcSettings } from '../network-configuration.js';
import type { Operation } from '../runtime.js';
import type { PlacementFailure } from '../container-instances.js';
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
  // ECS model (RunTask.launchType / capacityProviderStrategy): without either, the cluster's
  // default capacity provider strategy applies; the emulator's clusters have none, so EC2 (inferred).
  const launchType = optionalEnum(input, 'launchType', LAUNCH_TYPES) ?? 'EC2';
  const startedBy = optionalString(input, 'startedBy');
  if (startedBy !== undefined && !STARTED_BY_PATTERN.test(startedBy)) {
    throw invalidParameter('startedBy may contain up to 128 letters, numbers, hyphens, forward slashes and underscores.');
  }
  const propagateTags = optionalEnum(input, 'propagateTags', ['TASK_DEFINITION', 'SERVICE', 'NONE'] as const) ?? 'NONE';
  // ECS model (RunTask.propagateTags): "An error will be received if you specify the SERVICE option when running a task."
  if (propagateTags === 'SERVICE') throw invalidParameter('SERVICE is not a valid propagateTags value for RunTask.');
  const requestTags = optionalTags(input, 'tags') ?? [];
  const cluster = store.clusterOrDefault(optionalString(input, 'cluster'));
  const definition = store.findTaskDefinition(reference);
  if (!definition) throw clientException('TaskDefinition not found.');
  // Which check ECS makes first is inferred: placement needs instances before compatibility matters.
  const onInstances = placesOnContainerInstances(launchType);
  if (needsContainerInstances(launchType) && (!onInstances || runtime.capacity.placeable(cluster).length === 0)) {
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
    const placement = onInstances ? runtime.capacity.place(cluster, definition, awsvpc) : undefined;
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
      placement: placement?.placed ? placement : undefined,
    });
    if (placement?.placed) runtime.capacity.reserve(task, placement.on);
    tasks.push(task);
  }
  for (const task of tasks) lifecycle.launch(task);
  return { tasks: tasks.map((task) => taskView(task, context.region, true)), failures: [...failures.values()] };
};
