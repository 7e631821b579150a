/**
 * botocore's `legacy` retry mode, the one the seed's Python Lambda runs with (boto3's default:
 * `configprovider.py` sets `retry_mode` to 'legacy' unless AWS_RETRY_MODE says otherwise, and
 * `client.py` `_register_legacy_retries` installs it), ported exactly so the benchmark's seed is
 * as patient as the real one. Read from botocore 1.43.11 on this machine
 * (`python3 -c "import botocore,os;print(os.path.dirname(botocore.__file__))"`):
 *
 * - `data/_retry.json`, `retry.__default__`: `max_attempts` 5 (attempts in all, first included:
 *   `MaxAttemptsDecorator` stops when `attempt_number >= max_attempts`), delay
 *   `{type: exponential, base: rand, growth_factor: 2}`, and these policies: HTTP 500, 502, 503,
 *   504, 509 and 429 whatever the code; HTTP 400 with Throttling, ThrottlingException,
 *   ThrottledException, RequestThrottledException or ProvisionedThroughputExceededException; and
 *   `general_socket_errors` (GENERAL_CONNECTION_ERROR).
 * - `data/_retry.json`, `retry.ec2.__default__`: RequestLimitExceeded and EC2ThrottledException,
 *   each with HTTP 503 (already retried by the 503 rule; listed for the record).
 * - `retryhandler.py` `delay_exponential`: `base = random.random()` drawn anew for every retry,
 *   `sleep = base * growth_factor ** (attempts - 1)` where `attempts` is the number of the attempt
 *   that just failed: rand × 1 s, × 2, × 4, × 8 — at most 15 s over the four retries.
 * - `retryhandler.py` `EXCEPTION_MAP['GENERAL_CONNECTION_ERROR']`: ConnectionError,
 *   ConnectionClosedError, ReadTimeoutError, EndpointConnectionError — here: the SDK's
 *   connection-level errors (no HTTP response).
 * No retry quota or client-side rate limiting: those are `standard` / `adaptive` mode only.
 */

/** `retry.__default__.max_attempts`. */
export const BOTOCORE_LEGACY_MAX_ATTEMPTS = 5;

/** `retry.__default__.policies` that match on the status alone. */
const RETRY_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504, 509, 429]);

/** `retry.__default__.policies` that match on HTTP 400 plus the error code. */
const RETRY_CODES_ON_400: ReadonlySet<string> = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
]);

/** `retry.ec2.__default__.policies` (EC2 only), each with HTTP 503. */
const EC2_RETRY_CODES_ON_503: ReadonlySet<string> = new Set(['RequestLimitExceeded', 'EC2ThrottledException']);

/** Node's names for what botocore's GENERAL_CONNECTION_ERROR covers (no response at all). */
const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

export type BotocoreService = 'ec2' | 'ecs';

interface ErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/** Whether botocore's legacy checker asks for a retry of this failed attempt. */
export function botocoreLegacyRetryable(service: BotocoreService, error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const code = typeof e.name === 'string' ? e.name : undefined;
  if (status === undefined) {
    // No HTTP response: a socket-level failure, or the SDK's own timeout (botocore's ReadTimeoutError).
    return (typeof e.code === 'string' && CONNECTION_ERROR_CODES.has(e.code)) || code === 'TimeoutError';
  }
  if (RETRY_STATUSES.has(status)) return true;
  if (status === 400 && code !== undefined && RETRY_CODES_ON_400.has(code)) return true;
  return service === 'ec2' && status === 503 && code !== undefined && EC2_RETRY_CODES_ON_503.has(code);
}

/** `delay_exponential(base='rand', growth_factor=2, attempts)`, in milliseconds. */
export function botocoreLegacyDelayMs(failedAttempt: number, random: () => number): number {
  return random() * 2 ** (failedAttempt - 1) * 1000;
}

export interface LegacyRetryDeps {
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Called for every attempt that goes out (the first included). */
  readonly onAttempt?: (attempt: number) => void;
}

/** Runs `call` (one attempt each: the SDK client's own retry is off) as botocore's legacy mode would. */
export async function withBotocoreLegacyRetry<T>(service: BotocoreService, call: () => Promise<T>, deps: LegacyRetryDeps): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    deps.onAttempt?.(attempt);
    try {
      return await call();
    } catch (error) {
      if (attempt >= BOTOCORE_LEGACY_MAX_ATTEMPTS || !botocoreLegacyRetryable(service, error)) throw error;
      await deps.sleep(botocoreLegacyDelayMs(attempt, deps.random));
    }
  }
}
