/**
 * Pure mapping of one line of a legacy OpenClaw transcript (`<sessionId>.jsonl`, ≤ v2026.7.1) to
 * what it means for a status box. No I/O and no clock: the caller passes the time to use when the
 * line carries none. Lifecycle decisions (whether a user line starts a run, whether a terminal line
 * ends one) are the turn tracker's; this only says what the line is and which content it carries.
 *
 * Line shapes: `{"type":"session",…}` first, then `{"type":"message","timestamp":ISO,"message":
 * {role,…}}` with roles `user`, `assistant` (content parts `text` / `thinking` / `toolCall`, `usage`,
 * `stopReason`) and `toolResult` (`toolCallId`, `isError`); other entry types (compaction,
 * model_change, custom…) are housekeeping.
 */
import type { LiveEvent, RunOutcome, TriggerKind } from "../../core/events.ts";
import { isRecord } from "../../core/guards.ts";
import { jsonProblem } from "./json-text.ts";

export type LineKind = "session" | "user" | "assistant" | "tool_result" | "other" | "invalid";

export interface MappedLine {
  kind: LineKind;
  /** Source time of the line (entry `timestamp`, else `message.timestamp`), when it has one. */
  ts?: number;
  /** Content events of the line, in order. Never a lifecycle event. */
  content: LiveEvent[];
  /** Set on an assistant line whose `stopReason` ends the turn. */
  end?: { outcome: RunOutcome; error?: string };
  /** Set on user lines: which kind of run such a message starts. */
  trigger?: TriggerKind;
  /** Set on invalid lines. Never quotes the line. */
  reason?: string;
}

/** Longest tool error text carried on (the core clips and redacts it further). */
const MAX_ERROR_CHARS = 500;

/**
 * Reads one transcript line. `session` is the OpenClaw session key the file belongs to; `now` is
 * the time used for events when the line has no timestamp. A line that is not a JSON object is
 * `invalid` with a reason; anything unknown is `other` (housekeeping, no content).
 */
export function mapTranscriptLine(line: string, session: string, now: number): MappedLine {
  const text = line.replace(/^\uFEFF/, "").trim();
  if (text === "") return { kind: "invalid", content: [], reason: "blank line" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: "invalid", content: [], reason: `invalid JSON: ${jsonProblem(error)}` };
  }
  if (!isRecord(value)) return { kind: "invalid", content: [], reason: "not a JSON object" };
  const message = isRecord(value.message) ? value.message : undefined;
  const ts = timeOf(value.timestamp) ?? timeOf(message?.timestamp);
  const at = ts ?? now;
  const withTs = (x: MappedLine): MappedLine => (ts === undefined ? x : { ...x, ts });

  if (value.type === "session") return withTs({ kind: "session", content: [] });
  // Old transcripts wrote bare messages (`{"role":…}`) without the entry envelope.
  const msg = value.type === "message" ? message : value.type === undefined ? value : undefined;
  if (!msg) return withTs({ kind: "other", content: [] });
  const base = { v: 1 as const, ts: at, session };

  switch (msg.role) {
    case "user":
      return withTs({ kind: "user", content: [], trigger: triggerOf(session, textOf(msg.content)) });
    case "assistant":
      return withTs(assistantLine(msg, base));
    case "toolResult":
    case "tool_result": {
      const callId = nonBlank(msg.toolCallId) ?? nonBlank(msg.toolUseId);
      if (!callId) return withTs({ kind: "tool_result", content: [] });
      const ok = msg.isError !== true;
      const error = ok ? undefined : textOf(msg.content).slice(0, MAX_ERROR_CHARS) || undefined;
      const event: LiveEvent = {
        ...base,
        type: "tool_end",
        callId,
        ok,
        ...(error !== undefined && { error }),
      };
      return withTs({ kind: "tool_result", content: [event] });
    }
    default:
      return withTs({ kind: "other", content: [] });
  }
}

function assistantLine(
  msg: Record<string, unknown>,
  base: { v: 1; ts: number; session: string },
): MappedLine {
  const content: LiveEvent[] = [];
  const parts = Array.isArray(msg.content) ? msg.content : [];
  let thinking = false;
  const texts: string[] = [];
  const tools: LiveEvent[] = [];
  if (typeof msg.content === "string") texts.push(msg.content);
  for (const part of parts) {
    if (!isRecord(part)) continue;
    if (part.type === "thinking" || part.type === "redacted_thinking") thinking = true;
    else if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
    else if (part.type === "toolCall" || part.type === "tool_use") {
      const callId = nonBlank(part.id);
      const name = nonBlank(part.name);
      if (!callId || !name) continue;
      const args = part.arguments ?? part.input;
      tools.push({ ...base, type: "tool_start", callId, name, ...(args !== undefined && { args }) });
    }
  }
  // Thinking text is never carried: the box only says that the model is thinking.
  if (thinking) content.push({ ...base, type: "thinking" });
  const text = texts.join("");
  if (text.trim() !== "") content.push({ ...base, type: "text", text });
  content.push(...tools);
  const usage = isRecord(msg.usage) ? msg.usage : undefined;
  const input = count(usage?.input);
  const output = count(usage?.output);
  if (input !== undefined || output !== undefined) {
    content.push({
      ...base,
      type: "usage",
      ...(input !== undefined && { input }),
      ...(output !== undefined && { output }),
    });
  }
  const end = endOf(msg.stopReason, msg.errorMessage);
  return end ? { kind: "assistant", content, end } : { kind: "assistant", content };
}

/** `stop`/`length` end the turn ok, `error` and `aborted` end it so; `toolUse` (and anything else) does not. */
export function endOf(stopReason: unknown, errorMessage?: unknown): MappedLine["end"] {
  switch (stopReason) {
    case "stop":
    case "length":
      return { outcome: "ok" };
    case "error": {
      const error = nonBlank(errorMessage)?.slice(0, MAX_ERROR_CHARS);
      return error ? { outcome: "error", error } : { outcome: "error" };
    }
    case "aborted":
      return { outcome: "aborted" };
    default:
      return undefined;
  }
}

/**
 * Which kind of run a user message starts. Cron sessions run cron jobs; a heartbeat prompt (the
 * default one names `HEARTBEAT.md` and `HEARTBEAT_OK`) is housekeeping. Everything else is a person.
 */
export function triggerOf(session: string, text: string): TriggerKind {
  if (/^agent:[^:]+:cron:/.test(session) || session.startsWith("cron:")) return "cron";
  if (/\bHEARTBEAT_OK\b|\bHEARTBEAT\.md\b/.test(text)) return "heartbeat";
  return "user";
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter(isRecord)
    .map((p) => (p.type === "text" && typeof p.text === "string" ? p.text : ""))
    .join("");
}

function timeOf(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) && v > 0 ? v : undefined;
  if (typeof v !== "string") return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

function count(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined;
}

function nonBlank(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}
