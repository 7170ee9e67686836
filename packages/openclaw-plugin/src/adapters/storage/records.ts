/**
 * The row codec shared by every ledger implementation: records are validated and flattened into
 * rows on write, and rows are parsed and validated back into records on read. The in-memory
 * ledger stores the same rows, so both implementations share one set of semantics (JSON round
 * trip of `snapshot`, dropped unknown keys, identical validation).
 */

import { parseLiveStatus } from "@live-status/contract";
import type { Conversation } from "../../core/conversation.ts";
import { isRecord } from "../../core/guards.ts";
import { slotKey } from "../../core/keys.ts";
import type {
  BoxRecord,
  BoxRecordState,
  Lease,
  LedgerProblem,
  OutboxEntry,
  OutboxKind,
  SlotRecord,
} from "../../runtime/ledger.ts";
import { BOX_RECORD_STATES, InvalidRecordError, OUTBOX_KINDS } from "../../runtime/ledger.ts";

/** Rows are type aliases (not interfaces) so they bind directly as named SQL parameters. */
export type SlotRow = {
  slot: string;
  session: string;
  conversation: string;
  phase: string;
  generation: number;
  run_id: string | null;
  snapshot: string | null;
  last_transition: string | null;
  updated_at: number;
};

export type BoxRow = {
  box_id: string;
  slot: string;
  generation: number;
  channel_id: string;
  root_id: string | null;
  post_id: string | null;
  pending_post_id: string;
  run_id: string | null;
  state: string;
  version: number;
  updated_at: number;
};

export type OutboxRow = {
  box_id: string;
  kind: string;
  status: string;
  since: number;
  updated_at: number;
};

export type LeaseRow = {
  owner: string;
  pid: number;
  host: string;
  acquired_at: number;
  expires_at: number;
};

export type Decoded<T> = { ok: true; value: T } | { ok: false; problem: LedgerProblem };

type Row = Record<string, unknown>;

const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0;
// Counts and epoch-ms times: SQLite STRICT INTEGER columns refuse fractions, so refuse them here too.
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isOptText = (v: unknown): boolean => v === undefined || isText(v);
const isBoxState = (v: unknown): v is BoxRecordState => (BOX_RECORD_STATES as readonly unknown[]).includes(v);

/** Rebuilds a conversation with only its known keys, or explains why it is not one. */
function readConversation(v: unknown): Conversation | string {
  if (!isRecord(v)) return "conversation is not an object";
  if (!isOptText(v.rootId)) return "conversation.rootId is not a non-empty string";
  if (!isOptText(v.account)) return "conversation.account is not a non-empty string";
  const root = {
    ...(v.rootId !== undefined && { rootId: v.rootId as string }),
    ...(v.account !== undefined && { account: v.account as string }),
  };
  if (v.kind === "channel") {
    return isText(v.channelId)
      ? { kind: "channel", channelId: v.channelId, ...root }
      : "conversation.channelId missing";
  }
  if (v.kind === "dm") {
    return isText(v.userId) ? { kind: "dm", userId: v.userId, ...root } : "conversation.userId missing";
  }
  return `conversation.kind ${JSON.stringify(v.kind)} is unknown`;
}

function readTransition(v: unknown): SlotRecord["lastTransition"] | string {
  if (!isRecord(v)) return "lastTransition is not an object";
  const { from, to, reason, at } = v;
  if (typeof from !== "string" || typeof to !== "string" || typeof reason !== "string") {
    return "lastTransition.from/to/reason must be strings";
  }
  return isCount(at) ? { from, to, reason, at } : "lastTransition.at is not an epoch-ms integer";
}

/** Checks a slot record and returns a clean copy, or the first reason it is invalid. */
function checkSlot(v: Row): SlotRecord | string {
  if (!isText(v.slot)) return "slot is not a non-empty string";
  if (!isText(v.session)) return "session is not a non-empty string";
  const conversation = readConversation(v.conversation);
  if (typeof conversation === "string") return conversation;
  const expected = slotKey(v.session, conversation);
  if (v.slot !== expected) return `slot does not match slotKey(session, conversation) = ${expected}`;
  if (!isText(v.phase)) return "phase is not a non-empty string";
  if (!isCount(v.generation)) return "generation is not a non-negative integer";
  if (!isOptText(v.runId)) return "runId is not a non-empty string";
  if (!isCount(v.updatedAt)) return "updatedAt is not an epoch-ms integer";
  const rec: SlotRecord = {
    slot: v.slot,
    session: v.session,
    conversation,
    phase: v.phase,
    generation: v.generation,
    updatedAt: v.updatedAt,
  };
  if (v.runId !== undefined) rec.runId = v.runId as string;
  if (v.snapshot !== undefined) rec.snapshot = v.snapshot;
  if (v.lastTransition !== undefined) {
    const t = readTransition(v.lastTransition);
    if (typeof t === "string") return t;
    rec.lastTransition = t;
  }
  return rec;
}

function checkBox(v: Row): BoxRecord | string {
  if (!isText(v.slot)) return "slot is not a non-empty string";
  if (!isCount(v.generation)) return "generation is not a non-negative integer";
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the message names the expected shape.
  if (v.boxId !== `${v.slot}#${v.generation}`) return "boxId is not `${slot}#${generation}`";
  if (!isText(v.channelId)) return "channelId is not a non-empty string";
  if (!isOptText(v.rootId)) return "rootId is not a non-empty string";
  if (!isOptText(v.postId)) return "postId is not a non-empty string";
  if (!isText(v.pendingPostId)) return "pendingPostId is not a non-empty string";
  if (!isOptText(v.runId)) return "runId is not a non-empty string";
  if (!isBoxState(v.state)) return `state ${JSON.stringify(v.state)} is unknown`;
  if (!isCount(v.version)) return "version is not a non-negative integer";
  if (!isCount(v.updatedAt)) return "updatedAt is not an epoch-ms integer";
  const rec: BoxRecord = {
    boxId: v.boxId,
    slot: v.slot,
    generation: v.generation,
    channelId: v.channelId,
    pendingPostId: v.pendingPostId,
    state: v.state,
    version: v.version,
    updatedAt: v.updatedAt,
  };
  if (v.rootId !== undefined) rec.rootId = v.rootId as string;
  if (v.postId !== undefined) rec.postId = v.postId as string;
  if (v.runId !== undefined) rec.runId = v.runId as string;
  return rec;
}

function checkOutbox(v: Row): OutboxEntry | string {
  if (!isText(v.boxId) || !v.boxId.includes("#")) return "boxId is not `slot#generation`";
  if (!(OUTBOX_KINDS as readonly unknown[]).includes(v.kind))
    return `kind ${JSON.stringify(v.kind)} is unknown`;
  const status = parseLiveStatus(v.status);
  if (!status) return "status is not a live status (v1)";
  if (v.kind === "final" && status.state === "running") return "a final entry holds a running status";
  if (!isCount(v.since)) return "since is not an epoch-ms integer";
  if (!isCount(v.updatedAt)) return "updatedAt is not an epoch-ms integer";
  return { boxId: v.boxId, kind: v.kind as OutboxKind, status, since: v.since, updatedAt: v.updatedAt };
}

function checkLease(v: Row): Lease | string {
  if (!isText(v.owner)) return "owner is not a non-empty string";
  if (!isCount(v.pid)) return "pid is not a non-negative integer";
  if (typeof v.host !== "string") return "host is not a string";
  if (!isCount(v.acquiredAt) || !isCount(v.expiresAt))
    return "acquiredAt/expiresAt are not epoch-ms integers";
  return { owner: v.owner, pid: v.pid, host: v.host, acquiredAt: v.acquiredAt, expiresAt: v.expiresAt };
}

function keyOf(v: unknown, field: string): string {
  const key = isRecord(v) ? v[field] : undefined;
  return typeof key === "string" ? key : "<unknown>";
}

function must<T>(checked: T | string, key: string): T {
  if (typeof checked === "string") throw new InvalidRecordError(key, checked);
  return checked;
}

function toJson(value: unknown, key: string, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new InvalidRecordError(key, `${field} is not JSON-serializable (${(err as Error).message})`);
  }
  if (text === undefined) throw new InvalidRecordError(key, `${field} is not JSON-serializable`);
  return text;
}

/** Validates a slot record and flattens it into a row; throws InvalidRecordError. */
export function encodeSlot(input: SlotRecord): SlotRow {
  const key = keyOf(input, "slot");
  if (!isRecord(input)) throw new InvalidRecordError(key, "not an object");
  const rec = must(checkSlot(input), key);
  return {
    slot: rec.slot,
    session: rec.session,
    conversation: JSON.stringify(rec.conversation),
    phase: rec.phase,
    generation: rec.generation,
    run_id: rec.runId ?? null,
    snapshot: rec.snapshot === undefined ? null : toJson(rec.snapshot, key, "snapshot"),
    last_transition: rec.lastTransition ? JSON.stringify(rec.lastTransition) : null,
    updated_at: rec.updatedAt,
  };
}

/** Validates a box record and flattens it into a row; throws InvalidRecordError. */
export function encodeBox(input: BoxRecord): BoxRow {
  const key = keyOf(input, "boxId");
  if (!isRecord(input)) throw new InvalidRecordError(key, "not an object");
  const rec = must(checkBox(input), key);
  return {
    box_id: rec.boxId,
    slot: rec.slot,
    generation: rec.generation,
    channel_id: rec.channelId,
    root_id: rec.rootId ?? null,
    post_id: rec.postId ?? null,
    pending_post_id: rec.pendingPostId,
    run_id: rec.runId ?? null,
    state: rec.state,
    version: rec.version,
    updated_at: rec.updatedAt,
  };
}

/** Validates an outbox entry and flattens it into a row; throws InvalidRecordError. */
export function encodeOutbox(input: OutboxEntry): OutboxRow {
  const key = keyOf(input, "boxId");
  if (!isRecord(input)) throw new InvalidRecordError(key, "not an object");
  const rec = must(checkOutbox(input), key);
  return {
    box_id: rec.boxId,
    kind: rec.kind,
    status: JSON.stringify(rec.status),
    since: rec.since,
    updated_at: rec.updatedAt,
  };
}

/** Validates a lease and flattens it into a row; throws InvalidRecordError. */
export function encodeLease(input: Lease): LeaseRow {
  if (!isRecord(input)) throw new InvalidRecordError("lease", "not an object");
  const lease = must(checkLease(input), "lease");
  return {
    owner: lease.owner,
    pid: lease.pid,
    host: lease.host,
    acquired_at: lease.acquiredAt,
    expires_at: lease.expiresAt,
  };
}

/** Validates a renewed lease expiry; throws InvalidRecordError. */
export function checkExpiry(expiresAt: number): number {
  if (!isCount(expiresAt)) throw new InvalidRecordError("lease", "expiresAt is not an epoch-ms integer");
  return expiresAt;
}

const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** SQLite integers arrive as BigInt; safe ones become numbers, others stay BigInt and fail validation. */
function numbers(row: Row): Row {
  const out: Row = {};
  for (const [key, v] of Object.entries(row)) {
    out[key] = typeof v === "bigint" && v >= SAFE_MIN && v <= SAFE_MAX ? Number(v) : v;
  }
  return out;
}

const orUndefined = (v: unknown): unknown => (v === null ? undefined : v);

/** Parses JSON columns; a parse failure becomes a reason string naming the column. */
function parseJsonColumns(row: Row, columns: string[]): Row | string {
  const out: Row = {};
  for (const column of columns) {
    const raw = row[column];
    if (raw === null || raw === undefined) continue;
    if (typeof raw !== "string") return `${column} is not JSON text`;
    try {
      out[column] = JSON.parse(raw);
    } catch {
      return `${column} is not valid JSON`;
    }
  }
  return out;
}

function decoded<T>(table: LedgerProblem["table"], key: string, checked: T | string): Decoded<T> {
  return typeof checked === "string"
    ? { ok: false, problem: { table, key, reason: checked } }
    : { ok: true, value: checked };
}

/** Parses and validates a stored slot row; a bad row becomes a problem keyed by its slot. */
export function decodeSlot(stored: Row): Decoded<SlotRecord> {
  const row = numbers(stored);
  const key = keyOf(row, "slot");
  const json = parseJsonColumns(row, ["conversation", "snapshot", "last_transition"]);
  if (typeof json === "string") return decoded<SlotRecord>("slots", key, json);
  return decoded(
    "slots",
    key,
    checkSlot({
      slot: row.slot,
      session: row.session,
      conversation: json.conversation,
      phase: row.phase,
      generation: row.generation,
      runId: orUndefined(row.run_id),
      snapshot: json.snapshot,
      lastTransition: json.last_transition,
      updatedAt: row.updated_at,
    }),
  );
}

/** Parses and validates a stored box row; a bad row becomes a problem keyed by its box id. */
export function decodeBox(stored: Row): Decoded<BoxRecord> {
  const row = numbers(stored);
  return decoded(
    "boxes",
    keyOf(row, "box_id"),
    checkBox({
      boxId: row.box_id,
      slot: row.slot,
      generation: row.generation,
      channelId: row.channel_id,
      rootId: orUndefined(row.root_id),
      postId: orUndefined(row.post_id),
      pendingPostId: row.pending_post_id,
      runId: orUndefined(row.run_id),
      state: row.state,
      version: row.version,
      updatedAt: row.updated_at,
    }),
  );
}

/** Parses and validates a stored outbox row; a bad row becomes a problem keyed by its box id. */
export function decodeOutbox(stored: Row): Decoded<OutboxEntry> {
  const row = numbers(stored);
  const key = keyOf(row, "box_id");
  const json = parseJsonColumns(row, ["status"]);
  if (typeof json === "string") return decoded<OutboxEntry>("outbox", key, json);
  return decoded(
    "outbox",
    key,
    checkOutbox({
      boxId: row.box_id,
      kind: row.kind,
      status: json.status,
      since: row.since,
      updatedAt: row.updated_at,
    }),
  );
}

/** Parses and validates the stored lease row. */
export function decodeLease(stored: Row): Decoded<Lease> {
  const row = numbers(stored);
  return decoded(
    "lease",
    "lease",
    checkLease({
      owner: row.owner,
      pid: row.pid,
      host: row.host,
      acquiredAt: row.acquired_at,
      expiresAt: row.expires_at,
    }),
  );
}

/** Code-unit order, so every implementation lists in exactly the same order. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareBoxes(a: BoxRecord, b: BoxRecord): number {
  return compareText(a.slot, b.slot) || a.generation - b.generation || compareText(a.boxId, b.boxId);
}

/** Keeps each distinct problem once and tells the hook the first time it is seen. */
export class ProblemLog {
  readonly #seen = new Map<string, LedgerProblem>();
  readonly #onProblem: ((problem: LedgerProblem) => void) | undefined;

  constructor(onProblem?: (problem: LedgerProblem) => void) {
    this.#onProblem = onProblem;
  }

  keep<T>(result: Decoded<T>): T | undefined {
    if (result.ok) return result.value;
    const { table, key, reason } = result.problem;
    const id = `${table}\u0000${key}\u0000${reason}`;
    if (!this.#seen.has(id)) {
      this.#seen.set(id, result.problem);
      this.#onProblem?.(result.problem);
    }
    return undefined;
  }

  list(): LedgerProblem[] {
    return [...this.#seen.values()].map((p) => ({ ...p }));
  }
}
