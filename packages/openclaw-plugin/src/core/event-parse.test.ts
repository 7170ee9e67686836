import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseEventLine, parseEventStream, parseEventValue, serializeEvent } from "./event-parse.ts";
import type { LiveEvent, TriggerKind } from "./events.ts";

const S = "agent:main:mattermost:channel:chan1";
const base = { v: 1, ts: 1789031643000, session: S };
const line = (o: object) => JSON.stringify(o);

describe("parseEventLine: the common fields", () => {
  it("accepts a minimal event and keeps its fields", () => {
    expect(parseEventLine(line({ ...base, type: "transcript_changed" }))).toEqual({
      ok: true,
      event: { v: 1, ts: 1789031643000, session: S, type: "transcript_changed" },
    });
  });

  it("keeps runId when present", () => {
    const result = parseEventLine(line({ ...base, type: "thinking", runId: "r1" }));
    expect(result).toEqual({ ok: true, event: { ...base, type: "thinking", runId: "r1" } });
  });

  it.each(["", "   ", "\r", "\t \r"])("skips the blank line %j", (text) => {
    expect(parseEventLine(text)).toEqual({ ok: false, skip: "blank" });
  });

  it("ignores trailing whitespace, CRLF and a BOM", () => {
    const text = line({ ...base, type: "transcript_changed" });
    for (const variant of [`${text}\r`, `${text}  \t`, `\uFEFF${text}`]) {
      expect(parseEventLine(variant)).toMatchObject({ ok: true, event: { type: "transcript_changed" } });
    }
  });

  it.each<[string, string]>([
    ["not json", "invalid JSON: Unexpected token 'o'"],
    ['{"v":1,', "invalid JSON: "],
    ["[1,2]", "event must be a JSON object"],
    ["null", "event must be a JSON object"],
    ['"text"', "event must be a JSON object"],
    [line({ ts: 1, session: S, type: "thinking" }), 'missing "v"'],
    [line({ ...base, v: 2, type: "thinking" }), 'unsupported "v": 2 (expected 1)'],
    [line({ ...base, v: "1", type: "thinking" }), 'unsupported "v": "1" (expected 1)'],
    [line({ v: 1, session: S, type: "thinking" }), 'missing "ts"'],
    [line({ ...base, ts: "1789031643000", type: "thinking" }), '"ts" must be a finite number'],
    [line({ ...base, ts: null, type: "thinking" }), '"ts" must be a finite number'],
    ['{"v":1,"ts":1e999,"session":"s","type":"thinking"}', '"ts" must be a finite number'],
    [line({ v: 1, ts: 1, type: "thinking" }), 'missing "session"'],
    [line({ ...base, session: "", type: "thinking" }), '"session" must be a non-empty string'],
    [line({ ...base, session: "  ", type: "thinking" }), '"session" must be a non-empty string'],
    [line({ ...base, session: 7, type: "thinking" }), '"session" must be a string'],
    [line({ ...base }), 'missing "type"'],
    [line({ ...base, type: 3 }), '"type" must be a string'],
    [line({ ...base, type: "thinking", runId: "" }), '"runId" must be a non-empty string'],
    [line({ ...base, type: "thinking", runId: 12 }), '"runId" must be a string'],
  ])("refuses %s: %s", (text, reason) => {
    const result = parseEventLine(text);
    expect(result.ok).toBe(false);
    expect("reason" in result && result.reason.startsWith(reason)).toBe(true);
  });

  it("reports an unknown type with its name so the caller can warn and skip", () => {
    expect(parseEventLine(line({ ...base, type: "checklist", steps: [] }))).toEqual({
      ok: false,
      reason: 'unknown type "checklist"',
      unknownType: "checklist",
    });
  });

  it("never quotes the line in an invalid-JSON reason", () => {
    const result = parseEventLine('{"v":1,"text":"Authorization: Bearer abc123secret" oops}');
    expect(result.ok).toBe(false);
    expect("reason" in result ? result.reason : "").not.toContain("abc123secret");
  });

  it.each([
    "ghp_Zq9Zq9Zq9Zq9Zq9Zq9Zq9Zq9Zq9Zq9Zq9Zq9",
    "ghp_Zq9Zq9",
    '{"a": ghp_Zq9Zq9Zq9}',
    `${"x".repeat(30)} password=hunter2hunter2`,
  ])("quotes no part of the bad line %s in its reason", (bad) => {
    const result = parseEventLine(bad);
    const reason = "reason" in result ? result.reason : "";
    expect(reason).toMatch(/^invalid JSON/);
    expect(reason).not.toMatch(/Zq9Zq9|hunter2|xxxx|"/);
  });

  it("drops unknown extra fields, at the top and inside trigger", () => {
    const result = parseEventLine(
      line({ ...base, type: "run_start", extra: 1, trigger: { kind: "user", postId: "p1", more: true } }),
    );
    expect(result).toEqual({
      ok: true,
      event: { ...base, type: "run_start", trigger: { kind: "user", postId: "p1" } },
    });
  });
});

describe("parseEventLine: each type's fields", () => {
  const valid: [string, Record<string, unknown>][] = [
    ["route to a channel", { type: "route", channelId: "chan1" }],
    ["route to a thread", { type: "route", channelId: "chan1", rootId: "root1" }],
    ["route to a DM", { type: "route", dmUserId: "user1" }],
    ["route to a DM thread", { type: "route", dmUserId: "user1", rootId: "root1" }],
    ["run_start without trigger", { type: "run_start" }],
    ["run_start with trigger", { type: "run_start", trigger: { kind: "cron", postId: "p1" } }],
    ["run_start with empty trigger", { type: "run_start", trigger: {} }],
    ["thinking", { type: "thinking" }],
    ["thinking with text", { type: "thinking", text: "hmm" }],
    ["text", { type: "text", text: "Hello" }],
    ["empty text", { type: "text", text: "" }],
    ["tool_start", { type: "tool_start", callId: "c1", name: "read", args: { path: "a.ts" } }],
    ["tool_start with null args", { type: "tool_start", callId: "c1", name: "read", args: null }],
    ["tool_start without args", { type: "tool_start", callId: "c1", name: "read" }],
    ["tool_end ok", { type: "tool_end", callId: "c1", ok: true }],
    ["tool_end failed", { type: "tool_end", callId: "c1", ok: false, error: "exit 1" }],
    ["usage", { type: "usage", input: 10, output: 0 }],
    ["empty usage", { type: "usage" }],
    ["subagent_start", { type: "subagent_start", child: "agent:main:subagent:u1", label: "research" }],
    ["subagent_end", { type: "subagent_end", child: "agent:main:subagent:u1", outcome: "aborted" }],
    ["run_end ok", { type: "run_end", outcome: "ok" }],
    ["run_end error", { type: "run_end", outcome: "error", error: "model timeout" }],
    ["run_end aborted", { type: "run_end", outcome: "aborted" }],
  ];

  it.each(valid)("accepts %s unchanged", (_name, fields) => {
    expect(parseEventLine(line({ ...base, ...fields }))).toEqual({ ok: true, event: { ...base, ...fields } });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["route with nothing", { type: "route" }, 'route needs "channelId" or "dmUserId"'],
    ["route with only rootId", { type: "route", rootId: "r1" }, '"rootId" needs "channelId" or "dmUserId"'],
    [
      "route with empty channelId",
      { type: "route", channelId: "" },
      '"channelId" must be a non-empty string',
    ],
    [
      "route with colon id",
      { type: "route", channelId: "a:b" },
      '"channelId" must not contain whitespace or ":"',
    ],
    [
      "route with spaced id",
      { type: "route", dmUserId: "u 1" },
      '"dmUserId" must not contain whitespace or ":"',
    ],
    ["route with numeric id", { type: "route", channelId: 5 }, '"channelId" must be a string'],
    ["trigger not an object", { type: "run_start", trigger: "user" }, '"trigger" must be an object'],
    ["trigger null", { type: "run_start", trigger: null }, '"trigger" must be an object'],
    ["trigger kind number", { type: "run_start", trigger: { kind: 1 } }, '"trigger.kind" must be a string'],
    [
      "trigger empty postId",
      { type: "run_start", trigger: { postId: "" } },
      '"trigger.postId" must be a non-empty string',
    ],
    ["thinking text number", { type: "thinking", text: 1 }, '"text" must be a string'],
    ["text missing", { type: "text" }, 'missing "text"'],
    ["text null", { type: "text", text: null }, '"text" must be a string'],
    ["tool_start no callId", { type: "tool_start", name: "read" }, 'missing "callId"'],
    ["tool_start no name", { type: "tool_start", callId: "c1" }, 'missing "name"'],
    [
      "tool_start empty name",
      { type: "tool_start", callId: "c1", name: "" },
      '"name" must be a non-empty string',
    ],
    ["tool_end no ok", { type: "tool_end", callId: "c1" }, 'missing "ok"'],
    ["tool_end ok string", { type: "tool_end", callId: "c1", ok: "true" }, '"ok" must be a boolean'],
    [
      "tool_end error number",
      { type: "tool_end", callId: "c1", ok: false, error: 1 },
      '"error" must be a string',
    ],
    ["usage negative", { type: "usage", input: -1 }, '"input" must be a non-negative integer'],
    ["usage fraction", { type: "usage", output: 1.5 }, '"output" must be a non-negative integer'],
    ["usage string", { type: "usage", input: "10" }, '"input" must be a non-negative integer'],
    ["subagent_start no child", { type: "subagent_start" }, 'missing "child"'],
    [
      "subagent_end bad outcome",
      { type: "subagent_end", child: "c", outcome: "done" },
      '"outcome" must be one of',
    ],
    ["run_end no outcome", { type: "run_end" }, 'missing "outcome"'],
    [
      "run_end bad outcome",
      { type: "run_end", outcome: "success" },
      '"outcome" must be one of ok, error, aborted',
    ],
    ["run_end error null", { type: "run_end", outcome: "error", error: null }, '"error" must be a string'],
  ])("refuses %s", (_name, fields, reason) => {
    const result = parseEventLine(line({ ...base, ...fields }));
    expect(result.ok).toBe(false);
    expect("reason" in result ? result.reason : "").toContain(reason);
    expect("unknownType" in result).toBe(false);
  });

  it.each(["user", "heartbeat", "cron", "memory", "compaction", "subagent", "other"])(
    "keeps the known trigger kind %s",
    (kind) => {
      const result = parseEventLine(line({ ...base, type: "run_start", trigger: { kind } }));
      expect(result).toMatchObject({ ok: true, event: { trigger: { kind } } });
    },
  );

  it("reads an unknown trigger kind as other", () => {
    const result = parseEventLine(line({ ...base, type: "run_start", trigger: { kind: "webhook" } }));
    expect(result).toMatchObject({ ok: true, event: { trigger: { kind: "other" } } });
  });
});

describe("parseEventStream", () => {
  it("numbers events and problems by line, and passes over blank lines", () => {
    const text = [
      line({ ...base, type: "run_start" }),
      "",
      "{oops",
      line({ ...base, type: "checklist" }),
      `${line({ ...base, type: "run_end", outcome: "ok" })}\r`,
      "",
    ].join("\n");
    const { events, problems } = parseEventStream(text);
    expect(events.map((e) => [e.line, e.event.type])).toEqual([
      [1, "run_start"],
      [5, "run_end"],
    ]);
    expect(problems).toEqual([
      { line: 3, reason: expect.stringMatching(/^invalid JSON: /) },
      { line: 4, reason: 'unknown type "checklist"', unknownType: "checklist" },
    ]);
  });

  it("reads an empty text as nothing", () => {
    expect(parseEventStream("")).toEqual({ events: [], problems: [] });
  });
});

describe("serializeEvent", () => {
  it("writes one line with the canonical key order", () => {
    const event = {
      type: "tool_end",
      error: "boom",
      ok: false,
      callId: "c1",
      runId: "r1",
      session: S,
      ts: 5,
      v: 1,
    };
    expect(serializeEvent(event as LiveEvent)).toBe(
      `{"v":1,"ts":5,"session":"${S}","type":"tool_end","runId":"r1","callId":"c1","ok":false,"error":"boom"}`,
    );
  });

  it("drops fields the type does not have and undefined ones", () => {
    const event = { ...base, type: "text", text: "hi", runId: undefined, stray: 1 } as unknown as LiveEvent;
    expect(serializeEvent(event)).toBe(
      `{"v":1,"ts":1789031643000,"session":"${S}","type":"text","text":"hi"}`,
    );
  });

  it("refuses to write an event the parser would refuse", () => {
    expect(() => serializeEvent({ ...base, ts: Number.NaN, type: "thinking" } as LiveEvent)).toThrow(
      TypeError,
    );
    expect(() => serializeEvent({ ...base, type: "run_end" } as unknown as LiveEvent)).toThrow(/"outcome"/);
  });

  it("keeps newlines inside strings escaped, so an event is always one line", () => {
    const out = serializeEvent({
      ...(base as { v: 1; ts: number; session: string }),
      type: "text",
      text: "a\nb\r\nc",
    });
    expect(out).not.toMatch(/[\r\n]/);
  });
});

describe("round trip", () => {
  const id = fc.stringMatching(/^[a-z0-9]{1,26}$/);
  const text = fc.string();
  const nonBlank = fc.string({ minLength: 1 }).filter((s) => /\S/.test(s));
  const count = fc.nat();
  const outcome = fc.constantFrom("ok" as const, "error" as const, "aborted" as const);
  const kind = fc.constantFrom<TriggerKind>(
    "user",
    "heartbeat",
    "cron",
    "memory",
    "compaction",
    "subagent",
    "other",
  );
  const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
  const head = fc.record({
    v: fc.constant(1 as const),
    ts: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
    session: nonBlank,
    runId: opt(nonBlank),
  });
  const body = fc.oneof(
    fc.oneof(
      fc.record({ type: fc.constant("route" as const), channelId: id, rootId: opt(id), dmUserId: opt(id) }),
      fc.record({ type: fc.constant("route" as const), dmUserId: id, rootId: opt(id) }),
    ),
    fc.record({
      type: fc.constant("run_start" as const),
      trigger: opt(fc.record({ postId: opt(nonBlank), kind: opt(kind) })),
    }),
    fc.record({ type: fc.constant("thinking" as const), text: opt(text) }),
    fc.record({ type: fc.constant("text" as const), text }),
    fc.record({
      type: fc.constant("tool_start" as const),
      callId: nonBlank,
      name: nonBlank,
      args: opt(fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown)),
    }),
    fc.record({
      type: fc.constant("tool_end" as const),
      callId: nonBlank,
      ok: fc.boolean(),
      error: opt(text),
    }),
    fc.record({ type: fc.constant("usage" as const), input: opt(count), output: opt(count) }),
    fc.record({ type: fc.constant("subagent_start" as const), child: nonBlank, label: opt(text) }),
    fc.record({
      type: fc.constant("subagent_end" as const),
      child: nonBlank,
      label: opt(text),
      outcome: opt(outcome),
    }),
    fc.record({ type: fc.constant("run_end" as const), outcome, error: opt(text) }),
    fc.record({ type: fc.constant("transcript_changed" as const) }),
  );
  const withoutUndefined = (o: unknown): unknown => JSON.parse(JSON.stringify(o));

  it("reads back every event it writes", () => {
    fc.assert(
      fc.property(head, body, (h, b) => {
        const event = { ...h, ...b } as LiveEvent;
        const written = serializeEvent(event);
        expect(written).not.toMatch(/[\r\n]/);
        const read = parseEventLine(written);
        expect(read).toEqual({ ok: true, event: withoutUndefined(event) });
        expect(read.ok && serializeEvent(read.event)).toBe(written);
      }),
    );
  });

  it("never throws on any line, and every failure has a reason or is blank", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const result = parseEventLine(text);
          if (!result.ok) expect("skip" in result || result.reason.length > 0).toBe(true);
        },
      ),
    );
  });

  it("treats a decoded value like its line", () => {
    const value = { ...base, type: "usage", input: 3 };
    expect(parseEventValue(value)).toEqual(parseEventLine(JSON.stringify(value)));
  });
});
