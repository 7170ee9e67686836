import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../../core/events.ts";
import type { MappedLine } from "./transcript-line.ts";
import type { LockView, TurnContext, TurnState } from "./turn-tracker.ts";
import { DEFAULT_TURN_CONFIG, initialTurn, onClock, onLine, onLock } from "./turn-tracker.ts";

const S = "agent:main:mattermost:channel:chan1";
const T = 1_790_000_000_000;
const ctx = (now: number, o: Partial<TurnContext> = {}): TurnContext => ({
  session: S,
  now,
  route: { channelId: "chan1" },
  lockMayActivate: true,
  config: DEFAULT_TURN_CONFIG,
  ...o,
});
const userLine: MappedLine = { kind: "user", trigger: "user", content: [], ts: T };
const toolLine: MappedLine = {
  kind: "assistant",
  content: [{ v: 1, ts: T, session: S, type: "tool_start", callId: "c1", name: "exec" }],
};
const doneLine: MappedLine = {
  kind: "assistant",
  content: [{ v: 1, ts: T, session: S, type: "text", text: "Done." }],
  end: { outcome: "ok" },
};
const otherLine: MappedLine = { kind: "other", content: [] };
const lockAt = (id: string): LockView => ({ present: true, id, verdict: { state: "fresh" } });
const noLock: LockView = { present: false };
const types = (events: LiveEvent[]) => events.map((e) => e.type);

function live(now = T): TurnState {
  return onLine(initialTurn(now - 60_000), userLine, true, ctx(now)).state;
}

describe("turn tracker: lines", () => {
  it("starts a run on a new user line, with the route first", () => {
    const step = onLine(initialTurn(T), userLine, true, ctx(T));
    expect(step.events).toEqual([
      { v: 1, ts: T, session: S, type: "route", channelId: "chan1" },
      { v: 1, ts: T, session: S, type: "run_start", trigger: { kind: "user" } },
    ]);
    expect(step.state.live).toBe(true);
  });

  it("starts no run for a user line read again from history", () => {
    const step = onLine(initialTurn(T), userLine, false, ctx(T));
    expect(types(step.events)).toEqual(["transcript_changed"]);
    expect(step.state.live).toBe(false);
  });

  it("treats a user line during a live turn as part of it", () => {
    expect(types(onLine(live(), userLine, true, ctx(T)).events)).toEqual(["transcript_changed"]);
  });

  it("ends the live turn on a terminal line, after its content", () => {
    const step = onLine(live(), doneLine, true, ctx(T + 1));
    expect(types(step.events)).toEqual(["text", "run_end"]);
    expect(step.state.live).toBe(false);
  });

  it("passes content on but ends nothing when no turn is live", () => {
    expect(types(onLine(initialTurn(T), doneLine, true, ctx(T)).events)).toEqual(["text"]);
  });

  it("turns a line with nothing to say into transcript_changed only", () => {
    expect(types(onLine(live(), otherLine, true, ctx(T)).events)).toEqual(["transcript_changed"]);
  });

  it("starts the next turn with the run kind the message implies", () => {
    const heartbeat: MappedLine = { ...userLine, trigger: "heartbeat" };
    const step = onLine(initialTurn(T), heartbeat, true, ctx(T, { route: null }));
    expect(step.events).toEqual([
      { v: 1, ts: T, session: S, type: "run_start", trigger: { kind: "heartbeat" } },
    ]);
  });
});

describe("turn tracker: the lock", () => {
  it("starts a run when a new lock stands, fresh, for the confirm time", () => {
    let s = initialTurn(T - 60_000);
    s = onLock(s, lockAt("L1"), ctx(T)).state;
    expect(onLock(s, lockAt("L1"), ctx(T + 1_000)).events).toEqual([]);
    const confirmed = onLock(s, lockAt("L1"), ctx(T + 1_500));
    expect(types(confirmed.events)).toEqual(["route", "run_start"]);
    expect(confirmed.state.startedBy).toBe("lock");
  });

  it("never starts a run for a lock that goes away before it is confirmed", () => {
    let s = initialTurn(T - 60_000);
    s = onLock(s, lockAt("L1"), ctx(T)).state;
    s = onLock(s, noLock, ctx(T + 500)).state;
    expect(onLock(s, lockAt("L1"), ctx(T + 5_000)).events).toEqual([]);
  });

  it("never starts a run for a lock that was there at start", () => {
    const s = initialTurn(T, "L0");
    expect(onLock(s, lockAt("L0"), ctx(T + 60_000)).events).toEqual([]);
  });

  it("never starts a run for a lock taken right after a turn ended (post-turn writes)", () => {
    let s = onLine(live(), doneLine, true, ctx(T)).state;
    s = onLock(s, noLock, ctx(T + 100)).state;
    s = onLock(s, lockAt("L2"), ctx(T + 1_000)).state;
    expect(onLock(s, lockAt("L2"), ctx(T + 30_000)).events).toEqual([]);
  });

  it("never starts a run from a lock on a session without a conversation of its own", () => {
    const collapsed = { lockMayActivate: false, session: "agent:main:main" };
    let s = initialTurn(T - 60_000);
    s = onLock(s, lockAt("L1"), ctx(T, collapsed)).state;
    expect(onLock(s, lockAt("L1"), ctx(T + 10_000, collapsed)).events).toEqual([]);
  });

  it("lets a user line start the turn a pending lock announced, once", () => {
    let s = initialTurn(T - 60_000);
    s = onLock(s, lockAt("L1"), ctx(T)).state;
    const started = onLine(s, userLine, true, ctx(T + 200));
    expect(types(started.events)).toEqual(["route", "run_start"]);
    expect(onLock(started.state, lockAt("L1"), ctx(T + 2_000)).events).toEqual([]);
  });

  it("ends a live turn whose lock went away without a final line, after the grace, as an error", () => {
    let s = onLock(live(), lockAt("L1"), ctx(T)).state;
    s = onLock(s, noLock, ctx(T + 1_000)).state;
    expect(onClock(s, ctx(T + 5_999)).events).toEqual([]);
    const ended = onClock(s, ctx(T + 6_000));
    expect(ended.events).toMatchObject([{ type: "run_end", outcome: "error" }]);
    expect(ended.state.live).toBe(false);
  });

  it("keeps a turn live when its lock comes back within the grace (a retried attempt)", () => {
    let s = onLock(live(), lockAt("L1"), ctx(T)).state;
    s = onLock(s, noLock, ctx(T + 1_000)).state;
    s = onLock(s, lockAt("L2"), ctx(T + 2_000)).state;
    expect(onClock(s, ctx(T + 60_000)).events).toEqual([]);
    expect(s.live).toBe(true);
  });

  it("ends a lock-only turn that wrote no message as ok: it was housekeeping", () => {
    let s = initialTurn(T - 60_000);
    s = onLock(s, lockAt("L1"), ctx(T)).state;
    s = onLock(s, lockAt("L1"), ctx(T + 2_000)).state;
    s = onLock(s, noLock, ctx(T + 3_000)).state;
    expect(onClock(s, ctx(T + 9_000)).events).toMatchObject([{ type: "run_end", outcome: "ok" }]);
  });

  it("ends a live turn whose lock turned stale, and never starts one from a stale lock", () => {
    const stale: LockView = {
      present: true,
      id: "L1",
      verdict: { state: "stale", reason: "pid 4242 is gone" },
    };
    const ended = onLock(live(), stale, ctx(T));
    expect(ended.events).toMatchObject([
      { type: "run_end", outcome: "error", error: expect.stringContaining("pid 4242") },
    ]);
    let s = onLock(initialTurn(T - 60_000), stale, ctx(T)).state;
    s = onLock(s, stale, ctx(T + 10_000)).state;
    expect(onLock(s, lockAt("L1"), ctx(T + 20_000)).events).toEqual([]);
  });

  it("ignores a lock that is still being written", () => {
    const settling: LockView = { present: true, id: "L1", verdict: { state: "settling" } };
    const s = initialTurn(T - 60_000);
    expect(onLock(s, settling, ctx(T)).state).toBe(s);
  });
});

type Input =
  | { k: "line"; line: MappedLine; fresh: boolean }
  | { k: "lock"; present: boolean; id: string }
  | { k: "wait"; ms: number };

const contentLines = fc.constantFrom<MappedLine>(toolLine, doneLine, otherLine, {
  kind: "invalid",
  content: [],
  reason: "invalid JSON",
});

describe("turn tracker: properties", () => {
  it("starts no run from anything but a fresh user line or a confirmed lock, and ends only live runs", () => {
    const input = fc.oneof(
      fc.record({ k: fc.constant("line" as const), line: contentLines, fresh: fc.boolean() }),
      fc.record({ k: fc.constant("line" as const), line: fc.constant(userLine), fresh: fc.constant(false) }),
      fc.record({ k: fc.constant("lock" as const), present: fc.boolean(), id: fc.constantFrom("A", "B") }),
      fc.record({ k: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 1_400 }) }),
    );
    fc.assert(
      fc.property(fc.array(input, { maxLength: 80 }), fc.boolean(), (inputs: Input[], mayActivate) => {
        let s = initialTurn(T);
        let now = T;
        let lockSince: number | null = null;
        let lockId: string | null = null;
        let starts = 0;
        let ends = 0;
        for (const i of inputs) {
          const c = ctx(now, { lockMayActivate: mayActivate });
          let events: LiveEvent[] = [];
          if (i.k === "wait") now += i.ms;
          else if (i.k === "line") ({ state: s, events } = onLine(s, i.line, i.fresh, c));
          else {
            const newLock = i.present && i.id !== lockId;
            ({ state: s, events } = onLock(s, i.present ? lockAt(i.id) : noLock, c));
            // The only run a lock may start is one for a lock that stood for the confirm time.
            if (events.some((e) => e.type === "run_start")) {
              expect(mayActivate && !newLock && lockSince !== null && now - lockSince >= 1_500).toBe(true);
            }
            lockSince = i.present ? (newLock ? now : lockSince) : null;
            lockId = i.present ? i.id : null;
          }
          const clock = onClock(s, ctx(now, { lockMayActivate: mayActivate }));
          s = clock.state;
          for (const e of [...events, ...clock.events]) {
            if (e.type === "run_start") starts++;
            if (e.type === "run_end") ends++;
          }
          if (i.k === "line") expect(events.some((e) => e.type === "run_start")).toBe(false);
          expect(ends).toBeLessThanOrEqual(starts);
        }
      }),
      { numRuns: 500 },
    );
  });
});
