/**
 * One open run's agent-event content as normalized events: tool calls, assistant text, thinking,
 * token usage and the run's end. Payload shapes as openclaw 2026.9.x emits them; approval and plan
 * payloads are read in control-events.ts.
 */
import type { EventBase, LiveEvent, RunOutcome } from "../../core/events.ts";

/** The fields every event of an open run carries. */
export type RunEventBase = Required<EventBase>;

type Data = Record<string, unknown>;

/** Cumulative token counts of one run, as OpenClaw reports them. */
export interface UsageTotals {
  input: number;
  output: number;
}

const MAX_TOOL_ERROR = 300;

/** Tool `start` → `tool_start`; tool `result` → `tool_end`, with the error text of a failed call. */
export function toolEvent(d: Data, base: RunEventBase): LiveEvent {
  const callId = typeof d.toolCallId === "string" ? d.toolCallId : "";
  if (d.phase === "start") {
    const name = typeof d.name === "string" ? d.name : "tool";
    return { ...base, type: "tool_start", callId, name, ...(d.args === undefined ? {} : { args: d.args }) };
  }
  const ok = d.isError !== true;
  const error = ok ? undefined : toolErrorText(d);
  return { ...base, type: "tool_end", callId, ok, ...(error ? { error } : {}) };
}

function toolErrorText(d: Data): string | undefined {
  if (typeof d.error === "string") return d.error.slice(0, MAX_TOOL_ERROR);
  const result = d.result as { content?: Array<{ type?: string; text?: unknown }> } | undefined;
  const text = result?.content?.find((c) => c.type === "text" && typeof c.text === "string")?.text;
  return typeof text === "string" ? text.slice(0, MAX_TOOL_ERROR) : undefined;
}

/** The assistant's cumulative reply text so far. */
export function textEvent(d: Data, base: RunEventBase): LiveEvent | undefined {
  return typeof d.text === "string" ? { ...base, type: "text", text: d.text } : undefined;
}

/** Thinking is shown as a state only; its text is never kept. */
export function thinkingEvent(base: RunEventBase): LiveEvent {
  return { ...base, type: "thinking" };
}

/**
 * OpenClaw reports usage cumulatively per run; normalized usage events carry increments. Returns
 * the event and the run's new totals, or undefined for a payload that counts nothing. A count
 * below the last one (a restarted counter) is taken as a fresh increment.
 */
export function usageEvent(
  d: Data,
  base: RunEventBase,
  seen: UsageTotals = { input: 0, output: 0 },
): { event: LiveEvent; totals: UsageTotals } | undefined {
  const input = num(d.inputTokens) ?? num(d.input);
  const output = num(d.outputTokens) ?? num(d.output);
  if (input === undefined && output === undefined) return undefined;
  const delta = (now: number | undefined, before: number) =>
    now === undefined ? undefined : now >= before ? now - before : now;
  return {
    event: { ...base, type: "usage", input: delta(input, seen.input), output: delta(output, seen.output) },
    totals: { input: input ?? seen.input, output: output ?? seen.output },
  };
}

/** Lifecycle `end` / `error` → `run_end`: an abort wins over an error; only an error keeps its text. */
export function runEndEvent(d: Data, base: RunEventBase): LiveEvent {
  const error = typeof d.error === "string" ? d.error : undefined;
  let outcome: RunOutcome = "ok";
  if (d.aborted === true || d.stopReason === "aborted") outcome = "aborted";
  else if (d.phase === "error" || d.stopReason === "error") outcome = "error";
  return outcome === "error" && error
    ? { ...base, type: "run_end", outcome, error }
    : { ...base, type: "run_end", outcome };
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
