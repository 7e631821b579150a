import { EVENT_QUEUE } from '../contract/queue.js';

/**
 * What EventBridge → SQS → Lambda does with events, in-process: batches (size and window),
 * bounded concurrency, failed records redelivered after the visibility timeout, and records
 * that failed maxReceiveCount times moved to a dead-letter list. The demo and the benchmark
 * use it to run the real handler the way the CDK construct deploys it.
 */
export interface QueueDeliveryOptions {
  readonly batchSize: number;
  readonly batchWindowMs: number;
  readonly maxConcurrency: number;
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
}

export const CONSTRUCT_QUEUE_SETTINGS: QueueDeliveryOptions = {
  batchSize: EVENT_QUEUE.batchSize,
  batchWindowMs: EVENT_QUEUE.batchWindowSeconds * 1000,
  maxConcurrency: EVENT_QUEUE.maxConcurrency,
  visibilityTimeoutMs: EVENT_QUEUE.defaultFunctionTimeoutSeconds * EVENT_QUEUE.visibilityTimeoutPerFunctionTimeout * 1000,
  maxReceiveCount: EVENT_QUEUE.maxReceiveCount,
};

/** Returns, per record, whether it failed (and must be redelivered). */
export type BatchHandler = (bodies: readonly unknown[]) => Promise<readonly boolean[]>;

export interface QueueDeliveryStats {
  readonly received: number;
  readonly invocations: number;
  readonly redelivered: number;
  readonly deadLettered: number;
  readonly handlerErrors: number;
}

interface Message {
  readonly body: unknown;
  receives: number;
}

export class QueueDelivery {
  private readonly ready: Message[] = [];
  private readonly deadLetters: unknown[] = [];
  private running = 0;
  private delayed = 0;
  private windowTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private waiters: (() => void)[] = [];
  private counters = { received: 0, invocations: 0, redelivered: 0, deadLettered: 0, handlerErrors: 0 };

  constructor(
    private readonly handler: BatchHandler,
    private readonly options: QueueDeliveryOptions,
  ) {}

  send(body: unknown): void {
    if (this.closed) return;
    this.counters.received++;
    this.ready.push({ body, receives: 0 });
    this.schedule();
  }

  stats(): QueueDeliveryStats {
    return { ...this.counters };
  }

  deadLettered(): readonly unknown[] {
    return [...this.deadLetters];
  }

  /** Resolves when no message is queued, in flight or waiting for redelivery. */
  drained(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    if (this.windowTimer) clearTimeout(this.windowTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.ready.length = 0;
    this.notifyIfIdle(true);
  }

  private isIdle(): boolean {
    return this.ready.length === 0 && this.running === 0 && this.delayed === 0;
  }

  private notifyIfIdle(force = false): void {
    if (!force && !this.isIdle()) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private schedule(): void {
    if (this.closed || this.running >= this.options.maxConcurrency || this.ready.length === 0) return;
    if (this.ready.length >= this.options.batchSize) {
      this.startBatch();
      return;
    }
    // Lambda's batching window: wait for more records unless a full batch is already there.
    this.windowTimer ??= setTimeout(() => {
      this.windowTimer = undefined;
      this.startBatch();
    }, this.options.batchWindowMs);
  }

  private startBatch(): void {
    if (this.closed || this.running >= this.options.maxConcurrency || this.ready.length === 0) return;
    const batch = this.ready.splice(0, this.options.batchSize);
    this.running++;
    this.counters.invocations++;
    for (const message of batch) message.receives++;
    void this.invoke(batch).finally(() => {
      this.running--;
      this.schedule();
      this.notifyIfIdle();
    });
    this.schedule();
  }

  private async invoke(batch: Message[]): Promise<void> {
    let failed: readonly boolean[];
    try {
      failed = await this.handler(batch.map((m) => m.body));
    } catch {
      this.counters.handlerErrors++;
      failed = batch.map(() => true);
    }
    batch.forEach((message, index) => {
      if (failed[index]) this.redeliverLater(message);
    });
  }

  private redeliverLater(message: Message): void {
    if (message.receives >= this.options.maxReceiveCount) {
      this.counters.deadLettered++;
      this.deadLetters.push(message.body);
      return;
    }
    this.delayed++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.delayed--;
      this.counters.redelivered++;
      this.ready.push(message);
      this.schedule();
      this.notifyIfIdle();
    }, this.options.visibilityTimeoutMs);
    this.timers.add(timer);
  }
}
