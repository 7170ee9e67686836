/**
 * The agent-event streams Live Status reads, and what one event of them is to a run. The list is
 * both the subscription filter (signals.ts) and the mapper's: the host skips every other stream
 * (`run_status`, `item`, `command_output`, …) before it reaches us.
 */
import type { OcAgentEvent } from "./payloads.ts";

/** Streams we turn into events (and subscribe to). */
export const AGENT_EVENT_STREAMS: readonly string[] = [
  "lifecycle",
  "tool",
  "assistant",
  "thinking",
  "usage",
  "approval",
  "plan",
];
const MAPPED_STREAMS: ReadonlySet<string> = new Set(AGENT_EVENT_STREAMS);

/** Lifecycle phases that neither start nor end a run but show what it waits for. */
const APPROVAL_PHASES: ReadonlySet<string> = new Set(["waiting-approval", "approval-resolved"]);

/**
 * What an agent event means: it opens a run, closes it, marks an approval wait (lifecycle
 * `waiting-approval` / `approval-resolved`), carries content of an open run, or is of no interest
 * (other streams, other lifecycle phases, tool `update`s).
 */
export type AgentEventKind = "run_start" | "run_end" | "approval_wait" | "content" | "ignored";

export function agentEventKind(e: Pick<OcAgentEvent, "stream" | "data">): AgentEventKind {
  if (!MAPPED_STREAMS.has(e.stream)) return "ignored";
  const phase = typeof e.data.phase === "string" ? e.data.phase : undefined;
  if (e.stream === "lifecycle") {
    if (phase === "start") return "run_start";
    if (phase === "end" || phase === "error") return "run_end";
    return phase !== undefined && APPROVAL_PHASES.has(phase) ? "approval_wait" : "ignored";
  }
  if (e.stream === "tool" && phase !== "start" && phase !== "result") return "ignored";
  return "content";
}
