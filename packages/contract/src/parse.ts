import {
  APPROVAL_NOTICE_STATES,
  type ApprovalNoticeState,
  type ApprovalNoticeV1,
  BOX_STATES,
  type BoxState,
  type LiveStatusV1,
  PLAN_STEP_STATES,
  type PlanStepState,
  type PlanStepV1,
  type SubagentState,
  type SubagentV1,
  type ToolCallV1,
  type ToolState,
  type WaitingV1,
} from "./live-status.ts";

const TOOL_STATES: readonly ToolState[] = ["running", "ok", "error"];
const SUBAGENT_STATES: readonly SubagentState[] = ["running", "done", "error", "aborted"];

type Obj = Record<string, unknown>;

/**
 * Reads `props.live_status` from a post, tolerantly: returns a clean {@link LiveStatusV1} when the
 * value is a version-1 status (an object or its JSON text) with a session, a known state and a
 * start time, otherwise `null`. Malformed tools (counted in `toolsOmitted`) and sub-agents are dropped, missing counts become
 * zero, bad optional fields are left out and unknown fields are ignored, so a client never has to
 * trust what a post carries.
 */
export function parseLiveStatus(value: unknown): LiveStatusV1 | null {
  const o = asObject(typeof value === "string" ? parseJson(value) : value);
  if (o === undefined || o.v !== 1 || typeof o.session !== "string") return null;
  if (!isOneOf(o.state, BOX_STATES) || !isTime(o.startedAt)) return null;
  const tokens = asObject(o.tokens);
  const tools = list(o.tools, parseTool);
  const unreadableTools = Array.isArray(o.tools) ? o.tools.length - tools.length : 0;
  return {
    v: 1,
    session: o.session,
    ...optional("agent", str(o.agent)),
    state: o.state as BoxState,
    startedAt: o.startedAt,
    ...optional("endedAt", time(o.endedAt)),
    thinking: o.thinking === true,
    tools,
    // A tool call that cannot be read still happened: count it rather than hide it.
    toolsOmitted: count(o.toolsOmitted) + unreadableTools,
    subagents: list(o.subagents, parseSubagent),
    tokens: { input: count(tokens?.input), output: count(tokens?.output) },
    ...optional("preview", str(o.preview)),
    ...optional("error", str(o.error)),
    ...optional("waiting", parseWaiting(o.waiting)),
    ...optional("plan", nonEmpty(list(o.plan, parsePlanStep))),
    ...optional("approvalNotice", parseApprovalNotice(o.approvalNotice)),
  };
}

function parseWaiting(v: unknown): WaitingV1 | undefined {
  const o = asObject(v);
  if (o === undefined || o.kind !== "approval") return undefined;
  const approvalId = str(o.approvalId);
  if (approvalId === undefined) return undefined;
  return {
    kind: "approval",
    approvalId,
    ...optional("command", str(o.command)),
    ...optional("callId", str(o.callId)),
  };
}

function parsePlanStep(v: unknown): PlanStepV1 | undefined {
  const o = asObject(v);
  const step = str(o?.step);
  if (o === undefined || step === undefined || !isOneOf(o.status, PLAN_STEP_STATES)) return undefined;
  return { step, status: o.status as PlanStepState };
}

function parseApprovalNotice(v: unknown): ApprovalNoticeV1 | undefined {
  const o = asObject(v);
  if (o === undefined || !isOneOf(o.status, APPROVAL_NOTICE_STATES)) return undefined;
  return {
    status: o.status as ApprovalNoticeState,
    ...optional("command", str(o.command)),
    ...optional("reason", str(o.reason)),
  };
}

function parseTool(v: unknown): ToolCallV1 | undefined {
  const o = asObject(v);
  if (o === undefined || typeof o.callId !== "string" || typeof o.name !== "string") return undefined;
  if (!isOneOf(o.state, TOOL_STATES) || !isTime(o.startedAt)) return undefined;
  return {
    callId: o.callId,
    name: o.name,
    ...optional("args", str(o.args)),
    state: o.state as ToolState,
    startedAt: o.startedAt,
    ...optional("endedAt", time(o.endedAt)),
    ...optional("error", str(o.error)),
  };
}

function parseSubagent(v: unknown): SubagentV1 | undefined {
  const o = asObject(v);
  if (o === undefined || typeof o.child !== "string") return undefined;
  if (!isOneOf(o.state, SUBAGENT_STATES) || !isTime(o.startedAt)) return undefined;
  return {
    child: o.child,
    ...optional("label", str(o.label)),
    state: o.state as SubagentState,
    startedAt: o.startedAt,
    ...optional("endedAt", time(o.endedAt)),
    toolCount: count(o.toolCount),
    ...optional("currentTool", str(o.currentTool)),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asObject(v: unknown): Obj | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function isOneOf<T extends string>(v: unknown, options: readonly T[]): v is T {
  return typeof v === "string" && (options as readonly string[]).includes(v);
}

function isTime(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

function time(v: unknown): number | undefined {
  return isTime(v) ? v : undefined;
}

/** Optional text: blank counts as absent. */
function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

function list<T>(v: unknown, parse: (item: unknown) => T | undefined): T[] {
  if (!Array.isArray(v)) return [];
  const out: T[] = [];
  for (const item of v) {
    const parsed = parse(item);
    if (parsed !== undefined) out.push(parsed);
  }
  return out;
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

function optional<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}
