/**
 * Routes normalized events to box slots and runs the lifecycle of each. It owns the in-memory
 * index (slots, runs, pending routes, sub-agent links) and performs no I/O: every call returns the
 * steps taken — slot, new state, effects, transition — for the runtime to carry out and persist.
 * Routing invariant: an event reaches only the slot of the run it belongs to; a run is bound to
 * one conversation at its start and never moves.
 */
import { trimOldest } from "./bounded.ts";
import type { Conversation } from "./conversation.ts";
import type { Effect } from "./effects.ts";
import type { LiveEvent, RunStartEvent, TriggerKind } from "./events.ts";
import { assertNever } from "./guards.ts";
import { slotKey } from "./keys.ts";
import type { LifecycleConfig, SlotEvent, SlotState, Transition } from "./lifecycle.ts";
import { initialSlot, isFinished, transition } from "./lifecycle.ts";
import { resolveRoute, routeFromEvent } from "./routing.ts";
import { isSubagentKey } from "./session-key.ts";

export interface CoreConfig extends LifecycleConfig {
  /** Run triggers that get a box. A missing trigger counts as "user". */
  boxTriggers: readonly TriggerKind[];
  /**
   * Set when the owner may {@link Dispatcher.forget} finished slots: a run start for a slot not in
   * memory then asks for it first (`recall`), so a slot kept only in the ledger is never mistaken
   * for a new one.
   */
  recallForgottenSlots?: boolean;
}

export interface Step {
  slot: string;
  state: SlotState;
  effects: Effect[];
  transition?: Transition;
}

export interface DispatchResult {
  steps: Step[];
  /** Effects that belong to no slot (log lines). */
  effects: Effect[];
  /** Why the event changed nothing, when it was dropped on purpose. */
  dropped?: string;
  /**
   * The event needs a slot this dispatcher does not hold: {@link Dispatcher.adopt} it (or nothing, for
   * a new slot) and hand the event in again. Nothing changed meanwhile.
   */
  recall?: string;
}

const IGNORED_RUN = "";
/** Bounds of the per-session memories that outlive a run (oldest forgotten first). */
const MAX_REMEMBERED_RUNS = 10_000;
const MAX_REMEMBERED_SESSIONS = 10_000;

export class Dispatcher {
  readonly #config: CoreConfig;
  readonly #slots = new Map<string, SlotState>();
  readonly #slotsBySession = new Map<string, Set<string>>();
  /** runId → slot key, or IGNORED_RUN for runs that get no box. Insertion-ordered for pruning. */
  readonly #runs = new Map<string, string>();
  readonly #pendingRoutes = new Map<string, Conversation>();
  /** child session → parent slot and the parent's run; only for the parent's latest run. */
  readonly #children = new Map<string, { slot: string; runId: string | null }>();
  readonly #childrenBySlot = new Map<string, Set<string>>();
  readonly #warnedUnroutable = new Set<string>();
  /** The slot key an owner answered a `recall` for; the next start on it may create it. */
  #recalled: string | null = null;

  constructor(config: CoreConfig) {
    this.#config = config;
  }

  get config(): CoreConfig {
    return this.#config;
  }

  slot(key: string): SlotState | undefined {
    return this.#slots.get(key);
  }

  slots(): SlotState[] {
    return [...this.#slots.values()];
  }

  handle(event: LiveEvent, now: number): DispatchResult {
    switch (event.type) {
      case "route":
        return this.#onRoute(event);
      case "run_start":
        return this.#onRunStart(event, now);
      case "run_end":
        return this.#toRunSlot(event.session, event.runId, now, {
          type: "run_end",
          outcome: event.outcome,
          ...(event.runId !== undefined && { runId: event.runId }),
          ...(event.error !== undefined && { error: event.error }),
        });
      case "transcript_changed":
        // Passed on so the guard is exercised, never treated as activation.
        return this.#toSessionSlots(event.session, now, { type: "transcript_changed" });
      case "subagent_start":
        this.#linkChild(event.session, event.runId, event.child);
        return this.#content(event, now);
      case "thinking":
      case "text":
      case "tool_start":
      case "tool_end":
      case "usage":
      case "subagent_end":
      case "approval":
      case "plan":
        return this.#content(event, now);
      default:
        return assertNever(event, "event");
    }
  }

  /** Feedback from the runtime (final write landed, box gone) for one slot. */
  feedback(slot: string, event: SlotEvent, now: number): DispatchResult {
    return { steps: this.#apply(slot, event, now), effects: [] };
  }

  /** Sends `event` to every slot: ticks, interrupts, restores. */
  broadcast(event: SlotEvent, now: number): DispatchResult {
    const steps = [...this.#slots.keys()].flatMap((key) => this.#apply(key, event, now));
    return { steps, effects: [] };
  }

  /** Puts slots restored from the ledger back, then lets each settle what the restart left open. */
  restore(states: readonly SlotState[], now: number): DispatchResult {
    for (const state of states) {
      const key = slotKey(state.session, state.conversation);
      this.#slots.set(key, state);
      this.#indexSession(state.session, key);
      if (state.runId !== null) this.#rememberRun(state.runId, key);
    }
    return this.broadcast({ type: "restore" }, now);
  }

  /**
   * Drops a finished slot ({@link isFinished}) from memory; the owner keeps it in the
   * ledger and hands it back through {@link adopt} when a run starts on it. Returns false (and keeps
   * the slot) for a slot whose run is not over.
   */
  forget(key: string): boolean {
    const state = this.#slots.get(key);
    if (!state) return true;
    if (!isFinished(state)) return false;
    this.#slots.delete(key);
    const keys = this.#slotsBySession.get(state.session);
    keys?.delete(key);
    if (keys?.size === 0) this.#slotsBySession.delete(state.session);
    this.#unlinkChildren(key);
    return true;
  }

  /** The answer to a `recall`: the slot as the ledger kept it, or null when it never existed. */
  adopt(key: string, state: SlotState | null): void {
    this.#recalled = key;
    if (!state || this.#slots.has(key)) return;
    this.#slots.set(key, state);
    this.#indexSession(state.session, key);
  }

  /** Slots held in memory (for the owner's bounds and for tests). */
  get size(): number {
    return this.#slots.size;
  }

  #onRoute(event: Extract<LiveEvent, { type: "route" }>): DispatchResult {
    const conversation = routeFromEvent(event);
    if (!conversation) return { steps: [], effects: [], dropped: "route names no conversation" };
    this.#pendingRoutes.delete(event.session);
    this.#pendingRoutes.set(event.session, conversation);
    trimOldest(this.#pendingRoutes, MAX_REMEMBERED_SESSIONS);
    return { steps: [], effects: [] };
  }

  #onRunStart(event: RunStartEvent, now: number): DispatchResult {
    const bound = event.runId !== undefined ? this.#runs.get(event.runId) : undefined;
    if (bound === IGNORED_RUN) return { steps: [], effects: [], dropped: `run ${event.runId} has no box` };
    // A run is bound to its conversation at its first start: a repeated start never moves or revives it.
    if (bound !== undefined) return { steps: [], effects: [], dropped: `run ${event.runId} already started` };
    const subagent = isSubagentKey(event.session);
    const trigger = subagent ? "subagent" : (event.trigger?.kind ?? "user");
    if (!this.#config.boxTriggers.includes(trigger)) {
      if (event.runId !== undefined) this.#rememberRun(event.runId, IGNORED_RUN);
      return { steps: [], effects: [], dropped: `trigger ${trigger} gets no box` };
    }
    let conversation: Conversation | null;
    if (subagent) {
      // A sub-agent configured to get its own box shows it in its parent's conversation.
      const parent = this.#children.get(event.session);
      conversation = parent ? (this.#slots.get(parent.slot)?.conversation ?? null) : null;
      if (!conversation) return this.#unroutable(event, "sub-agent with no known parent box");
    } else {
      const route = resolveRoute(event.session, this.#pendingRoutes.get(event.session) ?? null);
      conversation = route.conversation;
      if (!conversation) return this.#unroutable(event, "reason" in route ? route.reason : "no route");
    }
    const key = slotKey(event.session, conversation);
    if (!this.#slots.has(key)) {
      if (this.#config.recallForgottenSlots && this.#recalled !== key)
        return { steps: [], effects: [], recall: key };
      this.#slots.set(key, initialSlot(event.session, conversation, now));
      this.#indexSession(event.session, key);
    }
    this.#recalled = null;
    this.#pendingRoutes.delete(event.session);
    if (event.runId !== undefined) this.#rememberRun(event.runId, key);
    const generation = this.#slots.get(key)?.generation;
    const steps = this.#apply(
      key,
      {
        type: "activate",
        activation: {
          trigger,
          ...(event.runId !== undefined && { runId: event.runId }),
          ...(event.trigger?.postId !== undefined && { postId: event.trigger.postId }),
        },
      },
      now,
    );
    // Links to sub-agents of the slot's previous run are stale once a new run starts there.
    if (this.#slots.get(key)?.generation !== generation) this.#unlinkChildren(key);
    return { steps, effects: [] };
  }

  #content(
    event: Exclude<LiveEvent, { type: "route" | "run_start" | "run_end" | "transcript_changed" }>,
    now: number,
  ) {
    const parent = this.#children.get(event.session);
    const ownSlot = event.runId !== undefined ? this.#runs.get(event.runId) : undefined;
    if (parent && !ownSlot) {
      // A sub-agent without a box of its own shows inside its parent's box.
      return {
        steps: this.#apply(
          parent.slot,
          {
            type: "content",
            event,
            child: event.session,
            ...(parent.runId !== null && { runId: parent.runId }),
          },
          now,
        ),
        effects: [],
      };
    }
    return this.#toRunSlot(event.session, event.runId, now, {
      type: "content",
      event,
      ...(event.runId !== undefined && { runId: event.runId }),
    });
  }

  /** Finds the slot of the run an event belongs to: by run id, else the session's one live slot. */
  #toRunSlot(session: string, runId: string | undefined, now: number, slotEvent: SlotEvent): DispatchResult {
    if (runId !== undefined) {
      const key = this.#runs.get(runId);
      if (key === IGNORED_RUN) return { steps: [], effects: [], dropped: `run ${runId} has no box` };
      if (key !== undefined) {
        // A run's end may still correct a box the watchdog ended, even once memory let go of its slot.
        const forgotten = slotEvent.type === "run_end" && !this.#slots.has(key);
        if (forgotten && this.#config.recallForgottenSlots && this.#recalled !== key)
          return { steps: [], effects: [], recall: key };
        this.#recalled = null;
        return { steps: this.#apply(key, slotEvent, now), effects: [] };
      }
    }
    const live = this.#liveSlots(session);
    if (live.length === 0) return { steps: [], effects: [], dropped: "no live run in this session" };
    if (live.length > 1) return { steps: [], effects: [], dropped: "several live runs and no run id" };
    const [only] = live;
    if (!only) return { steps: [], effects: [] };
    if (runId !== undefined && only.runId !== null)
      return { steps: [], effects: [], dropped: `run ${runId} is not the live run` };
    return { steps: this.#apply(slotKey(only.session, only.conversation), slotEvent, now), effects: [] };
  }

  #toSessionSlots(session: string, now: number, slotEvent: SlotEvent): DispatchResult {
    const keys = [...(this.#slotsBySession.get(session) ?? [])];
    return { steps: keys.flatMap((key) => this.#apply(key, slotEvent, now)), effects: [] };
  }

  #liveSlots(session: string): SlotState[] {
    const keys = this.#slotsBySession.get(session) ?? new Set<string>();
    return [...keys]
      .map((k) => this.#slots.get(k))
      .filter((s): s is SlotState => s !== undefined && (s.phase === "active" || s.phase === "detached"));
  }

  #linkChild(parentSession: string, runId: string | undefined, child: string): void {
    const key = runId !== undefined ? this.#runs.get(runId) : undefined;
    const slot = key || this.#liveSlots(parentSession).map((s) => slotKey(s.session, s.conversation))[0];
    if (!slot) return;
    this.#children.set(child, { slot, runId: this.#slots.get(slot)?.runId ?? null });
    const children = this.#childrenBySlot.get(slot) ?? new Set<string>();
    children.add(child);
    this.#childrenBySlot.set(slot, children);
  }

  #unlinkChildren(slot: string): void {
    for (const child of this.#childrenBySlot.get(slot) ?? []) {
      if (this.#children.get(child)?.slot === slot) this.#children.delete(child);
    }
    this.#childrenBySlot.delete(slot);
  }

  #apply(key: string, event: SlotEvent, now: number): Step[] {
    const state = this.#slots.get(key);
    if (!state) return [];
    const result = transition(state, event, now, this.#config);
    if (result.state === state && result.effects.length === 0) return [];
    this.#slots.set(key, result.state);
    return [{ slot: key, ...result }];
  }

  #unroutable(event: RunStartEvent, reason: string): DispatchResult {
    if (event.runId !== undefined) this.#rememberRun(event.runId, IGNORED_RUN);
    const effects: Effect[] = [];
    if (!this.#warnedUnroutable.has(event.session)) {
      this.#warnedUnroutable.add(event.session);
      trimOldest(this.#warnedUnroutable, MAX_REMEMBERED_SESSIONS);
      effects.push({
        kind: "log",
        level: "warn",
        message: `session ${event.session} gets no box: ${reason}`,
        fields: { session: event.session },
      });
    }
    return { steps: [], effects, dropped: `unroutable: ${reason}` };
  }

  #indexSession(session: string, key: string): void {
    const keys = this.#slotsBySession.get(session) ?? new Set<string>();
    keys.add(key);
    this.#slotsBySession.set(session, keys);
  }

  #rememberRun(runId: string, key: string): void {
    this.#runs.delete(runId);
    this.#runs.set(runId, key);
    trimOldest(this.#runs, MAX_REMEMBERED_RUNS);
  }
}
