import type { LiveStatusV1 } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import { inlineCode, renderMessage } from "./render.ts";

const MENTION = /@(?:channel|here|all|bob)\b/;

describe("mentions in code spans", () => {
  it("puts a word joiner after @ inside a code span, keeping the text readable", () => {
    expect(inlineCode("notify @channel now")).toBe("`notify @\u2060channel now`");
    expect(inlineCode("a`b @here")).toBe("``a`b @\u2060here``");
  });

  it("lets no tool argument or current sub-agent tool mention anyone", () => {
    const s: LiveStatusV1 = {
      v: 1,
      session: "agent:main:main",
      state: "running",
      startedAt: 0,
      thinking: false,
      tools: [
        {
          callId: "1",
          name: "message",
          args: "send @channel @here @all ping @bob",
          state: "running",
          startedAt: 0,
        },
        { callId: "2", name: "exec", args: "echo `@all` ``@here``", state: "ok", startedAt: 0, endedAt: 1 },
      ],
      toolsOmitted: 0,
      subagents: [
        {
          child: "agent:main:subagent:1",
          state: "running",
          startedAt: 0,
          toolCount: 1,
          currentTool: "@channel",
        },
      ],
      tokens: { input: 0, output: 0 },
    };
    const message = renderMessage(s, 5);
    expect(message).not.toMatch(MENTION);
    expect(message.replaceAll("\u2060", "")).toMatch(MENTION);
  });
});
