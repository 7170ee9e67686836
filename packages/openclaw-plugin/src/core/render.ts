/**
 * Rendering: the Mattermost post for a status box. `props.live_status` carries the whole status for
 * the webapp plugin; `message` is a compact markdown summary for mobile and clients without the
 * plugin. Everything taken from the status is re-bounded and escaped here, so any status object,
 * however large or odd, renders to a message Mattermost accepts.
 */
import {
  type BoxState,
  LIVE_STATUS_POST_TYPE,
  type LiveStatusV1,
  type SubagentState,
  type SubagentV1,
  type ToolCallV1,
  type ToolState,
} from "@live-status/contract";
import { controlLines, type RenderContext, stopHint } from "./render-controls.ts";
import { clip, clipTail, codePointLength, oneLine, plural } from "./text.ts";

/** Mattermost's MaxPostSize in code points; a longer message is rejected, not cut. */
export const MATTERMOST_MAX_MESSAGE = 16383;
/** Tool lines shown in `message`; earlier ones collapse into "… and N earlier". */
export const MESSAGE_TOOL_LINES = 12;
/** Sub-agent lines shown in `message`. */
export const MESSAGE_SUBAGENT_LINES = 8;

// Headroom under the hard limit, so a rounding slip can never turn into a rejected edit.
const BUDGET = 16000;

export interface RenderedPost {
  type: typeof LIVE_STATUS_POST_TYPE;
  message: string;
  props: { live_status: LiveStatusV1 };
}

const STATE_ICON: Readonly<Record<BoxState, string>> = {
  running: "⏳",
  done: "✅",
  error: "❌",
  aborted: "⛔",
  interrupted: "⚠️",
};
const STATE_WORD: Readonly<Record<BoxState, string>> = {
  running: "running",
  done: "done",
  error: "failed",
  aborted: "aborted",
  interrupted: "interrupted",
};
const TOOL_ICON: Readonly<Record<ToolState, string>> = { running: "⏳", ok: "✅", error: "❌" };
const SUBAGENT_ICON: Readonly<Record<SubagentState, string>> = {
  running: "⏳",
  done: "✅",
  error: "❌",
  aborted: "⛔",
};

/**
 * The post for a status box: the custom post type, the markdown `message` (see
 * {@link renderMessage}) and the status itself under `props.live_status`.
 */
export function renderPost(s: LiveStatusV1, now?: number, ctx?: RenderContext): RenderedPost {
  return { type: LIVE_STATUS_POST_TYPE, message: renderMessage(s, now, ctx), props: { live_status: s } };
}

/**
 * The markdown summary of a box, always under Mattermost's 16383 code points. First line: state
 * icon, agent, state, elapsed time (for a running box only when `now` is given — rendering reads
 * no clock), tool count, tokens, thinking. Then the latest tools (icon, name, arguments in inline
 * code, duration, error), sub-agents, the preview of the latest text (not for a done box: the
 * answer follows right below it), the error, and for a running box how to stop it. Text from the status is escaped so it cannot
 * break the layout or mention anyone.
 */
export function renderMessage(s: LiveStatusV1, now?: number, ctx?: RenderContext): string {
  // What waits for a person and the plan come right under the header (see render-controls.ts).
  const head = [header(s, now), ...controlLines(s, ctx)].join("\n");
  const subagents = subagentLines(s.subagents ?? [], now);
  const tail: string[] = [];
  if (s.preview && s.state !== "done") {
    const preview = escapeText(clipTail(oneLine(String(s.preview)), 200));
    if (preview.length > 0) tail.push("", `> ${preview}`);
  }
  if (s.error) {
    const label = s.state === "error" ? "Error" : "Reason";
    tail.push("", `**${label}:** ${escapeText(clip(oneLine(String(s.error)), 300))}`);
  }
  const stop = stopHint(s, ctx);
  if (stop) tail.push("", stop);
  const fixed = [head, ...subagents, ...tail].join("\n");
  const tools = toolLines(s, now, BUDGET - codePointLength(fixed) - 64);
  const message = [head, ...tools, ...subagents, ...tail].join("\n");
  // Unreachable with the per-field bounds above; kept so the limit holds by construction.
  return codePointLength(message) < BUDGET ? message : clip(message, BUDGET);
}

/**
 * A one-line summary for a box kept as a receipt after a newer box replaced it, e.g.
 * `✅ done · 7 tools · 1m 12s`, with a short error for failed runs.
 */
export function renderReceipt(s: LiveStatusV1, now?: number): string {
  const parts = [`${stateIcon(s.state)} ${stateWord(s.state)}`];
  const count = toolTotal(s);
  if (count > 0) parts.push(plural(count, "tool"));
  const elapsed = runDuration(s, now);
  if (elapsed !== undefined) parts.push(elapsed);
  const line = parts.join(" · ");
  return s.error ? `${line} — ${escapeText(clip(oneLine(String(s.error)), 100))}` : line;
}

/**
 * A short human duration: `450ms`, `2.1s`, `42s`, `1m 12s`, `2h 5m`, always rounded down like a
 * clock. Negative or invalid input counts as zero.
 */
export function formatDuration(ms: number): string {
  const t = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (t < 1000) return `${Math.floor(t)}ms`;
  if (t < 10_000) return `${(Math.floor(t / 100) / 10).toFixed(1)}s`;
  const sec = Math.floor(t / 1000);
  if (sec < 60) return `${sec}s`;
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min}m ${sec % 60}s`;
  return `${Math.floor(min / 60)}h ${min % 60}m`;
}

/** A compact token count: `950`, `12.3k`, `4.5M`. */
export function formatCount(n: number): string {
  const t = Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
  if (t < 1000) return String(t);
  if (t < 1_000_000) return `${trimZero((t / 1000).toFixed(1))}k`;
  return `${trimZero((t / 1_000_000).toFixed(1))}M`;
}

function header(s: LiveStatusV1, now: number | undefined): string {
  const agent = escapeText(clip(oneLine(String(s.agent ?? "")), 64)) || "agent";
  const parts = [`${stateIcon(s.state)} **${agent}**`, stateWord(s.state)];
  const elapsed = runDuration(s, now);
  if (elapsed !== undefined) parts.push(elapsed);
  const count = toolTotal(s);
  if (count > 0) {
    const failed = (s.tools ?? []).filter((t) => t.state === "error").length;
    parts.push(failed > 0 ? `${plural(count, "tool")} (${failed} failed)` : plural(count, "tool"));
  }
  const input = s.tokens?.input ?? 0;
  const output = s.tokens?.output ?? 0;
  // A side the source never reported (OpenClaw streams output only) is left out rather than shown as 0.
  const sides = [input > 0 && `${formatCount(input)} in`, output > 0 && `${formatCount(output)} out`].filter(
    Boolean,
  );
  if (sides.length > 0) parts.push(`${sides.join(" / ")} tokens`);
  if (s.state === "running" && s.thinking) parts.push("💭 thinking");
  return parts.join(" · ");
}

function toolLines(s: LiveStatusV1, now: number | undefined, budget: number): string[] {
  const tools = s.tools ?? [];
  const lines: string[] = [];
  let used = 0;
  let shown = 0;
  for (let i = tools.length - 1; i >= 0 && shown < MESSAGE_TOOL_LINES; i--) {
    const tool = tools[i];
    if (tool === undefined) continue;
    const line = toolLine(tool, now);
    const size = codePointLength(line) + 1;
    if (used + size > budget) break;
    lines.push(line);
    used += size;
    shown++;
  }
  lines.reverse();
  const earlier = toolTotal(s) - shown;
  if (earlier > 0) lines.unshift(`- … and ${earlier} earlier`);
  return lines;
}

function toolLine(t: ToolCallV1, now: number | undefined): string {
  const icon = Object.hasOwn(TOOL_ICON, t.state) ? TOOL_ICON[t.state] : "•";
  let line = `- ${icon} ${escapeText(clip(oneLine(String(t.name ?? "")), 64)) || "tool"}`;
  const args = t.args === undefined ? "" : clip(oneLine(String(t.args)), 120);
  if (args.length > 0) line += ` ${inlineCode(args)}`;
  const end = t.endedAt ?? (t.state === "running" ? now : undefined);
  if (end !== undefined) line += ` · ${formatDuration(end - t.startedAt)}`;
  if (t.error) line += ` — ${escapeText(clip(oneLine(String(t.error)), 120))}`;
  return line;
}

function subagentLines(subagents: readonly SubagentV1[], now: number | undefined): string[] {
  const shown = subagents.slice(-MESSAGE_SUBAGENT_LINES);
  const lines = shown.map((a) => subagentLine(a, now));
  const earlier = subagents.length - shown.length;
  if (earlier > 0) lines.unshift(`- … and ${earlier} earlier sub-agents`);
  return lines;
}

function subagentLine(a: SubagentV1, now: number | undefined): string {
  const name = escapeText(clip(oneLine(String(a.label ?? "")), 64)) || `sub-agent ${shortChild(a.child)}`;
  const known = Object.hasOwn(SUBAGENT_ICON, a.state);
  const parts = [`- 🤖 **${name}**`, known ? `${SUBAGENT_ICON[a.state]} ${a.state}` : "❔ unknown"];
  if (a.toolCount > 0) parts.push(plural(a.toolCount, "tool"));
  if (a.state === "running" && a.currentTool)
    parts.push(`now ${inlineCode(clip(oneLine(a.currentTool), 64))}`);
  const end = a.endedAt ?? (a.state === "running" ? now : undefined);
  if (end !== undefined) parts.push(formatDuration(end - a.startedAt));
  return parts.join(" · ");
}

// `agent:main:subagent:0b6f1a2c-…` → `0b6f1a2c`.
function shortChild(child: string): string {
  const last =
    String(child ?? "")
      .split(":")
      .at(-1) ?? "";
  return escapeText(Array.from(oneLine(last)).slice(0, 8).join("")) || "?";
}

// A status read back from a post may carry a state this version does not know.
function stateIcon(state: BoxState): string {
  return Object.hasOwn(STATE_ICON, state) ? STATE_ICON[state] : "❔";
}

function stateWord(state: BoxState): string {
  return Object.hasOwn(STATE_WORD, state) ? STATE_WORD[state] : "unknown";
}

function runDuration(s: LiveStatusV1, now: number | undefined): string | undefined {
  const end = s.endedAt ?? (s.state === "running" ? now : undefined);
  return end === undefined ? undefined : formatDuration(end - s.startedAt);
}

function toolTotal(s: LiveStatusV1): number {
  const omitted = Number.isFinite(s.toolsOmitted) && s.toolsOmitted > 0 ? Math.floor(s.toolsOmitted) : 0;
  return (s.tools ?? []).length + omitted;
}

function trimZero(s: string): string {
  return s.endsWith(".0") ? s.slice(0, -2) : s;
}

/**
 * Escapes text for use inside a markdown line: backslash-escapes markdown punctuation, defuses a
 * leading list or heading marker, and puts a word joiner after `@` so `@channel` or `@user` in
 * agent text can never notify anyone.
 */
export function escapeText(text: string): string {
  return text
    .replace(/[\\`*_{}[\]()#+!|~>]/g, "\\$&")
    .replace(/^(\s*)([-=])/, "$1\\$2")
    .replace(/^(\s*\d+)([.)])/, "$1\\$2")
    .replace(/@(?=\w)/g, "@\u2060");
}

/**
 * Wraps one line of text in an inline code span whose fence is longer than any backtick run
 * inside it, so backticks in tool arguments cannot end the span early. Mentions inside get a
 * word joiner too: older servers find code spans with a regular expression that a long fence
 * defeats, and would then notify `@channel`. `ownCommand` keeps them for a command of ours that
 * people copy (`@<bot> /approve …`): a joiner there would break the command they paste.
 */
export function inlineCode(raw: string, ownCommand = false): string {
  const text = ownCommand ? raw : raw.replace(/@(?=\w)/g, "@\u2060");
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || /^ .* $/.test(text) ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}
