import type { AppDeps } from '../app/deps.js';
import { composeAppDeps } from '../aws/compose.js';
import { ConfigError } from '../core/errors.js';
import { powertoolsLogger, powertoolsMetrics } from './observability.js';

let deps: AppDeps | undefined;

/**
 * Built on the first invocation and kept, so warm invocations reuse clients and what the
 * process learned. Invalid configuration is logged as one line naming the variables, then thrown.
 */
export function lambdaDeps(): AppDeps {
  if (deps) return deps;
  const logger = powertoolsLogger();
  try {
    deps = composeAppDeps({ env: process.env, logger, metrics: powertoolsMetrics() });
  } catch (error) {
    if (error instanceof ConfigError) logger.error(`invalid configuration: ${error.problems.join('; ')}`);
    throw error;
  }
  return deps;
}
