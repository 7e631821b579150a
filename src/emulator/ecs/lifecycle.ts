import type { EmulatorContext } from '../context.js';
import type { TaskEventStream } from './event-stream.js';
import type { StopCode, TaskRecord, TaskStatus } from './model.js';
import { taskStateChangeEvent } from './task-event.js';
import type { TimerSet } from './timers.js';

/**
 * Drives tasks through the ECS lifecycle on timers, one step every `stepDelayMs` (read at each
 * step, so timing changed at run time applies at once):
 *
 *   PROVISIONING → PENDING → ACTIVATING → RUNNING
 *   stop: [RUNNING|ACTIVATING →] DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED
 *
 * The ENI is created before PROVISIONING (attachment PRECREATED), attached at PENDING, detached
 * at DEPROVISIONING and deleted on the way to STOPPED. Every announced change bumps the task's
 * version and emits an event; ACTIVATING is silent unless `announceActivating`, as real Fargate
 * event streams have been seen to go PROVISIONING(1) → PENDING(2) → RUNNING(3).
 */
export class TaskLifecycle {
  private readonly steps = new Map<TaskRecord, NodeJS.Timeout | undefined>();

  constructor(
    private readonly context: EmulatorContext,
    private readonly events: TaskEventStream,
    private readonly timers: TimerSet,
    private readonly onChange: (task: TaskRecord) => void,
  ) {}

  /** Announces a new task (PROVISIONING, version 1) and starts its lifecycle. */
  launch(task: TaskRecord): void {
    this.announce(task);
    this.scheduleStep(task);
  }

  /** Sets the desired status to STOPPED (itself an announced change); no-op when already stopping. */
  stop(task: TaskRecord, stopCode: StopCode, reason: string): void {
    if (task.desiredStatus === 'STOPPED') return;
    const now = this.context.now();
    task.desiredStatus = 'STOPPED';
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    task.stoppingAt = now;
    task.updatedAt = now;
    this.announce(task);
    if (!this.steps.has(task)) this.scheduleStep(task);
  }

  /** Whether the task is between steps (not RUNNING as desired, not STOPPED). */
  isInTransition(task: TaskRecord): boolean {
    return this.steps.has(task);
  }

  private scheduleStep(task: TaskRecord): void {
    const timer = this.timers.after(this.delayBeforeNextStep(task), () => this.step(task));
    this.steps.set(task, timer);
  }

  /** stepDelayMs, except in PENDING on the way up: the image pull, when the timing sets one. */
  private delayBeforeNextStep(task: TaskRecord): number {
    const timing = this.context.timing();
    const pull = timing.imagePullMs;
    if (pull === undefined || task.lastStatus !== 'PENDING' || task.desiredStatus !== 'RUNNING') return timing.stepDelayMs;
    return pull.min + Math.floor(unitFromId(task.taskId) * Math.max(0, pull.max - pull.min));
  }

  private step(task: TaskRecord): void {
    this.steps.delete(task);
    const next = nextStatus(task);
    if (next === undefined) return;
    const announced = this.enter(task, next);
    if (announced) this.announce(task);
    else this.onChange(task);
    if (nextStatus(task) !== undefined) this.scheduleStep(task);
  }

  /** Applies the side effects of entering a status; returns whether ECS announces it. */
  private enter(task: TaskRecord, status: TaskStatus): boolean {
    const now = this.context.now();
    task.lastStatus = status;
    task.updatedAt = now;
    const attachment = task.attachment;
    switch (status) {
      case 'PENDING':
        if (attachment) attachment.status = 'ATTACHED';
        task.connectivity = 'CONNECTED';
        task.connectivityAt = now;
        task.pullStartedAt = now;
        break;
      case 'ACTIVATING':
        task.pullStoppedAt = now;
        if (!this.context.timing().announceActivating) return false;
        break;
      case 'RUNNING':
        task.pullStoppedAt ??= now;
        task.startedAt = now;
        for (const container of task.containers) {
          container.lastStatus = 'RUNNING';
          container.runtimeId = `${task.taskId}-${container.name}`;
        }
        break;
      case 'DEPROVISIONING':
        task.executionStoppedAt = now;
        stopContainers(task);
        if (attachment) attachment.status = 'DETACHING';
        break;
      case 'STOPPED':
        task.executionStoppedAt ??= now;
        task.stoppedAt = now;
        stopContainers(task);
        if (attachment) {
          this.context.network.deleteEni(attachment.networkInterface.networkInterfaceId);
          attachment.status = 'DELETED';
        }
        break;
      default:
        break;
    }
    return true;
  }

  private announce(task: TaskRecord): void {
    task.version++;
    this.events.announce(task.taskArn, taskStateChangeEvent(task, this.context), task.lastStatus === 'STOPPED');
    this.onChange(task);
  }
}

/** A number in [0, 1) from a task id (FNV-1a), the same for the same id. */
function unitFromId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash / 4294967296;
}

function stopContainers(task: TaskRecord): void {
  for (const container of task.containers) {
    // A container that ran exits on the stop signal; one that never started has no exit code.
    if (container.lastStatus === 'RUNNING') container.exitCode = 0;
    container.lastStatus = 'STOPPED';
  }
}

const STARTING: Partial<Record<TaskStatus, TaskStatus>> = {
  PROVISIONING: 'PENDING',
  PENDING: 'ACTIVATING',
  ACTIVATING: 'RUNNING',
};

/** The next status of a task, or undefined when it has arrived (RUNNING as desired, or STOPPED). */
export function nextStatus(task: TaskRecord): TaskStatus | undefined {
  if (task.desiredStatus === 'RUNNING') return STARTING[task.lastStatus];
  switch (task.lastStatus) {
    case 'RUNNING':
    case 'ACTIVATING':
      return 'DEACTIVATING';
    case 'PROVISIONING':
    case 'PENDING':
    case 'DEACTIVATING':
      return 'STOPPING';
    case 'STOPPING':
      return task.attachment ? 'DEPROVISIONING' : 'STOPPED';
    case 'DEPROVISIONING':
      return 'STOPPED';
    case 'STOPPED':
      return undefined;
  }
}
