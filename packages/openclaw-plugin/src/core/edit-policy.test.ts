import type { LiveStatusV1, SubagentV1, ToolCallV1 } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_EDIT_POLICY,
  intervalMs,
  type Notice,
  type NoticeRule,
  noticeOf,
  writeDueAt,
} from "./edit-policy.ts";
import { startStatus } from "./status-model.ts";

const T0 = 1_767_000_000_000;
const base = startStatus("agent:main:mattermost:channel:c1", T0);

const tool = (callId: string, state: ToolCallV1["state"] = "running"): ToolCallV1 => ({
  callId,
  name: "exec",
  args: "ls",
  state,
  startedAt: T0,
  ...(state !== "running" && { endedAt: T0 + 10 }),
});
const sub = (child: string, extra: Partial<SubagentV1> = {}): SubagentV1 => ({
  child,
  state: "running",
  startedAt: T0,
  toolCount: 0,
  ...extra,
});
const withTools = (...tools: ToolCallV1[]): LiveStatusV1 => ({ ...base, tools });
const withSubs = (...subagents: SubagentV1[]): LiveStatusV1 => ({ ...base, subagents });

const CHANGES: Array<[string, LiveStatusV1, LiveStatusV1, Notice]> = [
  ["nothing", base, { ...base }, "same"],
  ["a tool started", base, withTools(tool("a")), "prompt"],
  [
    "a tool started after older ones were dropped",
    { ...withTools(tool("a")), toolsOmitted: 3 },
    { ...withTools(tool("b")), toolsOmitted: 4 },
    "prompt",
  ],
  ["a tool failed", withTools(tool("a")), withTools(tool("a", "error")), "prompt"],
  ["a tool ended fine", withTools(tool("a")), withTools(tool("a", "ok")), "notable"],
  ["the state changed", base, { ...base, state: "done", endedAt: T0 + 5 }, "prompt"],
  ["an error appeared", base, { ...base, error: "boom" }, "prompt"],
  ["a sub-agent started", base, withSubs(sub("s1")), "prompt"],
  [
    "a sub-agent failed",
    withSubs(sub("s1")),
    withSubs(sub("s1", { state: "error", endedAt: T0 + 9 })),
    "prompt",
  ],
  [
    "a sub-agent ended fine",
    withSubs(sub("s1")),
    withSubs(sub("s1", { state: "done", endedAt: T0 + 9 })),
    "notable",
  ],
  [
    "a sub-agent began another tool",
    withSubs(sub("s1")),
    withSubs(sub("s1", { currentTool: "read", toolCount: 1 })),
    "notable",
  ],
  ["only the tokens", base, { ...base, tokens: { input: 10, output: 20 } }, "minor"],
  ["only the preview", base, { ...base, preview: "Let me check" }, "minor"],
  ["only thinking", base, { ...base, thinking: true }, "minor"],
  ["a field no rule names", base, { ...base, agent: "other" }, "minor"],
  [
    "tokens and a tool start together",
    base,
    { ...withTools(tool("a")), tokens: { input: 1, output: 1 } },
    "prompt",
  ],
  [
    "tokens and a tool end together",
    withTools(tool("a")),
    { ...withTools(tool("a", "ok")), tokens: { input: 1, output: 1 } },
    "notable",
  ],
];

describe("what a person notices", () => {
  it.each(CHANGES)("%s is %s", (_name, shown, next, notice) => {
    expect(noticeOf(shown, next)).toBe(notice);
  });

  it("treats a box that shows nothing yet as a prompt change", () => {
    expect(noticeOf(undefined, base)).toBe("prompt");
  });

  it("takes a new aspect from one more rule", () => {
    const thinking: NoticeRule = (a, b) => (a.thinking !== b.thinking ? "prompt" : "same");
    const next: LiveStatusV1 = { ...base, thinking: !base.thinking };
    expect(noticeOf(base, next)).toBe("minor");
    expect(noticeOf(base, next, [thinking])).toBe("prompt");
  });

  it("shows at once that an approval waits, that it was answered, and that the plan moved", () => {
    const waiting: LiveStatusV1 = {
      ...base,
      waiting: { kind: "approval", approvalId: "a1b2c3d4e5", command: "rm -rf build" },
    };
    expect(noticeOf(base, waiting)).toBe("prompt");
    expect(noticeOf(waiting, base)).toBe("prompt");
    const planned: LiveStatusV1 = { ...base, plan: [{ step: "build", status: "in_progress" }] };
    expect(noticeOf(base, planned)).toBe("prompt");
  });
});

describe("when a change a person must see soon is shown", () => {
  // now = T0 + age; the tool started `startedAgo` before now; the last write was `lastAgo` before now.
  const due = (age: number, startedAgo: number, lastAgo: number, backlogMs = 0) => {
    const now = T0 + age;
    const next = withTools({ ...tool("a"), startedAt: now - startedAgo });
    return writeDueAt({ shown: base, next, lastWriteAt: now - lastAgo, now, backlogMs }) - now;
  };

  it.each([
    // [turn age, tool started ago, last write ago, due after now, why]
    [0, 0, 0, 1_200, "a tool start waits its lag, 1.2 s early in a turn"],
    [10_000, 0, 10_000, 1_283, "the lag grows with the turn's age"],
    [600_000, 0, 30_000, 2_500, "up to 2.5 s in long turns"],
    [30_000, 1_000, 5_000, 450, "counted from the tool's own start"],
    [30_000, 5_000, 200, 800, "but never sooner than 1 s after the last write"],
  ])(
    "at age %i ms, a tool started %i ms ago, last write %i ms ago: due in %i ms (%s)",
    (age, started, last, after) => {
      expect(due(age, started, last)).toBe(after);
    },
  );

  it("lets tools that start within the lag share one write", () => {
    const now = T0 + 20_000;
    const first = { ...tool("a"), startedAt: now - 1_200 };
    const second = { ...tool("b"), startedAt: now };
    const dueAt = writeDueAt({
      shown: base,
      next: withTools(first, second),
      lastWriteAt: now - 5_000,
      now,
      backlogMs: 0,
    });
    expect(dueAt).toBe(first.startedAt + 1_367);
  });

  it("counts a failure from when the tool failed", () => {
    const now = T0 + 30_000;
    const failed = { ...tool("a", "error"), endedAt: now - 300 };
    const dueAt = writeDueAt({
      shown: withTools(tool("a")),
      next: withTools(failed),
      lastWriteAt: now - 10_000,
      now,
      backlogMs: 0,
    });
    expect(dueAt).toBe(now - 300 + 1_450);
  });

  it("stretches the lag and the gap with the budget backlog", () => {
    expect(due(0, 0, 0, 5_000)).toBe(2_400);
  });
});

describe("when the next edit is due", () => {
  const at = (ageMs: number, shown: LiveStatusV1, next: LiveStatusV1, backlogMs = 0, lastAgo = 0) => {
    const now = T0 + ageMs;
    return writeDueAt({ shown, next, lastWriteAt: now - lastAgo, now, backlogMs }) - (now - lastAgo);
  };
  const started = withTools(tool("a"));
  const ended = withTools(tool("a", "ok"));
  const tokens = { ...base, tokens: { input: 0, output: 5 } };

  it.each([
    // [turn age, change, wait after the last write]
    [0, "a tool end", started, ended, 2_000],
    [20_000, "a tool end", started, ended, 5_000],
    [60_000, "a tool end", started, ended, 11_000],
    [600_000, "a tool end", started, ended, 15_000],
    [0, "tokens only", base, tokens, 30_000],
    [600_000, "tokens only", base, tokens, 30_000],
  ] as const)("at age %i ms, after %s, waits %i ms", (age, _what, shown, next, wait) => {
    expect(at(age, shown, next)).toBe(wait);
  });

  it("writes an unchanged state at once, so the publisher can see it is unchanged and skip it", () => {
    expect(at(10_000, base, { ...base })).toBe(0);
  });

  it("stretches every interval with the budget backlog, up to the maximum", () => {
    expect(at(0, started, ended, 5_000)).toBe(4_000);
    expect(at(0, started, ended, 10_000)).toBe(6_000);
    expect(at(0, started, ended, 10 * 60_000)).toBe(2_000 * DEFAULT_EDIT_POLICY.maxStretch);
  });

  it("never names elapsed time as a reason: the same state is due at the same time however old the turn is", () => {
    const now = T0 + 120_000;
    expect(writeDueAt({ shown: base, next: { ...base }, lastWriteAt: T0, now, backlogMs: 0 })).toBe(T0);
  });

  it("reads a negative age or backlog as zero", () => {
    expect(intervalMs(DEFAULT_EDIT_POLICY.notable, -5_000, -1, DEFAULT_EDIT_POLICY)).toBe(2_000);
    expect(intervalMs(DEFAULT_EDIT_POLICY.notable, Number.NaN, Number.NaN, DEFAULT_EDIT_POLICY)).toBe(2_000);
  });
});
