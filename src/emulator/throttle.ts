import type { EmulatorFaults, TokenBucketSpec } from './profile.js';

/**
 * EC2 request throttling page ("Request throttling for the Amazon EC2 API"): a token bucket per
 * account and Region, and "each API is evaluated individually … Each request that you make
 * removes one token from the API's bucket": one bucket per action. The class only picks the
 * bucket's size and refill (mutating, non-mutating, CreateTags/DeleteTags); the sizes used for
 * the traffic-mirroring actions are inferred: the page documents the mechanism, not this row.
 */
export type Ec2ThrottleClass = 'mutating' | 'nonMutating' | 'createTags';

export function ec2ThrottleClass(action: string): Ec2ThrottleClass {
  if (action === 'CreateTags' || action === 'DeleteTags') return 'createTags';
  if (action.startsWith('Describe')) return 'nonMutating';
  return 'mutating';
}

/** A token bucket on real time: starts full, refills continuously up to its capacity. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly spec: TokenBucketSpec,
    now: number,
  ) {
    this.tokens = spec.capacity;
    this.updatedAt = now;
  }

  tryTake(now: number): boolean {
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.spec.capacity, this.tokens + elapsedSeconds * this.spec.refillPerSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * EC2 request throttling. The bucket sizes are read from the current faults on every request, so
 * a profile change or setFaults takes effect at once; a changed size starts a fresh, full bucket.
 */
export class Ec2Throttle {
  /** One bucket per action (EC2 request throttling page: "the API's bucket"). */
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly faults: () => EmulatorFaults,
    private readonly now: () => number,
  ) {}

  /** True when the request may proceed; false means answer RequestLimitExceeded. */
  admit(action: string): boolean {
    const sizes = this.faults().ec2Throttling;
    if (!sizes) {
      this.buckets.clear();
      return true;
    }
    const spec = sizes[ec2ThrottleClass(action)];
    let bucket = this.buckets.get(action);
    if (!bucket || !sameSpec(bucket.spec, spec)) {
      bucket = new TokenBucket(spec, this.now());
      this.buckets.set(action, bucket);
    }
    return bucket.tryTake(this.now());
  }
}

function sameSpec(a: TokenBucketSpec, b: TokenBucketSpec): boolean {
  return a.capacity === b.capacity && a.refillPerSecond === b.refillPerSecond;
}
