/**
 * The edit policy: when a box may be edited next, decided by what a person would notice. Every edit
 * of a Mattermost post rewrites it, re-indexes it and broadcasts it to the whole channel, so a box is
 * edited for a change people see (a tool started or failed, a sub-agent started, an error), sooner
 * for those than for a tool that ended fine, and only on a slow heartbeat for token counts and the
 * text preview. Elapsed time is never a reason: the webapp ticks it. Intervals grow with the age of
 * the turn and with the backlog of the token's request budget. Pure: time comes in as numbers.
 */
import type { LiveStatusV1, SubagentV1, ToolCallV1 } from "@live-status/contract";
import { jsonEqual } from "./json-equal.ts";

/**
 * How much a person notices a change, least first: `same` (nothing differs), `minor` (tokens,
 * preview, thinking — anything no rule names), `notable` (a tool or sub-agent ended fine),
 * `prompt` (something started, failed, or the box's state changed).
 */
export type Notice = "same" | "minor" | "notable" | "prompt";

const RANK: Readonly<Record<Notice, number>> = { same: 0, minor: 1, notable: 2, prompt: 3 };

/** Classifies one aspect of the change from what a box shows to what it should show. */
export type NoticeRule = (shown: LiveStatusV1, next: LiveStatusV1) => Notice;

/**
 * The rules, one per aspect a person notices. A new aspect of the status (say, waiting for an
 * approval) gets a rule here; a difference no rule names still counts as `minor`, so it is shown
 * on the heartbeat at the latest.
 */
export const NOTICE_RULES: readonly NoticeRule[] = [
  (a, b) => (a.state !== b.state ? "prompt" : "same"),
  (a, b) => (a.error !== b.error ? "prompt" : "same"),
  (a, b) => toolsNotice(a, b),
  (a, b) => subagentsNotice(a.subagents, b.subagents),
  // Someone must act (an approval waits) or the plan moved on: both are read at once.
  (a, b) => (jsonEqual(a.waiting, b.waiting) ? "same" : "prompt"),
  (a, b) => (jsonEqual(a.approvalNotice, b.approvalNotice) ? "same" : "prompt"),
  (a, b) => (jsonEqual(a.plan, b.plan) ? "same" : "prompt"),
];

/** How much a person would notice going from `shown` (nothing shown yet: `undefined`) to `next`. */
export function noticeOf(
  shown: LiveStatusV1 | undefined,
  next: LiveStatusV1,
  rules: readonly NoticeRule[] = NOTICE_RULES,
): Notice {
  if (shown === undefined) return "prompt";
  if (shown === next || jsonEqual(shown, next)) return "same";
  let notice: Notice = "minor";
  for (const rule of rules) {
    const n = rule(shown, next);
    if (RANK[n] > RANK[notice]) notice = n;
    if (notice === "prompt") break;
  }
  return notice;
}

/** An interval that grows with the age of the turn: `fromMs` at its start, `perMinuteMs` more each minute, at most `maxMs`. */
export interface Ramp {
  fromMs: number;
  perMinuteMs: number;
  maxMs: number;
}

export interface EditPolicy {
  /**
   * How long a `prompt` change may wait to be shown, from when it happened (a tool's start): changes
   * that come close together share one write.
   */
  prompt: Ramp;
  /** Least time between two writes for a `prompt` change. */
  minGapMs: number;
  /** Least time from the last write for a `notable` change. */
  notable: Ramp;
  /** Least time from the last write for a `minor` change: the heartbeat. */
  heartbeat: Ramp;
  /**
   * Budget backlog (ms of queued requests at the token's rate) that doubles every interval; the
   * stretch grows linearly with the backlog, up to `maxStretch` times.
   */
  backlogDoublingMs: number;
  maxStretch: number;
}

/** The numbers documented in docs/design/lifecycle.md ("Edit policy"). */
export const DEFAULT_EDIT_POLICY: EditPolicy = Object.freeze({
  prompt: Object.freeze({ fromMs: 1_200, perMinuteMs: 500, maxMs: 2_500 }),
  minGapMs: 1_000,
  notable: Object.freeze({ fromMs: 2_000, perMinuteMs: 9_000, maxMs: 15_000 }),
  heartbeat: Object.freeze({ fromMs: 30_000, perMinuteMs: 0, maxMs: 30_000 }),
  backlogDoublingMs: 5_000,
  maxStretch: 6,
});

export interface EditTiming {
  /** What the box shows (the last write that landed); `undefined` before anything landed. */
  shown: LiveStatusV1 | undefined;
  /** What it should show. */
  next: LiveStatusV1;
  /** Clock time of the last write of the box. */
  lastWriteAt: number;
  /** Clock time now. */
  now: number;
  /** How long the token's queued requests take to go at its rate, ms (0: no backlog). */
  backlogMs: number;
}

/**
 * Clock time at which `next` may be written, the final state excepted (it always goes at once).
 * Nothing differing, or nothing shown yet: `lastWriteAt` (no wait). A `prompt` change: its lag after
 * the earliest unshown start or failure (so a burst of tool starts shares one write), but never
 * sooner than `minGapMs` after the last write. Otherwise the last write plus the interval of the
 * change's {@link Notice}. Every interval is taken at the turn's age and stretched by the budget
 * backlog.
 */
export function writeDueAt(t: EditTiming, policy: EditPolicy = DEFAULT_EDIT_POLICY): number {
  const notice = noticeOf(t.shown, t.next);
  if (notice === "same" || t.shown === undefined) return t.lastWriteAt;
  const age = t.now - t.next.startedAt;
  if (notice === "prompt") {
    const gap = intervalMs(
      { fromMs: policy.minGapMs, perMinuteMs: 0, maxMs: policy.minGapMs },
      age,
      t.backlogMs,
      policy,
    );
    const since = Math.min(t.now, promptSince(t.shown, t.next) ?? t.lastWriteAt);
    return Math.max(t.lastWriteAt + gap, since + intervalMs(policy.prompt, age, t.backlogMs, policy));
  }
  const ramp = notice === "notable" ? policy.notable : policy.heartbeat;
  return t.lastWriteAt + intervalMs(ramp, age, t.backlogMs, policy);
}

/** When the earliest change a person must see soon happened: a tool or sub-agent that started or failed since `shown`. */
export function promptSince(shown: LiveStatusV1, next: LiveStatusV1): number | undefined {
  let since: number | undefined;
  const note = (t: number | undefined) => {
    if (t !== undefined && Number.isFinite(t) && (since === undefined || t < since)) since = t;
  };
  const tools = new Map<string, ToolCallV1>(shown.tools.map((t) => [t.callId, t]));
  for (const t of next.tools) {
    const old = tools.get(t.callId);
    if (old === undefined) note(t.startedAt);
    else if (t.state === "error" && old.state !== "error") note(t.endedAt);
  }
  const subs = new Map<string, SubagentV1>(shown.subagents.map((s) => [s.child, s]));
  for (const s of next.subagents) {
    const old = subs.get(s.child);
    if (old === undefined) note(s.startedAt);
    else if (s.state === "error" && old.state !== "error") note(s.endedAt);
  }
  return since;
}

/** The interval of `ramp` for a turn `ageMs` old under a budget backlog of `backlogMs`. */
export function intervalMs(ramp: Ramp, ageMs: number, backlogMs: number, policy: EditPolicy): number {
  const age = Number.isFinite(ageMs) && ageMs > 0 ? ageMs : 0;
  const base = Math.min(ramp.maxMs, ramp.fromMs + (ramp.perMinuteMs * age) / 60_000);
  const backlog = Number.isFinite(backlogMs) && backlogMs > 0 ? backlogMs : 0;
  const stretch = Math.min(policy.maxStretch, 1 + backlog / policy.backlogDoublingMs);
  return Math.round(base * stretch);
}

function toolsNotice(a: LiveStatusV1, b: LiveStatusV1): Notice {
  if (b.tools.length + b.toolsOmitted > a.tools.length + a.toolsOmitted) return "prompt";
  if (a.tools === b.tools) return "same";
  const before = new Map<string, ToolCallV1>(a.tools.map((t) => [t.callId, t]));
  let notice: Notice = "same";
  for (const t of b.tools) {
    const old = before.get(t.callId);
    if (old === undefined) return "prompt";
    if (old.state === t.state) continue;
    if (t.state === "error") return "prompt";
    notice = "notable";
  }
  return notice;
}

function subagentsNotice(a: readonly SubagentV1[], b: readonly SubagentV1[]): Notice {
  if (a === b) return "same";
  const before = new Map<string, SubagentV1>(a.map((s) => [s.child, s]));
  let notice: Notice = "same";
  for (const s of b) {
    const old = before.get(s.child);
    if (old === undefined) return "prompt";
    if (old.state !== s.state && s.state === "error") return "prompt";
    if (old.state !== s.state || old.currentTool !== s.currentTool) notice = "notable";
  }
  return notice;
}
