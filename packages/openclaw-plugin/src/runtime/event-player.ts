import type { LiveEvent } from "../core/events.ts";
import type { Clock } from "../ports/clock.ts";
import type { ManualClock } from "./clock.ts";
import type { LiveStatusRuntime } from "./runtime.ts";

export interface PlayOptions {
  runtime: LiveStatusRuntime;
  /** Event time: set to each event's `ts` before it is applied. */
  clock: ManualClock;
  /** Mattermost requests in flight (see instrumentClient). */
  io: { quiet(): Promise<void>; inFlight(): number };
  /** `"max"`: no waiting between events; a number: play that many times faster than recorded. */
  speed: "max" | number;
  /** Real waits between events (only used when `speed` is a number); should resolve early on abort. */
  sleep: (ms: number) => Promise<void>;
  onEvent?: (event: LiveEvent, index: number) => void;
  /** Stops the play before the next event (the caller then finishes it). */
  signal?: AbortSignal;
}

/**
 * Plays recorded events through the runtime with their timestamps as the clock, so throttling
 * follows event time. Before each event, every write that became due lands; the only real waits
 * are Mattermost I/O, Retry-After and, at a finite speed, the recorded gaps.
 */
export async function playEvents(events: readonly LiveEvent[], o: PlayOptions): Promise<void> {
  const settle = () => settleIo(o.io);
  let previous: number | undefined;
  for (const [index, event] of events.entries()) {
    if (o.signal?.aborted) return;
    if (o.speed !== "max" && previous !== undefined && event.ts > previous) {
      await o.sleep((event.ts - previous) / o.speed);
      if (o.signal?.aborted) return;
    }
    previous = event.ts;
    await o.clock.advance(Math.max(0, event.ts - o.clock.now()), settle);
    o.runtime.ingest(event);
    o.onEvent?.(event, index);
    await settle();
  }
}

/**
 * Ends the play: live boxes end as interrupted, and event time keeps moving (a second per real
 * millisecond-scale step) until every write has landed or definitively failed — or, when
 * `waitMs` of real time has passed first, the runtime abandons what is left (it stays in the
 * ledger's outbox). Resolves whether everything settled.
 */
export async function finishPlay(
  o: Pick<PlayOptions, "runtime" | "clock" | "io">,
  reason: string,
  limit?: { waitMs: number; realClock: Clock },
): Promise<boolean> {
  let done = false;
  const stopped = o.runtime.stop(reason).finally(() => {
    done = true;
  });
  const deadline = limit ? limit.realClock.now() + limit.waitMs : Number.POSITIVE_INFINITY;
  while (!done) {
    if (limit && limit.realClock.now() >= deadline) {
      // A write still in flight ends on its own; nothing waits for it.
      o.runtime.abandon();
      return false;
    }
    await o.clock.advance(1_000, () => settleIo(o.io));
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  await stopped;
  return true;
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Waits until requests started by woken code have all answered and nothing new started. */
async function settleIo(io: PlayOptions["io"]): Promise<void> {
  do {
    await macrotask();
    await io.quiet();
    await macrotask();
  } while (io.inFlight() > 0);
}
