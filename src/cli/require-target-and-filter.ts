import type { AppDeps } from '../app/deps.js';
import { ENV } from '../contract/variables.js';
import { MirrorError } from '../core/errors.js';
import { CliError, clientConfigError, EXIT_FAILURE, EXIT_USAGE, withCode } from './exit.js';

/**
 * Before a sweep reports anything: a target or filter that does not exist is a configuration
 * mistake (a typo, another Region, another account), and without this check `status` would
 * report every task as "would create" and `reconcile` would fail once per ENI.
 */
export async function requireTargetAndFilter(deps: AppDeps): Promise<void> {
  const { targetId, filterId } = deps.config.session;
  let check;
  try {
    check = await deps.ec2.findTargetAndFilter(targetId, filterId);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const configError = error instanceof MirrorError ? clientConfigError(error) : undefined;
    if (configError) throw configError;
    throw new CliError(`cannot check the target and filter: ${withCode((error as { awsCode?: string }).awsCode, message)}`, EXIT_FAILURE);
  }
  const problems = [
    ...(check.targetExists ? [] : [`${ENV.targetId}: ${targetId} does not exist in ${check.region}`]),
    ...(check.filterExists ? [] : [`${ENV.filterId}: ${filterId} does not exist in ${check.region}`]),
  ];
  if (problems.length > 0) throw new CliError(problems.join('; '), EXIT_USAGE);
}
