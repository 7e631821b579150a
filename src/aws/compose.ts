import { loadConfig, type Environment, type MirrorConfig } from '../config/from-env.js';
import { ConfigError } from '../core/errors.js';
import type { AppDeps } from '../app/deps.js';
import { KnownSessions } from '../app/known-sessions.js';
import { systemClock, type Clock, type Logger, type Metrics } from '../ports/index.js';
import { clientSettingsFrom, clientSettingsProblems, createEc2Mirroring, lazyEcsTasks, type AwsClientSettings, type PacingOptions } from './clients.js';

export interface ComposeOptions {
  readonly env: Environment;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock?: Clock;
  /** Endpoint, region, credentials: otherwise the SDK's own chain (AWS_ENDPOINT_URL, AWS_REGION…). */
  readonly aws?: Partial<AwsClientSettings>;
  /** How the create limiter learns its share (a hub's members differ from one account's Lambdas). */
  readonly pacing?: PacingOptions;
}

/** The composition root shared by the Lambdas, the CLI and the demo: config, clients, ports. Throws ConfigError. */
export function composeAppDeps(options: ComposeOptions): AppDeps {
  return appDepsFor(loadAllConfig(options), options);
}

/** The ports over a configuration already loaded (one per member account × Region in a hub). */
export function appDepsFor(config: MirrorConfig, options: Omit<ComposeOptions, 'env'>): AppDeps {
  const clock = options.clock ?? systemClock;
  const settings = clientSettingsFrom(config, options.aws);
  return {
    config,
    ec2: createEc2Mirroring(settings, config, clock, options.pacing),
    ecs: lazyEcsTasks(settings),
    clock,
    logger: options.logger,
    metrics: options.metrics,
    knownSessions: new KnownSessions(clock),
  };
}

/** Our variables and the SDK's, every problem of both in one ConfigError. */
export function loadAllConfig(options: Pick<ComposeOptions, 'env' | 'aws'>): MirrorConfig {
  const sdkProblems = clientSettingsProblems(options.env, options.aws);
  let config: MirrorConfig;
  try {
    config = loadConfig(options.env);
  } catch (error) {
    if (error instanceof ConfigError && sdkProblems.length > 0) throw new ConfigError([...error.problems, ...sdkProblems]);
    throw error;
  }
  if (sdkProblems.length > 0) throw new ConfigError(sdkProblems);
  return config;
}
