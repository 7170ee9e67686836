import { describe, expect, it } from "vitest";
import { Subagents, subagentOutcome } from "./subagents.ts";

const PARENT = "agent:main:mattermost:channel:town";
const CHILD = "agent:main:subagent:u1";
const NOW = 5_000;

function book(active: Record<string, string> = {}, max = 100): Subagents {
  return new Subagents(max, (session) => active[session]);
}

describe("Subagents", () => {
  it("reports a spawn on the requester session, tagged with its open run", () => {
    const s = book({ [PARENT]: "r1" });
    expect(
      s.spawned({ childSessionKey: CHILD, label: "helper" }, { requesterSessionKey: PARENT }, NOW),
    ).toEqual({
      events: [
        {
          v: 1,
          ts: NOW,
          session: PARENT,
          runId: "r1",
          type: "subagent_start",
          child: CHILD,
          label: "helper",
        },
      ],
      skipped: [],
    });
  });

  it("leaves the run out when the requester has no open run", () => {
    const r = book().spawned({ childSessionKey: CHILD }, { requesterSessionKey: PARENT }, NOW);
    expect(r.events[0]).not.toHaveProperty("runId");
    expect(r.events[0]).not.toHaveProperty("label");
  });

  it("places an end by the child it remembers, with the spawn's label and the outcome", () => {
    const s = book();
    s.spawned({ childSessionKey: CHILD, label: "helper" }, { requesterSessionKey: PARENT }, NOW);
    expect(s.ended({ targetSessionKey: CHILD, outcome: "timeout" }, {}, NOW + 1).events).toEqual([
      {
        v: 1,
        ts: NOW + 1,
        session: PARENT,
        type: "subagent_end",
        child: CHILD,
        label: "helper",
        outcome: "error",
      },
    ]);
  });

  it("skips a spawn or an end that names no requester it knows", () => {
    const s = book();
    expect(s.spawned({ childSessionKey: CHILD }, {}, NOW)).toEqual({
      events: [],
      skipped: [{ reason: "unknown_requester", hook: "subagent_spawned" }],
    });
    expect(s.ended({ targetSessionKey: CHILD }, {}, NOW).skipped).toEqual([
      { reason: "unknown_requester", hook: "subagent_ended" },
    ]);
  });

  it("tells an announce run where its child was spawned from", () => {
    const s = book();
    const origin = { to: "channel:town", threadId: "root1" };
    s.spawned({ childSessionKey: CHILD, requester: origin }, { requesterSessionKey: PARENT }, NOW);
    expect(s.originOf(`announce:v1:${CHILD}:child-run`)).toEqual(origin);
    expect(s.originOf("announce:v1:agent:main:subagent:u2:child-run")).toBeUndefined();
    expect(s.originOf(`run:${CHILD}:x`)).toBeUndefined();
  });

  it("forgets the oldest children beyond its bound", () => {
    const s = book({}, 1);
    s.spawned({ childSessionKey: CHILD, label: "first" }, { requesterSessionKey: PARENT }, NOW);
    s.spawned({ childSessionKey: "agent:main:subagent:u2" }, { requesterSessionKey: PARENT }, NOW);
    expect(s.ended({ targetSessionKey: CHILD }, {}, NOW).skipped[0]?.reason).toBe("unknown_requester");
  });
});

describe("subagentOutcome", () => {
  it.each([
    ["ok", "ok"],
    ["error", "error"],
    ["timeout", "error"],
    ["killed", "aborted"],
    ["reset", "aborted"],
    ["deleted", "aborted"],
    ["paused", undefined],
    [undefined, undefined],
  ])("shows %s as %s", (outcome, shown) => {
    expect(subagentOutcome(outcome)).toBe(shown);
  });
});
