import { BOX_STATES, type LiveStatusV1 } from "@live-status/contract";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MATTERMOST_MAX_MESSAGE, renderMessage, renderPost, renderReceipt } from "./render.ts";
import { codePointLength } from "./text.ts";

// Short strings of any code point, or long runs of characters that stress escaping and counting.
const nastyUnit = fc.constantFrom(
  "`",
  "*",
  "_",
  "\\",
  "@",
  "\n",
  "#",
  "-",
  " ",
  "😀",
  "👩‍👩‍👧",
  "a",
  "[",
  "|",
  ">",
);
const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: nastyUnit, maxLength: 40 }),
  fc
    .tuple(
      fc.string({
        unit: fc.oneof(nastyUnit, fc.string({ unit: "binary", minLength: 1, maxLength: 1 })),
        minLength: 1,
        maxLength: 6,
      }),
      fc.integer({ min: 1, max: 5000 }),
    )
    .map(([s, n]) => s.repeat(n)),
);
const time = fc.oneof(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.double({ noNaN: false }));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const tool = fc.record(
  {
    callId: text,
    name: text,
    args: opt(text),
    state: fc.constantFrom("running" as const, "ok" as const, "error" as const),
    startedAt: time,
    endedAt: opt(time),
    error: opt(text),
  },
  { requiredKeys: ["callId", "name", "state", "startedAt"] },
);

const subagent = fc.record(
  {
    child: text,
    label: opt(text),
    state: fc.constantFrom("running" as const, "done" as const, "error" as const, "aborted" as const),
    startedAt: time,
    endedAt: opt(time),
    toolCount: fc.nat(),
    currentTool: opt(text),
  },
  { requiredKeys: ["child", "state", "startedAt", "toolCount"] },
);

const liveStatus: fc.Arbitrary<LiveStatusV1> = fc.record(
  {
    v: fc.constant(1 as const),
    session: text,
    agent: opt(text),
    state: fc.constantFrom(...BOX_STATES),
    startedAt: time,
    endedAt: opt(time),
    thinking: fc.boolean(),
    tools: fc.array(tool, { maxLength: 300, size: "max" }),
    toolsOmitted: fc.nat(),
    subagents: fc.array(subagent, { maxLength: 60, size: "max" }),
    tokens: fc.record({ input: fc.nat(), output: fc.nat() }),
    preview: opt(text),
    error: opt(text),
  },
  {
    requiredKeys: [
      "v",
      "session",
      "state",
      "startedAt",
      "thinking",
      "tools",
      "toolsOmitted",
      "subagents",
      "tokens",
    ],
  },
);

describe("message size", () => {
  it("always stays under Mattermost's limit and always starts with the header line", () => {
    fc.assert(
      fc.property(liveStatus, opt(time), (s, now) => {
        const { message } = renderPost(s, now);
        expect(codePointLength(message)).toBeLessThan(MATTERMOST_MAX_MESSAGE);
        const head = message.split("\n")[0] ?? "";
        expect(head).toMatch(/^(⏳|✅|❌|⛔|⚠️) \*\*.+\*\* · (running|done|failed|aborted|interrupted)/u);
        const receipt = renderReceipt(s, now);
        expect(receipt).not.toContain("\n");
        expect(codePointLength(receipt)).toBeLessThan(300);
      }),
      { numRuns: 1000 },
    );
  });

  it("stays under the limit for a status stuffed to the brim with the longest fields", () => {
    const long = "`@*".repeat(6000);
    const s: LiveStatusV1 = {
      v: 1,
      session: long,
      agent: long,
      state: "error",
      startedAt: 0,
      endedAt: 1,
      thinking: true,
      tools: Array.from({ length: 5000 }, (_, i) => ({
        callId: String(i),
        name: long,
        args: long,
        state: "error" as const,
        startedAt: 0,
        endedAt: 1,
        error: long,
      })),
      toolsOmitted: Number.MAX_SAFE_INTEGER,
      subagents: Array.from({ length: 500 }, () => ({
        child: long,
        label: long,
        state: "running" as const,
        startedAt: 0,
        toolCount: 1e9,
        currentTool: long,
      })),
      tokens: { input: 1e15, output: 1e15 },
      preview: long,
      error: long,
    };
    const message = renderMessage(s, 2);
    expect(codePointLength(message)).toBeLessThan(MATTERMOST_MAX_MESSAGE);
    expect(message.startsWith("❌ **")).toBe(true);
  });
});
