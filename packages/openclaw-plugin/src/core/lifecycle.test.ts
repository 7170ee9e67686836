import { describe, expect, it } from "vitest";
import { activate, channel, run, slotIn, T0, testConfig } from "../../test/support/lifecycle.ts";
import type { ContentEvent } from "./events.ts";
import { boxIdOf, initialSlot, transition } from "./lifecycle.ts";

const session = "agent:main:mattermost:channel:chan1";

function content(body: Record<string, unknown>): ContentEvent {
  return { v: 1, ts: T0, session, runId: "r1", ...body } as ContentEvent;
}

describe("lifecycle", () => {
  it("creates the first box on a real activation and names the signal", () => {
    const result = transition(
      initialSlot(session, channel, T0),
      { type: "activate", activation: { runId: "r1", trigger: "user", postId: "p1" } },
      T0,
      testConfig,
    );
    expect(result.effects).toMatchObject([
      { kind: "create_box", boxId: `${session}|channel:chan1#1`, runId: "r1" },
    ]);
    expect(result.transition).toEqual({
      from: "inactive",
      to: "active",
      reason: "run_start run=r1 trigger=user post=p1",
    });
  });

  it("moves a reactivated session to a fresh box at the bottom and removes the buried one", () => {
    const done = slotIn("completed_guarded");
    const result = transition(done, activate("r2", "p2"), T0 + 60_000, testConfig);
    expect(result.effects.map((e) => [e.kind, "boxId" in e ? e.boxId : ""])).toEqual([
      ["remove_box", boxIdOf(done, 1)],
      ["create_box", boxIdOf(done, 2)],
    ]);
    expect(result.transition?.reason).toBe("run_start run=r2 trigger=user post=p2");
    expect(result.transition?.from).toBe("completed_guarded");
  });

  it("keeps the old box as a one-line receipt when the policy says receipt", () => {
    const result = transition(slotIn("completed_guarded"), activate("r2"), T0 + 1, {
      ...testConfig,
      previousBox: "receipt",
    });
    expect(result.effects[0]).toMatchObject({
      kind: "remove_box",
      policy: "receipt",
      status: { state: "done" },
    });
  });

  it("finalizes a superseded live box as interrupted before it leaves", () => {
    const result = transition(slotIn("active"), activate("r2"), T0 + 1, testConfig);
    expect(result.effects[0]).toMatchObject({ kind: "remove_box", status: { state: "interrupted" } });
  });

  it("drops late content of a superseded run", () => {
    const second = run(slotIn("active"), [activate("r2")]);
    const late = transition(
      second,
      { type: "content", runId: "r1", event: { v: 1, ts: T0, session, type: "text", text: "late" } },
      T0 + 2,
      testConfig,
    );
    expect(late.effects).toEqual([]);
    expect(late.state).toBe(second);
  });

  it("treats a repeated start for the same triggering message as the same run", () => {
    const first = transition(
      initialSlot(session, channel, T0),
      { type: "activate", activation: { trigger: "user", postId: "p1" } },
      T0,
      testConfig,
    ).state;
    const again = transition(
      first,
      { type: "activate", activation: { trigger: "user", postId: "p1" } },
      T0 + 1,
      testConfig,
    );
    expect(again.effects).toEqual([]);
  });

  it("maps run outcomes to final box states", () => {
    for (const [outcome, state] of [
      ["ok", "done"],
      ["error", "error"],
      ["aborted", "aborted"],
    ] as const) {
      const result = transition(
        slotIn("active"),
        { type: "run_end", runId: "r1", outcome, error: "boom" },
        T0 + 5,
        testConfig,
      );
      expect(result.effects).toMatchObject([{ kind: "finalize_box", status: { state } }]);
    }
  });

  it("finalizes a box left running by a restart as interrupted", () => {
    const result = transition(slotIn("active"), { type: "restore" }, T0 + 5, testConfig);
    expect(result.effects).toMatchObject([
      { kind: "finalize_box", status: { state: "interrupted", endedAt: T0 + 5 } },
    ]);
  });

  it("writes the final state again after a restart that happened before it landed", () => {
    const completing = slotIn("completing");
    const result = transition(completing, { type: "restore" }, T0 + 5, testConfig);
    expect(result.effects).toEqual([
      { kind: "finalize_box", boxId: boxIdOf(completing), status: completing.status },
    ]);
  });

  it("warns once when a session is activated more than five times in two minutes", () => {
    let s = initialSlot(session, channel, T0);
    const warnings: string[] = [];
    for (let i = 0; i < 12; i++) {
      const result = transition(s, activate(`r${i}`), T0 + i * 5_000, testConfig);
      s = result.state;
      for (const e of result.effects) if (e.kind === "log") warnings.push(e.message);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/activated 6 times in 120 s/);
  });

  it("does not warn about a session activated at a normal pace", () => {
    let s = initialSlot(session, channel, T0);
    let logs = 0;
    for (let i = 0; i < 20; i++) {
      const result = transition(s, activate(`r${i}`), T0 + i * 60_000, testConfig);
      s = result.state;
      logs += result.effects.filter((e) => e.kind === "log").length;
    }
    expect(logs).toBe(0);
  });

  it("ends a run that went silent as interrupted on the watchdog tick", () => {
    const result = transition(slotIn("active"), { type: "tick" }, T0 + testConfig.staleAfterMs, testConfig);
    expect(result.effects).toMatchObject([{ kind: "finalize_box", status: { state: "interrupted" } }]);
    expect(result.transition?.reason).toBe("no signal for 600 s");
  });

  const busy: Array<[string, ContentEvent]> = [
    ["a tool call in flight", content({ type: "tool_start", callId: "c1", name: "exec" })],
    ["a wait for approval", content({ type: "approval", phase: "waiting", approvalId: "a1b2c3d4-0000" })],
    ["a sub-agent running", content({ type: "subagent_start", child: "agent:main:subagent:x" })],
  ];
  it.each(busy)(
    "gives a run with %s until staleWhileBusyMs before calling it interrupted",
    (_name, event) => {
      const s = transition(slotIn("active"), { type: "content", runId: "r1", event }, T0, testConfig).state;
      const later = transition(s, { type: "tick" }, T0 + testConfig.staleAfterMs + 60_000, testConfig);
      expect(later.effects).toEqual([]);
      expect(later.state.phase).toBe("active");
      const lost = transition(s, { type: "tick" }, T0 + testConfig.staleWhileBusyMs, testConfig);
      expect(lost.effects).toMatchObject([{ kind: "finalize_box", status: { state: "interrupted" } }]);
    },
  );

  it("uses the short limit again once the tool call has ended", () => {
    const s = run(slotIn("active"), [
      { type: "content", runId: "r1", event: content({ type: "tool_start", callId: "c1", name: "exec" }) },
      { type: "content", runId: "r1", event: content({ type: "tool_end", callId: "c1", ok: true }) },
    ]);
    const result = transition(s, { type: "tick" }, T0 + testConfig.staleAfterMs, testConfig);
    expect(result.effects).toMatchObject([{ kind: "finalize_box", status: { state: "interrupted" } }]);
  });
});
