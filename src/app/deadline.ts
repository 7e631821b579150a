import type { Clock } from '../ports/index.js';

/** Marks work given up at the deadline: it may still finish in the background, but is not reported as done. */
export const ABANDONED: unique symbol = Symbol('abandoned at the deadline');
export type Abandoned = typeof ABANDONED;

/**
 * The batch's own deadline, an absolute time on the injected clock. A promise cannot be
 * cancelled, so work still running at the deadline is abandoned: its event is returned for
 * redelivery, and whatever it does later is at most what the redelivered event would do anyway.
 */
export class Deadline {
  constructor(
    private readonly clock: Clock,
    /** Epoch milliseconds; undefined = no deadline. */
    readonly at: number | undefined,
  ) {}

  /**
   * The same deadline, up to `ms` sooner (never more than a quarter of the time left, so a short
   * batch still gets to work): time in hand for what must follow, the check of what was created.
   */
  earlier(ms: number): Deadline {
    if (this.at === undefined) return this;
    const left = Math.max(0, this.at - this.clock.now());
    return new Deadline(this.clock, this.at - Math.min(ms, left / 4));
  }

  passed(): boolean {
    return this.at !== undefined && this.clock.now() >= this.at;
  }

  /** `work`'s value, or ABANDONED when the deadline comes first (or has already passed). */
  async race<T>(work: Promise<T>): Promise<T | Abandoned> {
    if (this.at === undefined) return work;
    if (this.passed()) {
      work.catch(() => undefined);
      return ABANDONED;
    }
    const timer = new AbortController();
    const expiry = this.clock.sleep(this.at - this.clock.now(), timer.signal).then((): Abandoned => ABANDONED);
    try {
      return await Promise.race([work, expiry]);
    } finally {
      timer.abort();
      work.catch(() => undefined);
    }
  }
}
