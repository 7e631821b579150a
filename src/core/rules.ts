import { OPT_OUT_TASK_TAG, OPT_OUT_TASK_TAG_VALUE } from '../contract/tags.js';
import type { SessionOptions } from './plan.js';
import { clusterNameOf, type TaskSnapshot } from './task.js';

/** Which tasks a rule decides; every field left out matches everything. */
export interface RuleMatch {
  /** Cluster names or ARNs. */
  readonly clusters?: readonly string[];
  readonly services?: readonly string[];
  readonly families?: readonly string[];
  /** Compared case-insensitively. */
  readonly launchTypes?: readonly string[];
  /** Task tags that must all be present: key → value, or `*` for any value. */
  readonly tags?: Readonly<Record<string, string>>;
  /** AZ ids (`use1-az1`), not names: names differ between accounts. */
  readonly availabilityZoneIds?: readonly string[];
}

/** One entry of the rules list: the first whose `match` fits a task decides its ENIs. */
export interface MirrorRule {
  readonly match?: RuleMatch;
  /** false: leave the task unmirrored (reported `excluded`, our sessions on it removed). */
  readonly mirror?: boolean;
  readonly targetId?: string;
  /** A pool: each ENI goes to the target with the fewest sources, never past its quota. */
  readonly targetIds?: readonly string[];
  /** A pool per AZ id; an ENI of an AZ with no entry falls back to targetIds / targetId. */
  readonly targetsByAz?: Readonly<Record<string, readonly string[]>>;
  readonly filterId?: string;
  readonly sessionNumber?: number;
  readonly packetLength?: number;
  readonly virtualNetworkId?: number;
  /**
   * Bridge and host tasks, which have no ENI of their own: `instance-eni` (default) mirrors their
   * container instance's primary ENI — the whole instance's traffic, one session per instance;
   * `skip` leaves them unmirrored (reported `excluded`).
   */
  readonly hostNetworkTasks?: HostNetworkTasks;
}

export const HOST_NETWORK_TASKS = ['instance-eni', 'skip'] as const;
export type HostNetworkTasks = (typeof HOST_NETWORK_TASKS)[number];

/** What the rules want for one ENI. `rule` names the deciding rule for reports (`rules[2]`, `defaults`). */
export type RuleVerdict =
  | { readonly kind: 'excluded'; readonly rule: string; readonly reason: string }
  | { readonly kind: 'no-target'; readonly rule: string; readonly reason: string }
  | { readonly kind: 'mirror'; readonly rule: string; readonly desired: DesiredSession; readonly hostNetworkTasks: HostNetworkTasks };

/** The session an ENI should have: any target of `pool`, and these settings. */
export interface DesiredSession {
  /** Candidate targets, in order of preference when their loads are equal. */
  readonly pool: readonly string[];
  readonly filterId: string;
  readonly sessionNumber: number;
  readonly packetLength?: number;
  readonly virtualNetworkId?: number;
  readonly extraTags?: Readonly<Record<string, string>>;
}

/** The name a report gives the rule the MIRROR_* variables make (the last, implicit one). */
export const DEFAULT_RULE = 'defaults';

export interface RuleSubject {
  readonly task: TaskSnapshot;
  /** The AZ id of the ENI's subnet; undefined when unknown or not looked up. */
  readonly availabilityZoneId?: string;
}

/**
 * The first rule whose match fits decides; the MIRROR_* variables fill what it leaves unset, and
 * act as a last rule that matches everything, so no rules at all is today's configuration. The
 * opt-out tag wins over every rule.
 */
export function ruleFor(subject: RuleSubject, rules: readonly MirrorRule[], defaults: SessionOptions): RuleVerdict {
  if (Object.hasOwn(subject.task.tags, OPT_OUT_TASK_TAG) && subject.task.tags[OPT_OUT_TASK_TAG] === OPT_OUT_TASK_TAG_VALUE) {
    return { kind: 'excluded', rule: 'tag', reason: `task is tagged ${OPT_OUT_TASK_TAG}=${OPT_OUT_TASK_TAG_VALUE}` };
  }
  const index = rules.findIndex((rule) => matches(rule.match ?? {}, subject));
  const rule: MirrorRule = index === -1 ? {} : (rules[index] as MirrorRule);
  const name = index === -1 ? DEFAULT_RULE : `rules[${index}]`;
  if (rule.mirror === false) return { kind: 'excluded', rule: name, reason: `${name} sets mirror: false` };
  const pool = poolOf(rule, subject.availabilityZoneId, defaults);
  if (pool.length === 0) {
    return { kind: 'no-target', rule: name, reason: `${name} has no target for AZ id ${subject.availabilityZoneId ?? '(unknown)'} in targetsByAz, and no targetIds or targetId` };
  }
  const packetLength = rule.packetLength ?? defaults.packetLength;
  const virtualNetworkId = rule.virtualNetworkId ?? defaults.virtualNetworkId;
  return {
    kind: 'mirror',
    rule: name,
    hostNetworkTasks: rule.hostNetworkTasks ?? 'instance-eni',
    desired: {
      pool,
      filterId: rule.filterId ?? defaults.filterId,
      sessionNumber: rule.sessionNumber ?? defaults.sessionNumber,
      ...(packetLength === undefined ? {} : { packetLength }),
      ...(virtualNetworkId === undefined ? {} : { virtualNetworkId }),
      ...(defaults.extraTags === undefined ? {} : { extraTags: defaults.extraTags }),
    },
  };
}

/**
 * targetsByAz when it names the ENI's AZ id, else targetIds, else targetId, else the default
 * target — except that a rule with targetsByAz and no fallback of its own has none for other AZs:
 * mirroring across AZs is billed, so it must be asked for, not fallen into.
 */
function poolOf(rule: MirrorRule, availabilityZoneId: string | undefined, defaults: SessionOptions): readonly string[] {
  const byAz = availabilityZoneId === undefined ? undefined : rule.targetsByAz?.[availabilityZoneId];
  if (byAz !== undefined && Object.hasOwn(rule.targetsByAz ?? {}, availabilityZoneId ?? '')) return byAz;
  if (rule.targetIds !== undefined) return rule.targetIds;
  if (rule.targetId !== undefined) return [rule.targetId];
  if (rule.targetsByAz !== undefined) return [];
  return [defaults.targetId];
}

function matches(match: RuleMatch, { task, availabilityZoneId }: RuleSubject): boolean {
  if (match.clusters !== undefined && !match.clusters.some((entry) => (entry.startsWith('arn:') ? entry === task.clusterArn : clusterNameOf(entry) === task.clusterName))) return false;
  if (match.services !== undefined && (task.serviceName === undefined || !match.services.includes(task.serviceName))) return false;
  if (match.families !== undefined && (task.family === undefined || !match.families.includes(task.family))) return false;
  if (match.launchTypes !== undefined) {
    const launchType = task.launchType?.toUpperCase();
    if (launchType === undefined || !match.launchTypes.some((entry) => entry.toUpperCase() === launchType)) return false;
  }
  for (const [key, value] of Object.entries(match.tags ?? {})) {
    if (!Object.hasOwn(task.tags, key)) return false;
    if (value !== '*' && task.tags[key] !== value) return false;
  }
  if (match.availabilityZoneIds !== undefined && (availabilityZoneId === undefined || !match.availabilityZoneIds.includes(availabilityZoneId))) return false;
  return true;
}

/** Whether deciding needs the AZ id of each ENI (a DescribeSubnets call): only when a rule looks at it. */
export function rulesNeedAzIds(rules: readonly MirrorRule[]): boolean {
  return rules.some((rule) => rule.match?.availabilityZoneIds !== undefined || rule.targetsByAz !== undefined);
}

/** Every target the rules and defaults can choose, in first-seen order: for IAM and for pool loads. */
export function targetsOf(rules: readonly MirrorRule[], defaults: Pick<SessionOptions, 'targetId'>): string[] {
  const seen = new Set<string>([defaults.targetId]);
  for (const rule of rules) {
    if (rule.targetId !== undefined) seen.add(rule.targetId);
    for (const id of rule.targetIds ?? []) seen.add(id);
    for (const ids of Object.values(rule.targetsByAz ?? {})) for (const id of ids) seen.add(id);
  }
  return [...seen];
}

/** Every filter the rules and defaults can choose. */
export function filtersOf(rules: readonly MirrorRule[], defaults: Pick<SessionOptions, 'filterId'>): string[] {
  return [...new Set([defaults.filterId, ...rules.flatMap((rule) => (rule.filterId === undefined ? [] : [rule.filterId]))])];
}

/** Targets of pools with a choice to make (two or more): only those need their loads read. */
export function pooledTargets(rules: readonly MirrorRule[]): string[] {
  const pools = rules.flatMap((rule) => [rule.targetIds ?? [], ...Object.values(rule.targetsByAz ?? {})]);
  return [...new Set(pools.filter((pool) => pool.length > 1).flat())];
}
