import type { LiveStatusV1 } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import { applyAll, type ContentFields, contentEvent } from "../../test/support/content-events.ts";
import {
  applyChildContent,
  applyContent,
  DEFAULT_STATUS_OPTIONS,
  MAX_TOOL_ERROR,
  type StatusOptions,
  startStatus,
} from "./status-model.ts";
import { codePointLength } from "./text.ts";

const SESSION = "agent:main:main";
const T0 = 1_000_000;
const o = DEFAULT_STATUS_OPTIONS;

type Ev = ContentFields;
const ev = (e: Ev) => contentEvent(SESSION, e);

function run(events: readonly [number, Ev][], opts: StatusOptions = o, from = startStatus(SESSION, T0)) {
  return applyAll(SESSION, T0, events, opts, from);
}

describe("tool calls", () => {
  it("records a tool from start to successful end with its duration", () => {
    const s = run([
      [10, { type: "tool_start", callId: "c1", name: "exec", args: { command: "git status" } }],
      [450, { type: "tool_end", callId: "c1", ok: true }],
    ]);
    expect(s.tools).toEqual([
      { callId: "c1", name: "exec", args: "git status", state: "ok", startedAt: T0 + 10, endedAt: T0 + 450 },
    ]);
  });

  it("records a failed tool with a redacted, bounded error", () => {
    const s = run([
      [1, { type: "tool_start", callId: "c1", name: "web_fetch" }],
      [2, { type: "tool_end", callId: "c1", ok: false, error: `401 token=abc\n${"e".repeat(999)}` }],
    ]);
    expect(s.tools[0]?.state).toBe("error");
    expect(s.tools[0]?.error?.startsWith("401 token=[redacted] eee")).toBe(true);
    expect(codePointLength(s.tools[0]?.error ?? "")).toBe(MAX_TOOL_ERROR);
  });

  it("keeps no error text on a successful end", () => {
    const s = run([
      [1, { type: "tool_start", callId: "c1", name: "exec" }],
      [2, { type: "tool_end", callId: "c1", ok: true, error: "ignored" }],
    ]);
    expect(s.tools[0]).not.toHaveProperty("error");
  });

  it("ignores the end of an unknown call", () => {
    const before = run([[1, { type: "tool_start", callId: "c1", name: "exec" }]]);
    expect(applyContent(before, ev({ type: "tool_end", callId: "nope", ok: true }), T0 + 2, o)).toBe(before);
  });

  it("ignores a second end of the same call", () => {
    const s = run([
      [1, { type: "tool_start", callId: "c1", name: "exec" }],
      [2, { type: "tool_end", callId: "c1", ok: true }],
      [3, { type: "tool_end", callId: "c1", ok: false, error: "late" }],
    ]);
    expect(s.tools[0]).toMatchObject({ state: "ok", endedAt: T0 + 2 });
  });

  it("ignores a repeated start of the same call", () => {
    const s = run([
      [1, { type: "tool_start", callId: "c1", name: "exec", args: { command: "a" } }],
      [2, { type: "tool_start", callId: "c1", name: "exec", args: { command: "b" } }],
    ]);
    expect(s.tools).toHaveLength(1);
    expect(s.tools[0]).toMatchObject({ args: "a", startedAt: T0 + 1 });
  });

  it("tracks parallel calls independently", () => {
    const s = run([
      [1, { type: "tool_start", callId: "a", name: "read", args: { path: "x" } }],
      [2, { type: "tool_start", callId: "b", name: "read", args: { path: "y" } }],
      [5, { type: "tool_end", callId: "b", ok: true }],
    ]);
    expect(s.tools.map((t) => [t.callId, t.state])).toEqual([
      ["a", "running"],
      ["b", "ok"],
    ]);
  });

  it("hides arguments when tool arguments are turned off", () => {
    const s = run([[1, { type: "tool_start", callId: "c1", name: "exec", args: { command: "rm -rf x" } }]], {
      ...o,
      showToolArgs: false,
    });
    expect(s.tools[0]).not.toHaveProperty("args");
  });

  it("redacts arguments with the configured patterns", () => {
    const s = run(
      [[1, { type: "tool_start", callId: "c1", name: "exec", args: { command: "ssh a.corp" } }]],
      {
        ...o,
        redact: [/a\.corp/],
      },
    );
    expect(s.tools[0]?.args).toBe("ssh [redacted]");
  });

  it("keeps only the last maxTools calls and counts the rest as omitted", () => {
    const events: [number, Ev][] = [];
    for (let i = 0; i < 7; i++) events.push([i, { type: "tool_start", callId: `c${i}`, name: "exec" }]);
    const s = run(events, { ...o, maxTools: 3 });
    expect(s.tools.map((t) => t.callId)).toEqual(["c4", "c5", "c6"]);
    expect(s.toolsOmitted).toBe(4);
  });

  it("keeps 30 tools by default", () => {
    const events: [number, Ev][] = [];
    for (let i = 0; i < 45; i++) events.push([i, { type: "tool_start", callId: `c${i}`, name: "read" }]);
    const s = run(events);
    expect(s.tools).toHaveLength(30);
    expect(s.toolsOmitted).toBe(15);
  });

  it("gives a nameless tool a placeholder name and bounds long names", () => {
    const s = run([
      [1, { type: "tool_start", callId: "a", name: "" }],
      [2, { type: "tool_start", callId: "b", name: `x\n${"y".repeat(500)}` }],
    ]);
    expect(s.tools[0]?.name).toBe("tool");
    expect(codePointLength(s.tools[1]?.name ?? "")).toBe(64);
    expect(s.tools[1]?.name).not.toContain("\n");
  });
});

describe("sub-agents", () => {
  const child = "agent:main:subagent:0b6f";
  const started = (): LiveStatusV1 => run([[1, { type: "subagent_start", child, label: "research" }]]);

  it("adds a running sub-agent on start", () => {
    expect(started().subagents).toEqual([
      { child, label: "research", state: "running", startedAt: T0 + 1, toolCount: 0 },
    ]);
  });

  it.each([
    ["ok", "done"],
    [undefined, "done"],
    ["error", "error"],
    ["aborted", "aborted"],
  ] as const)("ends a sub-agent with outcome %s as %s", (outcome, state) => {
    const s = run([[9, { type: "subagent_end", child, ...(outcome ? { outcome } : {}) }]], o, started());
    expect(s.subagents[0]).toMatchObject({ state, endedAt: T0 + 9 });
  });

  it("ignores the end of an unknown sub-agent", () => {
    const s = started();
    expect(applyContent(s, ev({ type: "subagent_end", child: "other" }), T0 + 2, o)).toBe(s);
  });

  it("fills in a label it learns later but does not duplicate a repeated start", () => {
    const s = run(
      [
        [1, { type: "subagent_start", child }],
        [2, { type: "subagent_start", child, label: "late label" }],
        [3, { type: "subagent_start", child, label: "ignored" }],
      ],
      o,
    );
    expect(s.subagents).toHaveLength(1);
    expect(s.subagents[0]?.label).toBe("late label");
  });

  it("counts a sub-agent's own tool calls and shows the one it is running", () => {
    let s = started();
    s = applyChildContent(s, child, ev({ type: "tool_start", callId: "x1", name: "web_search" }), T0 + 2);
    expect(s.subagents[0]).toMatchObject({ toolCount: 1, currentTool: "web_search" });
    s = applyChildContent(s, child, ev({ type: "tool_end", callId: "x1", ok: true }), T0 + 3);
    expect(s.subagents[0]?.toolCount).toBe(1);
    expect(s.subagents[0]).not.toHaveProperty("currentTool");
    s = applyChildContent(s, child, ev({ type: "tool_start", callId: "x2", name: "read" }), T0 + 4);
    expect(s.subagents[0]).toMatchObject({ toolCount: 2, currentTool: "read" });
  });

  it("does not let a sub-agent's events touch the parent's own tools, text or tokens", () => {
    const before = started();
    let s = applyChildContent(before, child, ev({ type: "text", text: "child text" }), T0 + 2);
    s = applyChildContent(s, child, ev({ type: "usage", input: 10 }), T0 + 3);
    s = applyChildContent(s, child, ev({ type: "tool_start", callId: "y", name: "exec" }), T0 + 4);
    expect(s.tools).toEqual([]);
    expect(s.preview).toBeUndefined();
    expect(s.tokens).toEqual({ input: 0, output: 0 });
  });

  it("ignores events of unknown or ended sub-agents", () => {
    const s = started();
    expect(
      applyChildContent(s, "nobody", ev({ type: "tool_start", callId: "z", name: "exec" }), T0 + 2),
    ).toBe(s);
    const ended = run([[5, { type: "subagent_end", child }]], o, s);
    expect(
      applyChildContent(ended, child, ev({ type: "tool_start", callId: "z", name: "exec" }), T0 + 6),
    ).toBe(ended);
  });

  it("clears the current tool when the sub-agent ends", () => {
    let s = started();
    s = applyChildContent(s, child, ev({ type: "tool_start", callId: "x1", name: "exec" }), T0 + 2);
    s = run([[3, { type: "subagent_end", child }]], o, s);
    expect(s.subagents[0]).not.toHaveProperty("currentTool");
  });

  it("redacts sub-agent labels", () => {
    const s = run([[1, { type: "subagent_start", child, label: "use password=hunter2" }]]);
    expect(s.subagents[0]?.label).toBe("use password=[redacted]");
  });
});
