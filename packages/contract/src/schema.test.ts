/**
 * docs/live-status.schema.json states the wire contract for other tools; these tests keep it equal to
 * the TypeScript contract: the same fields (checked against key lists the compiler holds to the
 * types), the same required ones, the same states, and examples the parser returns unchanged.
 */
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type {
  ApprovalNoticeV1,
  LiveStatusV1,
  PlanStepV1,
  SubagentV1,
  ToolCallV1,
  WaitingV1,
} from "./live-status.ts";
import { APPROVAL_NOTICE_STATES, BOX_STATES, PLAN_STEP_STATES } from "./live-status.ts";
import { parseLiveStatus } from "./parse.ts";

interface ObjectSchema {
  required: string[];
  properties: Record<string, { enum?: string[]; $ref?: string } & Partial<ObjectSchema>>;
  additionalProperties: boolean;
}
const schema = JSON.parse(
  readFileSync(new URL("../../../docs/live-status.schema.json", import.meta.url), "utf8"),
) as ObjectSchema & { $defs: Record<string, ObjectSchema>; examples: LiveStatusV1[] };

/** Every key of T, each marked required or optional; the compiler refuses a missing, extra or wrong one. */
type KeyKinds<T> = { [K in keyof T]-?: object extends Pick<T, K> ? "optional" : "required" };

const LIVE_STATUS: KeyKinds<LiveStatusV1> = {
  v: "required",
  session: "required",
  agent: "optional",
  state: "required",
  startedAt: "required",
  endedAt: "optional",
  thinking: "required",
  tools: "required",
  toolsOmitted: "required",
  subagents: "required",
  tokens: "required",
  preview: "optional",
  error: "optional",
  waiting: "optional",
  plan: "optional",
  approvalNotice: "optional",
};
const WAITING: KeyKinds<WaitingV1> = {
  kind: "required",
  approvalId: "required",
  command: "optional",
  callId: "optional",
};
const PLAN_STEP: KeyKinds<PlanStepV1> = { step: "required", status: "required" };
const APPROVAL_NOTICE: KeyKinds<ApprovalNoticeV1> = {
  status: "required",
  command: "optional",
  reason: "optional",
};
const TOOL: KeyKinds<ToolCallV1> = {
  callId: "required",
  name: "required",
  args: "optional",
  state: "required",
  startedAt: "required",
  endedAt: "optional",
  error: "optional",
};
const SUBAGENT: KeyKinds<SubagentV1> = {
  child: "required",
  label: "optional",
  state: "required",
  startedAt: "required",
  endedAt: "optional",
  toolCount: "required",
  currentTool: "optional",
};
const TOKENS: KeyKinds<LiveStatusV1["tokens"]> = { input: "required", output: "required" };

const keys = (kinds: Record<string, string>) => Object.keys(kinds).sort();
const requiredKeys = (kinds: Record<string, string>) =>
  Object.entries(kinds)
    .filter(([, kind]) => kind === "required")
    .map(([k]) => k)
    .sort();

const ajv = new Ajv2020.default({ strict: true, allErrors: true });
const validate = ajv.compile(schema);

describe("docs/live-status.schema.json", () => {
  it.each([
    ["props.live_status", schema, LIVE_STATUS],
    ["a tool call", schema.$defs.tool as ObjectSchema, TOOL],
    ["a sub-agent", schema.$defs.subagent as ObjectSchema, SUBAGENT],
    ["tokens", schema.properties.tokens as ObjectSchema, TOKENS],
    ["a wait", schema.$defs.waiting as ObjectSchema, WAITING],
    ["a plan step", schema.$defs.planStep as ObjectSchema, PLAN_STEP],
    ["an approval notice", schema.$defs.approvalNotice as ObjectSchema, APPROVAL_NOTICE],
  ])("lists exactly the fields of %s in the contract, with the same ones required", (_name, part, kinds) => {
    expect(Object.keys(part.properties).sort()).toEqual(keys(kinds));
    expect([...part.required].sort()).toEqual(requiredKeys(kinds));
    expect(part.additionalProperties).toBe(false);
  });

  it("names the contract's box, plan-step and approval-notice states", () => {
    expect(schema.properties.state?.enum).toEqual([...BOX_STATES]);
    expect(schema.$defs.planStep?.properties.status?.enum).toEqual([...PLAN_STEP_STATES]);
    expect(schema.$defs.approvalNotice?.properties.status?.enum).toEqual([...APPROVAL_NOTICE_STATES]);
  });

  it("has one valid example per box state", () => {
    expect(schema.examples.map((e) => e.state).sort()).toEqual([...BOX_STATES].sort());
    for (const example of schema.examples)
      expect({ state: example.state, valid: validate(example), errors: validate.errors }).toEqual({
        state: example.state,
        valid: true,
        errors: null,
      });
  });

  it("has examples the parser reads back unchanged, through a JSON round trip as Mattermost stores props", () => {
    for (const example of schema.examples) {
      expect(parseLiveStatus(example)).toEqual(example);
      expect(parseLiveStatus(JSON.stringify(example))).toEqual(example);
    }
  });

  it("refuses what the parser refuses: a wrong version, an unknown state, a missing session", () => {
    const [running] = schema.examples;
    for (const bad of [
      { ...running, v: 2 },
      { ...running, state: "paused" },
      { ...running, session: undefined },
    ]) {
      const clean = JSON.parse(JSON.stringify(bad));
      expect(validate(clean)).toBe(false);
      expect(parseLiveStatus(clean)).toBeNull();
    }
  });
});
