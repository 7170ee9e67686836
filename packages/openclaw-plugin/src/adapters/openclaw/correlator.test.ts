import { describe, expect, it } from "vitest";
import { fixtureId as pad } from "../../../test/support/openclaw-host.ts";
import { OpenClawCorrelator } from "./correlator.ts";
import type { OcAgentEvent, OcHookCall } from "./payloads.ts";

const ALICE = pad("aliceuser");
const BOB = pad("bobuser");
const DM_ALICE = pad("dmalicebotchan");
const DM_BOB = pad("dmbobbotchan");

describe("correlation rules", () => {
  const ts = 1_000;
  const start = (runId: string, sessionKey: string): OcAgentEvent => ({
    runId,
    sessionKey,
    stream: "lifecycle",
    ts,
    data: { phase: "start" },
  });
  const text = (runId: string, t: string): OcAgentEvent => ({
    runId,
    stream: "assistant",
    ts,
    data: { text: t },
  });

  it("skips content of a run whose start it never saw", () => {
    const c = new OpenClawCorrelator();
    expect(c.agentEvent(text("r1", "hi"))).toEqual({
      events: [],
      skipped: [{ reason: "unknown_run", runId: "r1", stream: "assistant" }],
    });
  });

  it("skips late content of an ended run with its own reason", () => {
    const c = new OpenClawCorrelator();
    c.agentEvent(start("r1", "agent:main:main"));
    c.agentEvent({
      runId: "r1",
      sessionKey: "agent:main:main",
      stream: "lifecycle",
      ts,
      data: { phase: "end" },
    });
    expect(c.agentEvent(text("r1", "late")).skipped).toEqual([
      { reason: "run_ended", runId: "r1", stream: "assistant" },
    ]);
    expect(c.openRuns).toBe(0);
  });

  it("ignores streams it does not map without calling them skipped", () => {
    const c = new OpenClawCorrelator();
    expect(
      c.agentEvent({ runId: "r1", stream: "run_status", ts, data: { phase: "preparing_workspace" } }),
    ).toEqual({
      events: [],
      skipped: [],
    });
  });

  it("matches a queued DM to the run of its sender, not to the newest message", () => {
    const c = new OpenClawCorrelator();
    const received = (sender: string, post: string): OcHookCall => ({
      name: "message_received",
      event: { sessionKey: "agent:main:main", senderId: sender, messageId: post },
      ctx: { conversationId: `user:${sender}`, sessionKey: "agent:main:main" },
    });
    c.hook(received(ALICE, "p1"), ts);
    c.hook(received(BOB, "p2"), ts);
    c.hook(
      {
        name: "before_model_resolve",
        ctx: { runId: "r1", trigger: "user", senderId: ALICE, chatId: DM_ALICE },
      },
      ts,
    );
    expect(c.agentEvent(start("r1", "agent:main:main")).events[0]).toMatchObject({
      type: "route",
      dmUserId: ALICE,
      channelId: DM_ALICE,
    });
    c.hook(
      { name: "before_model_resolve", ctx: { runId: "r2", trigger: "user", senderId: BOB, chatId: DM_BOB } },
      ts,
    );
    expect(c.agentEvent(start("r2", "agent:main:main")).events[0]).toMatchObject({
      dmUserId: BOB,
      channelId: DM_BOB,
    });
  });

  it("gives a user run with no matching message no route rather than someone else's", () => {
    const c = new OpenClawCorrelator();
    c.hook(
      {
        name: "message_received",
        event: { sessionKey: "agent:main:main", senderId: ALICE },
        ctx: { conversationId: `user:${ALICE}` },
      },
      ts,
    );
    c.hook({ name: "before_model_resolve", ctx: { runId: "r1", trigger: "user", senderId: BOB } }, ts);
    expect(c.agentEvent(start("r1", "agent:main:main")).events.map((e) => e.type)).toEqual(["run_start"]);
  });

  it("reports a sub-agent end it cannot place as skipped", () => {
    const c = new OpenClawCorrelator();
    expect(
      c.hook({ name: "subagent_ended", event: { targetSessionKey: "agent:main:subagent:x" }, ctx: {} }, ts),
    ).toEqual({
      events: [],
      skipped: [{ reason: "unknown_requester", hook: "subagent_ended" }],
    });
  });

  it("forgets the oldest runs beyond its bound", () => {
    const c = new OpenClawCorrelator({ maxEntries: 2 });
    for (const id of ["r1", "r2", "r3"]) c.agentEvent(start(id, `agent:main:s${id}`));
    expect(c.openRuns).toBe(2);
    expect(c.agentEvent(text("r1", "x")).skipped[0]?.reason).toBe("unknown_run");
  });
});
