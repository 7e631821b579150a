/**
 * The emulator's timers, so that close() can cancel every pending lifecycle step and scheduler
 * tick. A callback that throws is recorded instead of crashing the process that hosts the
 * emulator; tests assert that none did.
 */
export class TimerSet {
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;
  readonly errors: unknown[] = [];

  after(delayMs: number, callback: () => void): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      try {
        callback();
      } catch (error) {
        this.errors.push(error);
      }
    }, Math.max(0, delayMs));
    this.pending.add(handle);
    return handle;
  }

  cancel(handle: NodeJS.Timeout | undefined): void {
    if (handle === undefined) return;
    clearTimeout(handle);
    this.pending.delete(handle);
  }

  close(): void {
    this.closed = true;
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
