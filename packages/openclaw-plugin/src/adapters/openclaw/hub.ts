/**
 * The one process-wide receiver of OpenClaw signals. `register()` runs several times per gateway
 * process (full, then discovery instances) and each instance's hooks and agent-event subscription
 * hand their payloads here; the hub correlates them into normalized events and passes them to
 * the one consumer the service attached. Before a consumer attaches, events are buffered (bounded);
 * once the service stops or stands down, they are dropped. Nothing here is slow and nothing
 * throws back into the gateway.
 */
import { trimOldest } from "../../core/bounded.ts";
import type { LiveEvent } from "../../core/events.ts";
import { describeError } from "../../core/guards.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Logger } from "../../ports/logger.ts";
import { OpenClawCorrelator } from "./correlator.ts";
import type { OcAgentEvent, OcHookCall } from "./payloads.ts";

export type HubMode = "buffering" | "attached" | "dropping";

export interface HubOptions {
  clock: Clock;
  log: Logger;
  /** Events kept while no consumer is attached; older ones are dropped first. Default 1000. */
  maxBuffered?: number;
}

export interface HubAttachment {
  /** Stops delivery; from then on the hub drops events until someone attaches again. */
  detach(): void;
}

export interface HubStats {
  mode: HubMode;
  buffered: number;
  /** Events dropped from the pre-start buffer since the last attach. */
  droppedBeforeStart: number;
  /** Mapped inputs that belonged to no known run (e.g. events of a run started before us). */
  skipped: number;
  duplicates: number;
  failures: number;
}

const MAX_RUNS_SEEN = 2_000;
const LOGGED_FAILURES = 20;

/** Marks a hub object on `globalThis`, so a second copy of this module can recognise and share it. */
export const HUB_BRAND = "live-status.hub/v1";
const HUB_KEY = Symbol.for("live-status.hub");

export class OpenClawHub {
  readonly brand = HUB_BRAND;
  /** Set once the process-global `onAgentEvent` fallback listener is on (it must be added only once). */
  legacyListener = false;
  readonly #clock: Clock;
  #log: Logger;
  readonly #max: number;
  readonly #correlator = new OpenClawCorrelator();
  readonly #lastSeq = new Map<string, number>();
  /** Hook payloads already handled: the host passes one object to every instance it calls. */
  readonly #seenHookEvents = new WeakSet<object>();
  #mode: HubMode = "buffering";
  #buffer: LiveEvent[] = [];
  #consumer: ((e: LiveEvent) => void) | null = null;
  #droppedBeforeStart = 0;
  #skipped = 0;
  #duplicates = 0;
  #failures = 0;

  constructor(o: HubOptions) {
    this.#clock = o.clock;
    this.#log = o.log;
    this.#max = Math.max(1, o.maxBuffered ?? 1_000);
  }

  /** Later registrations (a plugin reload) bring a fresh host logger. */
  useLogger(log: Logger): void {
    this.#log = log;
  }

  get mode(): HubMode {
    return this.#mode;
  }

  stats(): HubStats {
    return {
      mode: this.#mode,
      buffered: this.#buffer.length,
      droppedBeforeStart: this.#droppedBeforeStart,
      skipped: this.#skipped,
      duplicates: this.#duplicates,
      failures: this.#failures,
    };
  }

  /** One agent-event payload, from whichever instance's subscription received it. */
  agentEvent(e: OcAgentEvent): void {
    try {
      if (this.#isDuplicate(e)) return;
      const result = this.#correlator.agentEvent(e);
      this.#skipped += result.skipped.length;
      this.#emit(result.events);
    } catch (error) {
      this.#fail("an agent event", { runId: e.runId, stream: e.stream }, error);
    }
  }

  /** One hook call, from whichever instance the host chose to call. */
  hook(call: OcHookCall): void {
    try {
      if ("event" in call && typeof call.event === "object" && call.event !== null) {
        if (this.#seenHookEvents.has(call.event)) {
          this.#duplicates++;
          return;
        }
        this.#seenHookEvents.add(call.event);
      }
      const result = this.#correlator.hook(call, this.#clock.now());
      this.#skipped += result.skipped.length;
      this.#emit(result.events);
    } catch (error) {
      this.#fail(`the ${call.name} hook`, {}, error);
    }
  }

  /**
   * Makes `consumer` the receiver, first of the buffered events (oldest first), then of each new
   * one. Returns null while another consumer is attached: one process, one owner.
   */
  attach(consumer: (e: LiveEvent) => void): HubAttachment | null {
    if (this.#consumer) return null;
    this.#consumer = consumer;
    this.#mode = "attached";
    const buffered = this.#buffer;
    this.#buffer = [];
    if (this.#droppedBeforeStart > 0)
      this.#log.warn(
        `${this.#droppedBeforeStart} events that arrived before start were dropped (the buffer keeps the last ${this.#max})`,
      );
    if (buffered.length > 0) this.#log.info(`applying ${buffered.length} events that arrived before start`);
    this.#droppedBeforeStart = 0;
    for (const e of buffered) this.#deliver(consumer, e);
    let attached = true;
    return {
      detach: () => {
        if (!attached) return;
        attached = false;
        if (this.#consumer === consumer) {
          this.#consumer = null;
          this.#mode = "dropping";
        }
      },
    };
  }

  /** Stop buffering for a consumer that will not come (settings invalid, standing down). */
  dropUntilAttached(): void {
    if (this.#consumer) return;
    this.#mode = "dropping";
    this.#buffer = [];
    this.#droppedBeforeStart = 0;
  }

  #emit(events: LiveEvent[]): void {
    for (const e of events) {
      if (this.#consumer) this.#deliver(this.#consumer, e);
      else if (this.#mode === "buffering") {
        this.#buffer.push(e);
        if (this.#buffer.length > this.#max) {
          this.#buffer.shift();
          this.#droppedBeforeStart++;
        }
      }
    }
  }

  #deliver(consumer: (e: LiveEvent) => void, e: LiveEvent): void {
    try {
      consumer(e);
    } catch (error) {
      this.#fail(`a ${e.type} event`, { session: e.session, runId: e.runId }, error);
    }
  }

  /** The host may hand one payload to several instances: a repeated (runId, seq) is skipped. */
  #isDuplicate(e: OcAgentEvent): boolean {
    if (typeof e.seq !== "number") return false;
    const last = this.#lastSeq.get(e.runId);
    if (last !== undefined && e.seq <= last) {
      this.#duplicates++;
      return true;
    }
    this.#lastSeq.delete(e.runId);
    this.#lastSeq.set(e.runId, e.seq);
    trimOldest(this.#lastSeq, MAX_RUNS_SEEN);
    return false;
  }

  #fail(what: string, fields: Record<string, unknown>, error: unknown): void {
    this.#failures++;
    if (this.#failures > LOGGED_FAILURES && this.#failures % 1_000 !== 0) return;
    this.#log.error(`handling ${what} failed; the gateway is unaffected`, {
      ...fields,
      error: describeError(error),
      failures: this.#failures,
    });
  }
}

function isHub(x: unknown): x is OpenClawHub {
  return (
    typeof x === "object" &&
    x !== null &&
    (x as { brand?: unknown }).brand === HUB_BRAND &&
    typeof (x as { attach?: unknown }).attach === "function"
  );
}

/**
 * The process's hub, created on first use under `globalThis[Symbol.for("live-status.hub")]`, so
 * every `register()` of every plugin instance (and every copy of this module) shares one.
 */
export function processHub(create: () => OpenClawHub): OpenClawHub {
  const g = globalThis as { [HUB_KEY]?: unknown };
  const existing = g[HUB_KEY];
  if (isHub(existing)) return existing;
  const hub = create();
  g[HUB_KEY] = hub;
  return hub;
}

/** Forgets the process hub (tests only: each test starts from a fresh process state). */
export function forgetProcessHub(): void {
  delete (globalThis as { [HUB_KEY]?: unknown })[HUB_KEY];
}
