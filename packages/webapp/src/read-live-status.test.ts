import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { props, status, T0, tool } from "../test/fixtures.ts";
import { readLiveStatus } from "./read-live-status.ts";

function reason(input: unknown): string {
  const r = readLiveStatus(input);
  if (r.ok) throw new Error("expected the props to be refused");
  return r.reason;
}

describe("readLiveStatus refuses what it cannot draw", () => {
  it.each([
    ["no props", undefined, /no properties/],
    ["props without live_status", { other: 1 }, /no live status data/],
    ["live_status as a string", { live_status: "running" }, /not an object/],
    ["an unknown version", { live_status: { ...status(), v: 0 } }, /unknown format version/],
    ["an unknown state", { live_status: { ...status(), state: "sleeping" } }, /unknown state \(sleeping\)/],
    ["a missing start time", { live_status: { ...status(), startedAt: "soon" } }, /no valid start time/],
  ])("explains %s", (_name, input, pattern) => {
    expect(reason(input)).toMatch(pattern);
  });

  it("asks for an update when a newer format version arrives", () => {
    expect(reason({ live_status: { ...status(), v: 2 } })).toMatch(/newer Live Status \(format v2\).*update/);
  });
});

describe("readLiveStatus tolerates damage it can draw around", () => {
  it("returns a well-formed status unchanged", () => {
    const s = status({ tools: [tool()], endedAt: T0 + 1000, state: "done", preview: "ok", error: "x" });
    expect(readLiveStatus({ live_status: s })).toEqual({ ok: true, status: s });
  });

  it("drops malformed tool calls and counts them as omitted", () => {
    const raw = {
      ...status({ toolsOmitted: 2 }),
      tools: [tool(), { name: "x" }, 7, tool({ state: "weird" as "ok" })],
    };
    const r = readLiveStatus({ live_status: raw });
    expect(r.ok && r.status.tools.map((t) => t.name)).toEqual(["read"]);
    expect(r.ok && r.status.toolsOmitted).toBe(5);
  });

  it("fills in missing lists, counters and flags", () => {
    const { tools, subagents, tokens, toolsOmitted, thinking, ...bare } = status();
    const r = readLiveStatus({ live_status: bare });
    expect(r.ok && r.status).toMatchObject({
      tools: [],
      subagents: [],
      tokens: { input: 0, output: 0 },
      toolsOmitted: 0,
      thinking: false,
    });
  });

  it("ignores blank optional text and invalid end times", () => {
    const r = readLiveStatus({
      live_status: { ...status(), preview: "  ", error: "", endedAt: -1, agent: 3 },
    });
    if (!r.ok) throw new Error(r.reason);
    for (const key of ["preview", "error", "endedAt", "agent"]) expect(r.status).not.toHaveProperty(key);
  });

  it("drops sub-agents without a child key and keeps the rest", () => {
    const good = { child: "agent:main:subagent:1", state: "done", startedAt: T0, toolCount: 2.7 };
    const r = readLiveStatus(props({ subagents: [good, { state: "done" }] as never }));
    expect(r.ok && r.status.subagents).toEqual([{ ...good, toolCount: 2 }]);
  });

  it("never throws, whatever the post carries", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (a, b) => {
        readLiveStatus(a);
        readLiveStatus({ live_status: a });
        readLiveStatus({ live_status: { ...status(), tools: a, subagents: b, tokens: a } });
      }),
    );
  });
});
