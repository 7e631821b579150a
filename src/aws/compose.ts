import { loadConfig, type Environment } from '../config/from-env.js';
import type { AppDeps } from '../app/deps.js';
import { KnownSessions } from '../app/known-sessions.js';
import { systemClock, type Clock, type Logger, type Metrics } from '../ports/index.js';
import { clientSettingsFrom, createEc2Mirroring, lazyEcsTasks, type AwsClientSettings } from './clients.js';

export interface ComposeOptions {
  readonly env: Environment;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock?: Clock;
  /** Endpoint, region, credentials: otherwise the SDK's own chain (AWS_ENDPOINT_URL, AWS_REGION…). */
  readonly aws?: Partial<AwsClientSettings>;
}

/** The composition root shared by the Lambdas, the CLI and the demo: config, clients, ports. Throws ConfigError. */
export function composeAppDeps(options: ComposeOptions): AppDeps {
  const config = loadConfig(options.env);
  const clock = options.clock ?? systemClock;
  const settings = clientSettingsFrom(config, options.aws);
  return {
    config,
    ec2: createEc2Mirroring(settings, config, clock),
    ecs: lazyEcsTasks(settings),
    clock,
    logger: options.logger,
    metrics: options.metrics,
    knownSessions: new KnownSessions(clock),
  };
}
