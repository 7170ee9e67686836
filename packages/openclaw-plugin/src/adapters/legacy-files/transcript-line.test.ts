import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { line } from "../../../test/fixtures/legacy/legacy-state.ts";
import { endOf, mapTranscriptLine, triggerOf } from "./transcript-line.ts";

const S = "agent:main:mattermost:channel:chan1";
const NOW = 1_790_000_000_000;
const map = (l: unknown) => mapTranscriptLine(typeof l === "string" ? l : JSON.stringify(l), S, NOW);
const fixture = fileURLToPath(new URL("../../../test/fixtures/legacy/channel-turn.jsonl", import.meta.url));

describe("mapTranscriptLine", () => {
  it("maps a recorded transcript turn to content in order, with the terminal line ending it", () => {
    const mapped = readFileSync(fixture, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => mapTranscriptLine(l, S, NOW));
    expect(mapped.map((m) => m.kind)).toEqual([
      "session",
      "other",
      "user",
      "assistant",
      "tool_result",
      "assistant",
      "other",
    ]);
    expect(mapped.flatMap((m) => m.content).map((e) => e.type)).toEqual([
      "thinking",
      "text",
      "tool_start",
      "usage",
      "tool_end",
      "text",
      "usage",
    ]);
    expect(mapped[3]?.end).toBeUndefined(); // toolUse is not terminal
    expect(mapped[5]?.end).toEqual({ outcome: "ok" });
    expect(mapped[2]?.ts).toBe(Date.parse("2026-06-30T09:14:02.342Z"));
  });

  it("carries tool calls with their id, name and arguments, and never the thinking text", () => {
    const m = map(
      line.assistant(
        { thinking: "secret plan", tools: [{ id: "c1", name: "read", args: { path: "a.ts" } }] },
        NOW,
      ),
    );
    expect(m.content).toContainEqual({
      v: 1,
      ts: NOW,
      session: S,
      type: "tool_start",
      callId: "c1",
      name: "read",
      args: { path: "a.ts" },
    });
    expect(m.content.find((e) => e.type === "thinking")).toEqual({
      v: 1,
      ts: NOW,
      session: S,
      type: "thinking",
    });
    expect(JSON.stringify(m)).not.toContain("secret plan");
  });

  it("turns a tool result into tool_end, failed when isError, with the error text clipped", () => {
    expect(map(line.toolResult("c1", {}, NOW)).content).toEqual([
      { v: 1, ts: NOW, session: S, type: "tool_end", callId: "c1", ok: true },
    ]);
    const failed = map(line.toolResult("c2", { ok: false, text: "x".repeat(5_000) }, NOW)).content[0];
    expect(failed).toMatchObject({ type: "tool_end", callId: "c2", ok: false });
    expect((failed as { error: string }).error.length).toBe(500);
  });

  it.each([
    ["stop", { outcome: "ok" }],
    ["length", { outcome: "ok" }],
    ["error", { outcome: "error", error: "model unavailable" }],
    ["aborted", { outcome: "aborted" }],
    ["toolUse", undefined],
    ["weird", undefined],
  ] as const)("reads stopReason %s as %j", (stop, end) => {
    expect(endOf(stop, "model unavailable")).toEqual(end);
  });

  it("says a user line is a user line and adds no lifecycle event itself", () => {
    const m = map(line.user("hello", NOW));
    expect(m).toMatchObject({ kind: "user", trigger: "user", content: [], ts: NOW });
  });

  it("reports a corrupt or truncated line with a reason that does not quote it", () => {
    const m = mapTranscriptLine(
      '{"type":"message","message":{"role":"user","content":"sk-live-SECRET',
      S,
      NOW,
    );
    expect(m.kind).toBe("invalid");
    expect(m.reason).toMatch(/^invalid JSON/);
    expect(m.reason).not.toContain("SECRET");
    expect(map("[1,2]").kind).toBe("invalid");
  });

  it("treats entries it does not know as housekeeping", () => {
    expect(map({ type: "compaction", summary: "…", timestamp: new Date(NOW).toISOString() })).toMatchObject({
      kind: "other",
      ts: NOW,
    });
    expect(map({ type: "message", message: { role: "bashExecution" } }).kind).toBe("other");
  });

  it("uses the given time for lines without a timestamp and reads bare old-style messages", () => {
    const m = map({ role: "assistant", content: [{ type: "text", text: "hi" }], stopReason: "stop" });
    expect(m).toMatchObject({ kind: "assistant", end: { outcome: "ok" } });
    expect(m.ts).toBeUndefined();
    expect(m.content[0]?.ts).toBe(NOW);
  });
});

describe("triggerOf", () => {
  it.each([
    [S, "please deploy", "user"],
    [
      "agent:main:main",
      "Read HEARTBEAT.md if it exists. If nothing needs attention, reply HEARTBEAT_OK.",
      "heartbeat",
    ],
    ["agent:main:cron:nightly", "run the report", "cron"],
  ] as const)("a message in %s saying %j starts a %s run", (session, text, kind) => {
    expect(triggerOf(session, text)).toBe(kind);
  });
});
