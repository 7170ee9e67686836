import type { Clock } from "../ports/clock.ts";
import type { RequestContext, RequestPriority } from "../ports/mattermost.ts";

export interface RateBudgetOptions {
  clock: Clock;
  /** Sustained requests per second. Default 5. */
  ratePerSec?: number;
  /** Requests that may go at once after a quiet spell. Default 5. */
  burst?: number;
}

const RANK: Record<RequestPriority, number> = { urgent: 0, normal: 1, background: 2 };

/** How a request withdrawn before it was sent is rejected: one frozen instance, as it is common under load. */
export const REQUEST_WITHDRAWN: Error = Object.freeze(
  new Error("request withdrawn before it was sent: a newer one replaces it"),
);

interface Waiter {
  rank: number;
  since: number;
  seq: number;
  context: RequestContext | undefined;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signals: AbortSignal[];
  onAbort: (event: Event) => void;
}

/**
 * The request budget of one bot token, shared by every box of the process (the composition root
 * builds one per token and hands it to that token's client). A token bucket on the injected clock.
 * Waiting requests are served by priority, then by `since`, then first come, first served (see
 * {@link RequestContext}): under load, final states and creates never queue behind routine
 * edits, and a request whose content went stale while it waited is withdrawn at its turn. After a
 * 429, `blockUntil(t)` holds every request with that token until `t`, whoever asked; then one
 * request may go at once and the bucket refills from there.
 */
export class RateBudget {
  private readonly clock: Clock;
  private readonly ratePerMs: number;
  private readonly burst: number;
  private tokens: number;
  private refilledAt: number;
  private blocked = Number.NEGATIVE_INFINITY;
  /** Sorted: rank, then since, then seq. */
  private readonly queue: Waiter[] = [];
  private seq = 0;
  private pumping = false;
  private wake: AbortController | undefined;

  constructor(o: RateBudgetOptions) {
    this.clock = o.clock;
    this.ratePerMs = (o.ratePerSec ?? 5) / 1000;
    this.burst = Math.max(1, o.burst ?? 5);
    this.tokens = this.burst;
    this.refilledAt = o.clock.now();
  }

  /**
   * Resolves when a request may be sent now; rejects with the abort reason if the context's signal
   * is aborted first. Priority and place in line come from `context` (default: normal, now).
   */
  acquire(context?: RequestContext): Promise<void> {
    const signals = [context?.signal].filter((s): s is AbortSignal => s !== undefined);
    const aborted = signals.find((s) => s.aborted);
    if (aborted) return Promise.reject(aborted.reason);
    if (this.queue.length === 0 && this.hasToken()) {
      if (context?.isStale?.()) return Promise.reject(REQUEST_WITHDRAWN);
      this.tokens -= 1;
      context?.onGrant?.();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        rank: RANK[context?.priority ?? "normal"],
        since: context?.since ?? this.clock.now(),
        seq: this.seq++,
        context,
        resolve,
        reject,
        signals,
        onAbort: (event) => {
          const i = this.insertionPoint(waiter);
          if (this.queue[i] === waiter) this.queue.splice(i, 1);
          this.detach(waiter);
          reject((event.target as AbortSignal).reason);
        },
      };
      for (const s of signals) s.addEventListener("abort", waiter.onAbort, { once: true });
      this.queue.splice(this.insertionPoint(waiter), 0, waiter);
      void this.pump();
    });
  }

  /** No request goes before clock time `t` (ms). Later blocks extend earlier ones, never shorten them. */
  blockUntil(t: number): void {
    if (t <= this.blocked) return;
    this.blocked = t;
    this.tokens = 1;
    this.refilledAt = t;
    // A sleeping pump must recompute its wake time.
    this.wake?.abort();
  }

  /** Clock time before which nothing is sent (−∞ when not blocked). */
  blockedUntil(): number {
    return this.blocked;
  }

  /** Requests waiting for the budget now. */
  get waiting(): number {
    return this.queue.length;
  }

  /** How long the requests waiting now take to go at the sustained rate, ms (a block included): the budget's pressure. */
  backlogMs(): number {
    const blocked = Math.max(0, this.blocked - this.clock.now());
    return blocked + this.queue.length / this.ratePerMs;
  }

  /** First index whose waiter goes after `w` (binary search over the sorted queue). */
  private insertionPoint(w: Waiter): number {
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const q = this.queue[mid] as Waiter;
      const before = q.rank - w.rank || q.since - w.since || q.seq - w.seq;
      if (before < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private detach(w: Waiter): void {
    for (const s of w.signals) s.removeEventListener("abort", w.onAbort);
  }

  private refill(now: number): void {
    if (now <= this.refilledAt) return;
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.ratePerMs);
    this.refilledAt = now;
  }

  private hasToken(): boolean {
    const now = this.clock.now();
    if (now < this.blocked) return false;
    this.refill(now);
    return this.tokens >= 1;
  }

  /** Ms until the head of the queue may go. */
  private waitMs(): number {
    const now = this.clock.now();
    if (now < this.blocked) return this.blocked - now;
    this.refill(now);
    return Math.max(1, Math.ceil((1 - this.tokens) / this.ratePerMs));
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        if (this.hasToken()) {
          const waiter = this.queue.shift() as Waiter;
          this.detach(waiter);
          if (waiter.context?.isStale?.()) {
            waiter.reject(REQUEST_WITHDRAWN);
            // Its owner asks again at once (same place, newer content); serve nobody else before
            // that has happened, and go on regardless once pending callbacks have run.
            setImmediate(() => void this.pump());
            return;
          }
          this.tokens -= 1;
          waiter.context?.onGrant?.();
          waiter.resolve();
          continue;
        }
        this.wake = new AbortController();
        try {
          await this.clock.sleep(this.waitMs(), this.wake.signal);
        } catch {
          // Woken early by blockUntil: loop and recompute.
        }
        this.wake = undefined;
      }
    } finally {
      this.pumping = false;
    }
  }
}
