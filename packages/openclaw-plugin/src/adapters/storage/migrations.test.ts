import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Migration } from "./migrations.ts";
import { LATEST_SCHEMA_VERSION, LEDGER_APPLICATION_ID, MIGRATIONS, migrate } from "./migrations.ts";
import { SqliteLedger } from "./sqlite-ledger.ts";

let dir: string;
let file: string;
let db: DatabaseSync | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ledger-migrations-"));
  file = join(dir, "ledger.sqlite");
});
afterEach(() => {
  if (db?.isOpen) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(): DatabaseSync {
  db = new DatabaseSync(file);
  return db;
}

const pragma = (d: DatabaseSync, name: string) => Number(d.prepare(`PRAGMA ${name}`).get()?.[name]);
const tables = (d: DatabaseSync) =>
  d
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);

// A stand-in for the next real migration: adds a column and backfills it.
const v2: Migration = {
  version: MIGRATIONS.length + 1,
  name: "boxes remember who created them",
  up(d) {
    d.exec("ALTER TABLE boxes ADD COLUMN created_by TEXT NOT NULL DEFAULT 'unknown'");
    d.exec("UPDATE boxes SET created_by = 'migrated'");
  },
};

describe("migrate", () => {
  it("brings a new file from version 0 to the latest schema and marks it as a ledger", () => {
    const d = connect();
    expect(migrate(d, file)).toEqual({ from: 0, to: LATEST_SCHEMA_VERSION });
    expect(pragma(d, "user_version")).toBe(LATEST_SCHEMA_VERSION);
    expect(pragma(d, "application_id")).toBe(LEDGER_APPLICATION_ID);
    expect(tables(d)).toEqual(["boxes", "lease", "outbox", "slots"]);
  });

  it("migrates an existing empty file", () => {
    writeFileSync(file, "");
    new SqliteLedger(file).close();
    expect(pragma(connect(), "user_version")).toBe(LATEST_SCHEMA_VERSION);
  });

  it("applies nothing to a file already at the latest version", () => {
    new SqliteLedger(file).close();
    expect(migrate(connect(), file)).toEqual({ from: LATEST_SCHEMA_VERSION, to: LATEST_SCHEMA_VERSION });
  });

  it("upgrades an older ledger file in place and keeps its records", () => {
    const old = new SqliteLedger(file);
    old.putBox({
      boxId: "s|channel:c#1",
      slot: "s|channel:c",
      generation: 1,
      channelId: "c",
      pendingPostId: "p",
      state: "running",
      version: 1,
      updatedAt: 1,
    });
    old.close();

    const d = connect();
    expect(migrate(d, file, [...MIGRATIONS, v2])).toEqual({ from: LATEST_SCHEMA_VERSION, to: v2.version });
    expect(d.prepare("SELECT box_id, state, created_by FROM boxes").all()).toEqual([
      { box_id: "s|channel:c#1", state: "running", created_by: "migrated" },
    ]);
  });

  it("rolls back a failing step, leaving the file at the last good version", () => {
    new SqliteLedger(file).close();
    const broken: Migration = {
      version: v2.version,
      name: "half done",
      up(d) {
        d.exec("CREATE TABLE half (x INTEGER)");
        d.exec("THIS IS NOT SQL");
      },
    };
    const d = connect();
    expect(() => migrate(d, file, [...MIGRATIONS, broken])).toThrow(
      expect.objectContaining({
        code: "migration_failed",
        file,
        message: expect.stringContaining(`schema version ${v2.version} ("half done")`),
      }),
    );
    expect(pragma(d, "user_version")).toBe(LATEST_SCHEMA_VERSION);
    expect(tables(d)).not.toContain("half");
    expect(d.isTransaction).toBe(false);
  });

  it("refuses a migration list whose versions are not 1, 2, 3, … in order", () => {
    const skipped = [...MIGRATIONS, { ...v2, version: v2.version + 1 }];
    expect(() => migrate(connect(), file, skipped)).toThrow(`expected ${v2.version}`);
  });

  it("lets an older build refuse what the newer one wrote", () => {
    const d = connect();
    migrate(d, file, [...MIGRATIONS, v2]);
    expect(() => migrate(d, file)).toThrow(expect.objectContaining({ code: "schema_too_new" }));
  });
});

describe("the outbox migration", () => {
  it("adds an empty outbox to a version-1 ledger and keeps its boxes", () => {
    const d = connect();
    migrate(d, file, MIGRATIONS.slice(0, 1));
    d.exec(
      `INSERT INTO boxes VALUES ('s|channel:c#1', 's|channel:c', 1, 'c', NULL, 'p1', 'k', NULL, 'running', 1, 5)`,
    );
    d.close();
    const ledger = new SqliteLedger(file);
    expect(ledger.listOutbox()).toEqual([]);
    expect(ledger.getBox("s|channel:c#1")?.postId).toBe("p1");
    ledger.close();
  });
});
