import type { LiveStatusV1 } from "@live-status/contract";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ContentEvent } from "./events.ts";
import {
  applyChildContent,
  applyContent,
  DEFAULT_STATUS_OPTIONS,
  finishStatus,
  MAX_PREVIEW,
  MAX_RUN_ERROR,
  type StatusOptions,
  startStatus,
} from "./status-model.ts";
import { codePointLength } from "./text.ts";

const SESSION = "agent:main:mattermost:channel:4xp9fdt7pbgium38k9xu8ugtyy";
const T0 = 1_700_000_000_000;
const base = { v: 1 as const, ts: 0, session: SESSION };
const o = DEFAULT_STATUS_OPTIONS;

type Ev = ContentEvent extends infer E
  ? E extends ContentEvent
    ? Omit<E, "v" | "ts" | "session">
    : never
  : never;
const ev = (e: Ev): ContentEvent => ({ ...base, ...e }) as ContentEvent;

function run(events: readonly [number, Ev][], opts: StatusOptions = o): LiveStatusV1 {
  return events.reduce((s, [t, e]) => applyContent(s, ev(e), T0 + t, opts), startStatus(SESSION, T0));
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === "object") {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

describe("startStatus", () => {
  it("opens a running box with the agent parsed from the session key", () => {
    expect(startStatus(SESSION, T0)).toEqual({
      v: 1,
      session: SESSION,
      agent: "main",
      state: "running",
      startedAt: T0,
      thinking: false,
      tools: [],
      toolsOmitted: 0,
      subagents: [],
      tokens: { input: 0, output: 0 },
    });
  });

  it("names the agent of an agent session and of no other", () => {
    expect(startStatus("agent:ops-bot:mattermost:direct:u1", T0).agent).toBe("ops-bot");
    expect(startStatus("global", T0)).not.toHaveProperty("agent");
  });
});

describe("thinking and preview", () => {
  it("turns thinking on with a thinking event and never stores its text", () => {
    const s = run([[1, { type: "thinking", text: "secret plans" }]]);
    expect(s.thinking).toBe(true);
    expect(JSON.stringify(s)).not.toContain("secret plans");
  });

  it("turns thinking off when text arrives", () => {
    const s = run([
      [1, { type: "thinking" }],
      [2, { type: "text", text: "Here is " }],
    ]);
    expect(s.thinking).toBe(false);
    expect(s.preview).toBe("Here is");
  });

  it("turns thinking off when a tool starts", () => {
    const s = run([
      [1, { type: "thinking" }],
      [2, { type: "tool_start", callId: "c1", name: "exec" }],
    ]);
    expect(s.thinking).toBe(false);
  });

  it("keeps a redacted one-line tail of the latest text", () => {
    const long = `${"word ".repeat(100)}\nthe key is password=hunter2 and the end.`;
    const s = run([
      [1, { type: "text", text: "first" }],
      [2, { type: "text", text: long }],
    ]);
    expect(codePointLength(s.preview ?? "")).toBeLessThanOrEqual(MAX_PREVIEW);
    expect(s.preview?.startsWith("…")).toBe(true);
    expect(s.preview?.endsWith("the key is password=[redacted] and the end.")).toBe(true);
    expect(s.preview).not.toContain("\n");
  });

  it("applies extra redaction patterns to the preview", () => {
    const s = run([[1, { type: "text", text: "host db-7.corp is up." }]], { ...o, redact: [/db-\d\.corp/] });
    expect(s.preview).toBe("host [redacted] is up.");
  });

  it("keeps the previous preview when blank text arrives", () => {
    const s = run([
      [1, { type: "text", text: "hello." }],
      [2, { type: "text", text: "   " }],
    ]);
    expect(s.preview).toBe("hello.");
  });

  it("holds back the last word of text that is still arriving until it is complete", () => {
    const token = `ghp_${"Zq9x".repeat(9)}`;
    const partial = run([[1, { type: "text", text: `use ${token.slice(0, 19)}` }]]);
    expect(partial.preview).toBe("use");
    const whole = run([[1, { type: "text", text: `use ${token} now` }]]);
    expect(whole.preview).toBe("use [redacted]");
  });
});

describe("tokens", () => {
  it("accumulates usage across events", () => {
    const s = run([
      [1, { type: "usage", input: 100, output: 20 }],
      [2, { type: "usage", input: 50 }],
      [3, { type: "usage", output: 5 }],
    ]);
    expect(s.tokens).toEqual({ input: 150, output: 25 });
  });

  it.each([
    ["negative", -5],
    ["NaN", Number.NaN],
    ["infinite", Number.POSITIVE_INFINITY],
    ["a string", "12"],
  ])("ignores a %s count", (_name, bad) => {
    const s = run([[1, { type: "usage", input: bad as number, output: 3 }]]);
    expect(s.tokens).toEqual({ input: 0, output: 3 });
  });
});

describe("finishStatus", () => {
  it("ends the box, stops thinking and stamps the end time", () => {
    const s = finishStatus(run([[1, { type: "thinking" }]]), "done", T0 + 5000);
    expect(s).toMatchObject({ state: "done", endedAt: T0 + 5000, thinking: false });
    expect(s.error).toBeUndefined();
  });

  it.each(["done", "error", "aborted", "interrupted"] as const)(
    "ends still-running tools as error without error text when the run is %s",
    (state) => {
      const s = finishStatus(run([[1, { type: "tool_start", callId: "c1", name: "exec" }]]), state, T0 + 9);
      expect(s.tools[0]).toEqual({
        callId: "c1",
        name: "exec",
        state: "error",
        startedAt: T0 + 1,
        endedAt: T0 + 9,
      });
    },
  );

  it.each([
    ["done", "done"],
    ["error", "error"],
    ["aborted", "aborted"],
    ["interrupted", "aborted"],
  ] as const)("closes running sub-agents of a %s run as %s", (state, subState) => {
    const started = run([[1, { type: "subagent_start", child: "agent:main:subagent:a" }]]);
    const withTool = applyChildContent(
      started,
      "agent:main:subagent:a",
      ev({ type: "tool_start", callId: "x", name: "read" }),
      T0 + 2,
    );
    const s = finishStatus(withTool, state, T0 + 9);
    expect(s.subagents[0]).toEqual({
      child: "agent:main:subagent:a",
      state: subState,
      startedAt: T0 + 1,
      endedAt: T0 + 9,
      toolCount: 1,
    });
  });

  it("keeps finished tools and sub-agents as they were", () => {
    const s = finishStatus(
      run([
        [1, { type: "tool_start", callId: "c1", name: "exec" }],
        [2, { type: "tool_end", callId: "c1", ok: true }],
        [3, { type: "subagent_start", child: "k" }],
        [4, { type: "subagent_end", child: "k", outcome: "error" }],
      ]),
      "aborted",
      T0 + 10,
    );
    expect(s.tools[0]).toMatchObject({ state: "ok", endedAt: T0 + 2 });
    expect(s.subagents[0]).toMatchObject({ state: "error", endedAt: T0 + 4 });
  });

  it("records a redacted, one-line, bounded error text", () => {
    const error = `Request failed\nAuthorization: Bearer abcDEF123456789 ${"x".repeat(1000)}`;
    const s = finishStatus(startStatus(SESSION, T0), "error", T0 + 1, error);
    expect(s.error?.startsWith("Request failed Authorization: Bearer [redacted] xxx")).toBe(true);
    expect(codePointLength(s.error ?? "")).toBe(MAX_RUN_ERROR);
  });

  it("applies extra redaction patterns to the error", () => {
    const s = finishStatus(startStatus(SESSION, T0), "error", T0 + 1, "at db-1.corp", {
      ...o,
      redact: [/db-1\.corp/],
    });
    expect(s.error).toBe("at [redacted]");
  });

  it("never ends before it started", () => {
    expect(finishStatus(startStatus(SESSION, T0), "done", T0 - 50).endedAt).toBe(T0);
  });

  it("keeps the first outcome when finished twice", () => {
    const first = finishStatus(startStatus(SESSION, T0), "aborted", T0 + 1);
    expect(finishStatus(first, "done", T0 + 2)).toBe(first);
  });

  it("ignores content events once the box is final", () => {
    const done = finishStatus(startStatus(SESSION, T0), "done", T0 + 1);
    expect(applyContent(done, ev({ type: "tool_start", callId: "c", name: "exec" }), T0 + 2, o)).toBe(done);
    expect(applyContent(done, ev({ type: "text", text: "late" }), T0 + 2, o)).toBe(done);
  });
});

describe("purity", () => {
  const event = fc.oneof(
    fc.record({ type: fc.constant("thinking" as const) }),
    fc.record({ type: fc.constant("text" as const), text: fc.string() }),
    fc.record({
      type: fc.constant("tool_start" as const),
      callId: fc.constantFrom("a", "b", "c", "d"),
      name: fc.constantFrom("exec", "read"),
      args: fc.anything({ maxDepth: 2 }),
    }),
    fc.record({
      type: fc.constant("tool_end" as const),
      callId: fc.constantFrom("a", "b", "c", "e"),
      ok: fc.boolean(),
      error: fc.option(fc.string(), { nil: undefined }),
    }),
    fc.record({ type: fc.constant("usage" as const), input: fc.integer(), output: fc.integer() }),
    fc.record({ type: fc.constant("subagent_start" as const), child: fc.constantFrom("x", "y") }),
    fc.record({
      type: fc.constant("subagent_end" as const),
      child: fc.constantFrom("x", "y", "z"),
      outcome: fc.constantFrom("ok" as const, "error" as const, "aborted" as const),
    }),
  );

  it("never mutates the status it is given", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(event, fc.boolean())),
        fc.constantFrom("done", "error", "aborted" as const),
        (events, final) => {
          let s = deepFreeze(startStatus(SESSION, T0));
          let t = T0;
          for (const [e, asChild] of events) {
            const before = structuredClone(s);
            t += 7;
            const next = asChild
              ? applyChildContent(s, "x", ev(e as Ev), t)
              : applyContent(s, ev(e as Ev), t, { ...o, maxTools: 3 });
            expect(s).toEqual(before);
            s = deepFreeze(next);
          }
          const before = structuredClone(s);
          finishStatus(s, final, t + 1, "boom");
          expect(s).toEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps every time stamp ordered and every count consistent", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let s = startStatus(SESSION, T0);
        let t = T0;
        let starts = 0;
        for (const e of events) {
          t += 3;
          const next = applyContent(s, ev(e as Ev), t, { ...o, maxTools: 3 });
          if (
            e.type === "tool_start" &&
            next.tools.length + next.toolsOmitted > s.tools.length + s.toolsOmitted
          ) {
            starts++;
          }
          s = next;
        }
        s = finishStatus(s, "done", t + 1);
        expect(s.tools.length).toBeLessThanOrEqual(3);
        expect(s.tools.length + s.toolsOmitted).toBe(starts);
        expect(s.tokens.input).toBeGreaterThanOrEqual(0);
        for (const x of [...s.tools, ...s.subagents]) {
          expect(x.state).not.toBe("running");
          expect(x.endedAt).toBeGreaterThanOrEqual(x.startedAt);
        }
      }),
      { numRuns: 300 },
    );
  });
});
