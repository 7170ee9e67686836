import { describe, expect, it } from "vitest";
import { BOX_STATES, FINAL_BOX_STATES, LIVE_STATUS_POST_TYPE } from "./live-status.ts";

describe("wire contract", () => {
  it("uses a post type Mattermost accepts for custom posts", () => {
    expect(LIVE_STATUS_POST_TYPE.startsWith("custom_")).toBe(true);
  });

  it("lists every final state as a box state", () => {
    for (const s of FINAL_BOX_STATES) expect(BOX_STATES).toContain(s);
    expect(FINAL_BOX_STATES).not.toContain("running");
  });
});
