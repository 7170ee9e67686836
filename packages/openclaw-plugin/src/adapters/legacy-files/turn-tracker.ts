/**
 * Pure per-session turn tracking for legacy transcripts: decides which observations may start or
 * end a run. Only two things can start one — a NEW `user` line, or a write lock that newly appears
 * and is confirmed (still there, fresh, after `lockConfirmMs`) while nothing runs — and the core
 * still decides whether that is a real activation. Every other observation is content at most:
 * an appended line with nothing to say becomes `transcript_changed`, which never activates.
 *
 * Functions take the state and return the next state with the events to emit, in order; time
 * comes in as `ctx.now`. No I/O.
 */
import type { LiveEvent, RunOutcome, TriggerKind } from "../../core/events.ts";
import type { LockVerdict } from "./lock-file.ts";
import type { RouteFields } from "./session-index.ts";
import type { MappedLine } from "./transcript-line.ts";

export interface TurnConfig {
  /** A lock alone starts a run only after it has stood (fresh) this long. Filters short writes. */
  lockConfirmMs: number;
  /** …and only if no turn ended in the session this recently (post-turn writes take the lock too). */
  lockQuietMs: number;
  /** A live turn whose lock went away without a final line ends after this grace. */
  lockGraceMs: number;
}

export const DEFAULT_TURN_CONFIG: TurnConfig = {
  lockConfirmMs: 1_500,
  lockQuietMs: 5_000,
  lockGraceMs: 5_000,
};

export interface TurnState {
  live: boolean;
  startedBy: "user" | "lock" | null;
  /** Whether the live turn has written any message line. */
  sawMessage: boolean;
  /** Identity of the lock seen at the last look; null when there was none. */
  lockId: string | null;
  /** A lock judged stale: it neither holds a turn nor starts one. */
  staleLockId: string | null;
  /** A new lock seen while idle, waiting to be confirmed. */
  pending: { lockId: string; since: number } | null;
  /** When the live turn's lock went away without a final line. */
  releasedAt: number | null;
  /** When the last turn ended (or tracking began). */
  lastEndAt: number;
}

export type LockView = { present: false } | { present: true; id: string; verdict: LockVerdict };

export interface TurnContext {
  session: string;
  now: number;
  /** Where the session's next run goes, from `sessions.json`, if known. */
  route: RouteFields | null;
  /** Whether a lock alone may start a run: only for keys that name their own conversation. */
  lockMayActivate: boolean;
  config: TurnConfig;
}

export interface TurnStep {
  state: TurnState;
  events: LiveEvent[];
}

/** Tracking begins idle; a lock already there is known, so it is not "newly appearing". */
export function initialTurn(now: number, lockIdAtStart: string | null = null): TurnState {
  return {
    live: false,
    startedBy: null,
    sawMessage: false,
    lockId: lockIdAtStart,
    staleLockId: null,
    pending: null,
    releasedAt: null,
    lastEndAt: now,
  };
}

/**
 * One transcript line. `fresh` says the line is new (not history read again): only a fresh user
 * line may start a run. A terminal assistant line ends the live turn.
 */
export function onLine(state: TurnState, line: MappedLine, fresh: boolean, ctx: TurnContext): TurnStep {
  const events: LiveEvent[] = [];
  let s = state;
  const at = line.ts ?? ctx.now;
  if (line.kind === "user" && fresh && (!s.live || s.releasedAt !== null)) {
    if (s.live) events.push(runEnd(ctx, at, "error", RELEASED_EARLY));
    events.push(...start(ctx, at, line.trigger ?? "user"));
    s = { ...s, live: true, startedBy: "user", sawMessage: true, pending: null, releasedAt: null };
  } else if (s.live && (line.kind === "user" || line.kind === "assistant" || line.kind === "tool_result")) {
    s = s.sawMessage ? s : { ...s, sawMessage: true };
  }
  // Still writing after its lock went (OpenClaw force-releases locks held too long): not over yet.
  if (s.live && s.releasedAt !== null) s = { ...s, releasedAt: ctx.now };
  events.push(...line.content);
  if (line.end && s.live) {
    events.push(runEnd(ctx, at, line.end.outcome, line.end.error));
    s = ended(s, ctx.now);
  }
  if (events.length === 0) events.push({ v: 1, ts: at, session: ctx.session, type: "transcript_changed" });
  return { state: s, events };
}

/** One look at the session's lock sidecar (confirmed by stat, never inferred from an fs event). */
export function onLock(state: TurnState, view: LockView, ctx: TurnContext): TurnStep {
  const s = state;
  if (!view.present) {
    const releasedAt = s.live && s.lockId !== null && s.releasedAt === null ? ctx.now : s.releasedAt;
    return { state: { ...s, lockId: null, pending: null, releasedAt }, events: [] };
  }
  if (view.verdict.state === "settling") return { state: s, events: [] };
  if (view.verdict.state === "stale") {
    const next = { ...s, lockId: view.id, staleLockId: view.id, pending: null };
    if (!s.live) return { state: next, events: [] };
    const why = `the writer is gone (stale session lock: ${view.verdict.reason})`;
    return { state: ended(next, ctx.now), events: [runEnd(ctx, ctx.now, "error", why)] };
  }
  if (view.id === s.staleLockId) return { state: { ...s, lockId: view.id }, events: [] };
  if (s.live) return { state: { ...s, lockId: view.id, releasedAt: null }, events: [] };
  if (view.id !== s.lockId) {
    const eligible = ctx.lockMayActivate && ctx.now - s.lastEndAt >= ctx.config.lockQuietMs;
    return {
      state: { ...s, lockId: view.id, pending: eligible ? { lockId: view.id, since: ctx.now } : null },
      events: [],
    };
  }
  if (s.pending?.lockId === view.id && ctx.now - s.pending.since >= ctx.config.lockConfirmMs) {
    return {
      state: { ...s, live: true, startedBy: "lock", sawMessage: false, pending: null, releasedAt: null },
      events: start(ctx, ctx.now, "user"),
    };
  }
  return { state: s, events: [] };
}

/** Time passing: a live turn whose lock went away without a final line ends after the grace. */
export function onClock(state: TurnState, ctx: TurnContext): TurnStep {
  if (!state.live || state.releasedAt === null || ctx.now - state.releasedAt < ctx.config.lockGraceMs) {
    return { state, events: [] };
  }
  // A lock-only turn that wrote no message was housekeeping (e.g. a compaction): nothing failed.
  const event = state.sawMessage
    ? runEnd(ctx, ctx.now, "error", RELEASED_EARLY)
    : runEnd(ctx, ctx.now, "ok", undefined);
  return { state: ended(state, ctx.now), events: [event] };
}

const RELEASED_EARLY = "the session lock was released before the turn's final answer was written";

function start(ctx: TurnContext, ts: number, kind: TriggerKind): LiveEvent[] {
  const events: LiveEvent[] = [];
  // The route goes first: the core binds it to the run that the next run_start starts.
  if (ctx.route) events.push({ v: 1, ts, session: ctx.session, type: "route", ...ctx.route });
  events.push({ v: 1, ts, session: ctx.session, type: "run_start", trigger: { kind } });
  return events;
}

function runEnd(ctx: TurnContext, ts: number, outcome: RunOutcome, error: string | undefined): LiveEvent {
  return { v: 1, ts, session: ctx.session, type: "run_end", outcome, ...(error !== undefined && { error }) };
}

function ended(s: TurnState, now: number): TurnState {
  return {
    ...s,
    live: false,
    startedBy: null,
    sawMessage: false,
    pending: null,
    releasedAt: null,
    lastEndAt: now,
  };
}
