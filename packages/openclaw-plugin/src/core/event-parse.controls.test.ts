import { describe, expect, it } from "vitest";
import { parseEventLine, serializeEvent } from "./event-parse.ts";
import type { LiveEvent } from "./events.ts";

const base = {
  v: 1 as const,
  ts: 1789031643000,
  session: "agent:main:mattermost:channel:chan1",
  runId: "r1",
};
const parse = (o: object) => parseEventLine(JSON.stringify(o));

describe("approval and plan events", () => {
  it("reads a waiting approval with its id, call and command, dropping extra fields", () => {
    const result = parse({
      ...base,
      type: "approval",
      phase: "waiting",
      approvalId: "a1",
      callId: "c1",
      command: "ls",
      x: 1,
    });
    expect(result).toEqual({
      ok: true,
      event: { ...base, type: "approval", phase: "waiting", approvalId: "a1", callId: "c1", command: "ls" },
    });
  });

  it.each<[object, string]>([
    [{ type: "approval" }, 'missing "phase"'],
    [
      { type: "approval", phase: "asked" },
      '"phase" must be one of waiting, resolved, unavailable, denied, failed',
    ],
    [{ type: "approval", phase: "waiting" }, '"waiting" needs "approvalId"'],
    [{ type: "plan" }, 'missing "steps"'],
    [{ type: "plan", steps: {} }, '"steps" must be an array'],
    [{ type: "plan", steps: ["a"] }, '"steps.0" must be an object'],
    [
      { type: "plan", steps: [{ step: "a", status: "done" }] },
      '"steps.0.status" must be one of pending, in_progress, completed',
    ],
    [{ type: "plan", steps: [{ step: "", status: "pending" }] }, '"steps.0.step" must be a non-empty string'],
  ])("refuses %j: %s", (fields, reason) => {
    expect(parse({ ...base, ...fields })).toEqual({ ok: false, reason });
  });

  it("reads a plan as a fresh list of steps, and an empty plan as a clear", () => {
    const steps = [
      { step: "Read", status: "completed", extra: true },
      { step: "Fix", status: "in_progress" },
    ];
    expect(parse({ ...base, type: "plan", steps })).toEqual({
      ok: true,
      event: {
        ...base,
        type: "plan",
        steps: [
          { step: "Read", status: "completed" },
          { step: "Fix", status: "in_progress" },
        ],
      },
    });
    expect(parse({ ...base, type: "plan", steps: [] })).toEqual({
      ok: true,
      event: { ...base, type: "plan", steps: [] },
    });
  });

  it("writes both back in the canonical order so they read back equal", () => {
    const events: LiveEvent[] = [
      { ...base, type: "approval", phase: "denied", command: "rm -rf /", reason: "no" },
      { ...base, type: "plan", steps: [{ step: "A", status: "pending" }] },
    ];
    for (const e of events) {
      const text = serializeEvent(e);
      expect(text.startsWith('{"v":1,"ts":1789031643000,"session"')).toBe(true);
      expect(parseEventLine(text)).toEqual({ ok: true, event: e });
    }
  });
});
