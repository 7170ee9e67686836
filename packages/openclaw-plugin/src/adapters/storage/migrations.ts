/**
 * Schema versions of the SQLite ledger. The file's `PRAGMA user_version` is its schema version;
 * `MIGRATIONS` is the ordered list that brings a file from any older version to the latest, one
 * transaction per step, so a crash mid-upgrade leaves the file at the last completed version.
 * `application_id` marks the file as ours, so we never migrate someone else's database.
 */
import type { DatabaseSync } from "node:sqlite";
import { LedgerOpenError } from "../../runtime/ledger.ts";

export interface Migration {
  /** The schema version the file has once this step is applied: 1, 2, 3, … in order. */
  version: number;
  name: string;
  up(db: DatabaseSync): void;
}

/** "LSTL" — Live STatus Ledger. */
export const LEDGER_APPLICATION_ID = 0x4c53544c;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "slots, boxes and the lease",
    up(db) {
      db.exec(`
        CREATE TABLE slots (
          slot TEXT PRIMARY KEY NOT NULL,
          session TEXT NOT NULL,
          conversation TEXT NOT NULL,
          phase TEXT NOT NULL,
          generation INTEGER NOT NULL,
          run_id TEXT,
          snapshot TEXT,
          last_transition TEXT,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE boxes (
          box_id TEXT PRIMARY KEY NOT NULL,
          slot TEXT NOT NULL,
          generation INTEGER NOT NULL,
          channel_id TEXT NOT NULL,
          root_id TEXT,
          post_id TEXT,
          pending_post_id TEXT NOT NULL,
          run_id TEXT,
          state TEXT NOT NULL,
          version INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX boxes_by_slot ON boxes (slot, generation);
        CREATE INDEX boxes_by_state ON boxes (state);
        CREATE TABLE lease (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          owner TEXT NOT NULL,
          pid INTEGER NOT NULL,
          host TEXT NOT NULL,
          acquired_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        ) STRICT;
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

function pragmaNumber(db: DatabaseSync, name: string): number {
  const row = db.prepare(`PRAGMA ${name}`).get();
  return Number(row?.[name] ?? 0);
}

function hasTables(db: DatabaseSync): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' LIMIT 1").get() !== undefined;
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration "${m.name}" has version ${m.version}, expected ${i + 1}`);
  });
}

/**
 * Reads the file's schema version, refusing (LedgerOpenError) a database that is not a ledger or one
 * written by a newer build. Read-only, so it can run before anything changes a foreign file.
 */
export function inspectLedgerFile(
  db: DatabaseSync,
  file: string,
  known: number = LATEST_SCHEMA_VERSION,
): number {
  const version = pragmaNumber(db, "user_version");
  const appId = pragmaNumber(db, "application_id");
  const ours = version === 0 ? appId === 0 && !hasTables(db) : appId === LEDGER_APPLICATION_ID;
  if (!ours) {
    throw new LedgerOpenError(
      "unreadable",
      file,
      `${file} is an SQLite database but not a live-status ledger`,
    );
  }
  if (version > known) {
    throw new LedgerOpenError(
      "schema_too_new",
      file,
      `ledger ${file} has schema version ${version}, newer than this build knows (${known}); ` +
        "upgrade live-status or point it at another ledger file",
    );
  }
  return version;
}

/**
 * Brings the file up to the last version in `migrations`. Each step runs in its own
 * `BEGIN IMMEDIATE` transaction and re-reads the version inside it, so two processes opening the
 * same old file at once apply every step exactly once. Returns the versions before and after.
 */
export function migrate(
  db: DatabaseSync,
  file: string,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  assertOrdered(migrations);
  const from = inspectLedgerFile(db, file, migrations.length);
  for (const step of migrations) {
    if (step.version <= from) continue;
    db.exec("BEGIN IMMEDIATE");
    try {
      // Another process may have migrated while we waited for the write lock.
      if (inspectLedgerFile(db, file, migrations.length) < step.version) {
        step.up(db);
        db.exec(`PRAGMA application_id = ${LEDGER_APPLICATION_ID}`);
        db.exec(`PRAGMA user_version = ${step.version}`);
      }
      db.exec("COMMIT");
    } catch (err) {
      if (db.isTransaction) db.exec("ROLLBACK");
      if (err instanceof LedgerOpenError) throw err;
      throw new LedgerOpenError(
        "migration_failed",
        file,
        `ledger ${file}: migration to schema version ${step.version} ("${step.name}") failed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
  return { from, to: inspectLedgerFile(db, file, migrations.length) };
}
