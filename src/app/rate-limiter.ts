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

export interface AdaptiveRateOptions {
  /** The most calls per second ever sent (MIRROR_CREATE_RATE): the rate at start and after recovery. */
  readonly ceilingPerSecond: number;
  /** Calls that may go at once while nothing has been throttled yet. */
  readonly burst: number;
  /** The rate never drops below this. Default: ceiling / 20. */
  readonly floorPerSecond?: number;
  /** Multiplies the rate at a throttle. Default 0.7. */
  readonly decrease?: number;
  /** Calls per second added to the rate per second of unthrottled sending. Default ceiling / 50. */
  readonly increasePerSecondPerSecond?: number;
  /** Throttles within this long after a decrease are answers to calls sent before it: not counted again. Default 2000. */
  readonly cooldownMs?: number;
}

/**
 * A token bucket whose rate is learned from EC2's answers (additive increase, multiplicative
 * decrease, as TCP does with a shared link): EC2's mutating bucket refills per account, and
 * another client of the account (a deploy tool, another Lambda of ours, the sweep) spends from
 * it too, so no fixed rate is right. Each RequestLimitExceeded means the account's bucket is
 * empty: the rate drops to `decrease` × itself and the local burst is spent, so nothing is sent
 * ahead of the refill; each unthrottled call lets the rate grow back, linearly in time, towards
 * the ceiling. Several processes doing this share the refill fairly (AIMD converges to equal
 * shares), and EC2's own bucket (50 calls) absorbs the overshoot before each decrease, so on
 * average the account's refill is spent in full.
 */
export class AdaptiveRateLimiter {
  private readonly ceiling: number;
  private readonly floor: number;
  private readonly decrease: number;
  private readonly increase: number;
  private readonly cooldownMs: number;
  private readonly fullBurst: number;
  /** The full burst until the first throttle, 1 from then until the rate is back at the ceiling. */
  private burst: number;
  private rate: number;
  private tokens: number;
  private updatedAt: number;
  private grownAt: number;
  private decreasedAt = Number.NEGATIVE_INFINITY;
  private queue: Promise<void> = Promise.resolve();
  private counters = { throttles: 0, decreases: 0 };

  constructor(
    options: AdaptiveRateOptions,
    private readonly clock: Clock,
  ) {
    this.ceiling = options.ceilingPerSecond;
    this.floor = options.floorPerSecond ?? options.ceilingPerSecond / 20;
    this.decrease = options.decrease ?? 0.7;
    this.increase = options.increasePerSecondPerSecond ?? options.ceilingPerSecond / 50;
    this.cooldownMs = options.cooldownMs ?? 2_000;
    this.rate = this.ceiling;
    this.fullBurst = Math.max(1, options.burst);
    this.burst = this.fullBurst;
    this.tokens = this.fullBurst;
    this.updatedAt = clock.now();
    this.grownAt = this.updatedAt;
  }

  /** The rate calls are paced at now, per second. */
  currentRate(): number {
    return this.rate;
  }

  stats(): { readonly throttles: number; readonly decreases: number; readonly ratePerSecond: number } {
    return { ...this.counters, ratePerSecond: this.rate };
  }

  /** Resolves when one call may go; callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.takeToken());
    this.queue = turn;
    return turn;
  }

  /** The call went through: the rate grows back by the time passed since the last change. */
  succeeded(): void {
    const now = this.clock.now();
    this.refill(now);
    this.rate = Math.min(this.ceiling, this.rate + ((now - this.grownAt) / 1000) * this.increase);
    this.grownAt = now;
    if (this.rate >= this.ceiling) this.burst = this.fullBurst;
  }

  /** The call was throttled (the account's bucket is empty): slow down, once per cooldown. */
  throttled(): void {
    const now = this.clock.now();
    this.counters.throttles++;
    this.refill(now);
    // The account's bucket is empty: a local burst would only be throttled too.
    this.tokens = Math.min(this.tokens, 0);
    this.burst = 1;
    if (now - this.decreasedAt < this.cooldownMs) return;
    this.decreasedAt = now;
    this.grownAt = now;
    this.counters.decreases++;
    this.rate = Math.max(this.floor, this.rate * this.decrease);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
  }

  private async takeToken(): Promise<void> {
    for (;;) {
      this.refill(this.clock.now());
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
    }
  }
}
