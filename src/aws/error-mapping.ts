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
};

function awsCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { name?: unknown; Code?: unknown; code?: unknown };
  for (const candidate of [record.Code, record.name, record.code]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') return candidate;
  }
  return undefined;
}

/** Wraps anything an SDK call threw into a MirrorError that keeps the AWS code and the cause. */
export function toMirrorError(error: unknown, operation: string): MirrorError {
  if (error instanceof MirrorError) return error;
  const awsCode = awsCodeOf(error);
  const kind: MirrorErrorKind = (awsCode && KIND_BY_CODE[awsCode]) || 'unknown';
  const detail = error instanceof Error ? error.message : String(error);
  return new MirrorError(kind, `${operation} failed: ${awsCode ?? 'error'}: ${detail}`, awsCode, { cause: error });
}
