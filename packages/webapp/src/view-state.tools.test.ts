import { describe, expect, it } from "vitest";
import { busyRun, props, subagent, T0, tool } from "../test/fixtures.ts";
import { DEFAULT_MAX_TOOLS, type StatusView, toViewState, type ViewState } from "./view-state.ts";

function statusView(v: ViewState): StatusView {
  if (v.kind !== "status") throw new Error(`expected a status view, got: ${v.reason}`);
  return v;
}

const NOW = T0 + 65_000;

function tools(n: number) {
  return Array.from({ length: n }, (_, i) => tool({ callId: `c${i}`, name: `tool${i}` }));
}

describe("toViewState tool timeline", () => {
  it("draws each call with its status icon, short args and duration", () => {
    const v = statusView(
      toViewState(
        props({
          tools: [
            tool({ name: "read", args: "src/a.ts", endedAt: T0 + 400 }),
            tool({ callId: "c2", name: "exec", state: "error", endedAt: T0 + 12_000, error: "exit 1" }),
            tool({
              callId: "c3",
              name: "edit",
              state: "running",
              startedAt: T0 + 60_000,
              endedAt: undefined,
            }),
          ],
        }),
        NOW,
      ),
    );
    expect(v.tools.recent).toMatchObject([
      { name: "read", icon: "check", tone: "ok", iconLabel: "done", args: "src/a.ts", duration: "0.4s" },
      { name: "exec", icon: "cross", tone: "error", iconLabel: "failed", duration: "12s", error: "exit 1" },
      { name: "edit", icon: "spinner", tone: "active", iconLabel: "running", duration: "5s" },
    ]);
  });

  it("shortens long arguments to one line", () => {
    const v = statusView(
      toViewState(props({ tools: [tool({ args: `cat ${"x".repeat(200)}\nmore` })] }), NOW),
    );
    const args = v.tools.recent[0]?.args ?? "";
    expect(args.length).toBe(80);
    expect(args.endsWith("…")).toBe(true);
    expect(args).not.toContain("\n");
  });

  it(`shows up to ${DEFAULT_MAX_TOOLS} calls without collapsing`, () => {
    const v = statusView(toViewState(props({ tools: tools(DEFAULT_MAX_TOOLS) }), NOW));
    expect(v.tools.recent).toHaveLength(DEFAULT_MAX_TOOLS);
    expect(v.tools.earlier).toEqual([]);
    expect(v.tools.showEarlierLabel).toBeUndefined();
  });

  it("collapses older calls and shows the last ones first", () => {
    const v = statusView(toViewState(props({ tools: tools(8) }), NOW));
    expect(v.tools.recent.map((r) => r.name)).toEqual(["tool3", "tool4", "tool5", "tool6", "tool7"]);
    expect(v.tools.earlier.map((r) => r.name)).toEqual(["tool0", "tool1", "tool2"]);
    expect(v.tools.showEarlierLabel).toBe("Show 3 earlier");
  });

  it("honours a smaller limit for compact boxes", () => {
    const v = statusView(toViewState(props({ tools: tools(4) }), NOW, { maxTools: 3 }));
    expect(v.tools.showEarlierLabel).toBe("Show 1 earlier");
    expect(v.tools.recent).toHaveLength(3);
  });

  it("counts calls the gateway no longer carries", () => {
    const v = statusView(toViewState(props({ tools: tools(2), toolsOmitted: 12 }), NOW));
    expect(v.tools.omittedNote).toBe("12 earlier calls not kept");
    expect(v.tools.summary).toBe("14 tool calls");
  });

  it("has no summary before the first tool call", () => {
    expect(statusView(toViewState(props(), NOW)).tools.summary).toBeUndefined();
  });

  it("keeps row keys unique when a call id repeats", () => {
    const v = statusView(toViewState(props({ tools: [tool(), tool()] }), NOW));
    const keys = v.tools.recent.map((r) => r.key);
    expect(new Set(keys).size).toBe(2);
  });

  it("marks calls still running when the box ended as not finished, timed to the box end", () => {
    const running = tool({ state: "running", startedAt: T0 + 10_000, endedAt: undefined });
    const v = statusView(
      toViewState(props({ state: "interrupted", endedAt: T0 + 40_000, tools: [running] }), NOW),
    );
    expect(v.tools.recent[0]).toMatchObject({
      icon: "stop",
      tone: "muted",
      iconLabel: "did not finish",
      duration: "30s",
    });
  });

  it("ticks a running call's duration with now", () => {
    const running = tool({ state: "running", startedAt: T0, endedAt: undefined });
    expect(statusView(toViewState(props({ tools: [running] }), T0 + 3_000)).tools.recent[0]?.duration).toBe(
      "3s",
    );
    expect(statusView(toViewState(props({ tools: [running] }), T0 + 4_000)).tools.recent[0]?.duration).toBe(
      "4s",
    );
  });
});

describe("toViewState sub-agents and tokens", () => {
  it("nests sub-agents with their tool counts and current tool", () => {
    const v = statusView(toViewState({ live_status: busyRun() }, T0 + 50_000));
    expect(v.subagents).toMatchObject([
      {
        label: "docs researcher",
        stateLabel: "running",
        tools: "4 tools",
        currentTool: "web_fetch",
        duration: "30s",
      },
      { label: "test writer", stateLabel: "done", icon: "check", tools: "7 tools", duration: "36s" },
    ]);
    expect(v.subagents[1]?.currentTool).toBeUndefined();
  });

  it("names an unlabelled sub-agent by its short session id", () => {
    const v = statusView(toViewState(props({ subagents: [subagent({ toolCount: 1 })] }), NOW));
    expect(v.subagents[0]).toMatchObject({ label: "subagent 1f2e3d4c", tools: "1 tool" });
  });

  it("marks a sub-agent still running in a final box as not finished", () => {
    const v = statusView(
      toViewState(
        props({ state: "error", endedAt: T0 + 8_000, subagents: [subagent({ currentTool: "exec" })] }),
        NOW,
      ),
    );
    expect(v.subagents[0]).toMatchObject({ stateLabel: "did not finish", icon: "stop", duration: "8s" });
    expect(v.subagents[0]?.currentTool).toBeUndefined();
  });

  it("shows tokens compactly and hides them while both are zero", () => {
    expect(statusView(toViewState({ live_status: busyRun() }, NOW)).tokens).toBe("18k in · 2.3k out");
    expect(statusView(toViewState(props(), NOW)).tokens).toBeUndefined();
  });

  it("clips a long preview", () => {
    const v = statusView(toViewState(props({ preview: "word ".repeat(200) }), NOW));
    expect(v.preview?.length).toBeLessThanOrEqual(280);
  });
});
