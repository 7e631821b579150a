import type { AppDeps } from '../app/deps.js';
import type { MemberDepsSource } from '../app/members.js';
import { composeAppDeps } from '../aws/compose.js';
import { composeMemberDeps } from '../aws/compose-members.js';
import { isHub, loadHubConfig } from '../config/members.js';
import { ConfigError } from '../core/errors.js';
import { powertoolsLogger, powertoolsMetrics } from './observability.js';

let deps: AppDeps | undefined;
let members: MemberDepsSource | null | undefined;

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

/**
 * A hub (MIRROR_MEMBER_ROLE_NAME set): the member accounts it acts in, each with dependencies of
 * its own, built and kept like lambdaDeps(). Undefined in a single-account deployment.
 */
export function hubMembers(): MemberDepsSource | undefined {
  if (members !== undefined) return members ?? undefined;
  if (!isHub(process.env)) {
    members = null;
    return undefined;
  }
  const app = lambdaDeps();
  try {
    members = composeMemberDeps({ config: app.config, hub: loadHubConfig(process.env), logger: app.logger, metrics: app.metrics, clock: app.clock });
  } catch (error) {
    if (error instanceof ConfigError) app.logger.error(`invalid configuration: ${error.problems.join('; ')}`);
    throw error;
  }
  return members;
}
