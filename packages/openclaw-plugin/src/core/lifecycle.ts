/**
 * The lifecycle of one box slot — one session in one conversation — as a pure transition function.
 * `transition(state, event, now, config)` returns the next state and the effects to run, never running
 * them. Only `activate` (a real run start or a new user message) can leave a completed slot; transcript
 * and file changes are content at most and can never create, remove or reopen a box.
 * The phases and every (phase, event) pair are documented in docs/design/lifecycle.md.
 */
import type { FinalBoxState, LiveStatusV1 } from "@live-status/contract";
import type { Conversation } from "./conversation.ts";
import type { Effect } from "./effects.ts";
import type { ContentEvent, RunOutcome, TriggerKind } from "./events.ts";
import { assertNever } from "./guards.ts";
import { boxKey, slotKey } from "./keys.ts";
import type { StatusOptions } from "./status-model.ts";
import { applyChildContent, applyContent, finishStatus, startStatus } from "./status-model.ts";

export const PHASES = [
  "inactive",
  "active",
  "completing",
  "completed_guarded",
  "detached",
  "presumed_lost",
] as const;
/**
 * - inactive: never had a run here.
 * - active: a run is in progress and its box is live.
 * - completing: the run ended; its final state is being written.
 * - completed_guarded: the final state landed; only a real activation wakes the slot.
 * - detached: a run is in progress but its box cannot be shown (deleted twice, forbidden channel…).
 * - presumed_lost: the run went silent past the watchdog and its box says `interrupted`; `status`
 *   keeps following the run unseen, so if the run's own end still arrives the box is corrected to it.
 */
export type Phase = (typeof PHASES)[number];

export interface SlotState {
  phase: Phase;
  session: string;
  conversation: Conversation;
  /** Generation of the latest box; 0 before the first. Box ids are `${slot}#${generation}`. */
  generation: number;
  /** The run that owns the latest box. */
  runId: string | null;
  /** The post that triggered the latest run, to recognise a repeated signal for the same message. */
  triggerPostId: string | null;
  /** Whether the latest box is still in the conversation (live or final). */
  boxVisible: boolean;
  status: LiveStatusV1 | null;
  lastSignalAt: number;
  /** Activation times inside the thrash window. */
  activations: number[];
  thrashWarnedAt: number | null;
}

export type PreviousBoxPolicy = "delete" | "receipt";

export interface LifecycleConfig {
  previousBox: PreviousBoxPolicy;
  /** A running box with no signal for this long is finalized as interrupted on the next tick. */
  staleAfterMs: number;
  /**
   * The same for a run that is provably mid-action: a tool call in flight, a sub-agent running, or a
   * wait for approval. Such a run is silent by nature until the action ends.
   */
  staleWhileBusyMs: number;
  thrash: { maxActivations: number; windowMs: number };
  status: StatusOptions;
}

export interface Activation {
  runId?: string;
  trigger: TriggerKind;
  postId?: string;
}

export type SlotEvent =
  | { type: "activate"; activation: Activation }
  | { type: "content"; runId?: string; event: ContentEvent; child?: string }
  | { type: "transcript_changed" }
  | { type: "run_end"; runId?: string; outcome: RunOutcome; error?: string }
  /** The publisher confirmed that the final state of this generation landed (or can never land). */
  | { type: "final_landed"; generation: number }
  /** The publisher gave up on this generation's box. */
  | { type: "box_gone"; generation: number; reason: string }
  /** The process is stopping: live boxes end as interrupted. */
  | { type: "interrupt"; reason: string }
  /** The process restarted with this slot restored from the ledger. */
  | { type: "restore" }
  | { type: "tick" };

export type SlotEventType = SlotEvent["type"];

export interface Transition {
  from: Phase;
  to: Phase;
  reason: string;
}

export interface TransitionResult {
  state: SlotState;
  effects: Effect[];
  /** Set when the phase changed or a run was (re)activated: what the runtime logs and persists. */
  transition?: Transition;
}

export function initialSlot(session: string, conversation: Conversation, now: number): SlotState {
  return {
    phase: "inactive",
    session,
    conversation,
    generation: 0,
    runId: null,
    triggerPostId: null,
    boxVisible: false,
    status: null,
    lastSignalAt: now,
    activations: [],
    thrashWarnedAt: null,
  };
}

/**
 * Whether memory may forget the slot (the ledger keeps it): nothing is owed to its box. A presumed-lost
 * run may still end, but waiting for it must not hold memory forever.
 */
export function isFinished(state: SlotState): boolean {
  return state.phase === "completed_guarded" || state.phase === "inactive" || state.phase === "presumed_lost";
}

/** The box a slot shows in `generation` (its current one by default). */
export function boxIdOf(state: SlotState, generation = state.generation): string {
  return boxKey(slotKey(state.session, state.conversation), generation);
}

export function transition(
  state: SlotState,
  event: SlotEvent,
  now: number,
  config: LifecycleConfig,
): TransitionResult {
  switch (event.type) {
    case "activate":
      return onActivate(state, event.activation, now, config);
    case "content":
      return onContent(state, event, now, config);
    case "transcript_changed":
      // Content-only by definition: it never wakes, reopens or removes anything.
      return unchanged(state);
    case "run_end":
      return onRunEnd(state, event, now, config);
    case "final_landed":
      if (state.phase !== "completing" || event.generation !== state.generation) return unchanged(state);
      return withTransition(state, { ...state, phase: "completed_guarded" }, [], "final state landed");
    case "box_gone":
      return onBoxGone(state, event.generation, event.reason, now, config);
    case "interrupt":
      if (state.phase === "active")
        return finalize(state, "interrupted", now, `interrupt: ${event.reason}`, config);
      if (state.phase === "detached")
        return withTransition(state, detachedEnded(state), [], `interrupt: ${event.reason}`);
      if (state.phase === "presumed_lost")
        return withTransition(state, givenUp(state, now, config), [], `interrupt: ${event.reason}`);
      return unchanged(state);
    case "restore":
      return onRestore(state, now, config);
    case "tick":
      return onTick(state, now, config);
    default:
      return assertNever(event);
  }
}

function onActivate(state: SlotState, a: Activation, now: number, config: LifecycleConfig): TransitionResult {
  if (isSameRun(state, a)) return unchanged(state);
  const effects: Effect[] = [];
  if (state.boxVisible && state.status) {
    // A fresh box goes to the bottom; the buried one leaves, finalized if it was still live.
    const old =
      state.phase === "active"
        ? finishStatus(state.status, "interrupted", now, "superseded by a new run")
        : settledStatus(state.status, now, config);
    effects.push({ kind: "remove_box", boxId: boxIdOf(state), policy: config.previousBox, status: old });
  }
  const generation = state.generation + 1;
  const activations = [...state.activations.filter((t) => now - t < config.thrash.windowMs), now];
  let thrashWarnedAt = state.thrashWarnedAt;
  if (
    activations.length > config.thrash.maxActivations &&
    (thrashWarnedAt === null || now - thrashWarnedAt >= config.thrash.windowMs)
  ) {
    thrashWarnedAt = now;
    effects.push({
      kind: "log",
      level: "warn",
      message: `session activated ${activations.length} times in ${Math.round(config.thrash.windowMs / 1000)} s: check its activation source`,
      fields: { session: state.session, slot: slotKey(state.session, state.conversation) },
    });
  }
  const status = startStatus(state.session, now);
  const next: SlotState = {
    ...state,
    phase: "active",
    generation,
    runId: a.runId ?? null,
    triggerPostId: a.postId ?? null,
    boxVisible: true,
    status,
    lastSignalAt: now,
    activations,
    thrashWarnedAt,
  };
  effects.push({
    kind: "create_box",
    boxId: boxIdOf(next),
    session: state.session,
    conversation: state.conversation,
    runId: next.runId,
    status,
  });
  return withTransition(state, next, effects, activationReason(a));
}

/** A repeated signal for the run (or message) the slot already shows is not a new activation. */
function isSameRun(state: SlotState, a: Activation): boolean {
  if (state.phase === "inactive") return false;
  if (a.runId !== undefined && state.runId !== null) return a.runId === state.runId;
  if (a.postId !== undefined && state.triggerPostId !== null) return a.postId === state.triggerPostId;
  // Without ids, a second start while a run is live is the same run seen by a second source.
  return state.phase === "active" || state.phase === "detached";
}

function onContent(
  state: SlotState,
  event: Extract<SlotEvent, { type: "content" }>,
  now: number,
  config: LifecycleConfig,
): TransitionResult {
  const open = state.phase === "active" || state.phase === "detached" || state.phase === "presumed_lost";
  if (!open) return unchanged(state);
  if (!belongsToRun(state, event.runId)) return unchanged(state);
  if (state.phase === "detached" || !state.status) return unchanged({ ...state, lastSignalAt: now });
  const status = event.child
    ? applyChildContent(state.status, event.child, event.event, now)
    : applyContent(state.status, event.event, now, config.status);
  const next = { ...state, status, lastSignalAt: now };
  // Followed, never shown: content does not wake a box that says interrupted.
  if (status === state.status || state.phase === "presumed_lost") return unchanged(next);
  return { state: next, effects: [{ kind: "update_box", boxId: boxIdOf(state), status }] };
}

function onRunEnd(
  state: SlotState,
  event: Extract<SlotEvent, { type: "run_end" }>,
  now: number,
  config: LifecycleConfig,
): TransitionResult {
  if (!belongsToRun(state, event.runId)) return unchanged(state);
  const reason = `run_end outcome=${event.outcome}${event.runId ? ` run=${event.runId}` : ""}`;
  if (state.phase === "active")
    return finalize(state, finalStateOf(event.outcome), now, reason, config, event.error);
  if (state.phase === "presumed_lost")
    return finalize(
      state,
      finalStateOf(event.outcome),
      now,
      `${reason}, after the watchdog`,
      config,
      event.error,
    );
  if (state.phase === "detached") return withTransition(state, detachedEnded(state), [], reason);
  return unchanged(state);
}

function onBoxGone(
  state: SlotState,
  generation: number,
  reason: string,
  now: number,
  config: LifecycleConfig,
): TransitionResult {
  if (generation !== state.generation || !state.boxVisible) return unchanged(state);
  const next = { ...state, boxVisible: false };
  if (state.phase === "active")
    return withTransition(state, { ...next, phase: "detached" }, [], `box gone: ${reason}`);
  if (state.phase === "completing")
    return withTransition(state, { ...next, phase: "completed_guarded" }, [], `box gone: ${reason}`);
  if (state.phase === "presumed_lost")
    return withTransition(
      state,
      { ...givenUp(state, now, config), boxVisible: false },
      [],
      `box gone: ${reason}`,
    );
  return unchanged(next);
}

function onRestore(state: SlotState, now: number, config: LifecycleConfig): TransitionResult {
  switch (state.phase) {
    case "active":
      return finalize(
        state,
        "interrupted",
        now,
        "restore: the process stopped while the run was live",
        config,
      );
    case "completing":
      if (!state.status)
        return withTransition(state, { ...state, phase: "completed_guarded" }, [], "restore");
      // The final state may not have landed before the restart: write it again (edits are idempotent).
      return {
        state,
        effects: [{ kind: "finalize_box", boxId: boxIdOf(state), status: state.status }],
        transition: { from: state.phase, to: state.phase, reason: "restore: final state written again" },
      };
    case "detached":
      return withTransition(
        state,
        detachedEnded(state),
        [],
        "restore: the process stopped while the run was live",
      );
    case "presumed_lost":
      // The run did not outlive the process; the box already says interrupted.
      return withTransition(state, givenUp(state, now, config), [], "restore: the run went silent before");
    case "inactive":
    case "completed_guarded":
      return unchanged(state);
    default:
      return assertNever(state.phase);
  }
}

function onTick(state: SlotState, now: number, config: LifecycleConfig): TransitionResult {
  const silentFor = now - state.lastSignalAt;
  const limit = isBusy(state.status) ? config.staleWhileBusyMs : config.staleAfterMs;
  if (silentFor < limit) return unchanged(state);
  const reason = `no signal for ${Math.round(silentFor / 1000)} s`;
  if (state.phase === "active") {
    // The box says interrupted; the slot keeps listening for the run's own end.
    const ended = finalize(state, "interrupted", now, reason, config);
    const next: SlotState = { ...ended.state, phase: "presumed_lost", status: state.status };
    return withTransition(state, next, ended.effects, reason);
  }
  if (state.phase === "detached") return withTransition(state, detachedEnded(state), [], reason);
  return unchanged(state);
}

/** A tool call, sub-agent or approval still open: silence then means waiting, not a lost end. */
function isBusy(status: LiveStatusV1 | null): boolean {
  if (!status) return false;
  return (
    status.waiting !== undefined ||
    status.tools.some((t) => t.state === "running") ||
    status.subagents.some((s) => s.state === "running")
  );
}

function finalize(
  state: SlotState,
  final: FinalBoxState,
  now: number,
  reason: string,
  config: LifecycleConfig,
  error?: string,
): TransitionResult {
  const status = finishStatus(
    state.status ?? startStatus(state.session, now),
    final,
    now,
    error,
    config.status,
  );
  const next: SlotState = { ...state, phase: "completing", status, lastSignalAt: now };
  return withTransition(state, next, [{ kind: "finalize_box", boxId: boxIdOf(state), status }], reason);
}

function belongsToRun(state: SlotState, runId: string | undefined): boolean {
  return runId === undefined || state.runId === null || runId === state.runId;
}

/** What the slot's box says once it waits for nothing: a presumed-lost run's status ends interrupted. */
function settledStatus(status: LiveStatusV1, now: number, config: LifecycleConfig): LiveStatusV1 {
  return finishStatus(status, "interrupted", now, undefined, config.status);
}

/** A presumed-lost run given up for good: the slot settles on the interrupted state its box shows. */
function givenUp(state: SlotState, now: number, config: LifecycleConfig): SlotState {
  const status = state.status && settledStatus(state.status, now, config);
  return { ...state, phase: "completed_guarded", status };
}

function detachedEnded(state: SlotState): SlotState {
  return { ...state, phase: "completed_guarded", boxVisible: false };
}

function finalStateOf(outcome: RunOutcome): FinalBoxState {
  if (outcome === "ok") return "done";
  return outcome;
}

function activationReason(a: Activation): string {
  const parts = ["run_start"];
  if (a.runId) parts.push(`run=${a.runId}`);
  parts.push(`trigger=${a.trigger}`);
  if (a.postId) parts.push(`post=${a.postId}`);
  return parts.join(" ");
}

function unchanged(state: SlotState): TransitionResult {
  return { state, effects: [] };
}

function withTransition(from: SlotState, to: SlotState, effects: Effect[], reason: string): TransitionResult {
  return { state: to, effects, transition: { from: from.phase, to: to.phase, reason } };
}
