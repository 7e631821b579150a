import type { Clock } from '../ports/index.js';

/**
 * ENIs this process has seen mirrored, kept for a few minutes. A task announces PENDING and
 * RUNNING (and maybe ACTIVATING) within seconds, and events are delivered more than once: the
 * later ones are answered from here instead of spending a DescribeTrafficMirrorSessions call.
 * Only a warm Lambda's memory, never a source of truth: the sweep checks EC2 itself.
 */
export class KnownSessions {
  private readonly entries = new Map<string, { sessionId: string; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 10 * 60_000,
    private readonly capacity = 10_000,
  ) {}

  get(networkInterfaceId: string): string | undefined {
    const entry = this.entries.get(networkInterfaceId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(networkInterfaceId);
      return undefined;
    }
    return entry.sessionId;
  }

  remember(networkInterfaceId: string, sessionId: string): void {
    this.entries.delete(networkInterfaceId);
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(networkInterfaceId, { sessionId, expiresAt: this.clock.now() + this.ttlMs });
  }
}
