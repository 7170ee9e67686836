import { describe, expect, it } from "vitest";
import { T0, testConfig } from "../../test/support/lifecycle.ts";
import type { CoreConfig, DispatchResult } from "./dispatcher.ts";
import { Dispatcher } from "./dispatcher.ts";
import type { Effect } from "./effects.ts";
import type { LiveEvent } from "./events.ts";
import { slotKey } from "./keys.ts";

type Body = {
  [K in LiveEvent["type"]]: Omit<Extract<LiveEvent, { type: K }>, "v" | "ts" | "session">;
}[LiveEvent["type"]];

function feed(config: CoreConfig = testConfig) {
  const d = new Dispatcher(config);
  const effects: Effect[] = [];
  let now = T0;
  const send = (session: string, body: Body): DispatchResult => {
    now += 100;
    const result = d.handle({ v: 1, ts: now, session, ...body } as LiveEvent, now);
    effects.push(...result.effects, ...result.steps.flatMap((s) => s.effects));
    return result;
  };
  const landFinals = () => {
    for (const s of d.slots())
      if (s.phase === "completing")
        d.feedback(
          slotKey(s.session, s.conversation),
          { type: "final_landed", generation: s.generation },
          now,
        );
  };
  return { d, effects, send, landFinals };
}

const CHANNEL = "agent:main:mattermost:channel:chan1";
const THREAD = "agent:main:mattermost:channel:chan1:thread:root1";
const MAIN = "agent:main:main";

describe("dispatcher routing", () => {
  it("puts a channel session's box in its channel and a thread session's box in its thread", () => {
    const { effects, send } = feed();
    send(CHANNEL, { type: "run_start", runId: "r1" });
    send(THREAD, { type: "run_start", runId: "r2" });
    expect(
      effects.filter((e) => e.kind === "create_box").map((e) => e.kind === "create_box" && e.conversation),
    ).toEqual([
      { kind: "channel", channelId: "chan1" },
      { kind: "channel", channelId: "chan1", rootId: "root1" },
    ]);
  });

  it("keeps two users' DMs on the shared main session apart", () => {
    const { effects, send, landFinals } = feed();
    send(MAIN, { type: "route", dmUserId: "alice" });
    send(MAIN, { type: "run_start", runId: "a1" });
    send(MAIN, { type: "tool_start", runId: "a1", callId: "c1", name: "read", args: { path: "/a" } });
    send(MAIN, { type: "run_end", runId: "a1", outcome: "ok" });
    landFinals();
    const aliceBox = effects.find((e) => e.kind === "create_box");
    effects.length = 0;

    send(MAIN, { type: "route", dmUserId: "bob" });
    send(MAIN, { type: "run_start", runId: "b1" });
    send(MAIN, { type: "text", runId: "b1", text: "hi bob" });
    send(MAIN, { type: "run_end", runId: "b1", outcome: "ok" });

    expect(effects.find((e) => e.kind === "create_box")).toMatchObject({
      conversation: { kind: "dm", userId: "bob" },
    });
    const touched = effects.filter((e) => "boxId" in e).map((e) => ("boxId" in e ? e.boxId : ""));
    expect(aliceBox && "boxId" in aliceBox && touched).not.toContain(
      aliceBox && "boxId" in aliceBox && aliceBox.boxId,
    );
    expect(touched.every((id) => id.includes("dm:bob"))).toBe(true);
  });

  it("reactivates only the DM the new message came from", () => {
    const { effects, send, landFinals } = feed();
    for (const user of ["alice", "bob"]) {
      send(MAIN, { type: "route", dmUserId: user });
      send(MAIN, { type: "run_start", runId: `${user}1` });
      send(MAIN, { type: "run_end", runId: `${user}1`, outcome: "ok" });
      landFinals();
    }
    effects.length = 0;
    send(MAIN, { type: "route", dmUserId: "alice" });
    send(MAIN, { type: "run_start", runId: "alice2" });
    expect(effects.map((e) => [e.kind, "boxId" in e && e.boxId])).toEqual([
      ["remove_box", `${MAIN}|dm:alice#1`],
      ["create_box", `${MAIN}|dm:alice#2`],
    ]);
  });

  it("gives a collapsed session without a per-run route no box and says so once", () => {
    const { effects, send } = feed();
    const first = send(MAIN, { type: "run_start", runId: "r1" });
    send(MAIN, { type: "run_start", runId: "r2" });
    expect(first.dropped).toMatch(/unroutable/);
    expect(effects.filter((e) => e.kind === "create_box")).toEqual([]);
    const logs = effects.filter((e) => e.kind === "log");
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: "warn", message: expect.stringContaining(MAIN) });
  });

  it("does not use a route twice: the next run of a collapsed session needs its own", () => {
    const { effects, send, landFinals } = feed();
    send(MAIN, { type: "route", dmUserId: "alice" });
    send(MAIN, { type: "run_start", runId: "r1" });
    send(MAIN, { type: "run_end", runId: "r1", outcome: "ok" });
    landFinals();
    effects.length = 0;
    send(MAIN, { type: "run_start", runId: "r2" });
    expect(effects.filter((e) => e.kind !== "log")).toEqual([]);
  });

  it("gives heartbeat runs no box and keeps their events out of a live box", () => {
    const { effects, send } = feed();
    send(CHANNEL, { type: "run_start", runId: "u1" });
    effects.length = 0;
    const hb = send(CHANNEL, { type: "run_start", runId: "hb1", trigger: { kind: "heartbeat" } });
    send(CHANNEL, { type: "tool_start", runId: "hb1", callId: "x", name: "exec" });
    send(CHANNEL, { type: "run_end", runId: "hb1", outcome: "ok" });
    expect(hb.dropped).toBe("trigger heartbeat gets no box");
    expect(effects).toEqual([]);
  });

  it("gives cron runs a box when configured to", () => {
    const { effects, send } = feed({ ...testConfig, boxTriggers: ["user", "cron"] });
    send(CHANNEL, { type: "run_start", runId: "c1", trigger: { kind: "cron" } });
    expect(effects.map((e) => e.kind)).toEqual(["create_box"]);
  });

  it("shows a sub-agent's work inside its parent's box", () => {
    const { effects, send } = feed();
    send(CHANNEL, { type: "run_start", runId: "p1" });
    send(CHANNEL, {
      type: "subagent_start",
      runId: "p1",
      child: "agent:main:subagent:u1",
      label: "research",
    });
    send("agent:main:subagent:u1", { type: "run_start", runId: "k1", trigger: { kind: "subagent" } });
    send("agent:main:subagent:u1", { type: "tool_start", runId: "k1", callId: "t1", name: "web_search" });
    const last = effects.filter((e) => e.kind === "update_box").at(-1);
    expect(last).toMatchObject({
      boxId: `${CHANNEL}|channel:chan1#1`,
      status: { subagents: [{ child: "agent:main:subagent:u1", toolCount: 1, currentTool: "web_search" }] },
    });
    expect(effects.filter((e) => e.kind === "create_box")).toHaveLength(1);
  });

  it("never moves or revives a run on a repeated start signal", () => {
    const { effects, send } = feed();
    send(MAIN, { type: "route", dmUserId: "alice" });
    send(MAIN, { type: "run_start", runId: "r1" });
    send(MAIN, { type: "route", dmUserId: "bob" });
    send(MAIN, { type: "run_start", runId: "r2" });
    effects.length = 0;
    send(MAIN, { type: "route", dmUserId: "bob" });
    const again = send(MAIN, { type: "run_start", runId: "r1" });
    expect(again.dropped).toBe("run r1 already started");
    expect(effects).toEqual([]);
  });

  it("drops content for a run it never saw start", () => {
    const { send } = feed();
    send(CHANNEL, { type: "run_start", runId: "r1" });
    const result = send(CHANNEL, { type: "text", runId: "zz", text: "who am I" });
    expect(result.steps).toEqual([]);
    expect(result.dropped).toBe("run zz is not the live run");
  });

  it("finalizes restored live boxes as interrupted", () => {
    const { d, send } = feed();
    send(CHANNEL, { type: "run_start", runId: "r1" });
    const restored = new Dispatcher(testConfig).restore(d.slots(), T0 + 10_000);
    expect(restored.steps.flatMap((s) => s.effects)).toMatchObject([
      { kind: "finalize_box", status: { state: "interrupted" } },
    ]);
  });
});

describe("the earlier system's failure, replayed", () => {
  it("keeps a completed session asleep while its transcript keeps changing (lock file deleted — turn complete)", () => {
    const { d, effects, send, landFinals } = feed();
    send(CHANNEL, { type: "run_start", trigger: { kind: "user", postId: "p1" } });
    send(CHANNEL, { type: "tool_start", callId: "c1", name: "exec", args: { command: "ls" } });
    send(CHANNEL, { type: "tool_end", callId: "c1", ok: true });
    send(CHANNEL, { type: "run_end", outcome: "ok" }); // "Lock file deleted — turn complete"
    landFinals();
    effects.length = 0;

    for (let i = 0; i < 200; i++) {
      send(CHANNEL, { type: "transcript_changed" });
      if (i % 10 === 0) send(CHANNEL, { type: "text", text: "assistant line flushed late" });
    }

    expect(effects).toEqual([]);
    expect(d.slots().map((s) => s.phase)).toEqual(["completed_guarded"]);
  });
});

describe("dispatcher memory", () => {
  const KEY = slotKey(CHANNEL, { kind: "channel", channelId: "chan1" });

  it("forgets a finished slot but never one whose run is live", () => {
    const { d, send, landFinals } = feed();
    send(CHANNEL, { type: "run_start", runId: "r1" });
    expect(d.forget(KEY)).toBe(false);
    send(CHANNEL, { type: "run_end", runId: "r1", outcome: "ok" });
    landFinals();
    expect(d.forget(KEY)).toBe(true);
    expect(d.size).toBe(0);
  });

  it("asks for a slot it does not hold before a run starts there, and takes the answer", () => {
    const { d, send, landFinals } = feed({ ...testConfig, recallForgottenSlots: true });
    expect(send(CHANNEL, { type: "run_start", runId: "r1" }).recall).toBe(KEY);
    d.adopt(KEY, null);
    send(CHANNEL, { type: "run_start", runId: "r1" });
    send(CHANNEL, { type: "run_end", runId: "r1", outcome: "ok" });
    landFinals();
    const kept = d.slot(KEY);
    d.forget(KEY);

    expect(send(CHANNEL, { type: "run_start", runId: "r2" }).recall).toBe(KEY);
    d.adopt(KEY, kept ?? null);
    const result = send(CHANNEL, { type: "run_start", runId: "r2" });
    expect(result.steps[0]?.effects.map((e) => [e.kind, "boxId" in e && e.boxId])).toEqual([
      ["remove_box", `${KEY}#1`],
      ["create_box", `${KEY}#2`],
    ]);
  });

  it("drops the sub-agent links of a run once its slot starts the next one", () => {
    const { effects, send, landFinals } = feed();
    send(CHANNEL, { type: "run_start", runId: "p1" });
    send(CHANNEL, { type: "subagent_start", runId: "p1", child: "agent:main:subagent:u1", label: "x" });
    send(CHANNEL, { type: "run_end", runId: "p1", outcome: "ok" });
    landFinals();
    send(CHANNEL, { type: "run_start", runId: "p2" });
    effects.length = 0;
    send("agent:main:subagent:u1", { type: "tool_start", callId: "t1", name: "web_search" });
    expect(effects).toEqual([]);
  });
});
