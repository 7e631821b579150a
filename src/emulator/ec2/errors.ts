import { ApiError } from '../context.js';

/**
 * EC2 error answers used by more than one action. Codes are the documented EC2 ones; where AWS
 * does not document a specific code the choice is noted at the call site.
 */
export const missingParameter = (name: string): ApiError =>
  new ApiError('MissingParameter', `The request must contain the parameter ${name}`);

export const invalidParameterValue = (message: string): ApiError => new ApiError('InvalidParameterValue', message);

export const dryRunOperation = (): ApiError =>
  new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);

export const idempotentMismatch = (token: string): ApiError =>
  new ApiError(
    'IdempotentParameterMismatch',
    `The client token '${token}' was already used with different parameters.`,
  );

export const eniNotFound = (id: string): ApiError =>
  new ApiError('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${id}' does not exist`);

export const targetNotFound = (id: string): ApiError =>
  new ApiError('InvalidTrafficMirrorTargetId.NotFound', `The traffic mirror target ID '${id}' does not exist.`);

export const filterNotFound = (id: string): ApiError =>
  new ApiError('InvalidTrafficMirrorFilterId.NotFound', `The traffic mirror filter ID '${id}' does not exist.`);

export const filterRuleNotFound = (id: string): ApiError =>
  new ApiError('InvalidTrafficMirrorFilterRuleId.NotFound', `The traffic mirror filter rule ID '${id}' does not exist.`);

export const sessionNotFound = (id: string): ApiError =>
  new ApiError('InvalidTrafficMirrorSessionId.NotFound', `The traffic mirror session ID '${id}' does not exist.`);

/**
 * Deleting a target or filter that sessions still use. AWS documents no specific code; EC2's
 * general "resource in use" code is DependencyViolation (also what other emulators observed).
 */
export const dependencyViolation = (what: string, id: string, sessionId: string): ApiError =>
  new ApiError('DependencyViolation', `The ${what} '${id}' is in use by traffic mirror session '${sessionId}'.`);
