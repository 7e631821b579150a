import { PACKET_LENGTH_RANGE, SESSION_NUMBER_RANGE } from '../contract/limits.js';
import { BRANCH_ENI_REASON } from './door.js';
import { planInstanceSession, planSessionForEni, type InstanceSource, type PlannedSession, type SessionOptions } from './plan.js';
import { ruleFor, type DesiredSession, type MirrorRule } from './rules.js';
import { isManagedSession, type MirrorSession } from './session.js';
import type { SessionChanges } from './session-changes.js';
import type { TaskSnapshot } from './task.js';

/** EC2 allows three sessions per source ENI (not adjustable). */
export const SESSIONS_PER_ENI = 3;

/** How many sources a target has now, and how many EC2 accepts; undefined = no limit (NLB, GWLB endpoint). */
export interface TargetLoad {
  readonly sources: number;
  readonly maxSources?: number;
}

export type TargetLoads = ReadonlyMap<string, TargetLoad>;

export interface DecideInput {
  readonly task: TaskSnapshot;
  readonly networkInterfaceId: string;
  /** AZ id of the ENI's subnet, when the rules need it and it is known. */
  readonly availabilityZoneId?: string;
  /** Every session on the ENI, any owner, any target. */
  readonly sessionsOnEni: readonly MirrorSession[];
  readonly rules: readonly MirrorRule[];
  readonly defaults: SessionOptions;
  /** Loads of pool targets; a target not in it counts as empty and unlimited. */
  readonly loads?: TargetLoads;
  /** The door this ENI is (core/door.ts); absent = the task's own ENI. */
  readonly door?: EniDoor;
}

export interface EniDoor {
  readonly kind: 'task-eni' | 'instance-eni' | 'branch';
  /** Set for instance ENIs (and for task ENIs on container instances): the host. */
  readonly instance?: InstanceSource;
  /** Why the host is known not to mirror (an earlier NetworkInterfaceNotSupported on it): no create is tried. */
  readonly hostUnsupported?: string;
}

export type BlockedCause = 'pool-full' | 'sessions-per-eni' | 'no-target';

/**
 * What one ENI needs. `toDelete`: sessions of ours on the ENI beyond the one kept (duplicates, all
 * of them when excluded or already mirrored by an unmanaged session to the desired target); only
 * the sweep deletes, with its evidence rules and circuit breaker.
 */
export type EniDecision =
  | { readonly kind: 'mirrored'; readonly rule: string; readonly sessionId: string; readonly foreign: boolean; readonly toDelete: readonly MirrorSession[] }
  | { readonly kind: 'create'; readonly rule: string; readonly plan: PlannedSession; readonly toDelete: readonly MirrorSession[] }
  | {
      readonly kind: 'modify';
      readonly rule: string;
      readonly session: MirrorSession;
      readonly changes: SessionChanges;
      /** One entry per field that differs: `filter tmf-a → tmf-b`. */
      readonly drift: readonly string[];
      readonly toDelete: readonly MirrorSession[];
    }
  | { readonly kind: 'excluded'; readonly rule: string; readonly reason: string; readonly toDelete: readonly MirrorSession[] }
  /** EC2 cannot mirror this ENI (a branch ENI, a host known not to mirror): reported, no create tried. */
  | { readonly kind: 'unsupported'; readonly rule: string; readonly reason: string; readonly toDelete: readonly MirrorSession[] }
  | { readonly kind: 'blocked'; readonly rule: string; readonly cause: BlockedCause; readonly reason: string; readonly toDelete: readonly MirrorSession[] };

/**
 * The one definition of "mirrored", for the event path and the sweep alike. For one ENI: the rule
 * that decides it, then the session of ours to keep (ours = our ownership tag, any target), and
 * whether it matches the desired session, needs changes in place, or must be created. An
 * unmanaged session to a desired target already delivers the packets: it counts as mirrored and
 * is never duplicated (a session of ours beside it is kept: it was there first or was made by
 * another run, and is the one we can keep in line). Sessions without our tag are never in any decision's changes or deletes.
 */
export function decide(input: DecideInput): EniDecision {
  const ours = input.sessionsOnEni.filter(isManagedSession);
  const foreign = input.sessionsOnEni.filter((s) => !isManagedSession(s));
  const verdict = ruleFor({ task: input.task, ...(input.availabilityZoneId === undefined ? {} : { availabilityZoneId: input.availabilityZoneId }) }, input.rules, input.defaults);
  if (verdict.kind === 'excluded') return { kind: 'excluded', rule: verdict.rule, reason: verdict.reason, toDelete: ours };
  if (verdict.kind === 'no-target') return { kind: 'blocked', rule: verdict.rule, cause: 'no-target', reason: verdict.reason, toDelete: surplus(ours, undefined) };
  const { desired, rule } = verdict;
  const door = input.door;
  if (door?.kind === 'instance-eni' && verdict.hostNetworkTasks === 'skip') {
    return { kind: 'excluded', rule, reason: `${rule} sets hostNetworkTasks: skip (bridge/host task, no ENI of its own)`, toDelete: ours };
  }
  if (door?.kind === 'branch') return { kind: 'unsupported', rule, reason: BRANCH_ENI_REASON, toDelete: [] };
  if (door?.hostUnsupported !== undefined && ours.length === 0) return { kind: 'unsupported', rule, reason: door.hostUnsupported, toDelete: [] };

  const sessionNumber = freeSessionNumber(desired.sessionNumber, foreign);
  const kept = keptSession(ours, desired, sessionNumber);
  if (kept !== undefined) {
    const toDelete = surplus(ours, kept);
    const targetId = desired.pool.includes(kept.targetId) ? kept.targetId : leastLoaded(desired.pool, input.loads);
    if (targetId === undefined) {
      return { kind: 'blocked', rule, cause: 'pool-full', reason: `${poolFullReason(desired.pool, input.loads)}; ${kept.sessionId} stays on ${kept.targetId}`, toDelete };
    }
    const { changes, drift } = differences(kept, { ...desired, sessionNumber }, targetId);
    if (drift.length === 0) return { kind: 'mirrored', rule, sessionId: kept.sessionId, foreign: false, toDelete };
    return { kind: 'modify', rule, session: kept, changes, drift, toDelete };
  }

  // Typically the seed's Lambda, which we replace: a second session would send every packet twice.
  const seed = foreign.find((s) => desired.pool.includes(s.targetId));
  if (seed !== undefined) return { kind: 'mirrored', rule, sessionId: seed.sessionId, foreign: true, toDelete: [] };

  if (foreign.length >= SESSIONS_PER_ENI) {
    return {
      kind: 'blocked',
      rule,
      cause: 'sessions-per-eni',
      reason: `${input.networkInterfaceId} already has ${foreign.length} mirror sessions from other owners (${foreign.map((s) => s.sessionId).join(', ')}); EC2 allows ${SESSIONS_PER_ENI}`,
      toDelete: [],
    };
  }
  const targetId = leastLoaded(desired.pool, input.loads);
  if (targetId === undefined) return { kind: 'blocked', rule, cause: 'pool-full', reason: poolFullReason(desired.pool, input.loads), toDelete: [] };
  const options = optionsOf(desired, targetId, sessionNumber);
  const plan =
    door?.kind === 'instance-eni' && door.instance !== undefined
      ? planInstanceSession(input.task.clusterName, input.networkInterfaceId, door.instance, options)
      : planSessionForEni(input.task, input.networkInterfaceId, options);
  return { kind: 'create', rule, plan, toDelete: [] };
}

/** The lowest free session number at or above the preferred one, so a foreign session keeps its slot. */
export function freeSessionNumber(preferred: number, sessionsOnEni: readonly MirrorSession[]): number {
  const taken = new Set(sessionsOnEni.map((s) => s.sessionNumber));
  let number = preferred;
  while (taken.has(number) && number < SESSION_NUMBER_RANGE.max) number++;
  return number;
}

/** The loads after a decision is carried out: a create or a move takes a source on its target. */
export function loadsAfter(loads: TargetLoads, decision: EniDecision): TargetLoads {
  const moveTo = decision.kind === 'create' ? decision.plan.targetId : decision.kind === 'modify' ? decision.changes.targetId : undefined;
  if (moveTo === undefined) return loads;
  const next = new Map(loads);
  const add = (targetId: string, delta: number) => {
    const load = next.get(targetId);
    if (load !== undefined) next.set(targetId, { ...load, sources: Math.max(0, load.sources + delta) });
  };
  add(moveTo, 1);
  if (decision.kind === 'modify') add(decision.session.targetId, -1);
  return next;
}

function optionsOf(desired: DesiredSession, targetId: string, sessionNumber: number): SessionOptions {
  return {
    targetId,
    filterId: desired.filterId,
    sessionNumber,
    ...(desired.virtualNetworkId === undefined ? {} : { virtualNetworkId: desired.virtualNetworkId }),
    ...(desired.packetLength === undefined ? {} : { packetLength: desired.packetLength }),
    ...(desired.extraTags === undefined ? {} : { extraTags: desired.extraTags }),
  };
}

/**
 * Of several sessions of ours, the one to keep: one that already matches, else one on a target of
 * the pool, else the first.
 */
function keptSession(ours: readonly MirrorSession[], desired: DesiredSession, sessionNumber: number): MirrorSession | undefined {
  const score = (s: MirrorSession) => {
    if (!desired.pool.includes(s.targetId)) return 2;
    return differences(s, { ...desired, sessionNumber }, s.targetId).drift.length === 0 ? 0 : 1;
  };
  // Stable: among equals the first listed, as EC2 lists them in the same order each time.
  return [...ours].sort((a, b) => score(a) - score(b))[0];
}

function surplus(ours: readonly MirrorSession[], kept: MirrorSession | undefined): MirrorSession[] {
  if (kept === undefined) return [];
  return ours.filter((s) => s.sessionId !== kept.sessionId);
}

/**
 * The target of the pool with the fewest sources that still has room, ties to the first listed;
 * undefined when every one is at its quota.
 */
function leastLoaded(pool: readonly string[], loads: TargetLoads | undefined): string | undefined {
  let best: { targetId: string; sources: number } | undefined;
  for (const targetId of pool) {
    const load = loads?.get(targetId) ?? { sources: 0 };
    if (load.maxSources !== undefined && load.sources >= load.maxSources) continue;
    if (best === undefined || load.sources < best.sources) best = { targetId, sources: load.sources };
  }
  return best?.targetId;
}

function poolFullReason(pool: readonly string[], loads: TargetLoads | undefined): string {
  const parts = pool.map((id) => `${id} ${loads?.get(id)?.sources ?? 0}/${loads?.get(id)?.maxSources ?? '∞'}`);
  return `pool full: every target is at its sources quota (${parts.join(', ')})`;
}

/**
 * What differs between a session of ours and the desired one. No packet length means the whole
 * packet: EC2 reports 8500 for an NLB target then, so 8500 and none are the same. No VNI desired
 * means EC2's choice: whatever the session has is fine.
 */
function differences(session: MirrorSession, desired: DesiredSession, targetId: string): { changes: SessionChanges; drift: string[] } {
  const changes: { -readonly [K in keyof SessionChanges]: SessionChanges[K] } = {};
  const drift: string[] = [];
  if (session.targetId !== targetId) {
    changes.targetId = targetId;
    drift.push(`target ${session.targetId} → ${targetId}`);
  }
  if (session.filterId !== desired.filterId) {
    changes.filterId = desired.filterId;
    drift.push(`filter ${session.filterId} → ${desired.filterId}`);
  }
  if (session.sessionNumber !== desired.sessionNumber) {
    changes.sessionNumber = desired.sessionNumber;
    drift.push(`session number ${session.sessionNumber} → ${desired.sessionNumber}`);
  }
  const wholePacket = (length: number | undefined) => length === undefined || length === PACKET_LENGTH_RANGE.max;
  if (desired.packetLength === undefined ? !wholePacket(session.packetLength) : session.packetLength !== desired.packetLength && !(wholePacket(desired.packetLength) && wholePacket(session.packetLength))) {
    changes.packetLength = desired.packetLength ?? null;
    drift.push(`packet length ${session.packetLength ?? 'whole'} → ${desired.packetLength ?? 'whole'}`);
  }
  if (desired.virtualNetworkId !== undefined && session.virtualNetworkId !== desired.virtualNetworkId) {
    changes.virtualNetworkId = desired.virtualNetworkId;
    drift.push(`VNI ${session.virtualNetworkId ?? 'none'} → ${desired.virtualNetworkId}`);
  }
  return { changes, drift };
}

/**
 * decide for several ENIs that share pools, in order: each create or move takes its source on
 * the target it chose, so the next ENI sees it and a pool is never planned past a quota.
 */
export function decideAll(inputs: readonly Omit<DecideInput, 'loads'>[], loads: TargetLoads = new Map()): EniDecision[] {
  let current = loads;
  return inputs.map((input) => {
    const decision = decide({ ...input, loads: current });
    current = loadsAfter(current, decision);
    return decision;
  });
}
