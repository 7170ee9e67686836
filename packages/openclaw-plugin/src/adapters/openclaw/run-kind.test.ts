import { describe, expect, it } from "vitest";
import { announcesChild, isAnnounceRun, triggerKind } from "./run-kind.ts";

describe("triggerKind", () => {
  it.each([
    ["user", "r", "agent:main:main", "user"],
    ["heartbeat", "r", "agent:main:main", "heartbeat"],
    ["cron", "r", "agent:main:cron:j:run:s", "cron"],
    ["memory", "r", "agent:main:main", "memory"],
    ["overflow", "r", "agent:main:main", "compaction"],
    ["manual", "r", "agent:main:main", "other"],
    [undefined, "r", "agent:main:main", undefined],
    ["user", "r", "agent:main:subagent:u", "subagent"],
    ["user", "announce:v1:agent:main:subagent:u:r", "agent:main:main", "subagent"],
  ] as const)("maps trigger %s (run %s, session %s) to %s", (trigger, runId, session, kind) => {
    expect(triggerKind(trigger, runId, session)).toBe(kind);
  });
});

describe("announce runs", () => {
  const run = "announce:v1:agent:main:subagent:u1:child-run";

  it("recognizes an announce run by its runId prefix only", () => {
    expect(isAnnounceRun(run)).toBe(true);
    expect(isAnnounceRun("run-announce:x")).toBe(false);
  });

  it("names the child whose end it reports, and no other", () => {
    expect(announcesChild(run, "agent:main:subagent:u1")).toBe(true);
    expect(announcesChild(run, "agent:main:subagent:u2")).toBe(false);
    expect(announcesChild("run:agent:main:subagent:u1:x", "agent:main:subagent:u1")).toBe(false);
  });
});
