import type { EcsTaskStateChangeEvent, EventSubscriber, LoggedEvent } from '../context.js';
import type { EmulatorFaults } from '../profile.js';
import type { Random } from '../random.js';
import type { TimerSet } from './timers.js';

export interface DeliveryStats {
  /** Events announced by the lifecycle (each once). */
  announced: number;
  /** Deliveries into the log, duplicates included. */
  delivered: number;
  duplicated: number;
  reordered: number;
  subscriberErrors: number;
}

interface HeldEvent {
  readonly event: EcsTaskStateChangeEvent;
  readonly timer: NodeJS.Timeout | undefined;
}

/**
 * EventBridge delivery of task state changes, with its at-least-once and out-of-order faults.
 * A reordered event is held until the task's next event has been delivered; since a task's last
 * event may never have a successor, a held event is also released after `holdMs`.
 */
export class TaskEventStream {
  private readonly log: LoggedEvent[] = [];
  private readonly subscribers = new Set<EventSubscriber>();
  private readonly held = new Map<string, HeldEvent>();
  readonly stats: DeliveryStats = { announced: 0, delivered: 0, duplicated: 0, reordered: 0, subscriberErrors: 0 };

  constructor(
    private readonly random: Random,
    private readonly faults: () => EmulatorFaults,
    private readonly timers: TimerSet,
    private readonly holdMs: () => number,
  ) {}

  /** Announces one state change of a task; `final` events (STOPPED) are never held back. */
  announce(taskArn: string, event: EcsTaskStateChangeEvent, final: boolean): void {
    this.stats.announced++;
    const earlier = this.held.get(taskArn);
    if (!earlier && !final && this.random.chance(this.faults().reorderEventRate)) {
      this.stats.reordered++;
      const timer = this.timers.after(this.holdMs(), () => this.release(taskArn));
      this.held.set(taskArn, { event, timer });
      return;
    }
    this.deliverWithFaults(event);
    if (earlier) this.release(taskArn);
  }

  eventsAfter(sequence: number): LoggedEvent[] {
    return this.log.slice(Math.max(0, sequence));
  }

  subscribe(subscriber: EventSubscriber): () => void {
    // Wrapped so that one function subscribed twice is two subscriptions, each removable.
    const wrapped: EventSubscriber = (event) => subscriber(event);
    this.subscribers.add(wrapped);
    return () => {
      this.subscribers.delete(wrapped);
    };
  }

  /** Events held back for reordering and not yet delivered. */
  get heldCount(): number {
    return this.held.size;
  }

  private release(taskArn: string): void {
    const earlier = this.held.get(taskArn);
    if (!earlier) return;
    this.held.delete(taskArn);
    this.timers.cancel(earlier.timer);
    this.deliverWithFaults(earlier.event);
  }

  private deliverWithFaults(event: EcsTaskStateChangeEvent): void {
    this.deliver(event);
    if (this.random.chance(this.faults().duplicateEventRate)) {
      this.stats.duplicated++;
      this.deliver(event);
    }
  }

  private deliver(event: EcsTaskStateChangeEvent): void {
    this.log.push({ sequence: this.log.length + 1, event });
    this.stats.delivered++;
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber(event);
      } catch {
        // A consumer's bug must not stop the emulator or starve the other subscribers.
        this.stats.subscriberErrors++;
      }
    }
  }
}
