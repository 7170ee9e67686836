import { describe, expect, it } from "vitest";
import { parseEventValue } from "../../openclaw-plugin/src/core/event-parse.ts";
import type { LiveEvent } from "../../openclaw-plugin/src/core/events.ts";
import { bindEvents, retargetEvents } from "./bind.ts";

const CHILD = "agent:main:subagent:5c1e7a2b";
const events: LiveEvent[] = [
  { v: 1, ts: 0, session: "agent:main:main", type: "route", dmUserId: "{{bob}}", channelId: "{{dm-bob}}" },
  {
    v: 1,
    ts: 20,
    session: "agent:main:main",
    type: "run_start",
    runId: "r1",
    trigger: { kind: "user", postId: "{{ask}}" },
  },
  { v: 1, ts: 1000, session: CHILD, type: "tool_start", callId: "s1", name: "read", args: { path: "a.ts" } },
  { v: 1, ts: 4000, session: "agent:main:main", type: "run_end", runId: "r1", outcome: "ok" },
];
const CLOCK = { t0: 0, speed: 1, runTag: "p1" };
const ids = new Map([
  ["bob", "bobid"],
  ["dm-bob", "dmchannel"],
  ["ask", "postid"],
]);

describe("bindEvents", () => {
  it("puts real ids in and starts the turn at t0", () => {
    const bound = bindEvents(events, ids, { t0: 1_000_000, speed: 1, runTag: "p1" });
    expect(bound.map((e) => e.ts)).toEqual([1_000_000, 1_000_020, 1_001_000, 1_004_000]);
    expect(bound[0]).toMatchObject({ dmUserId: "bobid", channelId: "dmchannel" });
    expect(bound[1]).toMatchObject({ trigger: { postId: "postid" } });
  });

  it("compresses recorded gaps by the speed so event time stays wall time", () => {
    expect(bindEvents(events, ids, { t0: 0, speed: 4, runTag: "p1" }).map((e) => e.ts)).toEqual([
      0, 5, 250, 1000,
    ]);
  });

  it("gives each play its own run ids, since a run that starts twice is one run", () => {
    const runIds = (tag: string) =>
      bindEvents(events, ids, { t0: 0, speed: 1, runTag: tag }).map((e) => e.runId);
    expect(runIds("a")).toEqual([undefined, "r1.a", undefined, "r1.a"]);
    expect(runIds("b")).toEqual([undefined, "r1.b", undefined, "r1.b"]);
  });

  it("writes events the pipeline accepts", () => {
    for (const e of bindEvents(events, ids, { t0: 1, speed: 1, runTag: "p1" }))
      expect(parseEventValue(e).ok).toBe(true);
  });
});

describe("retargetEvents", () => {
  it("moves the turn's session into the given thread, drops routes and keeps sub-agents nested", () => {
    const moved = retargetEvents(events, { channelId: "target", rootId: "root" }, ids, CLOCK);
    expect(moved.map((e) => e.type)).toEqual(["run_start", "tool_start", "run_end"]);
    expect(moved[0]?.session).toBe("agent:main:mattermost:channel:target:thread:root");
    expect(moved[1]?.session).toBe(CHILD);
    expect(moved[2]?.session).toBe("agent:main:mattermost:channel:target:thread:root");
    for (const e of moved) expect(parseEventValue(e).ok).toBe(true);
  });

  it("uses the channel session when the place is not a thread", () => {
    const moved = retargetEvents(events, { channelId: "target" }, ids, CLOCK);
    expect(moved[0]?.session).toBe("agent:main:mattermost:channel:target");
  });
});
