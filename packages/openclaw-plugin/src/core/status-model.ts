/**
 * The status model: a pure reducer from content events to the wire object {@link LiveStatusV1}.
 * Every function returns a new object (or its input unchanged when an event changes nothing) and
 * never mutates what it was given. Time comes in as `now`. Lifecycle (which run, when to start and
 * finish) is decided elsewhere; this only says what a box shows.
 */
import type {
  FinalBoxState,
  LiveStatusV1,
  SubagentState,
  SubagentV1,
  ToolCallV1,
} from "@live-status/contract";
import { summarizeArgs } from "./args-summary.ts";
import type { ContentEvent } from "./events.ts";
import { agentOf } from "./session-key.ts";
import { applyApproval, applyPlan, settleWaiting } from "./status-controls.ts";
import { settledPreview, withStreamingPreview } from "./stream-preview.ts";
import { clip, oneLine, safeHead } from "./text.ts";

export interface StatusOptions {
  /** Show a short redacted summary of each tool call's arguments. */
  showToolArgs: boolean;
  /** Extra redaction patterns from config, applied after the built-in rules. */
  redact: readonly RegExp[];
  /** How many recent tool calls a box keeps; older ones only count in `toolsOmitted`. */
  maxTools: number;
}

export const DEFAULT_STATUS_OPTIONS: StatusOptions = Object.freeze({
  showToolArgs: true,
  redact: Object.freeze([]) as readonly RegExp[],
  maxTools: 30,
});

/** Longest preview (tail of the latest assistant text), in code points. */
export const MAX_PREVIEW = 200;
/** Longest run error text, in code points. */
export const MAX_RUN_ERROR = 300;
/** Longest tool error text, in code points. */
export const MAX_TOOL_ERROR = 200;
/** Longest tool name or sub-agent label, in code points. */
export const MAX_NAME = 64;

/** A fresh running box for `session`, started at `now`. */
export function startStatus(session: string, now: number): LiveStatusV1 {
  const agent = agentOf(session);
  return {
    v: 1,
    session,
    ...(agent !== undefined ? { agent } : {}),
    state: "running",
    startedAt: now,
    thinking: false,
    tools: [],
    toolsOmitted: 0,
    subagents: [],
    tokens: { input: 0, output: 0 },
  };
}

/**
 * Applies one content event of the box's own run. `thinking` turns on with a thinking event and
 * off when text or a tool starts (thinking text is never stored); text sets the preview (a
 * redacted tail); tools get start/end times and state, and only the last `o.maxTools` are kept;
 * usage adds non-negative token counts; sub-agent start/end maintain `subagents`. A `tool_end`
 * or `subagent_end` for an unknown or already ended id is ignored, and so is every event once the
 * box is final.
 */
export function applyContent(
  s: LiveStatusV1,
  e: ContentEvent,
  now: number,
  o: StatusOptions = DEFAULT_STATUS_OPTIONS,
): LiveStatusV1 {
  if (s.state !== "running") return s;
  switch (e.type) {
    case "thinking":
      return s.thinking ? s : { ...s, thinking: true };
    case "text":
      return withStreamingPreview(s, String(e.text ?? ""), MAX_PREVIEW, o.redact);
    case "tool_start":
      return startTool(s, e.callId, e.name, e.args, now, o);
    case "tool_end":
      return settleWaiting(endTool(s, e.callId, e.ok, e.error, now, o), e.callId);
    case "usage":
      return addUsage(s, e.input, e.output);
    case "subagent_start":
      return startSubagent(s, e.child, e.label, now, o);
    case "subagent_end":
      return endSubagent(s, e.child, e.label, outcomeState(e.outcome), now, o);
    case "approval":
      return applyApproval(s, e, o);
    case "plan":
      return applyPlan(s, e, o);
    default: {
      // Exhaustive at compile time; a malformed event at run time changes nothing.
      const _unknown: never = e;
      return s;
    }
  }
}

/**
 * Applies an event of a sub-agent's own run to its entry: a tool start counts in `toolCount` and
 * becomes `currentTool`, a tool end clears `currentTool`. Anything else, an unknown or ended
 * child, or a final box leaves the status unchanged. `now` is accepted for symmetry with
 * {@link applyContent}; sub-agent tool timings are not tracked.
 */
export function applyChildContent(
  s: LiveStatusV1,
  child: string,
  e: ContentEvent,
  _now: number,
): LiveStatusV1 {
  if (s.state !== "running") return s;
  const i = s.subagents.findIndex((a) => a.child === child);
  const sub = s.subagents[i];
  if (sub === undefined || sub.state !== "running") return s;
  let next: SubagentV1;
  if (e.type === "tool_start") {
    next = { ...sub, toolCount: sub.toolCount + 1, currentTool: toolName(e.name) };
  } else if (e.type === "tool_end" && sub.currentTool !== undefined) {
    const { currentTool: _, ...rest } = sub;
    next = rest;
  } else {
    return s;
  }
  return { ...s, subagents: s.subagents.with(i, next) };
}

/**
 * Ends the box in a final state at `now`: sets `endedAt`, clears `thinking`, and records the
 * error text (redacted, one line, ≤ {@link MAX_RUN_ERROR} code points) when one is given.
 * Tools still running never got a result, so they end as `error` without error text, whatever
 * the final state. Sub-agents still running are closed with the parent's outcome (`done`,
 * `error`, or `aborted` for aborted/interrupted): the box is frozen from here on. A `done` box
 * drops its preview: the answer itself is posted right beside it. Finishing a box
 * that is already final returns it unchanged (the first outcome wins).
 */
export function finishStatus(
  s: LiveStatusV1,
  state: FinalBoxState,
  now: number,
  error?: string,
  o: StatusOptions = DEFAULT_STATUS_OPTIONS,
): LiveStatusV1 {
  if (s.state !== "running") return s;
  const endedAt = Math.max(now, s.startedAt);
  const subState: SubagentState = state === "done" ? "done" : state === "error" ? "error" : "aborted";
  const text = error === undefined ? "" : safeHead(String(error), MAX_RUN_ERROR, o.redact);
  // A final box waits for nothing: an answer can no longer reach the run.
  const { error: _previous, waiting: _waiting, preview: _streamed, ...rest } = s;
  const preview = state === "done" ? undefined : settledPreview(s, MAX_PREVIEW, o.redact);
  return {
    ...rest,
    state,
    endedAt,
    thinking: false,
    tools: s.tools.map((t) =>
      t.state === "running" ? { ...t, state: "error", endedAt: Math.max(endedAt, t.startedAt) } : t,
    ),
    subagents: s.subagents.map((a) => {
      if (a.state !== "running") return a;
      const { currentTool: _, ...closed } = a;
      return { ...closed, state: subState, endedAt: Math.max(endedAt, a.startedAt) };
    }),
    ...(text.length > 0 ? { error: text } : {}),
    ...(preview !== undefined ? { preview } : {}),
  };
}

function startTool(
  s: LiveStatusV1,
  callId: string,
  name: string,
  args: unknown,
  now: number,
  o: StatusOptions,
): LiveStatusV1 {
  if (s.tools.some((t) => t.callId === callId)) return s; // a repeated start changes nothing
  const summary = o.showToolArgs ? summarizeArgs(name, args, o.redact) : undefined;
  const tool: ToolCallV1 = {
    callId,
    name: toolName(name),
    ...(summary !== undefined ? { args: summary } : {}),
    state: "running",
    startedAt: now,
  };
  const all = [...s.tools, tool];
  const keep = Math.max(1, Math.floor(o.maxTools));
  const dropped = Math.max(0, all.length - keep);
  return {
    ...s,
    thinking: false,
    tools: dropped > 0 ? all.slice(dropped) : all,
    toolsOmitted: s.toolsOmitted + dropped,
  };
}

function endTool(
  s: LiveStatusV1,
  callId: string,
  ok: boolean,
  error: string | undefined,
  now: number,
  o: StatusOptions,
): LiveStatusV1 {
  const i = s.tools.findIndex((t) => t.callId === callId);
  const tool = s.tools[i];
  if (tool === undefined || tool.state !== "running") return s;
  const text = !ok && error !== undefined ? safeHead(String(error), MAX_TOOL_ERROR, o.redact) : "";
  const ended: ToolCallV1 = {
    ...tool,
    state: ok ? "ok" : "error",
    endedAt: Math.max(now, tool.startedAt),
    ...(text.length > 0 ? { error: text } : {}),
  };
  return { ...s, tools: s.tools.with(i, ended) };
}

function addUsage(s: LiveStatusV1, input: unknown, output: unknown): LiveStatusV1 {
  const di = tokenCount(input);
  const dout = tokenCount(output);
  if (di === 0 && dout === 0) return s;
  return { ...s, tokens: { input: s.tokens.input + di, output: s.tokens.output + dout } };
}

// Only finite non-negative counts; anything else from a confused source counts as zero.
function tokenCount(n: unknown): number {
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

function startSubagent(
  s: LiveStatusV1,
  child: string,
  label: string | undefined,
  now: number,
  o: StatusOptions,
): LiveStatusV1 {
  const i = s.subagents.findIndex((a) => a.child === child);
  const name = labelText(label, o);
  const existing = s.subagents[i];
  if (existing !== undefined) {
    // A repeated start only fills in a label it did not have.
    if (name.length === 0 || existing.label !== undefined) return s;
    return { ...s, subagents: s.subagents.with(i, { ...existing, label: name }) };
  }
  const sub: SubagentV1 = {
    child,
    ...(name.length > 0 ? { label: name } : {}),
    state: "running",
    startedAt: now,
    toolCount: 0,
  };
  return { ...s, subagents: [...s.subagents, sub] };
}

function endSubagent(
  s: LiveStatusV1,
  child: string,
  label: string | undefined,
  state: SubagentState,
  now: number,
  o: StatusOptions,
): LiveStatusV1 {
  const i = s.subagents.findIndex((a) => a.child === child);
  const sub = s.subagents[i];
  if (sub === undefined || sub.state !== "running") return s;
  const { currentTool: _, ...rest } = sub;
  const name = labelText(label, o);
  const ended: SubagentV1 = {
    ...rest,
    ...(name.length > 0 && rest.label === undefined ? { label: name } : {}),
    state,
    endedAt: Math.max(now, sub.startedAt),
  };
  return { ...s, subagents: s.subagents.with(i, ended) };
}

function outcomeState(outcome: "ok" | "error" | "aborted" | undefined): SubagentState {
  if (outcome === "error") return "error";
  if (outcome === "aborted") return "aborted";
  return "done";
}

// Labels are model-written task names, so they are redacted like any other text.
function labelText(label: string | undefined, o: StatusOptions): string {
  return label === undefined ? "" : safeHead(String(label), MAX_NAME, o.redact);
}

function toolName(name: unknown): string {
  const n = clip(oneLine(String(name ?? "")), MAX_NAME);
  return n.length > 0 ? n : "tool";
}
