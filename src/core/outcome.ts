import type { MirrorErrorKind } from './errors.js';

/**
 * What to do about a failed AWS call:
 * - retry: transient (eventual consistency, throttling); try again with backoff, then fail loudly
 * - unsupported: the interface can never be mirrored (non-Nitro host, trunk ENI): apply the policy
 * - quota: a hard AWS limit; report with a metric and fail loudly so someone acts
 * - config: our target or filter is wrong or we lack permission; fail loudly, retrying will not help
 * - gone: the resource vanished (task stopped, ENI deleted); nothing to mirror any more
 * - fatal: anything else; fail loudly
 */
export type ErrorOutcome = 'retry' | 'unsupported' | 'quota' | 'config' | 'gone' | 'fatal';

const OUTCOME_BY_KIND: Readonly<Record<MirrorErrorKind, ErrorOutcome>> = {
  'eni-not-found': 'retry',
  throttled: 'retry',
  'eni-not-supported': 'unsupported',
  'sessions-per-eni-limit': 'quota',
  'sources-per-target-limit': 'quota',
  'session-limit': 'quota',
  'session-number-in-use': 'quota',
  'target-not-found': 'config',
  'filter-not-found': 'config',
  unauthorized: 'config',
  'invalid-parameter': 'config',
  'idempotent-mismatch': 'config',
  'session-not-found': 'gone',
  'task-not-found': 'gone',
  'cluster-not-found': 'config',
  unknown: 'fatal',
};

export function classifyError(kind: MirrorErrorKind): ErrorOutcome {
  return OUTCOME_BY_KIND[kind];
}
