/**
 * The IAM evaluator is an optional dependency: @cloud-copilot/iam-simulate is licensed
 * AGPL-3.0-or-later while this package is Apache-2.0, so it is not installed with us. The
 * emulator loads it only when IAM policies are configured, and says how to get it when missing.
 */
export const IAM_EVALUATOR_PACKAGE = '@cloud-copilot/iam-simulate';

/** One request to evaluate, in the evaluator's own shape. */
export interface IamSimulation {
  readonly request: {
    readonly principal: string;
    readonly action: string;
    readonly resource: { readonly resource: string; readonly accountId: string };
    readonly contextVariables: Record<string, string | string[]>;
  };
  identityPolicies: { name: string; policy: unknown }[];
  serviceControlPolicies: never[];
  resourceControlPolicies: never[];
  /** A resource-based policy (a role's trust policy for sts:AssumeRole). */
  resourcePolicy?: unknown;
}

/**
 * The part of the evaluator used here, declared locally (methods, so the package's own stricter
 * signatures fit): the optional package's types must not reach the types this package ships,
 * which a consumer compiles without it.
 */
export interface Evaluator {
  runSimulation(simulation: IamSimulation, options: Record<string, never>): Promise<{ resultType: string; overallResult?: string; errors?: unknown }>;
  runUnsafeSimulation(simulation: IamSimulation, options: Record<string, never>): string;
}

export class IamEvaluatorMissingError extends Error {
  override readonly name = 'IamEvaluatorMissingError';
  constructor(options?: ErrorOptions) {
    super(
      `IAM evaluation needs the optional package ${IAM_EVALUATOR_PACKAGE} (AGPL-3.0-or-later, not installed with ecs-traffic-mirror): npm install ${IAM_EVALUATOR_PACKAGE}`,
      options,
    );
  }
}

let loading: Promise<Evaluator> | undefined;

export function loadIamEvaluator(): Promise<Evaluator> {
  loading ??= import('@cloud-copilot/iam-simulate').then((module): Evaluator => module, (error: unknown) => {
    loading = undefined;
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new IamEvaluatorMissingError({ cause: error });
    throw error;
  });
  return loading;
}

export async function iamEvaluatorAvailable(): Promise<boolean> {
  try {
    await loadIamEvaluator();
    return true;
  } catch (error) {
    if (error instanceof IamEvaluatorMissingError) return false;
    throw error;
  }
}
