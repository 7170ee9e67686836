/**
 * The normalized event format v1: the one seam between every source (OpenClaw agent events,
 * legacy session files, a recorded file) and the core. See docs/events.md.
 */

export interface EventBase {
  v: 1;
  /** Epoch ms at the source. The core uses it as the clock when replaying. */
  ts: number;
  /** OpenClaw session key, e.g. `agent:main:mattermost:channel:<id>`. */
  session: string;
  /** The run this event belongs to, when the source knows it. Late events of an older run are dropped. */
  runId?: string;
}

/** Where the next run of a session was asked from. Overrides what the session key implies. */
export interface RouteEvent extends EventBase {
  type: "route";
  channelId?: string;
  rootId?: string;
  dmUserId?: string;
  /** The Mattermost account (OpenClaw's `accountId`) the message came in on; absent: the default one. */
  account?: string;
}

export type TriggerKind = "user" | "heartbeat" | "cron" | "memory" | "compaction" | "subagent" | "other";

export interface RunStartEvent extends EventBase {
  type: "run_start";
  trigger?: { postId?: string; kind?: TriggerKind };
}

export interface ThinkingEvent extends EventBase {
  type: "thinking";
  /** Accepted for completeness; never shown or stored. */
  text?: string;
}

export interface TextEvent extends EventBase {
  type: "text";
  text: string;
}

export interface ToolStartEvent extends EventBase {
  type: "tool_start";
  callId: string;
  name: string;
  args?: unknown;
}

export interface ToolEndEvent extends EventBase {
  type: "tool_end";
  callId: string;
  ok: boolean;
  error?: string;
}

export interface UsageEvent extends EventBase {
  type: "usage";
  input?: number;
  output?: number;
}

export interface SubagentStartEvent extends EventBase {
  type: "subagent_start";
  child: string;
  label?: string;
}

export interface SubagentEndEvent extends EventBase {
  type: "subagent_end";
  child: string;
  label?: string;
  outcome?: "ok" | "error" | "aborted";
}

export type ApprovalPhase = "waiting" | "resolved" | "unavailable" | "denied" | "failed";

/**
 * An approval in the run: `waiting` (the tool call blocks until a person answers; needs
 * `approvalId`), `resolved` (it goes on), or an approval that was `unavailable`, `denied` or `failed`.
 */
export interface ApprovalEvent extends EventBase {
  type: "approval";
  phase: ApprovalPhase;
  approvalId?: string;
  /** The tool call that waits. */
  callId?: string;
  /** The command asked for; redacted before display. */
  command?: string;
  reason?: string;
}

export type PlanStepStatus = "pending" | "in_progress" | "completed";

/** The run's plan replaced as a whole; `steps: []` clears it. */
export interface PlanEvent extends EventBase {
  type: "plan";
  steps: { step: string; status: PlanStepStatus }[];
}

export type RunOutcome = "ok" | "error" | "aborted";

export interface RunEndEvent extends EventBase {
  type: "run_end";
  outcome: RunOutcome;
  error?: string;
}

/** A transcript or file changed. Content only: never an activation. */
export interface TranscriptChangedEvent extends EventBase {
  type: "transcript_changed";
}

export type LiveEvent =
  | RouteEvent
  | RunStartEvent
  | ThinkingEvent
  | TextEvent
  | ToolStartEvent
  | ToolEndEvent
  | UsageEvent
  | SubagentStartEvent
  | SubagentEndEvent
  | ApprovalEvent
  | PlanEvent
  | RunEndEvent
  | TranscriptChangedEvent;

export type LiveEventType = LiveEvent["type"];

export const LIVE_EVENT_TYPES: readonly LiveEventType[] = [
  "route",
  "run_start",
  "thinking",
  "text",
  "tool_start",
  "tool_end",
  "usage",
  "subagent_start",
  "subagent_end",
  "approval",
  "plan",
  "run_end",
  "transcript_changed",
];

/** Events that only change what a box shows. */
export type ContentEvent =
  | ThinkingEvent
  | TextEvent
  | ToolStartEvent
  | ToolEndEvent
  | UsageEvent
  | SubagentStartEvent
  | SubagentEndEvent
  | ApprovalEvent
  | PlanEvent;
