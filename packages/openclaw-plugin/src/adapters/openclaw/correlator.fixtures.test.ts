import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Captured, loadCapture as load, fixtureId as pad } from "../../../test/support/openclaw-host.ts";
import type { LiveEvent } from "../../core/events.ts";
import { OpenClawCorrelator } from "./correlator.ts";
import type { Skip } from "./map-result.ts";
import type { OcAgentEvent, OcHookCall } from "./payloads.ts";

// Captured from the real gateway (openclaw 2026.9.6, @openclaw/mattermost 2026.9.5); see
// docs/design/openclaw-integration.md. Ids are the fake Mattermost's padded ids.
const TOWN = pad("townsquarechan");
const ALICE = pad("aliceuser");
const BOB = pad("bobuser");
const DM_ALICE = pad("dmalicebotchan");
const DM_BOB = pad("dmbobbotchan");
const CHANNEL_SESSION = `agent:main:mattermost:channel:${TOWN}`;

const HOOKS_WE_FEED = new Set([
  "message_received",
  "subagent_spawned",
  "subagent_ended",
  "before_model_resolve",
  "before_prompt_build",
  "agent_end",
  "model_call_started",
  "model_call_ended",
]);

function feed(c: OpenClawCorrelator, rec: Captured): { events: LiveEvent[]; skipped: Skip[] } {
  if (rec.kind === "agent_event" && "event" in rec) return c.agentEvent(rec.event as OcAgentEvent);
  if (rec.kind === "hook" && "name" in rec && HOOKS_WE_FEED.has(rec.name)) {
    return c.hook({ name: rec.name, event: rec.event, ctx: rec.ctx } as OcHookCall, rec.t);
  }
  return { events: [], skipped: [] };
}

function replay(records: Captured[], c = new OpenClawCorrelator()) {
  const events: LiveEvent[] = [];
  const skipped: Skip[] = [];
  for (const rec of records) {
    const r = feed(c, rec);
    events.push(...r.events);
    skipped.push(...r.skipped);
  }
  return { events, skipped, correlator: c };
}

/** Event types with runs of `text` / `usage` collapsed, for readable sequence assertions. */
function shape(events: LiveEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    const label = e.type === "tool_start" ? `tool_start:${e.name}` : e.type;
    if ((label === "text" || label === "usage") && out.at(-1) === label) continue;
    out.push(label);
  }
  return out;
}

const ofType = <T extends LiveEvent["type"]>(events: LiveEvent[], type: T) =>
  events.filter((e): e is Extract<LiveEvent, { type: T }> => e.type === type);

describe("channel message with two tool calls (fixture a)", () => {
  const { events, skipped } = replay(load("a-channel-two-tools.jsonl"));

  it("yields route, run_start, content and run_end in the order the gateway produced them", () => {
    expect(shape(events)).toEqual([
      "route",
      "run_start",
      "thinking",
      "usage",
      "tool_start:read",
      "tool_end",
      "usage",
      "tool_start:exec",
      "tool_end",
      "text",
      "usage",
      "run_end",
    ]);
  });

  it("routes the run to the channel it was asked from, with the user's post as trigger", () => {
    const [route, start] = events;
    expect(route).toMatchObject({ type: "route", session: CHANNEL_SESSION, channelId: TOWN });
    expect(route).not.toHaveProperty("rootId");
    expect(start).toMatchObject({ type: "run_start", trigger: { kind: "user", postId: pad("post0001") } });
  });

  it("names the account the message came in on (the gateway's message_received ctx.accountId)", () => {
    expect(events[0]).toMatchObject({ type: "route", account: "default" });
    const other = replay(
      load("a-channel-two-tools.jsonl").map((r) =>
        "name" in r && r.name === "message_received"
          ? { ...r, ctx: { ...(r.ctx as Record<string, unknown>), accountId: "ops" } }
          : r,
      ),
    );
    expect(other.events[0]).toMatchObject({ type: "route", channelId: TOWN, account: "ops" });
  });

  it("puts every event on the channel session and the one run, though content events carry only runId", () => {
    expect(new Set(events.map((e) => e.session))).toEqual(new Set([CHANNEL_SESSION]));
    expect(new Set(events.map((e) => e.runId)).size).toBe(1);
  });

  it("maps tool start/result by call id and keeps the last cumulative text", () => {
    expect(ofType(events, "tool_start").map((e) => [e.callId, e.name, e.args])).toEqual([
      ["call_1", "read", { path: "NOTES.md" }],
      ["call_2", "exec", { command: "echo hi" }],
    ]);
    expect(ofType(events, "tool_end").map((e) => [e.callId, e.ok])).toEqual([
      ["call_1", true],
      ["call_2", true],
    ]);
    expect(ofType(events, "text").at(-1)?.text).toBe(
      "Done: the notes say hello and echo printed hi. All good here.",
    );
    // OpenClaw counts cumulatively (30, 50, 90); normalized usage carries the increments.
    expect(ofType(events, "usage").map((e) => e.output)).toEqual([30, 20, 40]);
  });

  it("never keeps thinking text", () => {
    expect(ofType(events, "thinking").every((e) => e.text === undefined)).toBe(true);
  });

  it("ends ok and skips nothing", () => {
    expect(events.at(-1)).toMatchObject({ type: "run_end", outcome: "ok" });
    expect(skipped).toEqual([]);
  });
});

describe("two turns in one thread (fixture b)", () => {
  const { events } = replay(load("b-thread-two-turns.jsonl"));
  const root = pad("post0003");

  it("routes both runs to the thread root, each with its own run id", () => {
    const routes = ofType(events, "route");
    expect(routes).toHaveLength(2);
    for (const r of routes) {
      expect(r).toMatchObject({
        session: `${CHANNEL_SESSION}:thread:${root}`,
        channelId: TOWN,
        rootId: root,
      });
    }
    expect(routes[0]?.runId).not.toBe(routes[1]?.runId);
    expect(ofType(events, "run_start").map((e) => e.trigger?.postId)).toEqual([
      pad("post0004"),
      pad("post0006"),
    ]);
    expect(ofType(events, "run_end").map((e) => e.outcome)).toEqual(["ok", "ok"]);
  });
});

describe("DMs from two users under dmScope main (fixture c)", () => {
  const { events } = replay(load("c-dm-two-users-main-scope.jsonl"));
  const routes = ofType(events, "route");

  it("routes each run of the collapsed main session to its own sender's DM", () => {
    expect(routes.map((r) => r.session)).toEqual(["agent:main:main", "agent:main:main"]);
    expect(routes[0]).toMatchObject({ dmUserId: ALICE, channelId: DM_ALICE });
    expect(routes[1]).toMatchObject({ dmUserId: BOB, channelId: DM_BOB });
  });

  it("never routes user 2's run to user 1's DM", () => {
    expect(JSON.stringify(routes[1])).not.toContain(ALICE);
    expect(JSON.stringify(routes[1])).not.toContain(DM_ALICE);
  });
});

describe("sub-agent spawn (fixture d)", () => {
  const { events, skipped } = replay(load("d-subagent-spawn.jsonl"));
  const starts = ofType(events, "run_start");
  const child = ofType(events, "subagent_start")[0]?.child ?? "";

  it("reports the child on the requester session, tagged with the spawning run", () => {
    const spawn = ofType(events, "tool_start").find((e) => e.name === "sessions_spawn");
    expect(ofType(events, "subagent_start")).toEqual([
      expect.objectContaining({ session: CHANNEL_SESSION, runId: spawn?.runId, label: "helper" }),
    ]);
    expect(child).toMatch(/^agent:main:subagent:/);
  });

  it("starts the child run as a sub-agent run without a route of its own", () => {
    const childStart = starts.find((e) => e.session === child);
    expect(childStart?.trigger?.kind).toBe("subagent");
    expect(ofType(events, "route").some((r) => r.session === child)).toBe(false);
  });

  it("routes the completion announce run on the requester session to the spawn's channel", () => {
    const announce = starts.find((e) => e.runId?.startsWith("announce:"));
    expect(announce).toMatchObject({ session: CHANNEL_SESSION, trigger: { kind: "subagent" } });
    expect(ofType(events, "route").find((r) => r.runId === announce?.runId)).toMatchObject({
      channelId: TOWN,
    });
  });

  it("ends the child on the requester session with its outcome and label", () => {
    expect(ofType(events, "subagent_end")).toEqual([
      expect.objectContaining({ session: CHANNEL_SESSION, child, outcome: "ok", label: "helper" }),
    ]);
    expect(skipped).toEqual([]);
  });

  it("closes all three runs", () => {
    expect(starts).toHaveLength(3);
    expect(ofType(events, "run_end").map((e) => e.outcome)).toEqual(["ok", "ok", "ok"]);
  });
});

describe("heartbeat and cron runs (fixtures e, h)", () => {
  it("marks a heartbeat run and gives it no route: its ctx chatId is only the stored last route", () => {
    const { events } = replay(load("e-heartbeat.jsonl"));
    expect(shape(events)).toEqual(["run_start", "text", "usage", "run_end"]);
    expect(events[0]).toMatchObject({ session: "agent:main:main", trigger: { kind: "heartbeat" } });
  });

  it("marks an isolated cron run on its own cron session", () => {
    const { events } = replay(load("h-cron-isolated.jsonl"));
    expect(events[0]).toMatchObject({ type: "run_start", trigger: { kind: "cron" } });
    expect(events[0]?.session).toMatch(/^agent:main:cron:[^:]+:run:/);
    expect(ofType(events, "route")).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "run_end", outcome: "ok" });
  });
});

describe("failed and aborted runs (fixtures f, g)", () => {
  it("ends a model failure as an error with the gateway's message, though agent_end said success", () => {
    const { events } = replay(load("f-model-error.jsonl"));
    expect(events.at(-1)).toMatchObject({
      type: "run_end",
      outcome: "error",
      error: "LLM request failed: provider rejected the request schema or tool payload.",
    });
  });

  it("ends a run stopped with /stop as aborted", () => {
    const { events } = replay(load("g-abort-stop.jsonl"));
    expect(shape(events)).toEqual(["route", "run_start", "run_end"]);
    expect(events.at(-1)).toMatchObject({ type: "run_end", outcome: "aborted" });
    expect(events.at(-1)).not.toHaveProperty("error");
  });
});

describe("two sessions at once (fixtures a, c)", () => {
  it("maps the same events whatever way two sessions' signals interleave", () => {
    const a = load("a-channel-two-tools.jsonl");
    const c = load("c-dm-two-users-main-scope.jsonl");
    const alone = [...replay(a).events, ...replay(c).events];
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: a.length + c.length, maxLength: a.length + c.length }),
        (picks) => {
          const merged: Captured[] = [];
          let i = 0;
          let j = 0;
          for (const pickA of picks) {
            if ((pickA && i < a.length) || j >= c.length) merged.push(a[i++] as Captured);
            else merged.push(c[j++] as Captured);
          }
          const mixed = replay(merged).events;
          const bySession = (es: LiveEvent[], s: string) => es.filter((e) => e.session === s);
          for (const s of [CHANNEL_SESSION, "agent:main:main"]) {
            expect(bySession(mixed, s)).toEqual(bySession(alone, s));
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
