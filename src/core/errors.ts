import { oneLine } from './one-line.js';

/**
 * Domain errors. Adapters translate AWS error codes into these; nothing outside an adapter
 * reads the name of an SDK error. Their messages quote AWS answers and input, so each is made
 * one printable line (see oneLine) where it is created: logs, JSON results and exit lines alike.
 */
export type MirrorErrorKind =
  | 'eni-not-found'
  | 'eni-not-supported'
  | 'sessions-per-eni-limit'
  | 'sources-per-target-limit'
  | 'session-limit'
  | 'target-not-found'
  | 'filter-not-found'
  | 'session-not-found'
  | 'idempotent-mismatch'
  | 'session-number-in-use'
  | 'throttled'
  | 'unauthorized'
  | 'invalid-parameter'
  | 'task-not-found'
  | 'cluster-not-found'
  /** No answer: connection reset or refused, DNS failure. */
  | 'network'
  /** No answer within the connection or request timeout. */
  | 'timeout'
  /** A 5xx from AWS, or a 5xx answer without an AWS error (a load balancer or proxy in front of the endpoint). */
  | 'server-error'
  /** An answer that is not an AWS answer: garbled, truncated, an HTML page with a 2xx or 4xx status. */
  | 'bad-response'
  /** The SDK's own configuration (Region, endpoint, credentials) is missing or unusable. */
  | 'client-config'
  | 'unknown';

export class MirrorError extends Error {
  override readonly name: string = 'MirrorError';
  constructor(
    readonly kind: MirrorErrorKind,
    message: string,
    /**
     * The code behind it, for logs and exit messages: AWS's own, or for a failure below the API
     * a stable one of ours — `network`, `timeout`, `bad-response (HTTP 502)`, `client-config` —
     * never a Node.js or SDK-internal name such as ECONNRESET or TimeoutError.
     */
    readonly awsCode?: string,
    options?: { cause?: unknown },
  ) {
    super(oneLine(message), options);
  }
}

/** The event (or a DescribeTasks task) is not a valid ECS Task State Change: do not retry. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
  ) {
    super(oneLine(message));
  }
}

/** Configuration is unusable: every problem, one line each, naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Each one line: a problem quotes the value, and a value may hold a newline. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    const lines = problems.map((problem) => oneLine(problem));
    super(lines.join('\n'));
    this.problems = lines;
  }
}

/** Any thrown value as a MirrorError: unknown ones keep their message and their cause. */
export function asMirrorError(error: unknown): MirrorError {
  if (error instanceof MirrorError) return error;
  return new MirrorError('unknown', error instanceof Error ? error.message : String(error), undefined, { cause: error });
}
