/**
 * The durable ledger port: what the runtime must remember across restarts so that no box is left
 * orphaned and no final state is lost. Types, the interface and its typed errors only; the
 * implementations (SQLite for production, in-memory for tests) live in `src/adapters/storage`.
 */
import type { LiveStatusV1 } from "@live-status/contract";
import { BOX_STATES } from "@live-status/contract";
import type { Conversation } from "../core/conversation.ts";

/** One (session, conversation) pair and its lifecycle state. `slot` is `slotKey(session, conversation)`. */
export interface SlotRecord {
  slot: string;
  session: string;
  conversation: Conversation;
  /** Lifecycle phase name; opaque to the ledger. */
  phase: string;
  /** Box generation of the slot. */
  generation: number;
  runId?: string;
  /** Opaque JSON of the core's slot state, for rehydration. Must survive a JSON round trip. */
  snapshot?: unknown;
  lastTransition?: { from: string; to: string; reason: string; at: number };
  updatedAt: number;
}

/** What a post on record shows: a state of the wire contract, or `removed` once we took it away. */
export const BOX_RECORD_STATES = [...BOX_STATES, "removed"] as const;
export type BoxRecordState = (typeof BOX_RECORD_STATES)[number];

/** One Mattermost post we own. `boxId` is `${slot}#${generation}`. */
export interface BoxRecord {
  boxId: string;
  slot: string;
  generation: number;
  channelId: string;
  rootId?: string;
  /** Known once the create landed. */
  postId?: string;
  /** Sent with the create; lets a restart reconcile a create whose answer was lost. */
  pendingPostId: string;
  runId?: string;
  state: BoxRecordState;
  /** Increments on every put; a put with a lower version than stored is refused. */
  version: number;
  updatedAt: number;
}

export const OUTBOX_KINDS = ["create", "final", "delete", "receipt"] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/**
 * A box write that must land, kept until it did (the outbox). `create`: the box of a live run must
 * appear; `final`: the box must end showing `status`, a final state; `delete` / `receipt`: a buried
 * box must leave the conversation (deleted, or edited into the receipt of `status`). One entry per
 * box; a final replaces the box's create, a removal replaces either. Routine edits are never kept:
 * a newer state replaces them.
 */
export interface OutboxEntry {
  boxId: string;
  kind: OutboxKind;
  /** What the post must show (the latest known state for a create). */
  status: LiveStatusV1;
  /** Wall-clock ms when the box was first due: where a lost create's post is looked for from. */
  since: number;
  updatedAt: number;
}

/** The single-owner lease: only its holder may drive boxes. Expired when `expiresAt <= now`. */
export interface Lease {
  owner: string;
  pid: number;
  host: string;
  acquiredAt: number;
  expiresAt: number;
}

export type LeaseResult = { ok: true } | { ok: false; holder: Lease };

/** A stored row that failed validation when read back; the row is skipped, never returned. */
export interface LedgerProblem {
  table: "slots" | "boxes" | "lease" | "outbox";
  /** Primary key of the bad row (slot, boxId, or "lease"). */
  key: string;
  reason: string;
}

/**
 * The ledger port. Synchronous (node:sqlite is); every method is one small write or read.
 * Records are validated on write (InvalidRecordError) and on read: a row that fails to parse is
 * skipped and reported through `problems()` (and the implementation's `onProblem` hook), keyed by
 * its primary key, so one bad row never hides the others.
 */
export interface Ledger {
  getSlot(slot: string): SlotRecord | undefined;
  putSlot(rec: SlotRecord): void;
  /** All readable slots, ordered by slot key. */
  listSlots(): SlotRecord[];
  getBox(boxId: string): BoxRecord | undefined;
  /** Throws StaleWriteError when `rec.version` is lower than the stored version. */
  putBox(rec: BoxRecord): void;
  /** Readable boxes, ordered by slot key then generation. */
  listBoxes(filter?: { slot?: string; states?: BoxRecordState[] }): BoxRecord[];
  getOutbox(boxId: string): OutboxEntry | undefined;
  /** Readable outbox entries, ordered by box id. */
  listOutbox(): OutboxEntry[];
  /** Puts the box's entry, replacing the one it had. */
  putOutbox(entry: OutboxEntry): void;
  /** Drops the box's entry: its write landed or can never land. A no-op when there is none. */
  deleteOutbox(boxId: string): void;
  /**
   * Atomically puts several records and drops the outbox entries of `settled` box ids: all land or
   * none (a stale box refuses the whole batch).
   */
  putBatch(batch: LedgerBatch): void;
  /** Succeeds if the lease is free, expired (`expiresAt <= now`) or already held by `candidate.owner`. */
  acquireLease(candidate: Lease, now: number): LeaseResult;
  /** Extends the lease if `owner` holds it; false otherwise. */
  renewLease(owner: string, expiresAt: number): boolean;
  /** Frees the lease if `owner` holds it; a no-op otherwise. */
  releaseLease(owner: string): void;
  /** Distinct unreadable rows met so far. */
  problems(): LedgerProblem[];
  /** Idempotent; any other call after it throws. */
  close(): void;
}

export interface LedgerBatch {
  slots?: SlotRecord[];
  boxes?: BoxRecord[];
  outbox?: OutboxEntry[];
  /** Box ids whose outbox entries are dropped (after the puts). */
  settled?: string[];
}

export type LedgerErrorCode =
  | "stale_write"
  | "invalid_record"
  | "unreadable"
  | "schema_too_new"
  | "migration_failed"
  | "storage"
  | "closed";

/** Base of every ledger error; branch on `code`, never on message text. */
export class LedgerError extends Error {
  readonly code: LedgerErrorCode;
  constructor(code: LedgerErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LedgerError";
    this.code = code;
  }
}

/** A box put whose version is lower than the stored one: a late write from an older publisher. */
export class StaleWriteError extends LedgerError {
  readonly boxId: string;
  readonly storedVersion: number;
  readonly attemptedVersion: number;
  constructor(boxId: string, storedVersion: number, attemptedVersion: number) {
    super(
      "stale_write",
      `stale write to box ${boxId}: version ${attemptedVersion} is lower than stored ${storedVersion}`,
    );
    this.name = "StaleWriteError";
    this.boxId = boxId;
    this.storedVersion = storedVersion;
    this.attemptedVersion = attemptedVersion;
  }
}

/** A record handed to the ledger that breaks its shape or invariants (e.g. slot ≠ slotKey). */
export class InvalidRecordError extends LedgerError {
  readonly key: string;
  constructor(key: string, reason: string) {
    super("invalid_record", `invalid ledger record ${key}: ${reason}`);
    this.name = "InvalidRecordError";
    this.key = key;
  }
}

/** The ledger file cannot be used: unreadable, not a ledger, written by a newer build, or not migratable. */
export class LedgerOpenError extends LedgerError {
  readonly file: string;
  constructor(
    code: "unreadable" | "schema_too_new" | "migration_failed",
    file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
    this.name = "LedgerOpenError";
    this.file = file;
  }
}

/** What went wrong with the disk under the ledger. */
export type StorageFault = "full" | "read_only" | "corrupt" | "io";

const FAULT_ADVICE: Record<StorageFault, (file: string) => string> = {
  full: (f) => `the disk holding the ledger ${f} is full: free space there, then start Live Status again`,
  read_only: (f) =>
    `the ledger ${f} or its directory is read-only: make both writable by this user, then start Live Status again`,
  corrupt: (f) =>
    `the ledger ${f} is corrupted: move it aside (live-status status --ledger shows what can still be read), then start Live Status again with a fresh ledger`,
  io: (f) =>
    `the disk failed reading or writing the ledger ${f}: check the disk, then start Live Status again`,
};

/**
 * The storage under the ledger failed (disk full, read-only, corrupted, I/O error). The message is the
 * one line an operator needs: what happened and what to do. Nothing written after it is durable.
 */
export class LedgerStorageError extends LedgerError {
  readonly fault: StorageFault;
  readonly file: string;
  constructor(fault: StorageFault, file: string, options?: ErrorOptions) {
    super("storage", FAULT_ADVICE[fault](file), options);
    this.name = "LedgerStorageError";
    this.fault = fault;
    this.file = file;
  }
}
