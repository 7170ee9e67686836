import type { Clock } from "./clock.ts";

export interface RateBudgetOptions {
  clock: Clock;
  /** Sustained requests per second. Default 5. */
  ratePerSec?: number;
  /** Requests that may go at once after a quiet spell. Default 5. */
  burst?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * The request budget of one bot token, shared by every box of the process (the composition root
 * builds one per token and hands it to that token's client). A token bucket on the injected clock,
 * served first come, first served. After a 429, `blockUntil(t)` holds every request with that token
 * until `t`, whoever asked; then one request may go at once and the bucket refills from there.
 */
export class RateBudget {
  private readonly clock: Clock;
  private readonly ratePerMs: number;
  private readonly burst: number;
  private tokens: number;
  private refilledAt: number;
  private blocked = Number.NEGATIVE_INFINITY;
  private readonly queue: Waiter[] = [];
  private pumping = false;
  private wake: AbortController | undefined;

  constructor(o: RateBudgetOptions) {
    this.clock = o.clock;
    this.ratePerMs = (o.ratePerSec ?? 5) / 1000;
    this.burst = Math.max(1, o.burst ?? 5);
    this.tokens = this.burst;
    this.refilledAt = o.clock.now();
  }

  /** Resolves when a request may be sent now; rejects with the signal's reason if aborted first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.queue.length === 0 && this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.queue.push(waiter);
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

  private refill(now: number): void {
    if (now <= this.refilledAt) return;
    this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.ratePerMs);
    this.refilledAt = now;
  }

  private tryTake(): boolean {
    const now = this.clock.now();
    if (now < this.blocked) return false;
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
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
        if (this.tryTake()) {
          const waiter = this.queue.shift() as Waiter;
          waiter.signal?.removeEventListener("abort", waiter.onAbort);
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
