import {
  BOX_STATES,
  type BoxState,
  type LiveStatusV1,
  type SubagentState,
  type SubagentV1,
  type ToolCallV1,
  type ToolState,
} from "@live-status/contract";

/** Outcome of reading `post.props`: the status, or a reason a person can read. */
export type ReadResult = { ok: true; status: LiveStatusV1 } | { ok: false; reason: string };

// The contract names these states only as types, so the guard lists them here.
const TOOL_STATES: readonly string[] = ["running", "ok", "error"];
const SUBAGENT_STATES: readonly string[] = ["running", "done", "error", "aborted"];

/**
 * Reads `post.props.live_status` tolerantly. The fields the box cannot be drawn without
 * (`v`, `state`, `startedAt`) must be valid, otherwise the result says why in plain words.
 * Everything else degrades: missing lists become empty, malformed tool calls are dropped and
 * counted in `toolsOmitted`, malformed sub-agents are dropped, unknown extra fields are ignored.
 * Stands in for a contract-level `parseLiveStatus` until the contract ships one.
 */
export function readLiveStatus(postProps: unknown): ReadResult {
  if (!isRecord(postProps)) return fail("The post carries no properties.");
  const raw = postProps.live_status;
  if (raw === undefined || raw === null) return fail("The post carries no live status data.");
  if (!isRecord(raw)) return fail("The live status data is not an object.");
  if (raw.v !== 1) {
    if (typeof raw.v === "number" && raw.v > 1) {
      return fail(`It was written by a newer Live Status (format v${raw.v}); update the webapp plugin.`);
    }
    return fail("The live status data has an unknown format version.");
  }
  if (typeof raw.state !== "string" || !(BOX_STATES as readonly string[]).includes(raw.state)) {
    return fail(`The live status has an unknown state (${clip(String(raw.state), 20)}).`);
  }
  if (!isTime(raw.startedAt)) return fail("The live status has no valid start time.");

  const rawTools = Array.isArray(raw.tools) ? raw.tools : [];
  const tools = rawTools.map(readTool).filter((t) => t !== undefined);
  const subagents = (Array.isArray(raw.subagents) ? raw.subagents : [])
    .map(readSubagent)
    .filter((s) => s !== undefined);
  const tokens = isRecord(raw.tokens) ? raw.tokens : {};

  const status: LiveStatusV1 = {
    v: 1,
    session: typeof raw.session === "string" ? raw.session : "",
    state: raw.state as BoxState,
    startedAt: raw.startedAt,
    thinking: raw.thinking === true,
    tools,
    toolsOmitted: count(raw.toolsOmitted) + (rawTools.length - tools.length),
    subagents,
    tokens: { input: count(tokens.input), output: count(tokens.output) },
  };
  if (typeof raw.agent === "string" && raw.agent !== "") status.agent = raw.agent;
  if (isTime(raw.endedAt)) status.endedAt = raw.endedAt;
  if (typeof raw.preview === "string" && raw.preview.trim() !== "") status.preview = raw.preview;
  if (typeof raw.error === "string" && raw.error.trim() !== "") status.error = raw.error;
  return { ok: true, status };
}

function readTool(raw: unknown, index: number): ToolCallV1 | undefined {
  if (!isRecord(raw) || typeof raw.name !== "string" || raw.name === "") return undefined;
  if (typeof raw.state !== "string" || !TOOL_STATES.includes(raw.state)) return undefined;
  if (!isTime(raw.startedAt)) return undefined;
  const tool: ToolCallV1 = {
    callId: typeof raw.callId === "string" && raw.callId !== "" ? raw.callId : `#${index}`,
    name: raw.name,
    state: raw.state as ToolState,
    startedAt: raw.startedAt,
  };
  if (typeof raw.args === "string" && raw.args !== "") tool.args = raw.args;
  if (isTime(raw.endedAt)) tool.endedAt = raw.endedAt;
  if (typeof raw.error === "string" && raw.error !== "") tool.error = raw.error;
  return tool;
}

function readSubagent(raw: unknown): SubagentV1 | undefined {
  if (!isRecord(raw) || typeof raw.child !== "string" || raw.child === "") return undefined;
  if (typeof raw.state !== "string" || !SUBAGENT_STATES.includes(raw.state)) return undefined;
  if (!isTime(raw.startedAt)) return undefined;
  const sub: SubagentV1 = {
    child: raw.child,
    state: raw.state as SubagentState,
    startedAt: raw.startedAt,
    toolCount: count(raw.toolCount),
  };
  if (typeof raw.label === "string" && raw.label !== "") sub.label = raw.label;
  if (isTime(raw.endedAt)) sub.endedAt = raw.endedAt;
  if (typeof raw.currentTool === "string" && raw.currentTool !== "") sub.currentTool = raw.currentTool;
  return sub;
}

function fail(reason: string): ReadResult {
  return { ok: false, reason };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isTime(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x) && x >= 0;
}

function count(x: unknown): number {
  return typeof x === "number" && Number.isFinite(x) && x > 0 ? Math.floor(x) : 0;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
