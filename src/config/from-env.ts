import { PACKET_LENGTH_RANGE, SESSION_NUMBER_RANGE, VIRTUAL_NETWORK_ID_RANGE } from '../contract/limits.js';
import { FILTER_ID_PATTERN, LAUNCH_TYPES, TARGET_ID_PATTERN } from '../contract/ids.js';
import { ENV, ENV_ALIASES, MAX_STOP_WINDOW_MINUTES } from '../contract/variables.js';
import { ConfigError } from '../core/errors.js';
import type { SessionOptions } from '../core/plan.js';
import { invalidScopeName, type ScopeConfig } from '../core/scope.js';
import type { MirrorRule } from '../core/rules.js';
import { readFileSync } from 'node:fs';
import { parseRules } from './rules-file.js';

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

export interface AwsTimeouts {
  /** Per attempt: establishing the connection. */
  readonly connectMs: number;
  /** Per attempt: the whole request, connection included. A timed-out attempt counts as transient and is retried. */
  readonly requestMs: number;
}

/**
 * Connect 3 s: a TCP handshake to a regional endpoint takes milliseconds; 3 s still survives one
 * lost SYN (Linux resends it after 1 s, the next one only at 3 s), and beyond that a new attempt
 * on a new connection is the better bet.
 * Request 5 s: EC2 and ECS answer our calls (one page of up to 1000 sessions, 100 tasks) well
 * within a second or two, so 5 s cuts only a call that is stuck. And it makes the worst case fit
 * the event Lambda: an endpoint that hangs on every one of the default 8 attempts ends the call
 * after 8 × 5 s plus at most 6.4 s of the SDK's transient backoff (50 ms doubled, jittered) ≈ 46 s,
 * inside the 60 s function timeout, so the handler still returns its failures itself instead of
 * being killed with the batch. 10 s would make that 86 s. Retrying a timed-out create is safe: its
 * ClientToken makes a second attempt return the session the first one may have made.
 * Whoever raises MIRROR_AWS_MAX_ATTEMPTS or lowers the function timeout keeps
 * attempts × request timeout + 7 s below the function timeout.
 */
export const DEFAULT_AWS_TIMEOUTS: AwsTimeouts = { connectMs: 3_000, requestMs: 5_000 };

export interface MirrorConfig {
  /** The defaults: what every rule leaves unset, and the whole configuration when there are no rules. */
  readonly session: SessionOptions;
  /** In order; the first that matches a task decides (core/rules.ts). Empty: the defaults decide. */
  readonly rules: readonly MirrorRule[];
  readonly scope: ScopeConfig;
  readonly unsupported: UnsupportedPolicy;
  readonly eniRetry: EniRetryPolicy;
  /** Client-side cap on CreateTrafficMirrorSession calls per second from this process; undefined = none. */
  readonly createRatePerSecond?: number;
  /** Attempts per AWS call, throttling retries included (the SDK's maxAttempts). */
  readonly awsMaxAttempts: number;
  readonly awsTimeouts: AwsTimeouts;
  /** The sweep leaves tasks younger than this to the event path; 0 = sweep every task. */
  readonly reconcileGraceSeconds: number;
  /** Circuit breaker of the sweep: most of our sessions (percent) one sweep deletes. */
  readonly reconcileMaxDeletePercent: number;
}

export type Environment = Readonly<Record<string, string | undefined>>;


const LAUNCH_TYPE_SET: ReadonlySet<string> = new Set(LAUNCH_TYPES);


/**
 * Reads and validates configuration. Collects every problem before failing, one line each,
 * so a misconfigured deployment is fixed in one go.
 */
export function loadConfig(env: Environment): MirrorConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const targetId = read.aliased(ENV.targetId, ENV_ALIASES.targetId, TARGET_ID_PATTERN, 'a traffic mirror target id like tmt-0123456789abcdef0');
  const filterId = read.aliased(ENV.filterId, ENV_ALIASES.filterId, FILTER_ID_PATTERN, 'a traffic mirror filter id like tmf-0123456789abcdef0');
  const sessionNumber = read.integer(ENV.sessionNumber, SESSION_NUMBER_RANGE.min, SESSION_NUMBER_RANGE.max) ?? 1;
  const virtualNetworkId = read.integer(ENV.virtualNetworkId, VIRTUAL_NETWORK_ID_RANGE.min, VIRTUAL_NETWORK_ID_RANGE.max);
  const packetLength = read.integer(ENV.packetLength, PACKET_LENGTH_RANGE.min, PACKET_LENGTH_RANGE.max);
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
  const rules = readRules(env, problems);
  const config: MirrorConfig = {
    rules,
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
    awsTimeouts: {
      connectMs: read.integer(ENV.awsConnectTimeoutMs, 1, 60_000) ?? DEFAULT_AWS_TIMEOUTS.connectMs,
      // Up to Lambda's longest run, 15 minutes.
      requestMs: read.integer(ENV.awsRequestTimeoutMs, 1, 900_000) ?? DEFAULT_AWS_TIMEOUTS.requestMs,
    },
    reconcileGraceSeconds: read.integer(ENV.reconcileGraceSeconds, 0, 86_400) ?? 0,
    reconcileMaxDeletePercent: read.integer(ENV.reconcileMaxDeletePercent, 0, 100) ?? 10,
  };
  checkScopeNames(config.scope, problems);
  const createRate = read.number(ENV.createRate, 0.1, 1000);
  if (problems.length > 0) throw new ConfigError(problems);
  return createRate === undefined ? config : { ...config, createRatePerSecond: createRate };
}

/**
 * The rules, from a file (MIRROR_RULES_FILE, `--rules`) or inline (MIRROR_RULES, as the construct
 * sets them): read once at start, every problem one line naming its field.
 */
function readRules(env: Environment, problems: string[]): readonly MirrorRule[] {
  const file = env[ENV.rulesFile]?.trim() || undefined;
  const inline = env[ENV.rules]?.trim() || undefined;
  if (file !== undefined && inline !== undefined) {
    problems.push(`${ENV.rulesFile} and ${ENV.rules} are both set: set one`);
    return [];
  }
  let text: string;
  let source: string;
  if (file !== undefined) {
    source = `${ENV.rulesFile} ${file}`;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      problems.push(`${source}: cannot read it: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      return [];
    }
  } else if (inline !== undefined) {
    source = ENV.rules;
    text = inline;
  } else {
    return [];
  }
  const parsed = parseRules(text, source);
  problems.push(...parsed.problems);
  return parsed.rules;
}

/**
 * Numbers are written in decimal and nothing else. Number() alone also reads '0x10' as 16,
 * '1e3' as 1000, '0b1', 'Infinity' and '' (as 0): a value that means something other than what it
 * looks like to the person who wrote it. Spaces around a value are ignored, as for every variable
 * (raw() trims); a sign other than '-', '_' separators and a bare '.5' or '5.' are refused.
 */
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;
const WHOLE_DECIMAL = /^-?[0-9]+$/;

/**
 * A scope entry ECS cannot hold (a `;` instead of a `,`, a stray quote) matches no task, so the
 * event path would ignore every task and the sweep delete every session: refuse it at start.
 */
function checkScopeNames(scope: ScopeConfig, problems: string[]): void {
  const lists = [
    [ENV.clusters, 'cluster', scope.clusters],
    [ENV.services, 'service', scope.services],
    [ENV.families, 'family', scope.families],
  ] as const;
  for (const [variable, kind, names] of lists) {
    for (const name of names) {
      const problem = invalidScopeName(kind, name);
      if (problem !== undefined) problems.push(`${variable}: ${problem}`);
    }
  }
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
    if (!DECIMAL.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name}: '${value}' is not a number from ${min} to ${max}`);
      return undefined;
    }
    return parsed;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!WHOLE_DECIMAL.test(value) || parsed < min || parsed > max) {
      this.problems.push(`${name}: '${value}' is not a whole number from ${min} to ${max}`);
      return undefined;
    }
    return parsed;
  }

  /**
   * A comma-separated list; empty entries (a trailing comma) are dropped, but a value that names
   * nothing at all (`,`) is refused: set means "only these", and it would silently mean "all".
   */
  list(name: string): string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
    if (items.length === 0) this.problems.push(`${name}: '${value}' names nothing: unset it for all, or list names separated by commas`);
    return items;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: '${value}' is not one of ${allowed.join(', ')}`);
    return undefined;
  }
}
