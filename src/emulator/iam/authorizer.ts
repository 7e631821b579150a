import { ApiError } from '../context.js';
import type { QueryObject } from '../query.js';
import { EC2_AUTHORIZATIONS, type Ec2Lookups } from './ec2-requests.js';
import { ECS_AUTHORIZATIONS, type EcsLookups } from './ecs-requests.js';
import type { IamPolicies, PolicyDocument } from './policies.js';
import type { ArnScope, AuthorizationRequest } from './request.js';
import { loadIamEvaluator } from './evaluator.js';

/** A call the policies denied, as the emulator records it for tests and the demo. */
export interface DeniedCall {
  readonly accessKeyId: string;
  readonly service: 'ec2' | 'ecs';
  readonly operation: string;
  readonly action: string;
  readonly resource: string;
}

export type IamCall =
  | { readonly service: 'ec2'; readonly operation: string; readonly input: QueryObject; readonly accessKeyId: string | undefined }
  | { readonly service: 'ecs'; readonly operation: string; readonly input: Readonly<Record<string, unknown>>; readonly accessKeyId: string | undefined };

export interface IamAuthorizer {
  /** The error AWS would answer when the caller's policies deny the call, else undefined. */
  authorize(call: IamCall): Promise<ApiError | undefined>;
  /** Every denied call since start, in order. */
  denials(): readonly DeniedCall[];
  /** Replaces the policies (keys without one are allowed everything). */
  setPolicies(policies: IamPolicies): void;
}

export interface IamAuthorizerOptions {
  readonly scope: ArnScope;
  readonly policies: IamPolicies;
  readonly ec2: Ec2Lookups;
  readonly ecs: EcsLookups;
}

// EC2 API reference, "Error codes": UnauthorizedOperation, HTTP 403.
const ec2Denied = (): ApiError => new ApiError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403);
// ECS API reference, "Common Errors": AccessDeniedException, HTTP 400.
const ecsDenied = (action: string, resource: string, principal: string): ApiError =>
  new ApiError('AccessDeniedException', `User: ${principal} is not authorized to perform: ${action} on resource: ${resource}`, 400);

/**
 * Evaluates each call with @cloud-copilot/iam-simulate against the identity policies of the
 * calling access key, as IAM does for a principal with only identity policies in its own account:
 * allowed when every authorization the call needs is allowed and none is explicitly denied.
 */
export function createIamAuthorizer(options: IamAuthorizerOptions): IamAuthorizer {
  let policies = options.policies;
  const denied: DeniedCall[] = [];
  const principalOf = (accessKeyId: string): string => `arn:${options.scope.partition}:iam::${options.scope.accountId}:user/${accessKeyId}`;

  return {
    async authorize(call) {
      if (call.accessKeyId === undefined || !Object.hasOwn(policies, call.accessKeyId)) return undefined;
      const documents = policies[call.accessKeyId] ?? [];
      const requests = mappingOf(call, options);
      if (requests === undefined) {
        // Not a served operation: the service answers it (InvalidAction / UnknownOperation).
        return undefined;
      }
      const principal = principalOf(call.accessKeyId);
      for (const request of requests) {
        if (await isAllowed(request, documents, principal, options.scope.accountId)) continue;
        denied.push({ accessKeyId: call.accessKeyId, service: call.service, operation: call.operation, action: request.action, resource: request.resource });
        return call.service === 'ec2' ? ec2Denied() : ecsDenied(request.action, request.resource, principal);
      }
      return undefined;
    },
    denials: () => [...denied],
    setPolicies: (next) => {
      policies = next;
    },
  };
}

function mappingOf(call: IamCall, options: IamAuthorizerOptions): AuthorizationRequest[] | undefined {
  if (call.service === 'ec2') {
    const mapping = Object.hasOwn(EC2_AUTHORIZATIONS, call.operation) ? EC2_AUTHORIZATIONS[call.operation] : undefined;
    return mapping?.(call.input, options.scope, options.ec2);
  }
  const mapping = Object.hasOwn(ECS_AUTHORIZATIONS, call.operation) ? ECS_AUTHORIZATIONS[call.operation] : undefined;
  return mapping?.(call.input, options.scope, options.ecs);
}

/** One authorization through the evaluator; a request it rejects as invalid is an emulator bug. */
export async function isAllowed(request: AuthorizationRequest, documents: readonly PolicyDocument[], principal: string, accountId: string): Promise<boolean> {
  const contextVariables: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(request.context)) contextVariables[key] = typeof value === 'string' ? value : [...value];
  // Loaded on first use: an emulator without policies never reads AWS's authorization data.
  const { runSimulation, runUnsafeSimulation } = await loadIamEvaluator();
  const simulation = {
    request: { principal, action: request.action, resource: { resource: request.resource, accountId }, contextVariables },
    identityPolicies: documents.map((policy, index) => ({ name: `policy-${index + 1}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  if (request.unmodelledArn) return runUnsafeSimulation(simulation, {}) === 'Allowed';
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new ApiError(
      'InternalError',
      `emulator IAM: cannot evaluate ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
      500,
    );
  }
  return result.overallResult === 'Allowed';
}
