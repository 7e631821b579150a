import type { EcsEmulation, EmulatorContext } from '../context.js';
import { EcsApi } from './api.js';
import type { TaskArnFormat } from './arns.js';
import { Capacity, type EcsContainerInstanceStateChangeEvent } from './container-instances.js';
import { TaskEventStream, type DeliveryStats } from './event-stream.js';
import { TaskLifecycle, nextStatus } from './lifecycle.js';
import type { TaskRecord, TaskStatus } from './model.js';
import type { EcsRuntime } from './runtime.js';
import { ServiceScheduler } from './scheduler.js';
import { StateWatch } from './state-watch.js';
import { EcsStore } from './store.js';
import { TimerSet } from './timers.js';
import { taskView } from './views.js';
import { tagsOf } from './operations/tags.js';
import { AccountSettings } from './operations/account-settings.js';
import { deregister } from './operations/container-instances.js';
import { ManagedInstances } from './managed-instances.js';

export { ECS_OPERATIONS } from './api.js';
export type { TaskArnFormat } from './arns.js';
export type { DeliveryStats } from './event-stream.js';
export type { TaskStatus } from './model.js';
export type { EcsContainerInstanceStateChangeEvent } from './container-instances.js';

export interface EcsEmulatorOptions {
  /** ARN format of new tasks: `long` (`task/<cluster>/<id>`, default) or `old` (`task/<uuid>`). */
  readonly taskArnFormat?: TaskArnFormat;
  /** How long STOPPED tasks stay describable; default one hour, as on ECS. */
  readonly stoppedTaskRetentionMs?: number;
}

/** The ECS emulation plus what tests, demos and benchmarks use in-process. */
export interface EcsEmulator extends EcsEmulation {
  /** Calls per operation since start, throttled ones included. */
  operationCounts(): Record<string, number>;
  /** Calls answered with ThrottlingException, per operation. */
  throttledCounts(): Record<string, number>;
  /** Events announced and delivered, with the faults applied to them. */
  deliveryStats(): DeliveryStats;
  /** Changes the ARN format of tasks started from now on. */
  setTaskArnFormat(format: TaskArnFormat): void;
  /** The task as DescribeTasks (with tags) would answer it, or undefined. */
  describeTask(taskArn: string): Record<string, unknown> | undefined;
  /** The tags of the cluster, service, task or task definition an ARN names (as ListTagsForResource), or undefined. */
  resourceTags(resourceArn: string): Record<string, string> | undefined;
  /**
   * Every task ECS wants running (desired status RUNNING), as DescribeTasks (with tags) would
   * answer it, read straight from the store: no API call, so no fault injection, no throttling,
   * no draw from the seeded random stream and nothing counted.
   */
  tasksWantedRunning(): Record<string, unknown>[];
  /** Resolves with the task once it has been in `status`; rejects on timeout or when it stopped first. */
  waitForTaskStatus(taskArn: string, status: TaskStatus, timeoutMs?: number): Promise<Record<string, unknown>>;
  /**
   * Resolves when nothing is left to happen: every task RUNNING as desired or STOPPED, every
   * service at its desired count, and no event held back for reordering.
   */
  idle(timeoutMs?: number): Promise<void>;
  /** ECS Container Instance State Change events, in order (a log of their own: see Capacity). */
  containerInstanceEventsAfter(sequence: number): { readonly sequence: number; readonly event: EcsContainerInstanceStateChangeEvent }[];
  subscribeContainerInstanceEvents(subscriber: (event: EcsContainerInstanceStateChangeEvent) => void): () => void;
  /** Errors thrown inside timer callbacks (expected to stay empty). */
  backgroundErrors(): readonly unknown[];
}

const DEFAULT_WAIT_MS = 10_000;
/** ECS model (DescribeTasks): "stopped tasks appear in the returned results for at least one hour". */
const HOUR_MS = 3_600_000;

export function createEcsEmulation(context: EmulatorContext, options: EcsEmulatorOptions = {}): EcsEmulator {
  const timers = new TimerSet();
  const watch = new StateWatch();
  const visited = new WeakMap<TaskRecord, Set<TaskStatus>>();
  const store = new EcsStore(context);
  const capacity = new Capacity(context);
  // A reordered event waits for its successor, or two steps when the task has come to rest.
  const events = new TaskEventStream(context.random, () => context.faults(), timers, () => 2 * context.timing().stepDelayMs + 20);
  const lifecycle = new TaskLifecycle(context, events, timers, (task) => {
    const statuses = visited.get(task) ?? new Set<TaskStatus>();
    statuses.add(task.lastStatus);
    visited.set(task, statuses);
    capacity.taskChanged(task);
    watch.changed();
  });
  const runtime: EcsRuntime = {
    context,
    store,
    lifecycle,
    capacity,
    managedInstances: new ManagedInstances(context, capacity, () => store.nextSequence()),
    accountSettings: new AccountSettings(`arn:aws:iam::${context.accountId}:root`),
    taskArnFormat: options.taskArnFormat ?? 'long',
  };
  // ECS model (DeregisterContainerInstance): "If you terminate a running container instance,
  // Amazon ECS automatically deregisters the instance from your cluster". Its tasks stop; the
  // stop code and reason ECS gives them are inferred.
  context.instances.onTerminated((instance) => {
    const record = capacity.liveRegistrationOf(instance.instanceId);
    if (!record) return;
    for (const task of [...record.tasks]) {
      lifecycle.stop(task, 'EssentialContainerExited', `Host EC2 (instance ${instance.instanceId}) terminated.`);
    }
    deregister(runtime, record, true);
    watch.changed();
  });
  const api = new EcsApi(runtime);
  const scheduler = new ServiceScheduler(
    context,
    store,
    lifecycle,
    capacity,
    timers,
    {
      stoppedTaskRetentionMs: options.stoppedTaskRetentionMs ?? HOUR_MS,
      taskArnFormat: () => runtime.taskArnFormat,
    },
    () => watch.changed(),
  );
  scheduler.start();

  const tasksAtRest = (): boolean => {
    for (const task of store.allTasks()) if (nextStatus(task) !== undefined) return false;
    return true;
  };

  return {
    handle: async (operation, input) => api.handle(operation, input),
    eventsAfter: (sequence) => events.eventsAfter(sequence),
    subscribe: (subscriber) => events.subscribe(subscriber),
    operationCounts: () => api.operationCounts(),
    throttledCounts: () => api.throttledCounts(),
    deliveryStats: () => ({ ...events.stats }),
    resourceTags: (resourceArn) => {
      try {
        return Object.fromEntries(tagsOf(runtime, resourceArn));
      } catch {
        return undefined;
      }
    },
    setTaskArnFormat: (format) => {
      runtime.taskArnFormat = format;
    },
    describeTask: (taskArn) => {
      const task = store.findTask(taskArn);
      return task && taskView(task, context.region, true);
    },
    tasksWantedRunning: () =>
      [...store.allTasks()]
        .filter((task) => task.desiredStatus === 'RUNNING')
        .map((task) => taskView(task, context.region, true)),
    waitForTaskStatus: async (taskArn, status, timeoutMs = DEFAULT_WAIT_MS) => {
      const task = store.findTask(taskArn);
      if (!task) throw new Error(`no task ${taskArn}`);
      await watch.waitUntil(
        () => {
          if (visited.get(task)?.has(status)) return true;
          if (task.lastStatus === 'STOPPED') throw new Error(`task ${taskArn} stopped without reaching ${status}`);
          return false;
        },
        timeoutMs,
        `task ${taskArn} to reach ${status}`,
      );
      return taskView(task, context.region, true);
    },
    idle: (timeoutMs = DEFAULT_WAIT_MS) =>
      watch.waitUntil(() => tasksAtRest() && scheduler.isSteady() && events.heldCount === 0, timeoutMs, 'the emulator to be idle'),
    containerInstanceEventsAfter: (sequence) => capacity.eventsAfter(sequence),
    subscribeContainerInstanceEvents: (subscriber) => capacity.subscribe(subscriber),
    backgroundErrors: () => [...timers.errors],
    close: () => {
      scheduler.stop();
      timers.close();
      watch.close();
    },
  };
}
