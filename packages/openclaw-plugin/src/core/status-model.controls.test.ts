import { describe, expect, it } from "vitest";
import { applyAll, type ContentFields } from "../../test/support/content-events.ts";
import { MAX_PLAN_STEP, MAX_PLAN_STEPS } from "./status-controls.ts";
import { DEFAULT_STATUS_OPTIONS, finishStatus, type StatusOptions, startStatus } from "./status-model.ts";
import { codePointLength } from "./text.ts";

const SESSION = "agent:main:mattermost:channel:chan1";
const T0 = 1_000_000;
const o = DEFAULT_STATUS_OPTIONS;
const SECRET = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789";

type Ev = ContentFields;

function run(events: readonly Ev[], opts: StatusOptions = o, from = startStatus(SESSION, T0)) {
  return applyAll(
    SESSION,
    T0,
    events.map((e, i) => [i * 100, e] as [number, Ev]),
    opts,
    from,
  );
}

const execStart: Ev = { type: "tool_start", callId: "c1", name: "exec", args: { command: "npm publish" } };
const wait: Ev = { type: "approval", phase: "waiting", approvalId: "a1b2c3d4-e5f6", callId: "c1" };

describe("waiting for approval", () => {
  it("shows what waits, with the waiting call's command, while the box keeps running", () => {
    const s = run([{ type: "thinking" }, execStart, wait]);
    expect(s.state).toBe("running");
    expect(s.thinking).toBe(false);
    expect(s.waiting).toEqual({
      kind: "approval",
      approvalId: "a1b2c3d4-e5f6",
      command: "npm publish",
      callId: "c1",
    });
  });

  it("redacts a command the event carries, and hides it when tool arguments are hidden", () => {
    const e: Ev = { ...wait, command: `curl -H "Authorization: Bearer ${SECRET}" x` } as Ev;
    expect(run([e]).waiting?.command).not.toContain(SECRET);
    expect(run([execStart, e], { ...o, showToolArgs: false }).waiting).toEqual({
      kind: "approval",
      approvalId: "a1b2c3d4-e5f6",
      callId: "c1",
    });
  });

  it("ends the wait on its resolution, then the tool's outcome follows", () => {
    const resolved = run([
      execStart,
      wait,
      { type: "approval", phase: "resolved", approvalId: "a1b2c3d4-e5f6" },
    ]);
    expect(resolved).not.toHaveProperty("waiting");
    const done = run([{ type: "tool_end", callId: "c1", ok: true }], o, resolved);
    expect(done.tools.map((t) => t.state)).toEqual(["ok"]);
  });

  it("keeps the wait when another approval is resolved", () => {
    const s = run([execStart, wait, { type: "approval", phase: "resolved", approvalId: "other" }]);
    expect(s.waiting?.approvalId).toBe("a1b2c3d4-e5f6");
  });

  it("ends the wait when the waiting tool call ends without a resolution", () => {
    const s = run([execStart, wait, { type: "tool_end", callId: "c1", ok: false, error: "denied" }]);
    expect(s).not.toHaveProperty("waiting");
  });

  it("ends the wait when the run ends, whatever the outcome", () => {
    const s = run([execStart, wait]);
    for (const state of ["done", "error", "aborted", "interrupted"] as const) {
      expect(finishStatus(s, state, T0 + 5_000)).not.toHaveProperty("waiting");
    }
  });

  it("notes an unavailable or denied approval with its command and a redacted reason", () => {
    const unavailable = run([
      {
        type: "approval",
        phase: "unavailable",
        callId: "c9",
        command: "rm -rf build",
        reason: `no approver ${SECRET}`,
      },
    ]);
    expect(unavailable.approvalNotice?.status).toBe("unavailable");
    expect(unavailable.approvalNotice?.command).toBe("rm -rf build");
    expect(unavailable.approvalNotice?.reason).toMatch(/^no approver /);
    expect(unavailable.approvalNotice?.reason).not.toContain(SECRET);
    const denied = run([execStart, wait, { type: "approval", phase: "denied", callId: "c1" }]);
    expect(denied).not.toHaveProperty("waiting");
    expect(denied.approvalNotice).toEqual({ status: "denied", command: "npm publish" });
  });

  it("changes nothing once the box is final", () => {
    const final = finishStatus(run([execStart]), "done", T0 + 1);
    expect(run([wait, { type: "plan", steps: [{ step: "A", status: "pending" }] }], o, final)).toBe(final);
  });
});

describe("the plan", () => {
  it("mirrors the latest plan: each event replaces the list, an empty one clears it", () => {
    const first = run([
      {
        type: "plan",
        steps: [
          { step: "Read", status: "in_progress" },
          { step: "Fix", status: "pending" },
        ],
      },
    ]);
    expect(first.plan).toEqual([
      { step: "Read", status: "in_progress" },
      { step: "Fix", status: "pending" },
    ]);
    const second = run([{ type: "plan", steps: [{ step: "Read", status: "completed" }] }], o, first);
    expect(second.plan).toEqual([{ step: "Read", status: "completed" }]);
    const cleared = run([{ type: "plan", steps: [] }], o, second);
    expect(cleared).not.toHaveProperty("plan");
    expect(run([{ type: "plan", steps: [] }], o, cleared)).toBe(cleared);
  });

  it("keeps at most 50 steps, each one redacted line of bounded length", () => {
    const steps = Array.from({ length: 60 }, (_, i) => ({
      step: `${i} ${"x".repeat(300)}\nsecond line ${SECRET}`,
      status: "pending" as const,
    }));
    const plan = run([{ type: "plan", steps }]).plan ?? [];
    expect(plan).toHaveLength(MAX_PLAN_STEPS);
    for (const p of plan) {
      expect(codePointLength(p.step)).toBeLessThanOrEqual(MAX_PLAN_STEP);
      expect(p.step).not.toContain("\n");
      expect(p.step).not.toContain(SECRET);
    }
  });
});
