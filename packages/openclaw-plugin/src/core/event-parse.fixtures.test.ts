import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseEventStream } from "./event-parse.ts";
import type { LiveEvent } from "./events.ts";
import { resolveRoute, routeFromEvent } from "./routing.ts";

// The sample files under test/fixtures/events are shared with replay tests: pin what they hold.
const dir = new URL("../../test/fixtures/events/", import.meta.url);
const read = (name: string) => parseEventStream(readFileSync(new URL(name, dir), "utf8"));
const types = (events: { event: LiveEvent }[]) => events.map((e) => e.event.type);

function expectIncreasingTs(events: { event: LiveEvent }[]): void {
  const ts = events.map((e) => e.event.ts);
  expect(ts).toEqual([...ts].sort((a, b) => a - b));
  expect(new Set(ts).size).toBe(ts.length);
}

describe("event fixtures", () => {
  it("channel-tools: one route-free run in a channel, with tools and a fake secret", () => {
    const { events, problems } = read("channel-tools.jsonl");
    expect(problems).toEqual([]);
    expectIncreasingTs(events);
    expect(types(events)[0]).toBe("run_start");
    expect(types(events).at(-1)).toBe("run_end");
    expect(types(events)).not.toContain("route");
    expect(types(events).filter((t) => t === "tool_start")).toHaveLength(3);
    expect(JSON.stringify(events)).toContain("Authorization: Bearer ");
    const session = events[0]?.event.session ?? "";
    expect(resolveRoute(session, null)).toEqual({
      conversation: { kind: "channel", channelId: "ujzde8gxd6ncf10epf91dhodzd" },
    });
  });

  it("thread-two-turns: two runs in one thread, transcript changes only after completions", () => {
    const { events, problems } = read("thread-two-turns.jsonl");
    expect(problems).toEqual([]);
    expectIncreasingTs(events);
    const starts = events.filter((e) => e.event.type === "run_start");
    expect(new Set(starts.map((e) => e.event.runId)).size).toBe(2);
    const firstEnd = events.findIndex((e) => e.event.type === "run_end");
    const secondStart = events.indexOf(starts[1] as (typeof events)[number]);
    expect(firstEnd).toBeLessThan(secondStart);
    const t = types(events);
    expect(t.slice(firstEnd + 1, secondStart).every((x) => x === "transcript_changed")).toBe(true);
    expect(t.at(-1)).toBe("transcript_changed");
    expect(resolveRoute(events[0]?.event.session ?? "", null)).toEqual({
      conversation: {
        kind: "channel",
        channelId: "oc9is0j8ht9lgmxg9edn581u33",
        rootId: "xtplpft75v2seh60kvj50ce9uv",
      },
    });
  });

  it("dm-main-two-users: the collapsed main key gets each run's box from the route before it", () => {
    const { events, problems } = read("dm-main-two-users.jsonl");
    expect(problems).toEqual([]);
    expectIncreasingTs(events);
    expect(resolveRoute("agent:main:main", null).conversation).toBeNull();
    const users: string[] = [];
    let route: LiveEvent | undefined;
    for (const { event } of events) {
      expect(event.session).toBe("agent:main:main");
      if (event.type === "route") route = event;
      if (event.type === "run_start") {
        const explicit = route?.type === "route" ? routeFromEvent(route) : null;
        const resolved = resolveRoute(event.session, explicit).conversation;
        users.push(resolved?.kind === "dm" ? resolved.userId : "none");
      }
    }
    expect(users).toEqual(["w53efr4edt2sywb3wkh5dnsipz", "z5fk2z9ri19r0wyojfljooa5lq"]);
  });

  it("bad-lines: good events survive between broken lines, each problem on its line", () => {
    const { events, problems } = read("bad-lines.jsonl");
    expect(events.map((e) => [e.line, e.event.type])).toEqual([
      [1, "run_start"],
      [3, "thinking"],
      [8, "text"],
      [10, "run_end"],
    ]);
    expect(
      problems.map((p) => [p.line, p.reason.replace(/^(invalid JSON):.*/, "$1"), p.unknownType]),
    ).toEqual([
      [2, "invalid JSON", undefined],
      [4, 'missing "session"', undefined],
      [6, 'missing "ts"', undefined],
      [7, 'unknown type "checklist"', "checklist"],
      [9, "invalid JSON", undefined],
    ]);
  });
});
