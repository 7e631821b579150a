/**
 * The IAM evaluator is an optional dependency: @cloud-copilot/iam-simulate is licensed
 * AGPL-3.0-or-later while this package is Apache-2.0, so it is not installed with us. The
 * emulator loads it only when IAM policies are configured, and says how to get it when missing.
 */
export const IAM_EVALUATOR_PACKAGE = '@cloud-copilot/iam-simulate';

type Evaluator = typeof import('@cloud-copilot/iam-simulate');

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
  loading ??= import('@cloud-copilot/iam-simulate').catch((error: unknown) => {
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
