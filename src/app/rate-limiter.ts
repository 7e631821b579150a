import type { Clock } from '../ports/index.js';

/**
 * A client-side token bucket: spending EC2's mutating budget evenly instead of bursting into
 * RequestLimitExceeded and paying for retries.
 */
export class RateLimiter {
  private tokens: number;
  private updatedAt: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.updatedAt = clock.now();
  }

  /** Resolves when one call may go; callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.takeToken());
    this.queue = turn;
    return turn;
  }

  private async takeToken(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
      this.updatedAt = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
    }
  }
}
