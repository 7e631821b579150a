/**
 * EventBridge → Lambda, asynchronous invocation, in-process: one invocation per event, as many at
 * once as Lambda allows (capped here, the rest wait in Lambda's internal queue), and a failed
 * invocation retried twice — one minute, then two minutes later (Lambda's defaults) — before the
 * event is dropped to the on-failure destination.
 */
export interface AsyncInvokeOptions {
  readonly maxConcurrency: number;
  readonly retryDelaysMs: readonly number[];
}

export const LAMBDA_ASYNC_DEFAULTS: AsyncInvokeOptions = {
  maxConcurrency: 100,
  retryDelaysMs: [60_000, 120_000],
};

export interface AsyncInvokeStats {
  readonly events: number;
  readonly invocations: number;
  readonly errors: number;
  readonly retries: number;
  /** Events whose last attempt failed too: gone to the on-failure destination. */
  readonly dropped: number;
  readonly maxInFlight: number;
}

interface Pending<E> {
  readonly event: E;
  readonly attempt: number;
}

export class AsyncLambdaInvoker<E> {
  private readonly queued: Pending<E>[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = 0;
  private closed = false;
  private counters = { events: 0, invocations: 0, errors: 0, retries: 0, dropped: 0, maxInFlight: 0 };

  constructor(
    private readonly handler: (event: E) => Promise<void>,
    private readonly options: AsyncInvokeOptions = LAMBDA_ASYNC_DEFAULTS,
  ) {}

  invoke(event: E): void {
    if (this.closed) return;
    this.counters.events++;
    this.queued.push({ event, attempt: 0 });
    this.pump();
  }

  /** Nothing queued, running or waiting for a retry: nothing more will happen. */
  idle(): boolean {
    return this.queued.length === 0 && this.running === 0 && this.timers.size === 0;
  }

  /** Invocations running now. */
  inFlight(): number {
    return this.running;
  }

  stats(): AsyncInvokeStats {
    return { ...this.counters };
  }

  close(): void {
    this.closed = true;
    this.queued.length = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private pump(): void {
    while (!this.closed && this.running < this.options.maxConcurrency && this.queued.length > 0) {
      const next = this.queued.shift() as Pending<E>;
      this.running++;
      this.counters.invocations++;
      this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.running);
      void this.run(next).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(pending: Pending<E>): Promise<void> {
    try {
      await this.handler(pending.event);
    } catch {
      this.counters.errors++;
      const delay = this.options.retryDelaysMs[pending.attempt];
      if (delay === undefined || this.closed) {
        this.counters.dropped++;
        return;
      }
      this.counters.retries++;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (this.closed) return;
        this.queued.push({ event: pending.event, attempt: pending.attempt + 1 });
        this.pump();
      }, delay);
      this.timers.add(timer);
    }
  }
}
