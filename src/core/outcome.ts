import type { MirrorErrorKind } from './errors.js';

/**
 * What to do about a failed AWS call:
 * - retry: transient (eventual consistency, throttling, network, timeouts, 5xx); try again with backoff, then fail loudly
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
  // Every call we make is safe to repeat (reads; creates under a ClientToken; deletes by id), so
  // an answer that never came, or a server failing, is retried like throttling.
  network: 'retry',
  timeout: 'retry',
  'server-error': 'retry',
  // Not an AWS answer on a 2xx or 4xx: something between us and AWS (a proxy, a wrong endpoint)
  // answers instead; trying again reaches the same thing.
  'bad-response': 'fatal',
  'client-config': 'config',
  unknown: 'fatal',
};

export function classifyError(kind: MirrorErrorKind): ErrorOutcome {
  return OUTCOME_BY_KIND[kind];
}
