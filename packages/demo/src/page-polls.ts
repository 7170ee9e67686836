/** Counts the page's state requests, so stopping can wait until an open page has seen the end. */
export class PagePolls {
  private lastAt = 0;
  private waiters = new Set<() => void>();

  served(): void {
    this.lastAt = Date.now();
    for (const w of [...this.waiters]) w();
  }

  /** Resolves after `count` more polls, or when none comes for `gapMs`; at once when no page polled lately. */
  async next(count: number, gapMs: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      if (Date.now() - this.lastAt > gapMs) return;
      let polled: () => void = () => {};
      const next = new Promise<void>((ok) => {
        polled = ok;
      });
      this.waiters.add(polled);
      const timer = setTimeout(polled, gapMs);
      await next;
      clearTimeout(timer);
      this.waiters.delete(polled);
    }
  }
}
