import { describe, expect, it } from "vitest";
import {
  type RunEventBase,
  runEndEvent,
  textEvent,
  thinkingEvent,
  toolEvent,
  usageEvent,
} from "./stream-events.ts";

const base: RunEventBase = { v: 1, ts: 1_000, session: "agent:main:main", runId: "r1" };

describe("toolEvent", () => {
  it("maps a tool start to its call id, name and arguments", () => {
    expect(
      toolEvent({ phase: "start", toolCallId: "c1", name: "exec", args: { command: "ls" } }, base),
    ).toEqual({ ...base, type: "tool_start", callId: "c1", name: "exec", args: { command: "ls" } });
  });

  it("names a tool start without a name `tool` and leaves absent arguments out", () => {
    const e = toolEvent({ phase: "start" }, base);
    expect(e).toEqual({ ...base, type: "tool_start", callId: "", name: "tool" });
    expect(e).not.toHaveProperty("args");
  });

  it("maps a result to an ok end unless the gateway marks it an error", () => {
    expect(toolEvent({ phase: "result", toolCallId: "c1", isError: false }, base)).toEqual({
      ...base,
      type: "tool_end",
      callId: "c1",
      ok: true,
    });
  });

  it("keeps the first 300 characters of a failed call's error", () => {
    const e = toolEvent({ phase: "result", toolCallId: "c1", isError: true, error: "x".repeat(400) }, base);
    expect(e).toMatchObject({ type: "tool_end", ok: false });
    expect(e.type === "tool_end" && e.error).toBe("x".repeat(300));
  });

  it("takes a failed call's error from the first text of its result when it has no error field", () => {
    const result = { content: [{ type: "image" }, { type: "text", text: "exit code 2" }] };
    expect(toolEvent({ phase: "result", isError: true, result }, base)).toMatchObject({
      ok: false,
      error: "exit code 2",
    });
    const silent = toolEvent({ phase: "result", isError: true, result: { content: [] } }, base);
    expect(silent).not.toHaveProperty("error");
  });

  it("ignores the result text of a call that succeeded", () => {
    const result = { content: [{ type: "text", text: "fine" }] };
    expect(toolEvent({ phase: "result", result, error: "stale" }, base)).not.toHaveProperty("error");
  });
});

describe("textEvent and thinkingEvent", () => {
  it("passes the assistant's cumulative text on, empty text included", () => {
    expect(textEvent({ text: "Hello" }, base)).toEqual({ ...base, type: "text", text: "Hello" });
    expect(textEvent({ text: "" }, base)).toEqual({ ...base, type: "text", text: "" });
  });

  it("yields nothing for an assistant event without text", () => {
    expect(textEvent({ delta: "He" }, base)).toBeUndefined();
    expect(textEvent({ text: 3 }, base)).toBeUndefined();
  });

  it("shows thinking as a state without its text", () => {
    expect(thinkingEvent(base)).toEqual({ ...base, type: "thinking" });
  });
});

describe("usageEvent", () => {
  it("turns cumulative counts into increments and returns the new totals", () => {
    const first = usageEvent({ inputTokens: 100, outputTokens: 30 }, base);
    expect(first?.event).toEqual({ ...base, type: "usage", input: 100, output: 30 });
    const second = usageEvent({ inputTokens: 150, outputTokens: 50 }, base, first?.totals);
    expect(second?.event).toMatchObject({ input: 50, output: 20 });
    expect(second?.totals).toEqual({ input: 150, output: 50 });
  });

  it("reads the short field names too, and keeps the total of a count not reported", () => {
    const u = usageEvent({ output: 40 }, base, { input: 100, output: 30 });
    expect(u?.event).toMatchObject({ input: undefined, output: 10 });
    expect(u?.totals).toEqual({ input: 100, output: 40 });
  });

  it("takes a count below the last one as a fresh increment", () => {
    expect(usageEvent({ outputTokens: 5 }, base, { input: 0, output: 90 })?.event).toMatchObject({
      output: 5,
    });
  });

  it("yields nothing for a payload that counts nothing readable", () => {
    expect(usageEvent({}, base)).toBeUndefined();
    expect(usageEvent({ outputTokens: Number.NaN, input: "12" }, base)).toBeUndefined();
  });
});

describe("runEndEvent", () => {
  it.each([
    [{ phase: "end" }, { outcome: "ok" }],
    [{ phase: "end", stopReason: "error" }, { outcome: "error" }],
    [
      { phase: "error", error: "LLM request failed" },
      { outcome: "error", error: "LLM request failed" },
    ],
    [{ phase: "error" }, { outcome: "error" }],
    [{ phase: "end", aborted: true, error: "stopped" }, { outcome: "aborted" }],
    [{ phase: "error", stopReason: "aborted" }, { outcome: "aborted" }],
    [{ phase: "end", error: "ignored on success" }, { outcome: "ok" }],
  ])("ends %j as %j", (data, expected) => {
    expect(runEndEvent(data, base)).toEqual({ ...base, type: "run_end", ...expected });
  });
});
