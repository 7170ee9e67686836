import { describe, expect, it } from "vitest";
import { approveCommand, shortApprovalId, stopCommand } from "./commands.ts";

describe("the commands people post", () => {
  it("answers an approval by the first 8 characters of its id, mentioning the bot", () => {
    expect(shortApprovalId("0123456789abcdef")).toBe("01234567");
    expect(approveCommand("0123456789abcdef", "allow-always", "livebot")).toBe(
      "@livebot /approve 01234567 allow-always",
    );
    expect(approveCommand("0123456789abcdef", "deny")).toBe("/approve 01234567 deny");
  });

  it("stops a run with OpenClaw's own abort word", () => {
    expect(stopCommand("livebot")).toBe("@livebot stop");
    expect(stopCommand()).toBe("stop");
  });
});
