/** The clocks: {@link systemClock} for production, {@link ManualClock} for deterministic tests. */
import type { Clock } from "../ports/clock.ts";

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal as AbortSignal));
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};

interface Sleeper {
  wakeAt: number;
  seq: number;
  resolve: () => void;
}

/** Lets promise chains woken by a sleeper run before the next sleeper is due. */
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that only moves when a test says so. `advance(ms)` wakes due sleepers one at a time, in
 * wake-time order (ties in the order they slept), setting `now()` to each one's wake time first;
 * after each wake it awaits `settle` (default: one macrotask turn) so the woken code can run and
 * schedule follow-up sleeps that are also due inside the window.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const sleeper: Sleeper = {
        wakeAt: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortReason(signal as AbortSignal));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  /** Number of sleeps waiting for time to move. */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  /** Wake time of the earliest sleeper, if any. */
  nextWakeAt(): number | undefined {
    return this.earliest()?.wakeAt;
  }

  async advance(ms: number, settle: () => Promise<void> = nextMacrotask): Promise<void> {
    const target = this.current + Math.max(0, ms);
    await settle();
    for (;;) {
      const due = this.earliest();
      if (!due || due.wakeAt > target) break;
      this.sleepers = this.sleepers.filter((s) => s !== due);
      this.current = Math.max(this.current, due.wakeAt);
      due.resolve();
      await settle();
    }
    this.current = target;
    await settle();
  }

  private earliest(): Sleeper | undefined {
    let best: Sleeper | undefined;
    for (const s of this.sleepers) {
      if (!best || s.wakeAt < best.wakeAt || (s.wakeAt === best.wakeAt && s.seq < best.seq)) best = s;
    }
    return best;
  }
}
