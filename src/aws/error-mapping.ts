import { ENV } from '../contract/variables.js';
import { MirrorError, type MirrorErrorKind } from '../core/errors.js';

/**
 * AWS error codes → domain error kinds. EC2 models no exception classes, so codes are matched
 * by name here and nowhere else.
 */
const KIND_BY_CODE: Readonly<Record<string, MirrorErrorKind>> = {
  'InvalidNetworkInterfaceID.NotFound': 'eni-not-found',
  'InvalidNetworkInterfaceId.NotFound': 'eni-not-found',
  // EC2 error codes page spells this one `Id` (NotFound is `ID`). A malformed id never becomes
  // valid, so it must not be retried like NotFound (eventual consistency): it is a bad parameter.
  'InvalidNetworkInterfaceId.Malformed': 'invalid-parameter',
  'InvalidNetworkInterfaceID.Malformed': 'invalid-parameter',
  NetworkInterfaceNotSupported: 'eni-not-supported',
  // The seed waited for this spelling; EC2 documents the one above. Accept both.
  NetworkInterfaceNotSupportedException: 'eni-not-supported',
  TrafficMirrorSessionsPerInterfaceLimitExceeded: 'sessions-per-eni-limit',
  TrafficMirrorSourcesPerTargetLimitExceeded: 'sources-per-target-limit',
  TrafficMirrorSessionLimitExceeded: 'session-limit',
  'InvalidTrafficMirrorTargetId.NotFound': 'target-not-found',
  'InvalidTrafficMirrorFilterId.NotFound': 'filter-not-found',
  'InvalidTrafficMirrorSessionId.NotFound': 'session-not-found',
  IdempotentParameterMismatch: 'idempotent-mismatch',
  TrafficMirrorSessionNumberInUse: 'session-number-in-use',
  RequestLimitExceeded: 'throttled',
  ThrottlingException: 'throttled',
  Throttling: 'throttled',
  TooManyRequestsException: 'throttled',
  UnauthorizedOperation: 'unauthorized',
  AccessDeniedException: 'unauthorized',
  AccessDenied: 'unauthorized',
  AuthFailure: 'unauthorized',
  UnrecognizedClientException: 'unauthorized',
  InvalidClientTokenId: 'unauthorized',
  InvalidParameterValue: 'invalid-parameter',
  InvalidParameterException: 'invalid-parameter',
  InvalidParameterCombination: 'invalid-parameter',
  MissingParameter: 'invalid-parameter',
  ClusterNotFoundException: 'cluster-not-found',
  // AWS's own codes for a failure on its side (EC2, ECS): transient.
  InternalError: 'server-error',
  InternalFailure: 'server-error',
  ServiceUnavailable: 'server-error',
  Unavailable: 'server-error',
  ServerException: 'server-error',
};

/**
 * Names the SDK gives an error when the answer held no AWS error code: EC2's query protocol says
 * `Unknown` (and `NotFound` for any 404), ECS's JSON protocol `Unknown` with message `UnknownError`.
 */
const UNIDENTIFIED = new Set(['Unknown', 'UnknownError']);

/** Node.js socket and DNS failures: the request never got an answer. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN']);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly Code?: unknown;
  readonly code?: unknown;
  readonly input?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown; readonly attempts?: unknown };
  readonly $response?: { readonly headers?: Record<string, string | undefined> };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Own keys only: an error named `constructor` or `toString` is no code of ours. */
const kindOfCode = (code: string): MirrorErrorKind | undefined => (Object.hasOwn(KIND_BY_CODE, code) ? KIND_BY_CODE[code] : undefined);

/** The AWS error code of a service exception, when the answer really carried one. */
function awsCodeOf(error: SdkErrorShape): string | undefined {
  const code = text(error.Code) ?? text(error.name);
  if (code === undefined || code === 'Error' || UNIDENTIFIED.has(code)) return undefined;
  // A code we know is AWS's however the error was built (a test double need not set $fault);
  // any other name counts only on a service exception, which the SDK marks with $fault.
  if (kindOfCode(code) !== undefined) return code;
  if (error.$fault === undefined) return undefined;
  const message = text(error.message);
  // EC2 names a 404 `NotFound` by its status alone; a real EC2 error always sets Code.
  if (text(error.Code) === undefined && (message === undefined || UNIDENTIFIED.has(message))) return undefined;
  return code;
}

/** Ours, for failures below the API; a stable code where an AWS code would otherwise be. */
interface OwnCode {
  readonly kind: MirrorErrorKind;
  readonly code: string;
  readonly detail: string;
}

/** The SDK appends a hint about a hidden `$response` field to parse errors: it means nothing to a reader of our logs. */
function withoutSdkHint(message: string): string {
  const hint = message.indexOf('\n  Deserialization error:');
  return hint === -1 ? message : message.slice(0, hint);
}

function attemptsNote(error: SdkErrorShape): string {
  const attempts = error.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1 ? ` (${attempts} attempts)` : '';
}

function ownCodeOf(error: SdkErrorShape): OwnCode | undefined {
  const message = text(error.message) ?? '';
  const code = text(error.code);
  const name = text(error.name);

  // An answer came back but is not an AWS answer: an HTML page from a load balancer, a truncated
  // or garbled body. Only what the SDK attached to the error tells it apart from an AWS error.
  if (error.$response !== undefined) {
    const status = error.$metadata?.httpStatusCode;
    const httpStatus = typeof status === 'number' ? status : undefined;
    const contentType = error.$response.headers?.['content-type'];
    const detail =
      error.$fault === undefined
        ? `the answer could not be read: ${withoutSdkHint(message)}`
        : `the answer holds no AWS error${contentType ? ` (content-type ${contentType})` : ''}`;
    return {
      kind: httpStatus !== undefined && httpStatus >= 500 ? 'server-error' : 'bad-response',
      code: httpStatus === undefined ? 'bad-response' : `bad-response (HTTP ${httpStatus})`,
      detail: `${detail}${attemptsNote(error)}`,
    };
  }
  // The node handler names a reset `TimeoutError` too: the code says what happened.
  if (code !== undefined && NETWORK_CODES.has(code)) {
    return { kind: 'network', code: 'network', detail: `${message.includes(code) ? message : `${message} (${code})`}${attemptsNote(error)}` };
  }
  if (code === 'ETIMEDOUT' || name === 'TimeoutError') {
    const what = message.replace(/^@smithy\/node-http-handler - (\[ERROR\] )?/, '');
    return { kind: 'timeout', code: 'timeout', detail: `${what}${attemptsNote(error)}; set by ${ENV.awsConnectTimeoutMs} and ${ENV.awsRequestTimeoutMs}` };
  }
  // The SDK's own configuration (Region, endpoint, credentials), found wanting at the first call.
  if (message === 'Region is missing') {
    return { kind: 'client-config', code: 'client-config', detail: 'no AWS Region: set AWS_REGION (or --region, or a region in the AWS profile)' };
  }
  if (message.startsWith('Region not accepted')) {
    return { kind: 'client-config', code: 'client-config', detail: `AWS_REGION (or --region, or the AWS profile's region): ${message}` };
  }
  if (code === 'ERR_INVALID_URL') {
    const input = text(error.input);
    return {
      kind: 'client-config',
      code: 'client-config',
      detail: `AWS_ENDPOINT_URL (or --endpoint-url, or the AWS profile's endpoint_url)${input === undefined ? '' : `: '${input}'`} is not a URL`,
    };
  }
  if (name === 'CredentialsProviderError') {
    return { kind: 'client-config', code: 'client-config', detail: `no AWS credentials: ${message}` };
  }
  return undefined;
}

/** Wraps anything an SDK call threw into a MirrorError that keeps the code and the cause. */
export function toMirrorError(error: unknown, operation: string): MirrorError {
  if (error instanceof MirrorError) return error;
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
  const awsCode = awsCodeOf(shape);
  if (awsCode !== undefined) {
    return new MirrorError(kindOfCode(awsCode) ?? 'unknown', `${operation} failed: ${awsCode}: ${text(shape.message) ?? ''}`, awsCode, { cause: error });
  }
  const own = ownCodeOf(shape);
  if (own !== undefined) return new MirrorError(own.kind, `${operation} failed: ${own.code}: ${own.detail}`, own.code, { cause: error });
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new MirrorError('unknown', `${operation} failed: ${detail}`, undefined, { cause: error });
}
