import { exactValues } from './filters.js';
import type { MirrorSession } from './model.js';
import { MultiIndex } from './multi-index.js';
import type { Ec2Filter } from './params.js';

/**
 * Traffic mirror sessions indexed by id, source ENI, target and filter, so that a describe by
 * ENI (the product's hot path) touches only that ENI's sessions whatever the account holds.
 * Iteration order everywhere is creation order (ascending `seq`), which paging relies on.
 */
export class SessionStore {
  private readonly byId = new Map<string, MirrorSession>();
  readonly byEni = new MultiIndex<MirrorSession>();
  readonly byTarget = new MultiIndex<MirrorSession>();
  readonly byFilter = new MultiIndex<MirrorSession>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): MirrorSession | undefined {
    return this.byId.get(id);
  }

  add(session: MirrorSession): void {
    this.byId.set(session.id, session);
    this.byEni.add(session.networkInterfaceId, session);
    this.byTarget.add(session.targetId, session);
    this.byFilter.add(session.filterId, session);
  }

  remove(session: MirrorSession): void {
    this.byId.delete(session.id);
    this.byEni.delete(session.networkInterfaceId, session);
    this.byTarget.delete(session.targetId, session);
    this.byFilter.delete(session.filterId, session);
  }

  /** Re-keys the target and filter indexes after a modification. */
  update(session: MirrorSession, change: { targetId?: string; filterId?: string }): void {
    if (change.targetId !== undefined && change.targetId !== session.targetId) {
      this.byTarget.delete(session.targetId, session);
      session.targetId = change.targetId;
      this.byTarget.add(session.targetId, session);
    }
    if (change.filterId !== undefined && change.filterId !== session.filterId) {
      this.byFilter.delete(session.filterId, session);
      session.filterId = change.filterId;
      this.byFilter.add(session.filterId, session);
    }
  }

  /**
   * The smallest candidate set for a describe: the id list or an exact-valued indexed filter
   * when there is one, else every session. The caller still applies all filters to each
   * candidate; this only decides what to walk.
   */
  candidates(ids: readonly string[], filters: readonly Ec2Filter[]): Iterable<MirrorSession> {
    const choices: { size: number; items: () => Iterable<MirrorSession> }[] = [];
    if (ids.length > 0) choices.push(this.lookupIds(ids));
    const sessionIds = exactValues(filters, 'traffic-mirror-session-id');
    if (sessionIds) choices.push(this.lookupIds(sessionIds));
    const indexed: [string, MultiIndex<MirrorSession>][] = [
      ['network-interface-id', this.byEni],
      ['traffic-mirror-target-id', this.byTarget],
      ['traffic-mirror-filter-id', this.byFilter],
    ];
    for (const [name, index] of indexed) {
      const values = exactValues(filters, name);
      if (values) choices.push(lookupIndex(index, values));
    }
    const best = choices.reduce<(typeof choices)[number] | undefined>(
      (smallest, choice) => (!smallest || choice.size < smallest.size ? choice : smallest),
      undefined,
    );
    return best ? best.items() : this.byId.values();
  }

  private lookupIds(ids: readonly string[]): { size: number; items: () => Iterable<MirrorSession> } {
    const found = new Set<MirrorSession>();
    for (const id of ids) {
      const session = this.byId.get(id);
      if (session) found.add(session);
    }
    return { size: found.size, items: () => [...found].sort((a, b) => a.seq - b.seq) };
  }
}

function lookupIndex(
  index: MultiIndex<MirrorSession>,
  keys: readonly string[],
): { size: number; items: () => Iterable<MirrorSession> } {
  const [only] = keys;
  // One key (the usual case): walk the index's own set, no copy.
  if (keys.length === 1 && only !== undefined) return { size: index.size(only), items: () => index.get(only) };
  const union = new Set<MirrorSession>();
  for (const key of keys) for (const session of index.get(key)) union.add(session);
  return { size: union.size, items: () => [...union].sort((a, b) => a.seq - b.seq) };
}
