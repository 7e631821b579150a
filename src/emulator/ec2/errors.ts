import { ApiError } from '../context.js';

/**
 * EC2 error answers used by more than one action. Codes are the documented EC2 ones; where AWS
 * does not document a specific code the choice is noted at the call site.
 */
/** EC2 error codes (common client errors): MissingParameter; required members per the EC2 model. */
export const missingParameter = (name: string): ApiError =>
  new ApiError('MissingParameter', `The request must contain the parameter ${name}`);

export const invalidParameterValue = (message: string): ApiError => new ApiError('InvalidParameterValue', message);

/** EC2 error codes: DryRunOperation; its HTTP status 412 is what EC2 answers in practice (inferred: the page gives none). */
export const dryRunOperation = (): ApiError =>
  new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);

/** EC2 error codes: IdempotentParameterMismatch, "the same client token as a previous, but non-identical request". */
export const idempotentMismatch = (token: string): ApiError =>
  new ApiError(
    'IdempotentParameterMismatch',
    `The client token '${token}' was already used with different parameters.`,
  );

// The NotFound codes below are the EC2 error codes page's (InvalidNetworkInterfaceID.NotFound with `ID`,
// the traffic-mirror ones with `Id`).
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
 * Sources cited next to each code (short names used across src/emulator/ec2):
 * - "EC2 error codes": https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
 * - "EC2 model": botocore data/ec2/2016-11-15/service-2.json (shapes and their documentation)
 */

/** EC2 error codes: "TrafficMirrorTargetInUseException — … cannot be deleted because a Traffic Mirror session is currently using it." */
export const targetInUse = (id: string, sessionId: string): ApiError =>
  new ApiError('TrafficMirrorTargetInUseException', `Cannot delete ${id}. Target is in use by ${sessionId}`);

/** EC2 error codes: "TrafficMirrorFilterInUse — … cannot be deleted because a Traffic Mirror session is currently using it." */
export const filterInUse = (id: string, sessionId: string): ApiError =>
  new ApiError('TrafficMirrorFilterInUse', `Cannot delete ${id}. Filter is in use by ${sessionId}`);

/** EC2 error codes: "TrafficMirrorFilterRuleAlreadyExists — The Traffic Mirror filter rule already exists." */
export const filterRuleExists = (message: string): ApiError => new ApiError('TrafficMirrorFilterRuleAlreadyExists', message);

/** EC2 error codes: "NlbInUseByTrafficMirrorTargetException — The Network Load Balancer is already configured as a Traffic Mirror target." */
export const nlbInUse = (arn: string, targetId: string): ApiError =>
  new ApiError('NlbInUseByTrafficMirrorTargetException', `The Network Load Balancer '${arn}' is already used by traffic mirror target '${targetId}'.`);

/**
 * EC2 error codes: "InvalidNetworkLoadBalancerArn.Malformed — … Ensure that you specify the ARN in the form
 * arn:aws:elasticloadbalancing:region:account-id:loadbalancer/net/load-balancer-name/load-balancer-id."
 */
export const nlbArnMalformed = (arn: string): ApiError =>
  new ApiError('InvalidNetworkLoadBalancerArn.Malformed', `The Network Load Balancer ARN '${arn}' is malformed.`);

/**
 * EC2 error codes: "InvalidNetworkInterfaceId.Malformed — … specify the network interface ID in the form
 * eni-xxxxxxxxxxxxxxxxx." Note the casing: `Id` here, `ID` in InvalidNetworkInterfaceID.NotFound.
 */
export const eniIdMalformed = (id: string): ApiError =>
  new ApiError('InvalidNetworkInterfaceId.Malformed', `Invalid id: "${id}" (expecting "eni-...")`);

/**
 * EC2 error codes: "FilterLimitExceeded — The request uses too many filters or too many filter values."
 * The page gives no number; 200 values per call is what EC2 answers in practice ("The maximum
 * number of filter values specified on a single call is 200", quoted in public bug reports):
 * the number is inferred from those observations.
 */
export const MAX_FILTER_VALUES = 200;
export const filterLimitExceeded = (): ApiError =>
  new ApiError('FilterLimitExceeded', `The maximum number of filter values specified on a single call is ${MAX_FILTER_VALUES}`);
