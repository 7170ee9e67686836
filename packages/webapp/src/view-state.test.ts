import type { LiveStatusV1 } from "@live-status/contract";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { props, T0, tool } from "../test/fixtures.ts";
import { type StatusView, toViewState, type ViewState } from "./view-state.ts";

function statusView(v: ViewState): StatusView {
  if (v.kind !== "status") throw new Error(`expected a status view, got: ${v.reason}`);
  return v;
}

const NOW = T0 + 65_000;

describe("toViewState header for each box state", () => {
  it.each<[string, Partial<LiveStatusV1>, Partial<StatusView>]>([
    [
      "running",
      {},
      {
        stateLabel: "Running",
        icon: "spinner",
        tone: "active",
        final: false,
        ticking: true,
        elapsed: "1m 05s",
      },
    ],
    [
      "done",
      { state: "done", endedAt: T0 + 42_000 },
      { stateLabel: "Done", icon: "check", tone: "ok", final: true, ticking: false, elapsed: "42s" },
    ],
    [
      "error",
      { state: "error", endedAt: T0 + 3_000, error: "model returned 500" },
      {
        stateLabel: "Failed",
        icon: "cross",
        tone: "error",
        final: true,
        elapsed: "3s",
        error: "model returned 500",
      },
    ],
    [
      "aborted",
      { state: "aborted", endedAt: T0 + 9_000 },
      { stateLabel: "Stopped", icon: "stop", tone: "warn", final: true, elapsed: "9s" },
    ],
    [
      "interrupted",
      { state: "interrupted", endedAt: T0 + 125_000 },
      {
        stateLabel: "Interrupted",
        icon: "pause",
        tone: "warn",
        final: true,
        ticking: false,
        elapsed: "2m 05s",
      },
    ],
  ])("draws the %s box", (_name, over, expected) => {
    expect(statusView(toViewState(props(over), NOW))).toMatchObject({ agent: "main", ...expected });
  });

  it("explains an interrupted run in plain words", () => {
    const v = statusView(toViewState(props({ state: "interrupted", endedAt: T0 + 1 }), NOW));
    expect(v.note).toMatch(/stopped without reporting an end/);
    expect(v.note).toMatch(/gateway restarted/);
  });

  it("says an aborted run was stopped and keeps its error text", () => {
    const v = statusView(
      toViewState(props({ state: "aborted", endedAt: T0, error: "user pressed stop" }), NOW),
    );
    expect(v.note).toMatch(/stopped before it finished/);
    expect(v.error).toBe("user pressed stop");
  });

  it("gives done and running boxes no explanatory note", () => {
    expect(statusView(toViewState(props(), NOW)).note).toBeUndefined();
    expect(statusView(toViewState(props({ state: "done", endedAt: T0 }), NOW)).note).toBeUndefined();
  });

  it("measures a final box by its end time, not by now", () => {
    const p = props({ state: "done", endedAt: T0 + 5_000 });
    expect(statusView(toViewState(p, T0 + 10_000)).elapsed).toBe("5s");
    expect(statusView(toViewState(p, T0 + 99_000)).elapsed).toBe("5s");
  });

  it("leaves the duration out when a final box has no end time", () => {
    expect(statusView(toViewState(props({ state: "done" }), NOW)).elapsed).toBeUndefined();
  });

  it("shows 0s rather than a negative time when the browser clock is behind", () => {
    expect(statusView(toViewState(props(), T0 - 3_000)).elapsed).toBe("0s");
  });

  it("calls an agent without an id 'agent'", () => {
    const { agent, ...rest } = props().live_status;
    expect(statusView(toViewState({ live_status: rest }, NOW)).agent).toBe("agent");
  });
});

describe("toViewState activity while running", () => {
  it("says it is thinking while the model thinks", () => {
    expect(statusView(toViewState(props({ thinking: true }), NOW)).activity).toBe("thinking…");
  });

  it("names the tool it is running", () => {
    const tools = [tool(), tool({ callId: "c2", name: "exec", state: "running", endedAt: undefined })];
    expect(statusView(toViewState(props({ tools }), NOW)).activity).toBe("calling exec");
  });

  it("shows no activity once the box is final", () => {
    const v = statusView(toViewState(props({ state: "done", endedAt: T0, thinking: true }), NOW));
    expect(v.activity).toBeUndefined();
  });
});

describe("toViewState with unreadable props", () => {
  it.each([
    ["nothing", undefined],
    ["a plain message post", { from_bot: "true" }],
    ["a future format", { live_status: { v: 3 } }],
    ["a broken state", { live_status: { ...props().live_status, state: 42 } }],
  ])("gives a clear unreadable view for %s", (_name, input) => {
    const v = toViewState(input, NOW);
    expect(v).toMatchObject({ kind: "unreadable", title: "Live status unreadable" });
    expect(v.kind === "unreadable" && v.reason.length).toBeGreaterThan(10);
  });

  it("never throws and never shows a negative or NaN time", () => {
    fc.assert(
      fc.property(fc.anything(), fc.integer({ min: 0, max: 4e12 }), (live, now) => {
        const v = toViewState({ live_status: live }, now);
        if (v.kind === "status") expect(v.elapsed ?? "0s").toMatch(/^\d+[smh]/);
      }),
    );
  });
});
