import { describe, expect, it } from 'vitest';
import { AdaptiveRateLimiter } from '../../../src/app/rate-limiter.js';
import { FakeClock } from '../../support/fake-ports.js';

/** Acquires n tokens one after the other; returns the fake time each was granted at, from the start. */
async function grants(limiter: AdaptiveRateLimiter, clock: FakeClock, n: number): Promise<number[]> {
  const start = clock.now();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    await limiter.acquire();
    times.push(clock.now() - start);
  }
  return times;
}

describe('AdaptiveRateLimiter', () => {
  it('spends its burst at once, then paces at the ceiling while nothing is throttled', async () => {
    // prepare
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ceilingPerSecond: 2, burst: 3 }, clock);
    // act
    const times = await grants(limiter, clock, 5);
    // assess
    expect(times).toEqual([0, 0, 0, 500, 1000]);
    expect(limiter.currentRate()).toBe(2);
  });

  it('a throttle cuts the rate by the decrease, spends the local burst, and counts once per cooldown', async () => {
    const clock = new FakeClock();
    const limiter = new AdaptiveRateLimiter({ ceilingPerSecond: 2, burst: 10, decrease: 0.5, cooldownMs: 2_000 }, clock);
    await limiter.acquire();
    // act: three answers to calls that were in flight together
    limiter.throttled();
    limiter.throttled();
    limiter.throttled();
    // assess
    expect(limiter.currentRate()).toBe(1);
    expect(limiter.stats()).toMatchObject({ throttles: 3, decreases: 1 });
    // Nothing left of the burst: the next call waits for the new rate.
    const times = await grants(limiter, clock, 2);
    expect(times).toEqual([1000, 2000]);
    // After the cooldown a throttle counts again.
    limiter.throttled();
    expect(limiter.currentRate()).toBe(0.5);
  });

  it('grows back linearly with time while calls succeed, up to the ceiling, and never below the floor', () => {
    let now = 0;
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
    const limiter = new AdaptiveRateLimiter({ ceilingPerSecond: 4, burst: 1, decrease: 0.5, increasePerSecondPerSecond: 0.1, floorPerSecond: 1, cooldownMs: 0 }, clock);
    limiter.throttled();
    expect(limiter.currentRate()).toBe(2);
    now += 10_000;
    limiter.succeeded();
    expect(limiter.currentRate()).toBeCloseTo(3);
    now += 60_000;
    limiter.succeeded();
    expect(limiter.currentRate()).toBe(4);
    limiter.throttled();
    limiter.throttled();
    limiter.throttled();
    expect(limiter.currentRate()).toBe(1);
  });

  it('learns a share of a refill it does not know: two limiters against one bucket of 3/s end near it in all', async () => {
    // prepare: a simulated EC2 bucket (capacity 50, refill 3/s) and two limiters with a ceiling of 2.5 each
    let now = 0;
    let tokens = 50;
    let refilledAt = 0;
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
    const take = (): boolean => {
      tokens = Math.min(50, tokens + ((now - refilledAt) / 1000) * 3);
      refilledAt = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    };
    const limiters = [0, 1].map(() => new AdaptiveRateLimiter({ ceilingPerSecond: 2.5, burst: 25 }, clock));
    const nextAt = [0, 0];
    let admitted = 0;
    let throttled = 0;
    // act: 300 simulated seconds, each limiter sending whenever it grants a token
    while (now < 300_000) {
      const i = nextAt[0]! <= nextAt[1]! ? 0 : 1;
      now = Math.max(now, nextAt[i]!);
      const limiter = limiters[i]!;
      await limiter.acquire();
      if (take()) {
        admitted++;
        limiter.succeeded();
      } else {
        throttled++;
        limiter.throttled();
      }
      nextAt[i] = now;
    }
    // assess: nearly the whole refill is used, with few throttles
    const usedPerSecond = admitted / 300;
    expect(usedPerSecond).toBeGreaterThan(2.8);
    expect(throttled / admitted).toBeLessThan(0.1);
  });
});
