import { LIVE_STATUS_POST_TYPE, type LiveStatusV1, type ToolCallV1 } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import {
  escapeText,
  formatCount,
  formatDuration,
  inlineCode,
  MESSAGE_TOOL_LINES,
  renderMessage,
  renderPost,
  renderReceipt,
} from "./render.ts";

const T0 = 1_700_000_000_000;

function status(over: Partial<LiveStatusV1> = {}): LiveStatusV1 {
  return {
    v: 1,
    session: "agent:main:mattermost:channel:4xp9fdt7pbgium38k9xu8ugtyy",
    agent: "main",
    state: "running",
    startedAt: T0,
    thinking: false,
    tools: [],
    toolsOmitted: 0,
    subagents: [],
    tokens: { input: 0, output: 0 },
    ...over,
  };
}

function tool(i: number, over: Partial<ToolCallV1> = {}): ToolCallV1 {
  return {
    callId: `c${i}`,
    name: "exec",
    state: "ok",
    startedAt: T0 + i * 1000,
    endedAt: T0 + i * 1000 + 400,
    ...over,
  };
}

describe("renderPost", () => {
  it("is a custom live status post carrying the status in props", () => {
    const s = status();
    const post = renderPost(s);
    expect(post.type).toBe(LIVE_STATUS_POST_TYPE);
    expect(post.type).toBe("custom_live_status");
    expect(post.props.live_status).toBe(s);
    expect(post.message).toBe(renderMessage(s));
  });
});

describe("renderMessage", () => {
  it("renders a finished run compactly", () => {
    const s = status({
      state: "done",
      endedAt: T0 + 72_000,
      tools: [
        tool(1, { args: "git status" }),
        tool(2, { name: "read", args: "src/index.ts", state: "error", error: "ENOENT: no such file" }),
      ],
      toolsOmitted: 5,
      subagents: [
        {
          child: "agent:main:subagent:0b6f1a2c-aaaa",
          state: "done",
          startedAt: T0,
          endedAt: T0 + 32_000,
          toolCount: 4,
        },
      ],
      tokens: { input: 12_345, output: 1_200 },
      preview: "Final answer text",
    });
    expect(renderMessage(s)).toBe(
      [
        "✅ **main** · done · 1m 12s · 7 tools (1 failed) · 12.3k in / 1.2k out tokens",
        "- … and 5 earlier",
        "- ✅ exec `git status` · 400ms",
        "- ❌ read `src/index.ts` · 400ms — ENOENT: no such file",
        "- 🤖 **sub-agent 0b6f1a2c** · ✅ done · 4 tools · 32s",
      ].join("\n"),
    );
  });

  it("leaves out a token side the source never reported", () => {
    const header = (tokens: LiveStatusV1["tokens"]) => renderMessage(status({ tokens })).split("\n")[0];
    expect(header({ input: 0, output: 90 })).toMatch(/· 90 out tokens$/);
    expect(header({ input: 1_500, output: 0 })).toMatch(/· 1.5k in tokens$/);
    expect(header({ input: 0, output: 0 })).not.toContain("tokens");
  });

  it("renders a running box without elapsed time unless a clock reading is given", () => {
    const s = status({ thinking: true, tools: [tool(1, { state: "running", endedAt: undefined })] });
    expect(renderMessage(s).split("\n")).toEqual([
      "⏳ **main** · running · 1 tool · 💭 thinking",
      "- ⏳ exec",
      "",
      "To stop it, send `stop` here",
    ]);
    expect(renderMessage(s, T0 + 12_500).split("\n")).toEqual([
      "⏳ **main** · running · 12s · 1 tool · 💭 thinking",
      "- ⏳ exec · 11s",
      "",
      "To stop it, send `stop` here",
    ]);
  });

  it("shows the preview while running and on failure, but not under a done box's answer", () => {
    expect(renderMessage(status({ preview: "working on it" }))).toContain("\n\n> working on it");
    expect(renderMessage(status({ state: "error", endedAt: T0, preview: "half" }))).toContain("> half");
    expect(renderMessage(status({ state: "done", endedAt: T0, preview: "answer" }))).not.toContain("answer");
  });

  it("shows the error of a failed run and the reason of an aborted one", () => {
    expect(renderMessage(status({ state: "error", endedAt: T0 + 1, error: "model timeout" }))).toContain(
      "\n\n**Error:** model timeout",
    );
    expect(renderMessage(status({ state: "aborted", endedAt: T0 + 1, error: "stopped by user" }))).toContain(
      "**Reason:** stopped by user",
    );
  });

  it.each([
    ["running", "⏳", "running"],
    ["done", "✅", "done"],
    ["error", "❌", "failed"],
    ["aborted", "⛔", "aborted"],
    ["interrupted", "⚠️", "interrupted"],
  ] as const)("starts a %s box with its icon and word", (state, icon, word) => {
    expect(renderMessage(status({ state })).split("\n")[0]).toBe(`${icon} **main** · ${word}`);
  });

  it("collapses long tool lists to the latest ones", () => {
    const tools = Array.from({ length: 30 }, (_, i) => tool(i));
    const lines = renderMessage(status({ tools, toolsOmitted: 10, state: "done", endedAt: T0 })).split("\n");
    expect(lines[1]).toBe(`- … and ${40 - MESSAGE_TOOL_LINES} earlier`);
    expect(lines).toHaveLength(2 + MESSAGE_TOOL_LINES);
    expect(lines.at(-1)).toContain("· 400ms");
  });

  it("shows a sub-agent's current tool while it runs", () => {
    const s = status({
      subagents: [
        {
          child: "k",
          label: "research",
          state: "running",
          startedAt: T0,
          toolCount: 2,
          currentTool: "web_fetch",
        },
      ],
    });
    expect(renderMessage(s, T0 + 5000)).toContain(
      "- 🤖 **research** · ⏳ running · 2 tools · now `web_fetch` · 5.0s",
    );
  });

  it("falls back to a generic agent name", () => {
    const { agent: _, ...rest } = status();
    expect(renderMessage(rest).split("\n")[0]).toBe("⏳ **agent** · running");
  });
});

describe("markdown safety", () => {
  const nasty = "**bold** _it_ [link](http://x) # head | a | `tick` ~~s~~ <b> @channel @here \\ > q";

  it("keeps every tool on its own list line whatever its arguments contain", () => {
    const s = status({
      tools: [
        tool(1, { args: "echo `a` ``b`` ```c```" }),
        tool(2, { args: "- not a list\n# not a heading\n> not a quote" }),
        tool(3, { name: "we*ird_name`", args: "`" }),
      ],
      preview: "1. not a list\n\n- nor this",
    });
    const lines = renderMessage(s).split("\n");
    expect(lines.slice(1, 4).every((l) => /^- [✅❌⏳] /.test(l))).toBe(true);
    expect(lines[1]).toBe("- ✅ exec ```` echo `a` ``b`` ```c``` ```` · 400ms");
    expect(lines[2]).toBe("- ✅ exec `- not a list # not a heading > not a quote` · 400ms");
    expect(lines[3]).toBe("- ✅ we\\*ird\\_name\\` `` ` `` · 400ms");
    expect(lines.slice(4)).toEqual(["", "> 1\\. not a list - nor this", "", "To stop it, send `stop` here"]);
  });

  it("escapes markdown in previews, errors and names and defuses mentions", () => {
    const s = status({ agent: "a*b", state: "error", endedAt: T0, preview: nasty, error: nasty });
    const message = renderMessage(s);
    expect(message.split("\n")[0]).toBe("❌ **a\\*b** · failed · 0ms");
    const escaped =
      "\\*\\*bold\\*\\* \\_it\\_ \\[link\\]\\(http://x\\) \\# head \\| a \\| \\`tick\\` \\~\\~s\\~\\~ <b\\> @\u2060channel @\u2060here \\\\ \\> q";
    expect(message).toContain(`> ${escaped}`);
    expect(message).toContain(`**Error:** ${escaped}`);
    expect(message).not.toMatch(/@channel|@here/);
  });

  it("puts arguments in a code span that backticks cannot close", () => {
    expect(inlineCode("plain")).toBe("`plain`");
    expect(inlineCode("a`b")).toBe("``a`b``");
    expect(inlineCode("`x`")).toBe("`` `x` ``");
  });

  it("escapes a leading list or heading marker", () => {
    expect(escapeText("- item")).toBe("\\- item");
    expect(escapeText("12) step")).toBe("12\\) step");
    expect(escapeText("# title")).toBe("\\# title");
    expect(escapeText("mail bob@example.com")).toBe("mail bob@\u2060example.com");
  });
});

describe("renderReceipt", () => {
  it.each([
    [
      status({ state: "done", endedAt: T0 + 72_000, tools: [tool(1)], toolsOmitted: 6 }),
      "✅ done · 7 tools · 1m 12s",
    ],
    [status({ state: "done", endedAt: T0 + 3_000 }), "✅ done · 3.0s"],
    [
      status({ state: "error", endedAt: T0 + 1_000, tools: [tool(1)], error: "rate *limited*" }),
      "❌ failed · 1 tool · 1.0s — rate \\*limited\\*",
    ],
    [status({ state: "interrupted", endedAt: T0 + 61_000 }), "⚠️ interrupted · 1m 1s"],
    [status(), "⏳ running"],
  ])("summarises %# as one line", (s, expected) => {
    expect(renderReceipt(s)).toBe(expected);
  });

  it("shows elapsed time for a running box when given a clock reading", () => {
    expect(renderReceipt(status(), T0 + 2_000)).toBe("⏳ running · 2.0s");
  });

  it("stays on one short line whatever the error", () => {
    const r = renderReceipt(status({ state: "error", endedAt: T0, error: `a\nb${"x".repeat(5000)}` }));
    expect(r).not.toContain("\n");
    expect(r.length).toBeLessThan(200);
  });
});

describe("formatting helpers", () => {
  it.each([
    [0, "0ms"],
    [-5, "0ms"],
    [Number.NaN, "0ms"],
    [450, "450ms"],
    [999.6, "999ms"],
    [2_149, "2.1s"],
    [9_999, "9.9s"],
    [42_000, "42s"],
    [72_000, "1m 12s"],
    [3_600_000, "1h 0m"],
    [7_530_000, "2h 5m"],
  ])("formats %d ms as %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it.each([
    [0, "0"],
    [950, "950"],
    [1_000, "1k"],
    [12_345, "12.3k"],
    [4_500_000, "4.5M"],
    [-3, "0"],
  ])("formats count %d as %s", (n, expected) => {
    expect(formatCount(n)).toBe(expected);
  });
});
