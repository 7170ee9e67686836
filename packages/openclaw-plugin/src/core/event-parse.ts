/**
 * Parsing and writing the normalized event format v1 (one JSON object per line). This is the gate
 * every recorded or streamed event passes before the core sees it; docs/events.schema.json states
 * the same rules and a test keeps both in agreement.
 */
import type {
  ApprovalPhase,
  LiveEvent,
  LiveEventType,
  PlanEvent,
  PlanStepStatus,
  RunOutcome,
  TriggerKind,
} from "./events.ts";
import { LIVE_EVENT_TYPES } from "./events.ts";
import { isRecord } from "./guards.ts";
import { isPlausibleId } from "./routing.ts";

export type ParseResult =
  | { ok: true; event: LiveEvent }
  | { ok: false; skip: "blank" }
  | { ok: false; reason: string; unknownType?: string };

export interface EventStream {
  events: { line: number; event: LiveEvent }[];
  problems: { line: number; reason: string; unknownType?: string }[];
}

const OUTCOMES: readonly RunOutcome[] = ["ok", "error", "aborted"];
const APPROVAL_PHASES: readonly ApprovalPhase[] = ["waiting", "resolved", "unavailable", "denied", "failed"];
const PLAN_STEP_STATUSES: readonly PlanStepStatus[] = ["pending", "in_progress", "completed"];
const TRIGGER_KINDS: readonly TriggerKind[] = [
  "user",
  "heartbeat",
  "cron",
  "memory",
  "compaction",
  "subagent",
  "other",
];

// Thrown inside the reader only; turned into a ParseResult at the edge.
interface Problem {
  problem: string;
  unknownType?: string;
}

function problem(reason: string, unknownType?: string): Problem {
  return unknownType === undefined ? { problem: reason } : { problem: reason, unknownType };
}

function isProblem(x: unknown): x is Problem {
  return typeof x === "object" && x !== null && typeof (x as Problem).problem === "string";
}

type Obj = Record<string, unknown>;

function has(o: Obj, key: string): boolean {
  return Object.hasOwn(o, key);
}

/** A reader over one object; `path` prefixes field names in reasons (`trigger.kind`). */
function fields(o: Obj, path = "") {
  const name = (key: string) => `"${path}${key}"`;
  const need = (key: string): unknown => {
    if (!has(o, key)) throw problem(`missing ${name(key)}`);
    return o[key];
  };
  const str = (key: string, value: unknown, nonBlank: boolean): string => {
    if (typeof value !== "string") throw problem(`${name(key)} must be a string`);
    if (nonBlank && !/\S/.test(value)) throw problem(`${name(key)} must be a non-empty string`);
    return value;
  };
  return {
    /** Required string; `nonBlank` refuses "" and whitespace-only. */
    string: (key: string, nonBlank = true) => str(key, need(key), nonBlank),
    optString: (key: string, nonBlank = true) => (has(o, key) ? str(key, o[key], nonBlank) : undefined),
    /** Optional id that must survive being put into a key or an API path. */
    optId: (key: string): string | undefined => {
      if (!has(o, key)) return undefined;
      const value = str(key, o[key], true);
      if (!isPlausibleId(value)) throw problem(`${name(key)} must not contain whitespace or ":"`);
      return value;
    },
    boolean: (key: string): boolean => {
      const value = need(key);
      if (typeof value !== "boolean") throw problem(`${name(key)} must be a boolean`);
      return value;
    },
    optCount: (key: string): number | undefined => {
      if (!has(o, key)) return undefined;
      const value = o[key];
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
        throw problem(`${name(key)} must be a non-negative integer`);
      }
      return value;
    },
    oneOf: <T extends string>(key: string, options: readonly T[]): T => {
      const value = need(key);
      if (!options.includes(value as T)) throw problem(`${name(key)} must be one of ${options.join(", ")}`);
      return value as T;
    },
    outcome: (key: string, required: boolean): RunOutcome | undefined => {
      if (!required && !has(o, key)) return undefined;
      const value = need(key);
      if (!OUTCOMES.includes(value as RunOutcome)) {
        throw problem(`${name(key)} must be one of ${OUTCOMES.join(", ")}`);
      }
      return value as RunOutcome;
    },
  };
}

/** Drops the keys whose value is undefined, keeping the insertion order. */
function compact<T extends object>(o: T): T {
  const record = o as Obj;
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return o;
}

/** {@link compact} for a finished event; the constraint keeps each `type` literal. */
function finish<T extends LiveEvent>(e: T): T {
  return compact(e);
}

function readTrigger(o: Obj): { postId?: string; kind?: TriggerKind } | undefined {
  if (!has(o, "trigger")) return undefined;
  const raw = o.trigger;
  if (!isRecord(raw)) throw problem(`"trigger" must be an object`);
  const f = fields(raw, "trigger.");
  const kind = f.optString("kind", false);
  return compact({ postId: f.optString("postId"), kind: kind === undefined ? undefined : triggerKind(kind) });
}

// Newer sources may name kinds we do not know yet: they still start a run.
function triggerKind(kind: string): TriggerKind {
  return TRIGGER_KINDS.includes(kind as TriggerKind) ? (kind as TriggerKind) : "other";
}

function readPlanSteps(o: Obj): PlanEvent["steps"] {
  if (!has(o, "steps")) throw problem(`missing "steps"`);
  if (!Array.isArray(o.steps)) throw problem(`"steps" must be an array`);
  return o.steps.map((raw: unknown, i) => {
    if (!isRecord(raw)) throw problem(`"steps.${i}" must be an object`);
    const f = fields(raw, `steps.${i}.`);
    return { step: f.string("step"), status: f.oneOf("status", PLAN_STEP_STATUSES) };
  });
}

function readEvent(raw: unknown): LiveEvent {
  if (!isRecord(raw)) throw problem("event must be a JSON object");
  if (!has(raw, "v")) throw problem(`missing "v"`);
  if (raw.v !== 1) throw problem(`unsupported "v": ${JSON.stringify(raw.v)} (expected 1)`);
  if (!has(raw, "ts")) throw problem(`missing "ts"`);
  if (typeof raw.ts !== "number" || !Number.isFinite(raw.ts)) throw problem(`"ts" must be a finite number`);
  const f = fields(raw);
  const base = { v: 1 as const, ts: raw.ts, session: f.string("session") };
  const type = f.string("type");
  const runId = f.optString("runId");
  if (!LIVE_EVENT_TYPES.includes(type as LiveEventType)) {
    throw problem(`unknown type "${type.slice(0, 64)}"`, type);
  }
  const head = { ...base, type: type as LiveEventType, runId };

  switch (type as LiveEventType) {
    case "route": {
      const route = {
        channelId: f.optId("channelId"),
        rootId: f.optId("rootId"),
        dmUserId: f.optId("dmUserId"),
        account: f.optString("account"),
      };
      if (route.channelId === undefined && route.dmUserId === undefined) {
        throw problem(
          route.rootId === undefined
            ? `route needs "channelId" or "dmUserId"`
            : `"rootId" needs "channelId" or "dmUserId"`,
        );
      }
      return finish({ ...head, type: "route", ...route });
    }
    case "run_start":
      return finish({ ...head, type: "run_start", trigger: readTrigger(raw) });
    case "thinking":
      return finish({ ...head, type: "thinking", text: f.optString("text", false) });
    case "text":
      return finish({ ...head, type: "text", text: f.string("text", false) });
    case "tool_start":
      return finish({
        ...head,
        type: "tool_start",
        callId: f.string("callId"),
        name: f.string("name"),
        args: raw.args,
      });
    case "tool_end":
      return finish({
        ...head,
        type: "tool_end",
        callId: f.string("callId"),
        ok: f.boolean("ok"),
        error: f.optString("error", false),
      });
    case "usage":
      return finish({ ...head, type: "usage", input: f.optCount("input"), output: f.optCount("output") });
    case "subagent_start":
      return finish({
        ...head,
        type: "subagent_start",
        child: f.string("child"),
        label: f.optString("label", false),
      });
    case "subagent_end":
      return finish({
        ...head,
        type: "subagent_end",
        child: f.string("child"),
        label: f.optString("label", false),
        outcome: f.outcome("outcome", false),
      });
    case "approval": {
      const phase = f.oneOf("phase", APPROVAL_PHASES);
      const approvalId = f.optString("approvalId");
      if (phase === "waiting" && approvalId === undefined) throw problem(`"waiting" needs "approvalId"`);
      return finish({
        ...head,
        type: "approval",
        phase,
        approvalId,
        callId: f.optString("callId"),
        command: f.optString("command", false),
        reason: f.optString("reason", false),
      });
    }
    case "plan":
      return finish({ ...head, type: "plan", steps: readPlanSteps(raw) });
    case "run_end":
      return finish({
        ...head,
        type: "run_end",
        outcome: f.outcome("outcome", true) as RunOutcome,
        error: f.optString("error", false),
      });
    case "transcript_changed":
      return finish({ ...head, type: "transcript_changed" });
    default: {
      const never: never = type as never;
      return never;
    }
  }
}

/**
 * Validates one already-decoded value as a v1 event and returns a fresh event holding only the
 * known fields, in the canonical key order. Unknown extra fields are dropped; an unknown `type`
 * comes back with `unknownType` set so the caller can warn and skip.
 */
export function parseEventValue(value: unknown): ParseResult {
  try {
    return { ok: true, event: readEvent(value) };
  } catch (e) {
    if (!isProblem(e)) throw e;
    return e.unknownType === undefined
      ? { ok: false, reason: e.problem }
      : { ok: false, reason: e.problem, unknownType: e.unknownType };
  }
}

/**
 * Parses one line of an event file or stream. Surrounding whitespace (a CRLF, a BOM) is ignored,
 * a blank line is a skip, and anything else is a v1 event or a short, precise reason. Reasons never
 * quote the line itself, so logging them cannot leak what the line carried.
 */
export function parseEventLine(line: string): ParseResult {
  const text = line.trim();
  if (text === "") return { ok: false, skip: "blank" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8 may quote the input (`"ghp_Zq9…"... is not valid JSON`): keep only what precedes a quote.
    const message = (e instanceof Error ? e.message : String(e)).replace(/,?\s*".*$/s, "");
    return { ok: false, reason: `invalid JSON: ${message}` };
  }
  return parseEventValue(value);
}

/**
 * Parses a whole event file: every event with its 1-based line number, and every line that was
 * not an event with its reason. Blank lines are neither.
 */
export function parseEventStream(text: string): EventStream {
  const out: EventStream = { events: [], problems: [] };
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    const result = parseEventLine(raw);
    if (result.ok) out.events.push({ line, event: result.event });
    else if (!("skip" in result)) {
      out.problems.push(
        result.unknownType === undefined
          ? { line, reason: result.reason }
          : { line, reason: result.reason, unknownType: result.unknownType },
      );
    }
  });
  return out;
}

/**
 * One line (no newline) holding the event in the canonical key order: `v, ts, session, type, runId`,
 * then the type's own fields; fields set to `undefined` are left out. Throws a TypeError for an event
 * the parser would refuse, so whatever is written can be read back.
 */
export function serializeEvent(e: LiveEvent): string {
  // Decode what JSON would carry first: `undefined` fields vanish, NaN becomes a refused null.
  const result = parseEventValue(JSON.parse(JSON.stringify(e)));
  if (!result.ok)
    throw new TypeError(`cannot serialize event: ${"reason" in result ? result.reason : "blank"}`);
  return JSON.stringify(result.event);
}
