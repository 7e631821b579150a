import { taskArn } from '../arns.js';
import { invalidParameter, serviceNotFound } from '../errors.js';
import { optionalEnum, optionalInteger, optionalString, optionalStringList } from '../input.js';
import { LAUNCH_TYPES, type TaskRecord } from '../model.js';
import { paginate } from '../paging.js';
import type { Operation } from '../runtime.js';
import { taskView } from '../views.js';

/** ECS model (DescribeTasks.tasks): "A list of up to 100 task IDs or full ARN entries." */
const MAX_DESCRIBE = 100;

/**
 * ListTasks filters by desired status (default RUNNING): a task that is still stopping is
 * already listed as STOPPED, as on ECS. ECS model (ListTasks.desiredStatus): "Although you can
 * filter results based on a desired status of PENDING, this doesn't return any results. Amazon
 * ECS never sets the desired status of a task to that value (only a task's lastStatus may have a
 * value of PENDING)."
 */
function matchesDesiredStatus(task: TaskRecord, desired: 'RUNNING' | 'PENDING' | 'STOPPED'): boolean {
  return task.desiredStatus === desired;
}

export const listTasks: Operation = (runtime, input) => {
  const { store } = runtime;
  const cluster = store.cluster(optionalString(input, 'cluster'));
  // ECS model (ListTasks.maxResults): "between 1 and 100", default "up to 100 results".
  const maxResults = optionalInteger(input, 'maxResults', 1, 100) ?? 100;
  const desiredStatus = optionalEnum(input, 'desiredStatus', ['RUNNING', 'PENDING', 'STOPPED'] as const) ?? 'RUNNING';
  const launchType = optionalEnum(input, 'launchType', LAUNCH_TYPES);
  const family = optionalString(input, 'family');
  const startedBy = optionalString(input, 'startedBy');
  const serviceName = optionalString(input, 'serviceName');
  const containerInstance = optionalString(input, 'containerInstance');
  if (startedBy !== undefined && (family !== undefined || serviceName !== undefined || containerInstance !== undefined)) {
    // ECS model (ListTasks.startedBy): "it must be the only filter that you use".
    throw invalidParameter('startedBy must be the only filter when it is specified.');
  }
  const service = serviceName === undefined ? undefined : store.findService(cluster, serviceName);
  if (serviceName !== undefined && !service) throw serviceNotFound();

  const host = containerInstance === undefined ? undefined : runtime.capacity.find(containerInstance, cluster);
  function* matching(): Generator<TaskRecord> {
    // A container instance this cluster does not know runs no task (the answer is an empty list: inferred).
    if (containerInstance !== undefined && !host) return;
    for (const task of store.allTasks()) {
      if (host && task.containerInstance !== host) continue;
      if (task.cluster !== cluster || !matchesDesiredStatus(task, desiredStatus)) continue;
      if (launchType !== undefined && task.launchType !== launchType) continue;
      if (family !== undefined && task.taskDefinition.family !== family) continue;
      if (startedBy !== undefined && task.startedBy !== startedBy) continue;
      if (service && !service.tasks.has(task)) continue;
      yield task;
    }
  }
  const page = paginate(matching(), (task) => task.sequence, maxResults, optionalString(input, 'nextToken'));
  return { taskArns: page.items.map((task) => task.taskArn), nextToken: page.nextToken };
};

export const describeTasks: Operation = (runtime, input) => {
  const { store, context } = runtime;
  const references = optionalStringList(input, 'tasks');
  if (!references || references.length === 0) throw invalidParameter('Tasks cannot be empty.');
  if (references.length > MAX_DESCRIBE) {
    throw invalidParameter(`Too many tasks were provided. A maximum of ${MAX_DESCRIBE} tasks can be described at once.`);
  }
  const cluster = store.cluster(optionalString(input, 'cluster'));
  const includeTags = (optionalStringList(input, 'include') ?? []).includes('TAGS');
  const tasks: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const reference of new Set(references)) {
    const task = store.findTask(reference, cluster);
    if (task) tasks.push(taskView(task, context.region, includeTags));
    else {
      const arn = reference.startsWith('arn:') ? reference : taskArn(context, 'long', cluster.clusterName, reference);
      // ECS Developer Guide, "API failure reasons": MISSING, the resource could not be found.
      failures.push({ arn, reason: 'MISSING' });
    }
  }
  return { tasks, failures };
};
