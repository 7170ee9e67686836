import { describe, expect, it } from "vitest";
import type { LiveStatusV1 } from "./live-status.ts";
import { parseLiveStatus } from "./parse.ts";

const full: LiveStatusV1 = {
  v: 1,
  session: "agent:main:main",
  agent: "main",
  state: "done",
  startedAt: 1000,
  endedAt: 5000,
  thinking: false,
  tools: [
    { callId: "c1", name: "exec", args: "ls", state: "ok", startedAt: 1100, endedAt: 1200 },
    { callId: "c2", name: "read", state: "error", startedAt: 1300, endedAt: 1400, error: "ENOENT" },
  ],
  toolsOmitted: 3,
  subagents: [
    {
      child: "agent:main:subagent:x",
      label: "r",
      state: "done",
      startedAt: 1500,
      endedAt: 1600,
      toolCount: 2,
    },
  ],
  tokens: { input: 10, output: 20 },
  preview: "hi",
  error: "none",
};

describe("parseLiveStatus", () => {
  it("returns a valid status unchanged", () => {
    expect(parseLiveStatus(full)).toEqual(full);
  });

  it("reads a status stored as JSON text", () => {
    expect(parseLiveStatus(JSON.stringify(full))).toEqual(full);
  });

  it.each([
    ["null", null],
    ["a number", 3],
    ["an array", [full]],
    ["bad JSON", "{nope"],
    ["another version", { ...full, v: 2 }],
    ["no session", { ...full, session: undefined }],
    ["an unknown state", { ...full, state: "sleeping" }],
    ["no start time", { ...full, startedAt: "yesterday" }],
    ["a non-finite start time", { ...full, startedAt: Number.NaN }],
  ])("rejects %s", (_name, value) => {
    expect(parseLiveStatus(value)).toBeNull();
  });

  it("fills in missing collections and counts", () => {
    expect(parseLiveStatus({ v: 1, session: "s", state: "running", startedAt: 1 })).toEqual({
      v: 1,
      session: "s",
      state: "running",
      startedAt: 1,
      thinking: false,
      tools: [],
      toolsOmitted: 0,
      subagents: [],
      tokens: { input: 0, output: 0 },
    });
  });

  it("drops malformed tools and sub-agents and bad optional fields", () => {
    const parsed = parseLiveStatus({
      ...full,
      agent: 7,
      endedAt: "later",
      tools: [full.tools[0], { callId: "x", name: "y", state: "weird", startedAt: 1 }, null, "tool"],
      subagents: [{ child: "c", state: "done", startedAt: 1, toolCount: -4, label: {} }, { state: "done" }],
      toolsOmitted: -1,
      tokens: { input: "5", output: 2.7 },
      preview: ["x"],
      extra: "ignored",
    });
    expect(parsed).toEqual({
      ...full,
      agent: undefined,
      endedAt: undefined,
      tools: [full.tools[0]],
      subagents: [{ child: "c", state: "done", startedAt: 1, toolCount: 0 }],
      toolsOmitted: 3,
      tokens: { input: 0, output: 2 },
      preview: undefined,
    });
    expect(parsed).not.toHaveProperty("agent");
    expect(parsed).not.toHaveProperty("extra");
  });
});

describe("parseLiveStatus: controls", () => {
  const running: LiveStatusV1 = { ...full, state: "running", endedAt: undefined, error: undefined };
  const base = JSON.parse(JSON.stringify(running)) as LiveStatusV1;

  it("keeps what waits, the plan and an approval notice", () => {
    const value = {
      ...base,
      waiting: { kind: "approval", approvalId: "a1b2c3d4-0000", command: "rm -rf build" },
      plan: [
        { step: "Read", status: "completed" },
        { step: "Fix", status: "in_progress" },
        { step: "Test", status: "pending" },
      ],
      approvalNotice: { status: "denied", command: "curl x", reason: "refused" },
    };
    expect(parseLiveStatus(value)).toEqual(value);
  });

  it.each([
    ["another kind", { kind: "question", approvalId: "a" }],
    ["no id", { kind: "approval" }],
    ["a blank id", { kind: "approval", approvalId: " " }],
    ["a string", "approval"],
  ])("drops a waiting with %s", (_name, waiting) => {
    expect(parseLiveStatus({ ...base, waiting })).not.toHaveProperty("waiting");
  });

  it("drops unreadable plan steps, and a plan with none left", () => {
    const plan = [
      { step: "A", status: "done" },
      { step: "", status: "pending" },
      { step: "B", status: "pending" },
      4,
    ];
    expect(parseLiveStatus({ ...base, plan })?.plan).toEqual([{ step: "B", status: "pending" }]);
    expect(parseLiveStatus({ ...base, plan: [{ step: "A", status: "later" }] })).not.toHaveProperty("plan");
    expect(parseLiveStatus({ ...base, plan: "1. A" })).not.toHaveProperty("plan");
  });

  it("drops an approval notice with an unknown status", () => {
    expect(parseLiveStatus({ ...base, approvalNotice: { status: "maybe" } })).not.toHaveProperty(
      "approvalNotice",
    );
  });
});
