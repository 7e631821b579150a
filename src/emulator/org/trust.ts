import { ApiError } from '../context.js';
import { loadIamEvaluator } from '../iam/evaluator.js';
import type { PolicyDocument } from '../iam/index.js';
import type { Principal } from './principals.js';

/** What the emulator knows of a role: who may assume it, and what its sessions may do. */
export interface EmulatedRole {
  /** The role's trust policy (AssumeRolePolicyDocument). */
  readonly trustPolicy: PolicyDocument;
  /** Identity policies of the role; absent: its sessions are allowed everything, like any key without policies. */
  readonly policies?: readonly PolicyDocument[];
  /** IAM's MaxSessionDuration of the role, in seconds; default 3600 (IAM API reference, CreateRole). */
  readonly maxSessionDurationSeconds?: number;
}

/** Roles by ARN. */
export type EmulatedRoles = Readonly<Record<string, EmulatedRole>>;

export interface TrustRequest {
  readonly roleArn: string;
  readonly role: EmulatedRole;
  readonly caller: Principal;
  /** The caller's identity policies; undefined: allowed everything. */
  readonly callerPolicies: readonly PolicyDocument[] | undefined;
  readonly externalId: string | undefined;
  readonly sessionName: string;
  /** The organization the caller's account belongs to, if any. */
  readonly callerOrganizationId: string | undefined;
}

const ALLOW_ALL: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/**
 * sts:AssumeRole as IAM decides it: the role's trust policy is the resource policy, the caller's
 * identity policies apply as for any action, and across accounts both must allow (IAM User Guide,
 * "Policy evaluation logic", cross-account requests) — evaluated by @cloud-copilot/iam-simulate.
 * Context keys (IAM User Guide, "AWS global condition context keys" and "Available keys for AWS
 * STS"): aws:PrincipalAccount, aws:PrincipalArn (a session's is its role's ARN), aws:PrincipalOrgID
 * when the caller's account is in an organization, sts:ExternalId when the caller gave one,
 * sts:RoleSessionName.
 */
export async function trustAllows(request: TrustRequest): Promise<boolean> {
  const { runSimulation } = await loadIamEvaluator();
  const contextVariables: Record<string, string> = {
    'aws:PrincipalAccount': request.caller.accountId,
    'aws:PrincipalArn': request.caller.roleArn ?? request.caller.arn,
    'sts:RoleSessionName': request.sessionName,
    ...(request.callerOrganizationId === undefined ? {} : { 'aws:PrincipalOrgID': request.callerOrganizationId }),
    ...(request.externalId === undefined ? {} : { 'sts:ExternalId': request.externalId }),
  };
  const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(request.roleArn)?.[1] ?? '';
  const result = await runSimulation(
    {
      request: { principal: request.caller.arn, action: 'sts:AssumeRole', resource: { resource: request.roleArn, accountId: roleAccount }, contextVariables },
      identityPolicies: (request.callerPolicies ?? [ALLOW_ALL]).map((policy, index) => ({ name: `policy-${index + 1}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.role.trustPolicy,
    },
    {},
  );
  if (result.resultType === 'error') {
    throw new ApiError('InternalError', `emulator IAM: cannot evaluate sts:AssumeRole on ${request.roleArn}: ${JSON.stringify(result.errors)}`, 500);
  }
  return result.overallResult === 'Allowed';
}
