import { afterEach, describe, expect, it } from "vitest";
import type { LiveEvent } from "../../core/events.ts";
import type { Logger } from "../../ports/logger.ts";
import { ManualClock } from "../../runtime/clock.ts";
import { forgetProcessHub, OpenClawHub, processHub } from "./hub.ts";
import type { OcAgentEvent } from "./payloads.ts";

const SESSION = "agent:main:mattermost:channel:chanA";

function logs(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m, f) => lines.push(`error ${m} ${JSON.stringify(f)}`),
  };
}

let seq = 0;
const agentEvent = (runId: string, stream: string, data: Record<string, unknown>, sessionKey?: string) =>
  ({
    runId,
    seq: ++seq,
    stream,
    ts: 1_790_000_000_000 + seq,
    data,
    ...(sessionKey && { sessionKey }),
  }) as OcAgentEvent;

/** A whole run as agent events: start, text, end. */
function runEvents(runId: string): OcAgentEvent[] {
  return [
    agentEvent(runId, "lifecycle", { phase: "start" }, SESSION),
    agentEvent(runId, "assistant", { text: "hi" }),
    agentEvent(runId, "lifecycle", { phase: "end" }, SESSION),
  ];
}

function newHub(o: { maxBuffered?: number } = {}) {
  const log = logs();
  const hub = new OpenClawHub({ clock: new ManualClock(1_790_000_000_000), log, ...o });
  return { hub, log };
}

afterEach(() => forgetProcessHub());

describe("OpenClawHub", () => {
  it("buffers events until a consumer attaches, then hands them over oldest first", () => {
    const { hub } = newHub();
    for (const e of runEvents("r1")) hub.agentEvent(e);
    expect(hub.stats()).toMatchObject({ mode: "buffering", buffered: 3 });
    const got: LiveEvent[] = [];
    hub.attach((e) => got.push(e));
    expect(got.map((e) => e.type)).toEqual(["run_start", "text", "run_end"]);
    hub.agentEvent(agentEvent("r1", "assistant", { text: "late" }));
    expect(hub.stats().skipped).toBe(1);
  });

  it("keeps only the newest events while waiting and logs how many were dropped", () => {
    const { hub, log } = newHub({ maxBuffered: 4 });
    for (const id of ["r1", "r2"]) for (const e of runEvents(id)) hub.agentEvent(e);
    expect(hub.stats()).toMatchObject({ buffered: 4, droppedBeforeStart: 2 });
    const got: LiveEvent[] = [];
    hub.attach((e) => got.push(e));
    expect(got.map((e) => `${e.type}:${e.runId}`)).toEqual([
      "run_end:r1",
      "run_start:r2",
      "text:r2",
      "run_end:r2",
    ]);
    expect(log.lines).toContain(
      "warn 2 events that arrived before start were dropped (the buffer keeps the last 4)",
    );
  });

  it("drops events after the consumer detaches", () => {
    const { hub } = newHub();
    const got: LiveEvent[] = [];
    const attachment = hub.attach((e) => got.push(e));
    attachment?.detach();
    for (const e of runEvents("r1")) hub.agentEvent(e);
    expect(got).toEqual([]);
    expect(hub.stats()).toMatchObject({ mode: "dropping", buffered: 0 });
  });

  it("stops buffering when told no consumer will come", () => {
    const { hub } = newHub();
    for (const e of runEvents("r1")) hub.agentEvent(e);
    hub.dropUntilAttached();
    expect(hub.stats()).toMatchObject({ mode: "dropping", buffered: 0 });
  });

  it("accepts one consumer at a time", () => {
    const { hub } = newHub();
    const first = hub.attach(() => {});
    expect(hub.attach(() => {})).toBeNull();
    first?.detach();
    expect(hub.attach(() => {})).not.toBeNull();
  });

  it("skips an agent event delivered twice (same run and seq)", () => {
    const { hub } = newHub();
    const got: LiveEvent[] = [];
    hub.attach((e) => got.push(e));
    const [start, text] = runEvents("r1");
    for (const e of [start, start, text, text]) hub.agentEvent(e as OcAgentEvent);
    expect(got.map((e) => e.type)).toEqual(["run_start", "text"]);
    expect(hub.stats().duplicates).toBe(2);
  });

  it("handles a hook payload once, though the host may hand it to several instances", () => {
    const { hub } = newHub();
    const got: LiveEvent[] = [];
    hub.attach((e) => got.push(e));
    hub.agentEvent(agentEvent("p1", "lifecycle", { phase: "start" }, SESSION));
    const event = { childSessionKey: "agent:main:subagent:u1", label: "helper" };
    const ctx = { requesterSessionKey: SESSION };
    hub.hook({ name: "subagent_spawned", event, ctx });
    hub.hook({ name: "subagent_spawned", event, ctx });
    expect(got.map((e) => e.type)).toEqual(["run_start", "subagent_start"]);
    expect(hub.stats().duplicates).toBe(1);
  });

  it("correlates hook facts with agent events: the run gets its route", () => {
    const { hub } = newHub();
    const got: LiveEvent[] = [];
    hub.attach((e) => got.push(e));
    hub.hook({
      name: "message_received",
      event: { sessionKey: "agent:main:main", messageId: "p1", senderId: "alice" },
      ctx: { conversationId: "user:alice", sessionKey: "agent:main:main" },
    });
    hub.hook({
      name: "before_model_resolve",
      ctx: { runId: "r1", trigger: "user", chatId: "dmA", senderId: "alice" },
    });
    hub.agentEvent(agentEvent("r1", "lifecycle", { phase: "start" }, "agent:main:main"));
    expect(got[0]).toMatchObject({ type: "route", dmUserId: "alice", channelId: "dmA" });
    expect(got[1]).toMatchObject({ type: "run_start", trigger: { kind: "user", postId: "p1" } });
  });

  it("never throws into the caller and logs what failed with context", () => {
    const { hub, log } = newHub();
    hub.attach(() => {
      throw new Error("boom");
    });
    expect(() => hub.agentEvent(agentEvent("r9", "lifecycle", { phase: "start" }, SESSION))).not.toThrow();
    expect(() =>
      hub.agentEvent({ runId: "r9", seq: 99, stream: "tool", ts: 1, data: null } as never),
    ).not.toThrow();
    expect(log.lines[0]).toMatch(
      /^error handling a run_start event failed; the gateway is unaffected .*"runId":"r9".*boom/,
    );
    expect(log.lines[1]).toMatch(/^error handling an agent event failed.*"stream":"tool"/);
    expect(hub.stats().failures).toBe(2);
  });
});

describe("processHub", () => {
  it("creates the hub once per process and shares it", () => {
    let created = 0;
    const make = () => {
      created++;
      return newHub().hub;
    };
    const a = processHub(make);
    const b = processHub(make);
    expect(a).toBe(b);
    expect(created).toBe(1);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for("live-status.hub")]).toBe(a);
  });
});
