/**
 * Requests held by latency faults. Closing lets every held request go at once, so `close()` never
 * waits for a timer, and tells the handler to drop them instead of answering.
 */
export class Holds {
  private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private isClosed = false;

  get closed(): boolean {
    return this.isClosed;
  }

  /** Resolves after `ms`, or at once when the server closes. */
  hold(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.waits.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.waits.add(entry);
    });
  }

  close(): void {
    this.isClosed = true;
    for (const w of this.waits) {
      clearTimeout(w.timer);
      w.resolve();
    }
    this.waits.clear();
  }
}
