import { invalidParameter } from '../errors.js';
import { optionalString, requiredString } from '../input.js';
import type { Operation } from '../runtime.js';
import { taskView } from '../views.js';

/** ECS API reference (StopTask.reason, as published until 2021): "Up to 255 characters are allowed in this message." */
const MAX_REASON_LENGTH = 255;

/** StopTask of a task that is already stopping or stopped answers it unchanged. */
export const stopTask: Operation = (runtime, input) => {
  const { store, lifecycle, context } = runtime;
  const reference = requiredString(input, 'task');
  const reason = optionalString(input, 'reason') ?? 'Task stopped by user';
  if (reason.length > MAX_REASON_LENGTH) throw invalidParameter(`reason must be at most ${MAX_REASON_LENGTH} characters.`);
  const cluster = store.cluster(optionalString(input, 'cluster'));
  const task = store.findTask(reference, cluster);
  // What ECS answers for an unknown task (observed message; the model lists InvalidParameterException).
  if (!task) throw invalidParameter('The referenced task was not found.');
  lifecycle.stop(task, 'UserInitiated', reason);
  return { task: taskView(task, context.region, true) };
};
