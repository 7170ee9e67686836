import type { BoxState, LiveStatusV1, SubagentV1, ToolCallV1 } from "@live-status/contract";
import { clip, formatCount, formatElapsed, formatStepDuration, plural } from "./format.ts";
import { readLiveStatus } from "./read-live-status.ts";

/** A semantic icon; the component decides how it is drawn. */
export type IconName = "spinner" | "check" | "cross" | "stop" | "pause" | "pending";

/** A semantic colour; the component maps it to a Mattermost theme colour. */
export type Tone = "active" | "ok" | "error" | "warn" | "muted";

export interface ToolRowView {
  key: string;
  icon: IconName;
  tone: Tone;
  /** Spoken and hover text for the icon, e.g. `failed`. */
  iconLabel: string;
  name: string;
  args?: string;
  duration: string;
  error?: string;
}

export interface SubagentRowView {
  key: string;
  icon: IconName;
  tone: Tone;
  label: string;
  stateLabel: string;
  tools: string;
  currentTool?: string;
  duration: string;
}

export interface ToolsView {
  /** The last `maxTools` calls, always shown. */
  recent: ToolRowView[];
  /** Older calls behind the "Show N earlier" button; empty when nothing is collapsed. */
  earlier: ToolRowView[];
  /** `Show 3 earlier`, present when `earlier` is not empty. */
  showEarlierLabel?: string;
  /** Calls the gateway no longer carries, e.g. `12 earlier calls not kept`. */
  omittedNote?: string;
  /** `15 tool calls`, counting the omitted ones; absent when there were none. */
  summary?: string;
}

export interface StatusView {
  kind: "status";
  state: BoxState;
  final: boolean;
  /** True while the elapsed time must tick in the browser. */
  ticking: boolean;
  agent: string;
  stateLabel: string;
  icon: IconName;
  tone: Tone;
  /** Running: time since start at `now`; final: total duration; absent if unknown. */
  elapsed?: string;
  /** What it is doing right now, while running: `thinking…`, `calling exec`. */
  activity?: string;
  tools: ToolsView;
  subagents: SubagentRowView[];
  tokens?: string;
  preview?: string;
  error?: string;
  /** Plain-words explanation of a final state that needs one (aborted, interrupted). */
  note?: string;
}

export interface UnreadableView {
  kind: "unreadable";
  title: string;
  reason: string;
}

export type ViewState = StatusView | UnreadableView;

export interface ViewOptions {
  /** Tool calls shown before the rest collapse behind "Show N earlier". */
  maxTools?: number;
}

export const DEFAULT_MAX_TOOLS = 5;

const STATE_LOOK: Record<BoxState, { label: string; icon: IconName; tone: Tone; note?: string }> = {
  running: { label: "Running", icon: "spinner", tone: "active" },
  done: { label: "Done", icon: "check", tone: "ok" },
  error: { label: "Failed", icon: "cross", tone: "error" },
  aborted: { label: "Stopped", icon: "stop", tone: "warn", note: "The run was stopped before it finished." },
  interrupted: {
    label: "Interrupted",
    icon: "pause",
    tone: "warn",
    note: "The run stopped without reporting an end (for example, the gateway restarted). The steps below show how far it got.",
  },
};

/**
 * Turns `post.props` into everything the status box draws, as plain text and semantic
 * icons/tones. Pure: the current time comes in as `now` (epoch ms), so the component can tick
 * it once a second and tests can pin it. Props that cannot be read give an `unreadable` view
 * with a reason instead of throwing.
 */
export function toViewState(props: unknown, now: number, options: ViewOptions = {}): ViewState {
  const read = readLiveStatus(props);
  if (!read.ok) return { kind: "unreadable", title: "Live status unreadable", reason: read.reason };
  const s = read.status;
  const look = STATE_LOOK[s.state];
  const final = s.state !== "running";
  const end = final ? s.endedAt : now;

  const view: StatusView = {
    kind: "status",
    state: s.state,
    final,
    ticking: !final,
    agent: s.agent ?? "agent",
    stateLabel: look.label,
    icon: look.icon,
    tone: look.tone,
    tools: toolsView(s, now, Math.max(1, Math.floor(options.maxTools ?? DEFAULT_MAX_TOOLS))),
    subagents: s.subagents.map((sub) => subagentRow(sub, final, s.endedAt, now)),
  };
  if (end !== undefined) view.elapsed = formatElapsed(end - s.startedAt);
  if (!final) {
    const runningTool = s.tools.findLast((t) => t.state === "running");
    if (s.waiting?.kind === "approval") view.activity = "waiting for approval";
    else if (s.thinking) view.activity = "thinking…";
    else if (runningTool) view.activity = `calling ${clip(runningTool.name, 40)}`;
  }
  if (s.tokens.input > 0 || s.tokens.output > 0) {
    // A side never reported (OpenClaw streams output only) is left out rather than shown as 0.
    const sides = [
      s.tokens.input > 0 && `${formatCount(s.tokens.input)} in`,
      s.tokens.output > 0 && `${formatCount(s.tokens.output)} out`,
    ].filter(Boolean);
    view.tokens = sides.join(" · ");
  }
  // A done box's answer is posted right beside it; boxes written by earlier versions still carry one.
  if (s.preview && s.state !== "done") view.preview = clip(s.preview, 280);
  if (s.error) view.error = clip(s.error, 300);
  if (look.note) view.note = look.note;
  return view;
}

function toolsView(s: LiveStatusV1, now: number, maxTools: number): ToolsView {
  const final = s.state !== "running";
  const rows = s.tools.map((t, i) => toolRow(t, i, final, s.endedAt, now));
  const cut = Math.max(0, rows.length - maxTools);
  const view: ToolsView = { recent: rows.slice(cut), earlier: rows.slice(0, cut) };
  if (cut > 0) view.showEarlierLabel = `Show ${cut} earlier`;
  if (s.toolsOmitted > 0) view.omittedNote = `${plural(s.toolsOmitted, "earlier call")} not kept`;
  const total = rows.length + s.toolsOmitted;
  if (total > 0) view.summary = plural(total, "tool call");
  return view;
}

function toolRow(
  t: ToolCallV1,
  index: number,
  boxFinal: boolean,
  boxEnd: number | undefined,
  now: number,
): ToolRowView {
  const row: ToolRowView = {
    // callIds can repeat across retries; the index keeps React keys unique.
    key: `${index}:${t.callId}`,
    name: clip(t.name, 40),
    ...toolLook(t, boxFinal),
    duration: toolDuration(t, boxFinal, boxEnd, now),
  };
  if (t.args) row.args = clip(t.args, 80);
  if (t.error) row.error = clip(t.error, 200);
  return row;
}

function toolLook(t: ToolCallV1, boxFinal: boolean): Pick<ToolRowView, "icon" | "tone" | "iconLabel"> {
  switch (t.state) {
    case "ok":
      return { icon: "check", tone: "ok", iconLabel: "done" };
    case "error":
      return { icon: "cross", tone: "error", iconLabel: "failed" };
    case "running":
      return boxFinal
        ? { icon: "stop", tone: "muted", iconLabel: "did not finish" }
        : { icon: "spinner", tone: "active", iconLabel: "running" };
    default:
      return t.state satisfies never;
  }
}

function toolDuration(t: ToolCallV1, boxFinal: boolean, boxEnd: number | undefined, now: number): string {
  if (t.state !== "running")
    return t.endedAt === undefined ? "" : formatStepDuration(t.endedAt - t.startedAt);
  if (!boxFinal) return formatElapsed(now - t.startedAt);
  return boxEnd === undefined ? "" : formatElapsed(boxEnd - t.startedAt);
}

function subagentRow(
  sub: SubagentV1,
  boxFinal: boolean,
  boxEnd: number | undefined,
  now: number,
): SubagentRowView {
  const cutOff = sub.state === "running" && boxFinal;
  const look = cutOff
    ? { label: "did not finish", icon: "stop" as const, tone: "muted" as const }
    : SUB_LOOK[sub.state];
  const end = sub.endedAt ?? (sub.state === "running" ? (boxFinal ? boxEnd : now) : undefined);
  const row: SubagentRowView = {
    key: sub.child,
    icon: look.icon,
    tone: look.tone,
    label: clip(sub.label ?? shortChild(sub.child), 40),
    stateLabel: look.label,
    tools: plural(sub.toolCount, "tool"),
    duration: end === undefined ? "" : formatElapsed(end - sub.startedAt),
  };
  if (sub.currentTool && sub.state === "running" && !boxFinal) row.currentTool = clip(sub.currentTool, 40);
  return row;
}

const SUB_LOOK: Record<SubagentV1["state"], { label: string; icon: IconName; tone: Tone }> = {
  running: { label: "running", icon: "spinner", tone: "active" },
  done: { label: "done", icon: "check", tone: "ok" },
  error: { label: "failed", icon: "cross", tone: "error" },
  aborted: { label: "stopped", icon: "stop", tone: "warn" },
};

/** `agent:main:subagent:1f2e3d4c-…` → `subagent 1f2e3d4c`. */
function shortChild(child: string): string {
  const parts = child.split(":");
  const id = parts.at(-1) ?? child;
  const kind = parts.length >= 2 ? (parts.at(-2) ?? "sub-agent") : "sub-agent";
  return `${kind} ${id.slice(0, 8)}`;
}
