import type { EcsTaskStateChangeEvent, EmulatorContext } from '../context.js';
import { uuid } from './ids.js';
import type { TaskRecord } from './model.js';
import { taskEventDetail } from './views.js';

/** The EventBridge envelope around a task's current state, as ECS sends it. */
export function taskStateChangeEvent(task: TaskRecord, context: EmulatorContext): EcsTaskStateChangeEvent {
  return {
    version: '0',
    id: uuid(context.random),
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: context.accountId,
    // EventBridge's `time` has whole seconds; the detail's timestamps keep milliseconds.
    time: new Date(context.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: context.region,
    resources: [task.taskArn],
    detail: taskEventDetail(task, context.region),
  };
}
