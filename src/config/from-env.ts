import { FILTER_ID_PATTERN, LAUNCH_TYPES, TARGET_ID_PATTERN } from '../contract/ids.js';
import { ENV, ENV_ALIASES, MAX_STOP_WINDOW_MINUTES } from '../contract/variables.js';
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

export { CONFIG_VARIABLES } from '../contract/variables.js';

const LAUNCH_TYPE_SET: ReadonlySet<string> = new Set(LAUNCH_TYPES);

export { MAX_STOP_WINDOW_MINUTES } from '../contract/variables.js';

/**
 * Reads and validates configuration. Collects every problem before failing, one line each,
 * so a misconfigured deployment is fixed in one go.
 */
export function loadConfig(env: Environment): MirrorConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const targetId = read.aliased(ENV.targetId, ENV_ALIASES.targetId, TARGET_ID_PATTERN, 'a traffic mirror target id like tmt-0123456789abcdef0');
  const filterId = read.aliased(ENV.filterId, ENV_ALIASES.filterId, FILTER_ID_PATTERN, 'a traffic mirror filter id like tmf-0123456789abcdef0');
  const sessionNumber = read.integer(ENV.sessionNumber, 1, 32766) ?? 1;
  const virtualNetworkId = read.integer(ENV.virtualNetworkId, 0, 16_777_215);
  const packetLength = read.integer(ENV.packetLength, 1, 8500);
  const launchTypes = read.list(ENV.launchTypes).map((t) => t.toUpperCase());
  for (const launchType of launchTypes) {
    if (!LAUNCH_TYPE_SET.has(launchType)) problems.push(`${ENV.launchTypes}: '${launchType}' is not one of ${LAUNCH_TYPES.join(', ')}`);
  }
  const policy = read.oneOf(ENV.unsupportedPolicy, ['report', 'stop-task'] as const) ?? 'report';
  const clusters = read.list(ENV.clusters);
  // Stopping tasks is the one thing this product does to workloads: it must never apply to every
  // cluster of an account just because a variable was left unset.
  if (policy === 'stop-task' && clusters.length === 0) {
    problems.push(`${ENV.unsupportedPolicy}=stop-task requires ${ENV.clusters}: name the clusters whose service tasks may be stopped`);
  }
  const config: MirrorConfig = {
    session: {
      targetId: targetId ?? '',
      filterId: filterId ?? '',
      sessionNumber,
      ...(virtualNetworkId === undefined ? {} : { virtualNetworkId }),
      ...(packetLength === undefined ? {} : { packetLength }),
    },
    scope: {
      clusters,
      services: read.list(ENV.services),
      families: read.list(ENV.families),
      launchTypes,
      requiredTags: {},
    },
    unsupported: {
      policy,
      maxStopsPerService: read.integer(ENV.stopMaxPerService, 0, 1000) ?? 3,
      windowMinutes: read.integer(ENV.stopWindowMinutes, 1, MAX_STOP_WINDOW_MINUTES) ?? MAX_STOP_WINDOW_MINUTES,
    },
    eniRetry: {
      attempts: read.integer(ENV.eniRetryAttempts, 1, 20) ?? 6,
      baseDelayMs: read.integer(ENV.eniRetryBaseMs, 1, 60_000) ?? 250,
      maxDelayMs: 5_000,
    },
    awsMaxAttempts: read.integer(ENV.awsMaxAttempts, 1, 20) ?? 8,
    reconcileGraceSeconds: read.integer(ENV.reconcileGraceSeconds, 0, 86_400) ?? 0,
  };
  const createRate = read.number(ENV.createRate, 0.1, 1000);
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
