interface Waiter {
  readonly check: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Promises that settle when a condition on the emulator's state holds. Conditions are checked
 * once per event-loop turn after a change (not on every change), so that waiting on a burst of
 * thousands of tasks stays cheap.
 */
export class StateWatch {
  private readonly waiters = new Set<Waiter>();
  private checkQueued = false;
  private closed = false;

  waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`emulator closed while waiting for ${what}`));
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  changed(): void {
    if (this.checkQueued || this.waiters.size === 0) return;
    this.checkQueued = true;
    setImmediate(() => {
      this.checkQueued = false;
      for (const waiter of [...this.waiters]) this.settle(waiter);
    });
  }

  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) {
      this.waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.reject(new Error('emulator closed'));
    }
  }

  private settle(waiter: Waiter): void {
    let done: boolean;
    try {
      done = waiter.check();
    } catch (error) {
      this.waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (!done) return;
    this.waiters.delete(waiter);
    clearTimeout(waiter.timer);
    waiter.resolve();
  }
}
