import type { EmulatorContext } from '../context.js';
import type { TaskLifecycle } from './lifecycle.js';
import { needsContainerInstances, type ServiceRecord, type TaskRecord } from './model.js';
import type { EcsStore } from './store.js';
import { createTask } from './task-factory.js';
import type { TimerSet } from './timers.js';
import type { TaskArnFormat } from './arns.js';

export interface SchedulerOptions {
  /** How long STOPPED tasks stay describable (ECS keeps them for about an hour). */
  readonly stoppedTaskRetentionMs: number;
  readonly taskArnFormat: () => TaskArnFormat;
}

/**
 * The ECS service scheduler: every `schedulerIntervalMs` (read at each tick) it starts tasks
 * for ACTIVE services below their desired count (whatever stopped the missing ones), stops
 * the excess, replaces the tasks of older deployments once the newest one is running, turns
 * DRAINING services INACTIVE, and forgets STOPPED tasks past their retention.
 */
export class ServiceScheduler {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly context: EmulatorContext,
    private readonly store: EcsStore,
    private readonly lifecycle: TaskLifecycle,
    private readonly timers: TimerSet,
    private readonly options: SchedulerOptions,
    private readonly onTick: () => void,
  ) {}

  start(): void {
    this.timer = this.timers.after(this.context.timing().schedulerIntervalMs, () => {
      try {
        this.tick();
      } finally {
        this.start();
      }
    });
  }

  stop(): void {
    this.timers.cancel(this.timer);
  }

  tick(): void {
    this.forgetExpiredTasks();
    for (const service of this.store.allServices()) {
      if (service.status === 'ACTIVE') this.balance(service);
      else if (service.status === 'DRAINING') this.drain(service);
    }
    this.onTick();
  }

  /** Whether every service has exactly its desired tasks of its newest deployment, all RUNNING. */
  isSteady(): boolean {
    return this.store.allServices().every((service) => {
      const live = liveTasks(service);
      if (service.status !== 'ACTIVE') return live.length === 0;
      // Nothing will ever be placed for it (see needsContainerInstances): at rest as it is.
      if (needsContainerInstances(service.launchType)) return true;
      return (
        live.length === service.desiredCount &&
        live.every((task) => task.deploymentId === service.primary.id && task.lastStatus === 'RUNNING')
      );
    });
  }

  private balance(service: ServiceRecord): void {
    const live = liveTasks(service);
    const current = live.filter((task) => task.deploymentId === service.primary.id);
    const older = live.filter((task) => task.deploymentId !== service.primary.id);
    const reason = `Scaling activity initiated by (deployment ${service.primary.id})`;
    // No container instances, so no task is placed (ECS reports "unable to place a task").
    if (needsContainerInstances(service.launchType)) return;
    for (let missing = service.desiredCount - current.length; missing > 0; missing--) this.startTask(service);
    // Scale in newest first: those are the least likely to be serving yet.
    for (const task of current.slice(service.desiredCount).reverse()) {
      this.lifecycle.stop(task, 'ServiceSchedulerInitiated', reason);
    }
    const running = current.filter((task) => task.lastStatus === 'RUNNING').length;
    if (running >= service.desiredCount) {
      for (const task of older) this.lifecycle.stop(task, 'ServiceSchedulerInitiated', reason);
    }
  }

  private drain(service: ServiceRecord): void {
    const live = liveTasks(service);
    for (const task of live) this.lifecycle.stop(task, 'ServiceSchedulerInitiated', 'Service is being deleted');
    if (liveTasks(service).length === 0) service.status = 'INACTIVE';
  }

  private startTask(service: ServiceRecord): void {
    const deployment = service.primary;
    const definition = deployment.taskDefinition;
    const tags =
      service.propagateTags === 'SERVICE'
        ? service.tags
        : service.propagateTags === 'TASK_DEFINITION'
          ? definition.tags
          : new Map<string, string>();
    const task = createTask(this.context, this.store, {
      cluster: service.cluster,
      taskDefinition: definition,
      launchType: service.launchType,
      group: `service:${service.serviceName}`,
      startedBy: deployment.id,
      serviceName: service.serviceName,
      deploymentId: deployment.id,
      platformVersion: service.platformVersion,
      awsvpc: deployment.awsvpc,
      tags,
      arnFormat: this.options.taskArnFormat(),
    });
    service.tasks.add(task);
    this.lifecycle.launch(task);
  }

  private forgetExpiredTasks(): void {
    const horizon = this.context.now() - this.options.stoppedTaskRetentionMs;
    const expired: TaskRecord[] = [];
    for (const task of this.store.allTasks()) {
      if (task.lastStatus === 'STOPPED' && (task.stoppedAt ?? 0) < horizon) expired.push(task);
    }
    for (const task of expired) {
      this.store.forgetTask(task);
      for (const service of this.store.allServices()) service.tasks.delete(task);
    }
  }
}

/** A service's tasks that are meant to run: those being stopped no longer count. */
const liveTasks = (service: ServiceRecord): TaskRecord[] =>
  [...service.tasks].filter((task) => task.desiredStatus === 'RUNNING');
