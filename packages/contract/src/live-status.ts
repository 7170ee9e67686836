/**
 * The wire contract of a status box: the Mattermost post type and the versioned
 * `props.live_status` object. The gateway plugin writes it; the webapp plugin reads it.
 * Everything here is plain JSON so it survives Mattermost's props round-trip unchanged.
 */

/** Mattermost only accepts custom post types that start with `custom_`. */
export const LIVE_STATUS_POST_TYPE = "custom_live_status";

/** Key under `post.props` that holds {@link LiveStatusV1}. */
export const LIVE_STATUS_PROPS_KEY = "live_status";

export const BOX_STATES = ["running", "done", "error", "aborted", "interrupted"] as const;
export type BoxState = (typeof BOX_STATES)[number];

export const FINAL_BOX_STATES = ["done", "error", "aborted", "interrupted"] as const;
export type FinalBoxState = (typeof FINAL_BOX_STATES)[number];

export type ToolState = "running" | "ok" | "error";

export interface ToolCallV1 {
  callId: string;
  name: string;
  /** Short, redacted summary of the arguments; absent when tool arguments are hidden. */
  args?: string;
  state: ToolState;
  startedAt: number;
  endedAt?: number;
  /** Short, redacted error text for a failed call. */
  error?: string;
}

export type SubagentState = "running" | "done" | "error" | "aborted";

export interface SubagentV1 {
  /** The child session key, e.g. `agent:main:subagent:<uuid>`. */
  child: string;
  label?: string;
  state: SubagentState;
  startedAt: number;
  endedAt?: number;
  /** Tool calls the sub-agent made so far. */
  toolCount: number;
  /** Name of the tool it is running right now, if any. */
  currentTool?: string;
}

export const PLAN_STEP_STATES = ["pending", "in_progress", "completed"] as const;
export type PlanStepState = (typeof PLAN_STEP_STATES)[number];

/** One step of the run's latest plan (OpenClaw's `progress_card` / `update_plan`). */
export interface PlanStepV1 {
  step: string;
  status: PlanStepState;
}

/**
 * What a running box waits for. Today only an exec approval: people answer it with
 * `@<bot> /approve <first 8 characters of approvalId> allow-once|allow-always|deny` in the same conversation.
 */
export interface WaitingV1 {
  kind: "approval";
  approvalId: string;
  /** The command that waits, redacted like any tool argument; absent when arguments are hidden. */
  command?: string;
  /** The tool call that waits (a `tools[].callId`). */
  callId?: string;
}

export const APPROVAL_NOTICE_STATES = ["unavailable", "denied", "failed"] as const;
export type ApprovalNoticeState = (typeof APPROVAL_NOTICE_STATES)[number];

/** An approval that could not be asked for, or was refused: shown until the run ends. */
export interface ApprovalNoticeV1 {
  status: ApprovalNoticeState;
  command?: string;
  /** Short, redacted reason. */
  reason?: string;
}

export interface LiveStatusV1 {
  v: 1;
  /** OpenClaw session key the box belongs to. */
  session: string;
  /** Agent id parsed from the session key (`agent:<id>:…`), when it has one. */
  agent?: string;
  state: BoxState;
  /** Epoch ms when the run started; clients tick elapsed time from here. */
  startedAt: number;
  /** Epoch ms when the run ended; set in every final state. */
  endedAt?: number;
  /** True while the model is thinking. Thinking text is never carried. */
  thinking: boolean;
  /** Most recent tool calls, oldest first; earlier ones are counted in `toolsOmitted`. */
  tools: ToolCallV1[];
  toolsOmitted: number;
  subagents: SubagentV1[];
  tokens: { input: number; output: number };
  /** Short tail of the latest assistant text. */
  preview?: string;
  /** Short, redacted error text for `error` / `aborted` states. */
  error?: string;
  /** Set while the run waits for a person (state stays `running`); cleared when it resumes or ends. */
  waiting?: WaitingV1;
  /** The run's latest plan, in order; absent when it has none (or cleared it). */
  plan?: PlanStepV1[];
  /** The latest approval that was unavailable, denied or failed in this run. */
  approvalNotice?: ApprovalNoticeV1;
}
