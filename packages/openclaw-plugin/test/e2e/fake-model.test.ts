import { afterEach, describe, expect, it } from "vitest";
import {
  type ChatMessage,
  type FakeModel,
  INTERNAL_CONTEXT_MARKER,
  scriptByMarker,
  sseFrames,
  startFakeModel,
  turnView,
} from "./fake-model.ts";

// Shapes as OpenClaw 2026.9.6 sends them: the real user message, then an internal context block.
const user = (text: string): ChatMessage => ({ role: "user", content: text });
const internal: ChatMessage = {
  role: "user",
  content: [{ type: "text", text: `${INTERNAL_CONTEXT_MARKER}\n…` }],
};
const toolRound = (id: string): ChatMessage[] => [
  {
    role: "assistant",
    content: null,
    tool_calls: [{ id, type: "function", function: { name: "read", arguments: "{}" } }],
  },
  { role: "tool", tool_call_id: id, content: "ok" },
];

describe("turnView", () => {
  it("finds the real user message behind OpenClaw's internal context block", () => {
    const view = turnView({
      model: "m",
      messages: [{ role: "system", content: "s" }, user("[tools] go"), internal],
    });
    expect(view).toMatchObject({ lastUserText: "[tools] go", step: 0 });
  });

  it("counts tool rounds since the last real user message, ignoring the context block after tool results", () => {
    // The sequence OpenClaw sent on the third request of a two-tool turn, after an earlier turn.
    const messages = [
      user("old"),
      { role: "assistant", content: "earlier answer" },
      user("[tools] new"),
      ...toolRound("a"),
      ...toolRound("b"),
      internal,
    ];
    expect(turnView({ model: "m", messages })).toMatchObject({ lastUserText: "[tools] new", step: 2 });
  });
});

describe("scriptByMarker", () => {
  it("walks the matched plan by step and repeats its last entry", () => {
    const script = scriptByMarker(
      [
        [
          "[tools]",
          [
            { kind: "tools", calls: [{ name: "read", arguments: {} }] },
            { kind: "text", text: "done" },
          ],
        ],
      ],
      [{ kind: "text", text: "fallback" }],
    );
    const at = (lastUserText: string, step: number) =>
      script({ lastUserText, step, request: { model: "m", messages: [] } });
    expect(at("[tools] x", 0).kind).toBe("tools");
    expect(at("[tools] x", 5)).toEqual({ kind: "text", text: "done" });
    expect(at("hello", 0)).toEqual({ kind: "text", text: "fallback" });
  });
});

describe("sseFrames", () => {
  it("streams tool calls, a finish reason, a usage chunk and [DONE]", () => {
    const frames = sseFrames(
      { kind: "tools", calls: [{ name: "exec", arguments: { command: "echo hi" } }] },
      "m",
      "c1",
      () => "call_9",
    );
    expect(frames.at(-1)).toBe("[DONE]");
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f));
    expect(
      chunks
        .flatMap((c) => c.choices.map((ch: { delta: { tool_calls?: unknown } }) => ch.delta.tool_calls ?? []))
        .flat(),
    ).toEqual([
      {
        index: 0,
        id: "call_9",
        type: "function",
        function: { name: "exec", arguments: '{"command":"echo hi"}' },
      },
    ]);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === "tool_calls")).toBe(true);
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 100, completion_tokens: 1 });
  });
});

describe("startFakeModel", () => {
  let model: FakeModel | undefined;
  afterEach(async () => {
    await model?.close();
    model = undefined;
  });

  it("answers a streaming chat request over HTTP on 127.0.0.1 and records it", async () => {
    model = await startFakeModel({ script: () => ({ kind: "text", text: "hello there" }), chunkDelayMs: 0 });
    const res = await fetch(`${model.baseUrl}/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "fake-model", stream: true, messages: [user("hi")] }),
    });
    const body = await res.text();
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(body).toContain('"content":"hello there"');
    expect(body.trim().endsWith("data: [DONE]")).toBe(true);
    expect(model.requests).toHaveLength(1);
  });

  it("answers an error step with that HTTP status", async () => {
    model = await startFakeModel({ script: () => ({ kind: "error", status: 503, message: "busy" }) });
    const res = await fetch(`${model.baseUrl}/chat/completions`, { method: "POST", body: '{"messages":[]}' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { message: "busy", type: "server_error", code: null } });
  });
});
