import type { EmulatorContext } from '../context.js';
import type { Capacity } from './container-instances.js';
import type { TaskLifecycle } from './lifecycle.js';
import { needsContainerInstances, type ServiceRecord, type TaskRecord } from './model.js';
import { placesOnContainerInstances } from './placement.js';
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
    private readonly capacity: Capacity,
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
      if (needsContainerInstances(service.launchType) && !placesOnContainerInstances(service.launchType)) return true;
      const allRunning = live.every((task) => task.deploymentId === service.primary.id && task.lastStatus === 'RUNNING');
      // On EC2 capacity a service short of room for its next task rests where it is.
      const full = live.length < service.desiredCount && placesOnContainerInstances(service.launchType) && !this.canPlace(service);
      return allRunning && (live.length === service.desiredCount || full);
    });
  }

  private balance(service: ServiceRecord): void {
    const live = liveTasks(service);
    const current = live.filter((task) => task.deploymentId === service.primary.id);
    const older = live.filter((task) => task.deploymentId !== service.primary.id);
    const reason = `Scaling activity initiated by (deployment ${service.primary.id})`;
    // No container instances of this launch type can exist, so no task is placed (ECS reports
    // "unable to place a task"); on EC2 capacity, tasks are placed while they fit.
    if (needsContainerInstances(service.launchType) && !placesOnContainerInstances(service.launchType)) return;
    for (let missing = service.desiredCount - current.length; missing > 0; missing--) {
      if (!this.startTask(service)) break;
    }
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

  private canPlace(service: ServiceRecord): boolean {
    return this.capacity.place(service.cluster, service.primary.taskDefinition, service.primary.awsvpc).placed;
  }

  /** Starts one task of the service; false when EC2 capacity has no room for it. */
  private startTask(service: ServiceRecord): boolean {
    const deployment = service.primary;
    const definition = deployment.taskDefinition;
    const placement = placesOnContainerInstances(service.launchType)
      ? this.capacity.place(service.cluster, definition, deployment.awsvpc)
      : undefined;
    if (placement && !placement.placed) return false;
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
      placement: placement?.placed ? placement : undefined,
    });
    if (placement?.placed) this.capacity.reserve(task, placement.on);
    service.tasks.add(task);
    this.lifecycle.launch(task);
    return true;
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
