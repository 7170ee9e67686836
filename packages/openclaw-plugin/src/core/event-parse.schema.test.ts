import { readdirSync, readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseEventLine } from "./event-parse.ts";
import { LIVE_EVENT_TYPES } from "./events.ts";

// docs/events.schema.json states the format for other tools; it must agree with the parser.
const root = new URL("../../../../", import.meta.url);
const schema = JSON.parse(readFileSync(new URL("docs/events.schema.json", root), "utf8")) as {
  properties: { type: { enum: string[] } };
};
// strictRequired would refuse the `anyOf: [{ required: [...] }]` that says "channelId or dmUserId".
const ajv = new Ajv2020.default({ strict: true, strictRequired: false, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);
const fixtureDir = new URL("packages/openclaw-plugin/test/fixtures/events/", root);

/** What the schema says about one line: blank lines and bad JSON are not its business. */
function schemaAccepts(line: string): boolean | "not JSON" {
  try {
    return validate(JSON.parse(line)) === true;
  } catch {
    return "not JSON";
  }
}

function expectAgreement(line: string): void {
  const parsed = parseEventLine(line);
  const bySchema = schemaAccepts(line);
  if (bySchema === "not JSON") {
    expect(parsed.ok).toBe(false);
    return;
  }
  expect({ line, accepted: bySchema }).toEqual({ line, accepted: parsed.ok });
}

const base = { v: 1, ts: 1789031643000, session: "agent:main:mattermost:channel:chan1" };
const samples: Record<string, unknown>[] = [
  // accepted by both
  { ...base, type: "route", channelId: "chan1" },
  { ...base, type: "route", dmUserId: "u1", rootId: "r1" },
  { ...base, type: "route", channelId: "c1", dmUserId: "u1" },
  { ...base, type: "run_start" },
  { ...base, type: "run_start", runId: "r1", trigger: { kind: "webhook", postId: "p1", extra: 1 } },
  { ...base, type: "thinking", text: "" },
  { ...base, type: "text", text: "" },
  { ...base, type: "tool_start", callId: "c", name: "n", args: [1, { a: null }] },
  { ...base, type: "tool_end", callId: "c", ok: false, error: "" },
  { ...base, type: "usage", input: 0, output: 9007199254740991 },
  { ...base, type: "subagent_start", child: "agent:main:subagent:x", label: "" },
  { ...base, type: "subagent_end", child: "x", outcome: "error" },
  { ...base, type: "run_end", outcome: "aborted", error: "stopped", extra: { deep: true } },
  { ...base, ts: -1.5, type: "transcript_changed" },
  { ...base, type: "approval", phase: "waiting", approvalId: "a1", callId: "c", command: "" },
  { ...base, type: "approval", phase: "resolved" },
  { ...base, type: "approval", phase: "denied", reason: "no", command: "rm x" },
  { ...base, type: "plan", steps: [] },
  { ...base, type: "plan", steps: [{ step: "A", status: "in_progress", note: 1 }] },
  // refused by both
  { ...base, v: 2, type: "thinking" },
  { ...base, v: "1", type: "thinking" },
  { ts: 1, session: "s", type: "thinking" },
  { v: 1, session: "s", type: "thinking" },
  { ...base, ts: "1", type: "thinking" },
  { v: 1, ts: 1, type: "thinking" },
  { ...base, session: "", type: "thinking" },
  { ...base, session: " \t", type: "thinking" },
  { ...base, runId: "", type: "thinking" },
  { ...base, runId: null, type: "thinking" },
  { ...base },
  { ...base, type: "plan" },
  { ...base, type: 7 },
  { ...base, type: "route" },
  { ...base, type: "route", rootId: "r1" },
  { ...base, type: "route", channelId: "" },
  { ...base, type: "route", channelId: "a:b" },
  { ...base, type: "route", dmUserId: "a b" },
  { ...base, type: "run_start", trigger: null },
  { ...base, type: "run_start", trigger: { kind: 1 } },
  { ...base, type: "run_start", trigger: { postId: " " } },
  { ...base, type: "thinking", text: null },
  { ...base, type: "text" },
  { ...base, type: "tool_start", callId: "c" },
  { ...base, type: "tool_start", callId: "", name: "n" },
  { ...base, type: "tool_end", callId: "c", ok: 1 },
  { ...base, type: "usage", input: -1 },
  { ...base, type: "usage", input: 1.5 },
  { ...base, type: "usage", input: 9007199254740992 },
  { ...base, type: "subagent_start" },
  { ...base, type: "subagent_end", child: "x", outcome: "done" },
  { ...base, type: "run_end" },
  { ...base, type: "run_end", outcome: "ok", error: 5 },
  { ...base, type: "approval" },
  { ...base, type: "approval", phase: "waiting" },
  { ...base, type: "approval", phase: "asked", approvalId: "a1" },
  { ...base, type: "approval", phase: "resolved", approvalId: " " },
  { ...base, type: "approval", phase: "denied", reason: 3 },
  { ...base, type: "plan", steps: null },
  { ...base, type: "plan", steps: [{ step: "A" }] },
  { ...base, type: "plan", steps: [{ step: " ", status: "pending" }] },
  { ...base, type: "plan", steps: [{ step: "A", status: "done" }] },
  { ...base, type: "plan", steps: ["A"] },
];

describe("docs/events.schema.json", () => {
  it("compiles under strict Ajv (JSON Schema 2020-12)", () => {
    expect(typeof validate).toBe("function");
  });

  it("lists exactly the event types the code knows", () => {
    expect([...schema.properties.type.enum].sort()).toEqual([...LIVE_EVENT_TYPES].sort());
  });

  it.each(samples.map((s) => [JSON.stringify(s)]))("agrees with the parser on %s", (line) => {
    expectAgreement(line);
  });

  it("agrees with the parser on non-finite and odd raw lines", () => {
    for (const line of ['{"v":1,"ts":1e999,"session":"s","type":"thinking"}', "[]", "null", "1", '"x"']) {
      expectAgreement(line);
    }
  });

  it("agrees with the parser on every line of every fixture", () => {
    const files = readdirSync(fixtureDir).filter((f) => f.endsWith(".jsonl"));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const file of files) {
      for (const line of readFileSync(new URL(file, fixtureDir), "utf8").split("\n")) {
        if (line.trim() !== "") expectAgreement(line.trim());
      }
    }
  });

  it("accepts every example in docs/events.md, as the parser does", () => {
    const doc = readFileSync(new URL("docs/events.md", root), "utf8");
    const lines = [...doc.matchAll(/```jsonl\n([\s\S]*?)```/g)].flatMap((m) =>
      (m[1] ?? "").trim().split("\n"),
    );
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(parseEventLine(line).ok).toBe(true);
      expect(schemaAccepts(line)).toBe(true);
    }
  });

  it("agrees with the parser on mutated samples", () => {
    const keys = [
      "v",
      "ts",
      "session",
      "runId",
      "type",
      "channelId",
      "rootId",
      "dmUserId",
      "trigger",
      "text",
    ];
    const moreKeys = [
      ...["callId", "name", "ok", "error", "input", "output", "child", "label", "outcome"],
      ...["phase", "approvalId", "command", "reason", "steps"],
    ];
    const value = fc.oneof(
      fc.constantFrom(...LIVE_EVENT_TYPES, "ok", "error", "", " ", "a:b", 1, -1, 0.5, true, null),
      fc.constantFrom("waiting", "resolved", "denied", [], [{ step: "s", status: "pending" }]),
      fc.jsonValue({ maxDepth: 1 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.constantFrom(...keys, ...moreKeys),
        fc.option(value),
        (sample, key, replacement) => {
          const mutated: Record<string, unknown> = { ...sample };
          if (replacement === null) delete mutated[key];
          else mutated[key] = replacement;
          expectAgreement(JSON.stringify(mutated));
        },
      ),
      { numRuns: 500 },
    );
  });
});
