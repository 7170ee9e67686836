import type { LiveStatusV1 } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import { MATTERMOST_MAX_MESSAGE, renderMessage } from "./render.ts";
import { MESSAGE_PLAN_LINES } from "./render-controls.ts";
import { startStatus } from "./status-model.ts";
import { codePointLength } from "./text.ts";

const T0 = 1_000_000;
const base = startStatus("agent:main:mattermost:channel:chan1", T0);
const waiting: LiveStatusV1 = {
  ...base,
  tools: [{ callId: "c1", name: "exec", args: "npm publish", state: "running", startedAt: T0 }],
  waiting: { kind: "approval", approvalId: "a1b2c3d4-e5f6-7788", command: "npm publish", callId: "c1" },
};

describe("markdown for what waits", () => {
  it("says what waits and how to answer it, with the bot's name and the short id", () => {
    const lines = renderMessage(waiting, undefined, { botUsername: "livebot" }).split("\n");
    expect(lines[1]).toBe("⏸️ **Waiting for approval:** `npm publish`");
    expect(lines[2]).toBe("Answer here: `@livebot /approve a1b2c3d4 allow-once` (or `allow-always`, `deny`)");
  });

  it("still says how to answer when the bot's name or the command is unknown", () => {
    const { command: _, ...anonymous } = waiting.waiting ?? { kind: "approval", approvalId: "" };
    const text = renderMessage({ ...waiting, waiting: anonymous });
    expect(text).toContain("⏸️ **Waiting for approval:** a command");
    expect(text).toContain("`/approve a1b2c3d4 allow-once`");
  });

  it("never puts a name that could break the line into the hint", () => {
    expect(renderMessage(waiting, undefined, { botUsername: "x` @all" })).toContain(
      "`/approve a1b2c3d4 allow-once`",
    );
  });

  it("drops the hint once the box is final", () => {
    const text = renderMessage({ ...waiting, state: "done", endedAt: T0 + 1 }, undefined, {
      botUsername: "b",
    });
    expect(text).not.toContain("approve");
  });

  it("notes an approval that was unavailable or denied while the run goes on", () => {
    const unavailable = renderMessage({
      ...base,
      approvalNotice: { status: "unavailable", command: "rm -rf build", reason: "no approver for @channel" },
    });
    expect(unavailable).toContain(
      "🚫 Approval could not be requested for `rm -rf build` — no approver for @\u2060channel",
    );
    expect(renderMessage({ ...base, approvalNotice: { status: "denied" } })).toContain("🚫 Approval denied");
  });
});

describe("markdown for stopping", () => {
  it("ends a running box with how to stop it: the message stop, the bot mentioned, in this conversation", () => {
    const lines = renderMessage(waiting, undefined, { botUsername: "livebot" }).split("\n");
    expect(lines.slice(-2)).toEqual(["", "To stop it, send `@livebot stop` here"]);
  });

  it("says a bare stop when the bot's name is unknown or could break the line", () => {
    expect(renderMessage(base).split("\n").at(-1)).toBe("To stop it, send `stop` here");
    expect(renderMessage(base, undefined, { botUsername: "x` @all" }).split("\n").at(-1)).toBe(
      "To stop it, send `stop` here",
    );
  });

  it.each(["done", "error", "aborted", "interrupted"] as const)("has no stop hint on a %s box", (state) => {
    const text = renderMessage({ ...waiting, state, endedAt: T0 + 1 }, undefined, { botUsername: "livebot" });
    expect(text).not.toContain("stop");
  });

  it("keeps the hint under Mattermost's limit whatever else the box holds", () => {
    const tools = Array.from({ length: 200 }, (_, i) => ({
      callId: `c${i}`,
      name: "exec",
      args: "z".repeat(2_000),
      state: "running" as const,
      startedAt: T0,
    }));
    const text = renderMessage(
      { ...base, tools, preview: "p".repeat(5_000), error: "e".repeat(5_000) },
      undefined,
      {
        botUsername: "livebot",
      },
    );
    expect(codePointLength(text)).toBeLessThan(MATTERMOST_MAX_MESSAGE);
    expect(text.endsWith("To stop it, send `@livebot stop` here")).toBe(true);
  });
});

describe("markdown plan", () => {
  it("draws the plan as a compact checklist with a count", () => {
    const text = renderMessage({
      ...base,
      plan: [
        { step: "Read the *notes*", status: "completed" },
        { step: "Fix it", status: "in_progress" },
        { step: "Test", status: "pending" },
      ],
    });
    expect(text.split("\n").slice(1, 5)).toEqual([
      "**Plan** (1/3 done)",
      "- ✅ Read the \\*notes\\*",
      "- ▶️ Fix it",
      "- ⬜ Test",
    ]);
  });

  it("shows the first steps of a long plan and counts the rest, under Mattermost's limit", () => {
    const plan = Array.from({ length: 50 }, (_, i) => ({
      step: `${i} ${"y".repeat(600)}`,
      status: "pending" as const,
    }));
    const text = renderMessage({ ...waiting, plan });
    expect(text).toContain(`- … and ${50 - MESSAGE_PLAN_LINES} more`);
    expect(codePointLength(text)).toBeLessThan(MATTERMOST_MAX_MESSAGE);
  });
});
