import { EC2Client } from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsTimeouts, Environment, MirrorConfig } from '../config/from-env.js';
import type { Clock, Ec2Mirroring, EcsTasks } from '../ports/index.js';
import { SdkEc2Mirroring } from './ec2-mirroring.js';
import { createSdkEcsTasks } from './ecs-tasks.js';
import { AdaptiveRateLimiter } from '../app/rate-limiter.js';

/** Settings shared by every client; region, endpoint and credentials come from the SDK's own chain. */
export interface AwsClientSettings {
  readonly maxAttempts: number;
  readonly timeouts: AwsTimeouts;
  /** Overrides AWS_ENDPOINT_URL (tests and the demo point it at the emulator). */
  readonly endpoint?: string;
  readonly region?: string;
  /** Static keys, or a provider of temporary ones (a role session in a member account), which the SDK calls when they expire. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>);
}

/**
 * Checks what the SDK would only trip over at the first call — or, for an empty Region, in a
 * client's constructor with a bare "Region is missing" — so that it is reported at start like
 * any configuration problem, naming the variable. A Region left unset here may still come from
 * the AWS profile: only the first call can tell (the error mapping then says `client-config`).
 */
export function clientSettingsProblems(env: Environment, overrides: Partial<AwsClientSettings> = {}): string[] {
  const problems: string[] = [];
  const region = overrides.region !== undefined ? (['--region', overrides.region] as const) : env['AWS_REGION'] !== undefined ? (['AWS_REGION', env['AWS_REGION']] as const) : undefined;
  if (region !== undefined && region[1].trim() === '') problems.push(`${region[0]} is set but empty: set a Region such as us-east-1, or unset it to use the AWS profile's`);
  else if (region !== undefined && !REGION.test(region[1])) problems.push(`${region[0]}: '${region[1]}' is not a Region name such as us-east-1`);
  const endpoints: (readonly [string, string | undefined])[] =
    overrides.endpoint !== undefined ? [['--endpoint-url', overrides.endpoint]] : ENDPOINT_VARIABLES.map((name) => [name, env[name]] as const);
  for (const [name, value] of endpoints) {
    // The SDK ignores an empty endpoint variable, and so do we.
    if (value === undefined || value.trim() === '') continue;
    if (!isHttpUrl(value)) problems.push(`${name}: '${value}' is not an http:// or https:// URL`);
  }
  return problems;
}

/** The SDK's own rule for a Region (a hostname label), so that we refuse exactly what it would. */
const REGION = /^(?!-)[a-zA-Z0-9-]{1,63}(?<!-)$/;

/** AWS_ENDPOINT_URL for every service, and the per-service variables of the two we call. */
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_ECS'] as const;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export function clientSettingsFrom(config: MirrorConfig, overrides: Partial<AwsClientSettings> = {}): AwsClientSettings {
  return { maxAttempts: config.awsMaxAttempts, timeouts: config.awsTimeouts, ...overrides };
}

function sdkConfig(settings: AwsClientSettings) {
  return {
    maxAttempts: settings.maxAttempts,
    // Adaptive mode slows the client down when EC2 throttles instead of retrying at full speed.
    retryMode: 'adaptive' as const,
    ...httpConfig(settings),
  };
}

function httpConfig(settings: AwsClientSettings) {
  return {
    // Without these a call to an endpoint that accepts the connection and never answers waits
    // forever. This version of the handler only warns when requestTimeout passes unless
    // throwOnRequestTimeout is set; the TimeoutError it then throws is transient to the SDK's
    // retry (and `timeout` to our error mapping), so a stuck attempt is retried on a new one.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: settings.timeouts.connectMs,
      requestTimeout: settings.timeouts.requestMs,
      throwOnRequestTimeout: true,
    }),
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.region === undefined ? {} : { region: settings.region }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
  };
}

/** EC2's mutating bucket holds ten seconds of its refill (50 at 5/s); a local limiter mirrors that shape. */
const BURST_SECONDS = 10;

/**
 * With MIRROR_CREATE_RATE set, creates and deletes are paced by an AdaptiveRateLimiter whose
 * ceiling is that rate and which slows down at each RequestLimitExceeded: the rate is an upper
 * bound, and what the account's bucket really has left (another client may spend from it) is
 * learned from the throttles. Those calls go through a client with the SDK's retry off, so that
 * every attempt is paced and every throttle is seen; the other calls keep the SDK's adaptive retry.
 */
export interface PacingOptions {
  /** The limiter's multiplier at a throttle (AdaptiveRateOptions.decrease). */
  readonly decrease?: number;
}

export function createEc2Mirroring(settings: AwsClientSettings, config: MirrorConfig, clock: Clock, pacing: PacingOptions = {}): Ec2Mirroring {
  const client = new EC2Client(sdkConfig(settings));
  const rate = config.createRatePerSecond;
  if (rate === undefined) return new SdkEc2Mirroring(client);
  const pacer = new AdaptiveRateLimiter({ ceilingPerSecond: rate, burst: Math.max(1, Math.floor(rate * BURST_SECONDS)), ...pacing }, clock);
  const mutating = new EC2Client({ ...httpConfig(settings), maxAttempts: 1, retryMode: 'standard' });
  return new SdkEc2Mirroring(client, { mutations: { pacer, client: mutating, attempts: settings.maxAttempts, clock } });
}

/**
 * The ECS client is created at first use, like every client in a Lambda. Its module is imported
 * statically: both Lambdas call ECS on their first batch (DescribeTasks), so an `import()` would
 * only move the loading into the first invocation — and esbuild does not tree-shake a module it
 * wraps for a dynamic import, which put 80 KB of unused ECS commands into the bundle.
 */
export function lazyEcsTasks(settings: AwsClientSettings): () => Promise<EcsTasks> {
  let tasks: Promise<EcsTasks> | undefined;
  return () => {
    tasks ??= Promise.resolve(createSdkEcsTasks(sdkConfig(settings)));
    return tasks;
  };
}
