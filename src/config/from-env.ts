import { ConfigError } from '../core/errors.js';
import type { SessionOptions } from '../core/plan.js';
import type { ScopeConfig } from '../core/scope.js';

export type UnsupportedPolicyName = 'report' | 'stop-task';

export interface UnsupportedPolicy {
  readonly policy: UnsupportedPolicyName;
  /** stop-task: at most this many tasks of one service stopped within the window. */
  readonly maxStopsPerService: number;
  readonly windowMinutes: number;
}

export interface EniRetryPolicy {
  /** Attempts at creating a session while EC2 does not see a fresh ENI yet. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface MirrorConfig {
  readonly session: SessionOptions;
  readonly scope: ScopeConfig;
  readonly unsupported: UnsupportedPolicy;
  readonly eniRetry: EniRetryPolicy;
  /** Client-side cap on CreateTrafficMirrorSession calls per second from this process; undefined = none. */
  readonly createRatePerSecond?: number;
  /** Attempts per AWS call, throttling retries included (the SDK's maxAttempts). */
  readonly awsMaxAttempts: number;
  /** The sweep leaves tasks younger than this to the event path; 0 = sweep every task. */
  readonly reconcileGraceSeconds: number;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Every variable the product reads, with its doc line: the README table and `--help` use it. */
export const CONFIG_VARIABLES = [
  ['MIRROR_TARGET_ID', 'Traffic mirror target id (tmt-…). Required. Alias: TrafficMirrorTarget.'],
  ['MIRROR_FILTER_ID', 'Traffic mirror filter id (tmf-…). Required. Alias: TrafficMirrorFilter.'],
  ['MIRROR_SESSION_NUMBER', 'Session number 1..32766 (lower is evaluated first on the ENI). Default 1.'],
  ['MIRROR_VIRTUAL_NETWORK_ID', 'VXLAN id 0..16777215. Default: chosen by EC2.'],
  ['MIRROR_PACKET_LENGTH', 'Bytes of each packet to mirror, 1..8500. Default: whole packet.'],
  ['MIRROR_CLUSTERS', 'Comma-separated cluster names or ARNs in scope. Default: all.'],
  ['MIRROR_SERVICES', 'Comma-separated ECS service names in scope. Default: all.'],
  ['MIRROR_FAMILIES', 'Comma-separated task definition families in scope. Default: all.'],
  ['MIRROR_LAUNCH_TYPES', 'Comma-separated launch types in scope (FARGATE, EC2, EXTERNAL). Default: all.'],
  ['MIRROR_UNSUPPORTED_POLICY', "What to do with an ENI that cannot be mirrored: 'report' (default) or 'stop-task'."],
  ['MIRROR_STOP_MAX_PER_SERVICE', 'stop-task: most tasks of one service stopped per window. Default 3.'],
  ['MIRROR_STOP_WINDOW_MINUTES', 'stop-task: the window, in minutes. Default 60.'],
  ['MIRROR_ENI_RETRY_ATTEMPTS', 'Attempts while EC2 does not see a new ENI yet. Default 6.'],
  ['MIRROR_ENI_RETRY_BASE_MS', 'First backoff delay for those attempts, doubled each time (max 5 s). Default 250.'],
  ['MIRROR_CREATE_RATE', 'Most CreateTrafficMirrorSession calls per second from one process. Default: no cap.'],
  ['MIRROR_AWS_MAX_ATTEMPTS', 'Attempts per AWS call, throttling retries included. Default 8.'],
  ['MIRROR_RECONCILE_GRACE_SECONDS', 'The sweep leaves tasks younger than this to the event path. Default 0 (the CDK construct sets 120).'],
] as const;

const TARGET_ID = /^tmt-[0-9a-f]{8,17}$/;
const FILTER_ID = /^tmf-[0-9a-f]{8,17}$/;
const LAUNCH_TYPES = new Set(['FARGATE', 'EC2', 'EXTERNAL', 'MANAGED_INSTANCES']);

/**
 * Reads and validates configuration. Collects every problem before failing, one line each,
 * so a misconfigured deployment is fixed in one go.
 */
export function loadConfig(env: Environment): MirrorConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const targetId = read.aliased('MIRROR_TARGET_ID', 'TrafficMirrorTarget', TARGET_ID, 'a traffic mirror target id like tmt-0123456789abcdef0');
  const filterId = read.aliased('MIRROR_FILTER_ID', 'TrafficMirrorFilter', FILTER_ID, 'a traffic mirror filter id like tmf-0123456789abcdef0');
  const sessionNumber = read.integer('MIRROR_SESSION_NUMBER', 1, 32766) ?? 1;
  const virtualNetworkId = read.integer('MIRROR_VIRTUAL_NETWORK_ID', 0, 16_777_215);
  const packetLength = read.integer('MIRROR_PACKET_LENGTH', 1, 8500);
  const launchTypes = read.list('MIRROR_LAUNCH_TYPES').map((t) => t.toUpperCase());
  for (const launchType of launchTypes) {
    if (!LAUNCH_TYPES.has(launchType)) problems.push(`MIRROR_LAUNCH_TYPES: '${launchType}' is not one of ${[...LAUNCH_TYPES].join(', ')}`);
  }
  const policy = read.oneOf('MIRROR_UNSUPPORTED_POLICY', ['report', 'stop-task'] as const) ?? 'report';
  const config: MirrorConfig = {
    session: {
      targetId: targetId ?? '',
      filterId: filterId ?? '',
      sessionNumber,
      ...(virtualNetworkId === undefined ? {} : { virtualNetworkId }),
      ...(packetLength === undefined ? {} : { packetLength }),
    },
    scope: {
      clusters: read.list('MIRROR_CLUSTERS'),
      services: read.list('MIRROR_SERVICES'),
      families: read.list('MIRROR_FAMILIES'),
      launchTypes,
      requiredTags: {},
    },
    unsupported: {
      policy,
      maxStopsPerService: read.integer('MIRROR_STOP_MAX_PER_SERVICE', 0, 1000) ?? 3,
      windowMinutes: read.integer('MIRROR_STOP_WINDOW_MINUTES', 1, 10_080) ?? 60,
    },
    eniRetry: {
      attempts: read.integer('MIRROR_ENI_RETRY_ATTEMPTS', 1, 20) ?? 6,
      baseDelayMs: read.integer('MIRROR_ENI_RETRY_BASE_MS', 1, 60_000) ?? 250,
      maxDelayMs: 5_000,
    },
    awsMaxAttempts: read.integer('MIRROR_AWS_MAX_ATTEMPTS', 1, 20) ?? 8,
    reconcileGraceSeconds: read.integer('MIRROR_RECONCILE_GRACE_SECONDS', 0, 86_400) ?? 0,
  };
  const createRate = read.number('MIRROR_CREATE_RATE', 0.1, 1000);
  if (problems.length > 0) throw new ConfigError(problems);
  return createRate === undefined ? config : { ...config, createRatePerSecond: createRate };
}

class EnvReader {
  constructor(
    private readonly env: Environment,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  aliased(name: string, alias: string, pattern: RegExp, expected: string): string | undefined {
    const primary = this.raw(name);
    const secondary = this.raw(alias);
    if (primary !== undefined && secondary !== undefined && primary !== secondary) {
      this.problems.push(`${name} ('${primary}') and its alias ${alias} ('${secondary}') disagree: set one`);
      return undefined;
    }
    const value = primary ?? secondary;
    const source = primary !== undefined ? name : alias;
    if (value === undefined) {
      this.problems.push(`${name} is required: ${expected} (alias ${alias})`);
      return undefined;
    }
    if (!pattern.test(value)) {
      this.problems.push(`${source}: '${value}' is not ${expected}`);
      return undefined;
    }
    return value;
  }

  number(name: string, min: number, max: number): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name}: '${value}' is not a number from ${min} to ${max}`);
      return undefined;
    }
    return parsed;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name}: '${value}' is not a whole number from ${min} to ${max}`);
      return undefined;
    }
    return parsed;
  }

  list(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: '${value}' is not one of ${allowed.join(', ')}`);
    return undefined;
  }
}
