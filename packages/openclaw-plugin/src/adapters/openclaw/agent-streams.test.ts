import { describe, expect, it } from "vitest";
import { AGENT_EVENT_STREAMS, type AgentEventKind, agentEventKind } from "./agent-streams.ts";

describe("agentEventKind", () => {
  it.each<[string, Record<string, unknown>, AgentEventKind]>([
    ["lifecycle", { phase: "start" }, "run_start"],
    ["lifecycle", { phase: "end" }, "run_end"],
    ["lifecycle", { phase: "error" }, "run_end"],
    ["lifecycle", { phase: "waiting-approval" }, "approval_wait"],
    ["lifecycle", { phase: "approval-resolved" }, "approval_wait"],
    ["lifecycle", { phase: "compacting" }, "ignored"],
    ["lifecycle", {}, "ignored"],
    ["tool", { phase: "start" }, "content"],
    ["tool", { phase: "result" }, "content"],
    ["tool", { phase: "update" }, "ignored"],
    ["tool", {}, "ignored"],
    ["assistant", { text: "hi" }, "content"],
    ["thinking", {}, "content"],
    ["usage", { outputTokens: 3 }, "content"],
    ["approval", { phase: "requested" }, "content"],
    ["plan", { phase: "update" }, "content"],
    ["run_status", { phase: "preparing_workspace" }, "ignored"],
    ["item", {}, "ignored"],
    ["command_output", {}, "ignored"],
  ])("reads a %s event with %j as %s", (stream, data, kind) => {
    expect(agentEventKind({ stream, data })).toBe(kind);
  });

  it("calls every stream it does not subscribe to ignored, and none it does", () => {
    for (const stream of AGENT_EVENT_STREAMS) {
      expect(agentEventKind({ stream, data: { phase: "start" } })).not.toBe("ignored");
    }
    expect(agentEventKind({ stream: "Lifecycle", data: { phase: "start" } })).toBe("ignored");
  });
});
