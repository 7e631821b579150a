import type { Clock } from '../ports/index.js';

/** What this process learned about an ENI: mirrored by a session, or on a host that cannot mirror. */
export type KnownEni = { readonly kind: 'mirrored'; readonly sessionId: string } | { readonly kind: 'unsupported' };

/**
 * ENIs this process has seen mirrored or found unsupported, kept for a few minutes. A task announces PENDING and
 * RUNNING (and maybe ACTIVATING) within seconds, and events are delivered more than once: the
 * later ones are answered from here instead of spending a DescribeTrafficMirrorSessions call.
 * Only a warm Lambda's memory, never a source of truth: the sweep checks EC2 itself.
 */
export class KnownSessions {
  private readonly entries = new Map<string, { known: KnownEni; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 10 * 60_000,
    private readonly capacity = 10_000,
  ) {}

  get(networkInterfaceId: string): KnownEni | undefined {
    const entry = this.entries.get(networkInterfaceId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(networkInterfaceId);
      return undefined;
    }
    return entry.known;
  }

  /** Drops what this process believes about the ENI: EC2 or a sweep said otherwise. */
  forget(networkInterfaceId: string): void {
    this.entries.delete(networkInterfaceId);
  }

  /**
   * Drops the entry when it claims the ENI is mirrored by another session than `liveSessionId`
   * (or by any, when there is none): a warm Lambda must not answer `exists` for a deleted session.
   */
  confirm(networkInterfaceId: string, liveSessionId: string | undefined): void {
    const known = this.entries.get(networkInterfaceId)?.known;
    if (known?.kind === 'mirrored' && known.sessionId !== liveSessionId) this.entries.delete(networkInterfaceId);
  }

  remember(networkInterfaceId: string, known: KnownEni): void {
    this.entries.delete(networkInterfaceId);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(networkInterfaceId, { known, expiresAt: this.clock.now() + this.ttlMs });
  }
}
