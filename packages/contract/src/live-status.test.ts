import { describe, expect, it } from "vitest";
import {
  BOX_STATES,
  FINAL_BOX_STATES,
  LIVE_STATUS_POST_TYPE,
  type LiveStatusV1,
  PLAN_STEP_STATES,
} from "./live-status.ts";

describe("wire contract", () => {
  it("uses a post type Mattermost accepts for custom posts", () => {
    expect(LIVE_STATUS_POST_TYPE.startsWith("custom_")).toBe(true);
  });

  it("lists every final state as a box state", () => {
    for (const s of FINAL_BOX_STATES) expect(BOX_STATES).toContain(s);
    expect(FINAL_BOX_STATES).not.toContain("running");
  });
});

describe("control props", () => {
  it("are optional, so a status without them is still a whole status", () => {
    const minimal: LiveStatusV1 = {
      v: 1,
      session: "s",
      state: "running",
      startedAt: 1,
      thinking: false,
      tools: [],
      toolsOmitted: 0,
      subagents: [],
      tokens: { input: 0, output: 0 },
    };
    expect(minimal.waiting ?? minimal.plan ?? minimal.approvalNotice).toBeUndefined();
    expect(PLAN_STEP_STATES).toEqual(["pending", "in_progress", "completed"]);
  });
});
