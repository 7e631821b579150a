/**
 * How the event path is fed: EventBridge → SQS → Lambda. The construct deploys these settings and
 * the demo and benchmarks replay them in-process, so what is measured is what is deployed.
 */
export const EVENT_QUEUE = {
  /** Measured by the burst benchmark: 100 left one consumer idle while the other repeated its ENIs. */
  batchSize: 50,
  batchWindowSeconds: 1,
  /** Concurrent event Lambdas; together they stay within EC2's mutating refill. */
  maxConcurrency: 2,
  /** Receives before a message goes to the dead-letter queue. */
  maxReceiveCount: 5,
  /** AWS's guidance for Lambda event sources: a visibility timeout of at least 6 × the function timeout. */
  visibilityTimeoutPerFunctionTimeout: 6,
  /** The construct's default timeout of the event Lambda. */
  defaultFunctionTimeoutSeconds: 60,
} as const;

/** EC2's mutating request bucket refills at 5 tokens per second per account and Region. */
export const EC2_MUTATING_REFILL_PER_SECOND = 5;

/** MIRROR_CREATE_RATE of each event Lambda, so that all of them together stay within the refill. */
export const EVENT_CREATE_RATE_PER_SECOND = EC2_MUTATING_REFILL_PER_SECOND / EVENT_QUEUE.maxConcurrency;

/**
 * MIRROR_CREATE_RATE of each hub event Lambda, a ceiling per member account × Region. A hub batch
 * holds events of many accounts and returns when its busiest account is done, so a fixed share of
 * each account's refill per Lambda left the rest of it idle (the 10-account burst spent 2.6 of
 * 5 creates/s per account). Each hub Lambda may spend an account's whole refill; the adaptive
 * limiter learns its share from RequestLimitExceeded.
 */
export const HUB_EVENT_CREATE_RATE_PER_SECOND = EC2_MUTATING_REFILL_PER_SECOND;

/**
 * How far a hub Lambda's limiter for one member slows at a throttle. With every hub Lambda at the
 * account's whole refill, a throttle is the normal signal of the share, not a rare overload, and
 * the usual 0.7 left the account's refill a fifth idle between throttles: the 10-account burst
 * took 1.21 × the limit at 0.7 and 1.14 × at 0.85 (one run each, EC2 requests per ENI 1.49 and 1.51).
 */
export const HUB_LIMITER_DECREASE = 0.85;
