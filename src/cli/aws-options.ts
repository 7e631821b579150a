import type { Command } from 'commander';
import type { AppDeps } from '../app/deps.js';
import type { AwsClientSettings } from '../aws/clients.js';
import { composeAppDeps } from '../aws/compose.js';
import type { Environment } from '../config/from-env.js';
import { ConfigError } from '../core/errors.js';
import { noMetrics } from '../ports/index.js';
import { configErrorOf } from './exit.js';
import type { CliLog } from './stderr-logger.js';
import { withEnvironmentHelp } from './usage.js';
import { ENV } from '../contract/variables.js';

export interface AwsCliOptions {
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly targetId?: string;
  readonly filterId?: string;
  readonly rules?: string;
  readonly verbose?: boolean;
}

/** Flags every AWS-talking command shares; flags override the environment. */
export function withAwsOptions(command: Command): Command {
  // The commands that talk to AWS are the ones that read the configuration variables.
  return withEnvironmentHelp(command)
    .option('--endpoint-url <url>', 'AWS endpoint (default: AWS_ENDPOINT_URL or the real AWS endpoints)')
    .option('--region <region>', 'AWS Region (default: AWS_REGION / the SDK chain)')
    .option('--target-id <tmt-id>', 'traffic mirror target (overrides MIRROR_TARGET_ID)')
    .option('--filter-id <tmf-id>', 'traffic mirror filter (overrides MIRROR_FILTER_ID)')
    .option('--rules <file>', 'rules file, JSON { "rules": [ … ] } (overrides MIRROR_RULES_FILE and MIRROR_RULES)')
    .option('-v, --verbose', 'log every decision as JSON lines on stderr (otherwise only a count of warnings)');
}

export function environmentWith(options: AwsCliOptions): Environment {
  return {
    ...process.env,
    ...(options.targetId === undefined ? {} : { MIRROR_TARGET_ID: options.targetId, TrafficMirrorTarget: undefined }),
    ...(options.filterId === undefined ? {} : { MIRROR_FILTER_ID: options.filterId, TrafficMirrorFilter: undefined }),
    ...(options.rules === undefined ? {} : { [ENV.rulesFile]: options.rules, [ENV.rules]: undefined }),
  };
}

export function awsSettingsFrom(options: AwsCliOptions): Partial<AwsClientSettings> {
  return {
    ...(options.endpointUrl === undefined ? {} : { endpoint: options.endpointUrl }),
    ...(options.region === undefined ? {} : { region: options.region }),
  };
}

/** The Lambda's dependencies, configured from the environment and flags; bad config exits 2. */
export function cliAppDeps(options: AwsCliOptions, log: CliLog): AppDeps {
  try {
    return composeAppDeps({
      env: environmentWith(options),
      logger: log.logger,
      metrics: noMetrics,
      aws: awsSettingsFrom(options),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw configErrorOf(error.problems);
    throw error;
  }
}
