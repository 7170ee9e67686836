/**
 * The production ledger: one SQLite file through Node's built-in `node:sqlite`. WAL lets several
 * processes open the same file (the lease decides which one drives boxes); `busy_timeout` makes a
 * writer wait for another's lock instead of failing; every multi-row change is one transaction.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { StatementSync } from "node:sqlite";
import { DatabaseSync } from "node:sqlite";
import type {
  BoxRecord,
  BoxRecordState,
  Lease,
  LeaseResult,
  Ledger,
  LedgerProblem,
  SlotRecord,
} from "../../runtime/ledger.ts";
import { LedgerError, LedgerOpenError, StaleWriteError } from "../../runtime/ledger.ts";
import { inspectLedgerFile, migrate } from "./migrations.ts";
import type { BoxRow, Decoded } from "./records.ts";
import {
  checkExpiry,
  compareBoxes,
  compareText,
  decodeBox,
  decodeLease,
  decodeSlot,
  encodeBox,
  encodeLease,
  encodeSlot,
  ProblemLog,
} from "./records.ts";
import { asStorageError, SQLITE_NOTADB } from "./storage-fault.ts";

export interface SqliteLedgerOptions {
  /** How long a write waits for another connection's lock before failing. Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Told once about each stored row that fails validation (the row is skipped). */
  onProblem?: (problem: LedgerProblem) => void;
  /** Opens for reading only (for `status`): no journal change, no migration; writes fail. */
  readOnly?: boolean;
  /** Caps the file at this many pages: writes past it fail as a full disk would. */
  maxPages?: number;
}

const SQL = {
  getSlot: "SELECT * FROM slots WHERE slot = ?",
  listSlots: "SELECT * FROM slots",
  putSlot: `INSERT OR REPLACE INTO slots
    (slot, session, conversation, phase, generation, run_id, snapshot, last_transition, updated_at)
    VALUES ($slot, $session, $conversation, $phase, $generation, $run_id, $snapshot, $last_transition, $updated_at)`,
  getBox: "SELECT * FROM boxes WHERE box_id = ?",
  // Filters are optional: a NULL parameter means "any"; states come as a JSON array.
  listBoxes: `SELECT * FROM boxes WHERE ($slot IS NULL OR slot = $slot)
    AND ($states IS NULL OR state IN (SELECT value FROM json_each($states)))`,
  // The version guard lives in the upsert itself, so a stale write can never land.
  putBox: `INSERT INTO boxes
    (box_id, slot, generation, channel_id, root_id, post_id, pending_post_id, run_id, state, version, updated_at)
    VALUES ($box_id, $slot, $generation, $channel_id, $root_id, $post_id, $pending_post_id, $run_id, $state,
      $version, $updated_at)
    ON CONFLICT (box_id) DO UPDATE SET
      slot = excluded.slot, generation = excluded.generation, channel_id = excluded.channel_id,
      root_id = excluded.root_id, post_id = excluded.post_id, pending_post_id = excluded.pending_post_id,
      run_id = excluded.run_id, state = excluded.state, version = excluded.version,
      updated_at = excluded.updated_at
    WHERE excluded.version >= boxes.version`,
  boxVersion: "SELECT version FROM boxes WHERE box_id = ?",
  getLease: "SELECT * FROM lease WHERE id = 1",
  putLease: `INSERT OR REPLACE INTO lease (id, owner, pid, host, acquired_at, expires_at)
    VALUES (1, $owner, $pid, $host, $acquired_at, $expires_at)`,
  renewLease: "UPDATE lease SET expires_at = ? WHERE id = 1 AND owner = ?",
  releaseLease: "DELETE FROM lease WHERE id = 1 AND owner = ?",
} as const;

type StatementName = keyof typeof SQL;

/** Opens, checks, configures and migrates the file; every failure closes it and names it. */
function openDatabase(file: string, o: SqliteLedgerOptions): DatabaseSync {
  const readOnly = o.readOnly === true;
  let db: DatabaseSync | undefined;
  try {
    if (file !== ":memory:" && !readOnly) mkdirSync(dirname(file), { recursive: true });
    // BigInts, so an out-of-range integer becomes a reported bad row instead of a throw mid-list.
    db = new DatabaseSync(file, { timeout: o.busyTimeoutMs ?? 5000, readBigInts: true, readOnly });
    // Read-only first: a non-SQLite file fails here, and a foreign database is refused untouched.
    inspectLedgerFile(db, file);
    if (o.maxPages !== undefined) db.exec(`PRAGMA max_page_count = ${Math.floor(o.maxPages)}`);
    if (readOnly) return db;
    db.exec("PRAGMA journal_mode = WAL");
    // FULL: a final state must survive power loss, and our writes are few and small.
    db.exec("PRAGMA synchronous = FULL");
    migrate(db, file);
    return db;
  } catch (err) {
    if (db?.isOpen) db.close();
    if (err instanceof LedgerOpenError) throw err;
    // A file that is no database, or a directory, is not a disk fault: it is the wrong path.
    const storage = asStorageError(err, file);
    if (storage !== err && !isWrongPath(err, file)) throw storage;
    throw new LedgerOpenError(
      "unreadable",
      file,
      `cannot open ledger ${file}: ${(err as Error).message}; move it aside to start a fresh ledger`,
      { cause: err },
    );
  }
}

function isWrongPath(err: unknown, file: string): boolean {
  if (((err as { errcode?: number }).errcode ?? 0) === SQLITE_NOTADB) return true;
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** A Ledger on one SQLite file (or `:memory:`). Opening creates parent dirs and migrates the schema. */
export class SqliteLedger implements Ledger {
  readonly file: string;
  readonly #db: DatabaseSync;
  readonly #statements = new Map<StatementName, StatementSync>();
  readonly #problems: ProblemLog;

  constructor(file: string, options: SqliteLedgerOptions = {}) {
    this.file = file;
    this.#problems = new ProblemLog(options.onProblem);
    this.#db = openDatabase(file, options);
  }

  /** The journal mode in force: "wal" for a file on a filesystem that supports it. */
  journalMode(): string {
    this.#assertOpen();
    return String(this.#db.prepare("PRAGMA journal_mode").get()?.journal_mode);
  }

  getSlot(slot: string): SlotRecord | undefined {
    const row = this.#stmt("getSlot").get(slot);
    return row ? this.#problems.keep(decodeSlot(row)) : undefined;
  }

  putSlot(rec: SlotRecord): void {
    this.#stmt("putSlot").run(encodeSlot(rec));
  }

  listSlots(): SlotRecord[] {
    return this.#decodeAll(this.#stmt("listSlots").all(), decodeSlot).sort((a, b) =>
      compareText(a.slot, b.slot),
    );
  }

  getBox(boxId: string): BoxRecord | undefined {
    const row = this.#stmt("getBox").get(boxId);
    return row ? this.#problems.keep(decodeBox(row)) : undefined;
  }

  putBox(rec: BoxRecord): void {
    this.#putBoxRow(encodeBox(rec));
  }

  listBoxes(filter: { slot?: string; states?: BoxRecordState[] } = {}): BoxRecord[] {
    const rows = this.#stmt("listBoxes").all({
      slot: filter.slot ?? null,
      states: filter.states ? JSON.stringify(filter.states) : null,
    });
    return this.#decodeAll(rows, decodeBox).sort(compareBoxes);
  }

  putBatch(batch: { slots?: SlotRecord[]; boxes?: BoxRecord[] }): void {
    // Encode everything first: an invalid record refuses the batch before any write.
    const slots = (batch.slots ?? []).map(encodeSlot);
    const boxes = (batch.boxes ?? []).map(encodeBox);
    this.#transaction(() => {
      for (const row of slots) this.#stmt("putSlot").run(row);
      for (const row of boxes) this.#putBoxRow(row);
    });
  }

  acquireLease(candidate: Lease, now: number): LeaseResult {
    const row = encodeLease(candidate);
    // IMMEDIATE takes the write lock before reading, so two processes cannot both see the lease free.
    return this.#transaction((): LeaseResult => {
      const stored = this.#stmt("getLease").get();
      const holder = stored ? this.#problems.keep(decodeLease(stored)) : undefined;
      if (holder && holder.owner !== candidate.owner && holder.expiresAt > now) return { ok: false, holder };
      this.#stmt("putLease").run(row);
      return { ok: true };
    });
  }

  renewLease(owner: string, expiresAt: number): boolean {
    return Number(this.#stmt("renewLease").run(checkExpiry(expiresAt), owner).changes) > 0;
  }

  releaseLease(owner: string): void {
    this.#stmt("releaseLease").run(owner);
  }

  problems(): LedgerProblem[] {
    return this.#problems.list();
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  #assertOpen(): void {
    if (!this.#db.isOpen) throw new LedgerError("closed", `ledger ${this.file} is closed`);
  }

  #stmt(name: StatementName): StatementSync {
    this.#assertOpen();
    let stmt = this.#statements.get(name);
    if (!stmt) {
      stmt = this.#db.prepare(SQL[name]);
      this.#statements.set(name, stmt);
    }
    return stmt;
  }

  #putBoxRow(row: BoxRow): void {
    if (Number(this.#stmt("putBox").run(row).changes) > 0) return;
    const stored = this.#stmt("boxVersion").get(row.box_id);
    throw new StaleWriteError(row.box_id, Number(stored?.version), row.version);
  }

  #decodeAll<T>(rows: Record<string, unknown>[], decode: (row: Record<string, unknown>) => Decoded<T>): T[] {
    const out: T[] = [];
    for (const row of rows) {
      const value = this.#problems.keep(decode(row));
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  #transaction<T>(fn: () => T): T {
    this.#assertOpen();
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.#db.exec("COMMIT");
      return result;
    } catch (err) {
      // SQLite has already rolled back after some faults (a full disk): keep the original error.
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw err;
    }
  }
}
