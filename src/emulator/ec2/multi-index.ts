import type { Sequenced } from './model.js';

/**
 * A secondary index: key → the items with that key, kept in creation order (ascending `seq`)
 * so that paging over one key's items works with the same cursors as over the whole store.
 */
export class MultiIndex<V extends Sequenced> {
  private readonly byKey = new Map<string, Set<V>>();
  /** Highest seq ever added per key (may be stale after deletions: that only costs a re-sort). */
  private readonly maxSeq = new Map<string, number>();

  add(key: string, item: V): void {
    let set = this.byKey.get(key);
    if (!set) {
      set = new Set();
      this.byKey.set(key, set);
    }
    set.add(item);
    const max = this.maxSeq.get(key) ?? -1;
    if (item.seq > max) {
      this.maxSeq.set(key, item.seq);
      return;
    }
    // Only a re-keyed item (ModifyTrafficMirrorSession) can arrive out of order: re-sort then.
    this.byKey.set(key, new Set([...set].sort((a, b) => a.seq - b.seq)));
  }

  delete(key: string, item: V): void {
    const set = this.byKey.get(key);
    if (!set) return;
    set.delete(item);
    if (set.size === 0) {
      this.byKey.delete(key);
      this.maxSeq.delete(key);
    }
  }

  get(key: string): ReadonlySet<V> {
    return this.byKey.get(key) ?? EMPTY;
  }

  size(key: string): number {
    return this.byKey.get(key)?.size ?? 0;
  }
}

const EMPTY: ReadonlySet<never> = new Set();
