import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../core/events.ts";
import { isPassThrough, SessionFilter } from "./session-filter.ts";

const T = 1_790_000_000_000;
const ev = (session: string, body: Record<string, unknown>) =>
  ({ v: 1, ts: T, session, ...body }) as LiveEvent;
const CH = "agent:main:mattermost:channel:chanA";
const OPS = "agent:ops:mattermost:channel:chanB";
const MAIN = "agent:main:main";

/** A user run: route (optional), start, one tool, end. */
function run(session: string, runId: string, route?: Record<string, unknown>): LiveEvent[] {
  return [
    ...(route ? [ev(session, { type: "route", runId, ...route })] : []),
    ev(session, { type: "run_start", runId, trigger: { kind: "user" } }),
    ev(session, { type: "tool_start", runId, callId: "c1", name: "read" }),
    ev(session, { type: "run_end", runId, outcome: "ok" }),
  ];
}

const passed = (f: SessionFilter, events: LiveEvent[]) => events.flatMap((e) => f.apply(e));

describe("SessionFilter", () => {
  it("is a pass-through without rules", () => {
    expect(isPassThrough({})).toBe(true);
    expect(isPassThrough({ include: { channels: [] } })).toBe(true);
    expect(isPassThrough({ exclude: { agents: ["ops"] } })).toBe(false);
  });

  it("drops every event of a run whose agent is excluded, and only those", () => {
    const f = new SessionFilter({ exclude: { agents: ["ops"] } });
    const out = passed(f, [...run(OPS, "r1"), ...run(CH, "r2")]);
    expect(out.map((e) => e.runId)).toEqual(["r2", "r2", "r2"]);
  });

  it("keeps only included channels, known from the key or from the run's route", () => {
    const f = new SessionFilter({ include: { channels: ["chanA", "dmChanAlice"] } });
    const out = passed(f, [
      ...run(CH, "in-key"),
      ...run(OPS, "other-channel"),
      ...run(MAIN, "dm-alice", { dmUserId: "alice", channelId: "dmChanAlice" }),
      ...run(MAIN, "dm-bob", { dmUserId: "bob", channelId: "dmChanBob" }),
      ...run(MAIN, "heartbeat"),
    ]);
    expect([...new Set(out.map((e) => e.runId))]).toEqual(["in-key", "dm-alice"]);
  });

  it("passes a wanted run's route together with its start, in order", () => {
    const f = new SessionFilter({ exclude: { channels: ["chanB"] } });
    const events = run(MAIN, "r1", { dmUserId: "alice" });
    expect(f.apply(events[0] as LiveEvent)).toEqual([]);
    expect(f.apply(events[1] as LiveEvent).map((e) => e.type)).toEqual(["route", "run_start"]);
  });

  it('matches every direct message with "dm"', () => {
    const f = new SessionFilter({ exclude: { channels: ["dm"] } });
    const out = passed(f, [...run(MAIN, "dm", { dmUserId: "alice" }), ...run(CH, "channel")]);
    expect([...new Set(out.map((e) => e.runId))]).toEqual(["channel"]);
  });

  it("lets exclude win over include", () => {
    const f = new SessionFilter({ include: { agents: ["main"] }, exclude: { channels: ["chanA"] } });
    expect(passed(f, run(CH, "r1"))).toEqual([]);
  });

  it("lets a sub-agent follow its parent's run", () => {
    const f = new SessionFilter({ include: { channels: ["chanA"] } });
    const child = "agent:main:subagent:u1";
    const rejectedChild = "agent:main:subagent:u2";
    const out = passed(f, [
      ev(CH, { type: "run_start", runId: "p1" }),
      ev(CH, { type: "subagent_start", runId: "p1", child }),
      ev(child, { type: "run_start", runId: "c1", trigger: { kind: "subagent" } }),
      ev(child, { type: "text", runId: "c1", text: "working" }),
      ev(OPS, { type: "run_start", runId: "p2" }),
      ev(OPS, { type: "subagent_start", runId: "p2", child: rejectedChild }),
      ev(rejectedChild, { type: "run_start", runId: "c2" }),
      ev(rejectedChild, { type: "text", runId: "c2", text: "hidden" }),
    ]);
    expect(out.map((e) => `${e.type}:${e.runId}`)).toEqual([
      "run_start:p1",
      "subagent_start:p1",
      "run_start:c1",
      "text:c1",
    ]);
  });
});
