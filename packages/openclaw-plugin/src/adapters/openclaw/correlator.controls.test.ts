import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../../core/events.ts";
import { OpenClawCorrelator } from "./correlator.ts";
import type { OcAgentEvent } from "./payloads.ts";

// Payload shapes as openclaw 2026.9.6 emits them (dist: bash-tools, builtin-openclaw tool handlers).
const SESSION = "agent:main:mattermost:channel:townxxxxxxxxxxxxxxxxxxxxx";
const RUN = "run-1";
let seq = 0;
const ev = (
  stream: string,
  data: Record<string, unknown>,
  extra: Partial<OcAgentEvent> = {},
): OcAgentEvent => ({
  runId: RUN,
  seq: ++seq,
  stream,
  ts: 1000 + seq,
  data,
  ...extra,
});

function started(): OpenClawCorrelator {
  const c = new OpenClawCorrelator();
  c.agentEvent(ev("lifecycle", { phase: "start" }, { sessionKey: SESSION }));
  return c;
}

const strip = (events: LiveEvent[]) =>
  events.map(({ v: _v, ts: _ts, session: _s, runId: _r, ...rest }) => rest);

describe("approvals", () => {
  it("maps lifecycle waiting-approval and approval-resolved to a wait and its end", () => {
    const c = started();
    const data = { approvalId: "0a1b2c3d-4e5f", toolCallId: "call_1" };
    const waiting = c.agentEvent(
      ev("lifecycle", { phase: "waiting-approval", ...data }, { sessionKey: SESSION }),
    );
    const resolved = c.agentEvent(
      ev("lifecycle", { phase: "approval-resolved", ...data }, { sessionKey: SESSION }),
    );
    expect(strip([...waiting.events, ...resolved.events])).toEqual([
      { type: "approval", phase: "waiting", approvalId: "0a1b2c3d-4e5f", callId: "call_1" },
      { type: "approval", phase: "resolved", approvalId: "0a1b2c3d-4e5f", callId: "call_1" },
    ]);
    expect(waiting.events[0]).toMatchObject({ session: SESSION, runId: RUN });
    expect(c.openRuns).toBe(1);
  });

  it("maps the approval stream: pending waits, unavailable and denied are notices", () => {
    const c = started();
    const out = [
      ev("approval", {
        phase: "requested",
        kind: "exec",
        status: "pending",
        approvalId: "ap1",
        toolCallId: "c1",
        command: "npm publish",
      }),
      ev("approval", {
        phase: "requested",
        kind: "exec",
        status: "unavailable",
        toolCallId: "c2",
        command: "rm x",
        reason: "no route",
      }),
      ev("approval", {
        phase: "resolved",
        kind: "exec",
        status: "denied",
        toolCallId: "c1",
        message: "denied by alice",
      }),
      ev("approval", { phase: "resolved", kind: "exec", status: "approved", toolCallId: "c3" }),
    ].flatMap((e) => c.agentEvent(e).events);
    expect(strip(out)).toEqual([
      { type: "approval", phase: "waiting", approvalId: "ap1", callId: "c1", command: "npm publish" },
      { type: "approval", phase: "unavailable", callId: "c2", command: "rm x", reason: "no route" },
      { type: "approval", phase: "denied", callId: "c1", reason: "denied by alice" },
    ]);
  });

  it("ignores a waiting-approval without an id, and approval events of an unknown run", () => {
    const c = started();
    expect(
      c.agentEvent(ev("lifecycle", { phase: "waiting-approval" }, { sessionKey: SESSION })).events,
    ).toEqual([]);
    const stranger = c.agentEvent(
      ev("approval", { phase: "requested", status: "pending", approvalId: "x" }, { runId: "other" }),
    );
    expect(stranger).toEqual({
      events: [],
      skipped: [{ reason: "unknown_run", runId: "other", stream: "approval" }],
    });
  });
});

describe("plans", () => {
  it("maps a plan update (runId only, as on channel runs) to the whole list", () => {
    const c = started();
    const steps = [
      { step: "Read", status: "completed" },
      { step: "Fix", status: "in_progress" },
      { step: "", status: "pending" },
      { step: "Test", status: "later" },
    ];
    const out = c.agentEvent(
      ev("plan", {
        phase: "update",
        title: "Plan updated",
        source: "openclaw",
        steps,
        explanation: "1/4 complete",
      }),
    );
    expect(strip(out.events)).toEqual([
      {
        type: "plan",
        steps: [
          { step: "Read", status: "completed" },
          { step: "Fix", status: "in_progress" },
        ],
      },
    ]);
    expect(out.events[0]?.session).toBe(SESSION);
  });

  it("maps an empty plan to a clear and ignores one it cannot read at all", () => {
    const c = started();
    expect(strip(c.agentEvent(ev("plan", { phase: "update", steps: [] })).events)).toEqual([
      { type: "plan", steps: [] },
    ]);
    expect(c.agentEvent(ev("plan", { phase: "update", steps: [{ nope: 1 }] })).events).toEqual([]);
    expect(c.agentEvent(ev("plan", { phase: "update" })).events).toEqual([]);
  });
});
