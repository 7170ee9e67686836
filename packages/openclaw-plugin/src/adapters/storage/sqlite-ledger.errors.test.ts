import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { slotKey } from "../../core/keys.ts";
import type { LedgerProblem } from "../../runtime/ledger.ts";
import { LedgerOpenError } from "../../runtime/ledger.ts";
import { LATEST_SCHEMA_VERSION } from "./migrations.ts";
import { SqliteLedger } from "./sqlite-ledger.ts";

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sqlite-ledger-errors-"));
  file = join(dir, "ledger.sqlite");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function openError(path: string): LedgerOpenError {
  try {
    new SqliteLedger(path).close();
  } catch (err) {
    if (err instanceof LedgerOpenError) return err;
    throw err;
  }
  throw new Error("expected the ledger to refuse to open");
}

function raw(run: (db: DatabaseSync) => void): void {
  const db = new DatabaseSync(file);
  try {
    run(db);
  } finally {
    db.close();
  }
}

describe("opening a file that is not a usable ledger", () => {
  it("names the file when it is not an SQLite database, and leaves it untouched", () => {
    const garbage = Buffer.alloc(8192, 0x5a);
    writeFileSync(file, garbage);
    const err = openError(file);
    expect(err).toMatchObject({ code: "unreadable", file });
    expect(err.message).toContain(file);
    expect(err.message).toContain("file is not a database");
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it("names the file when the path is a directory", () => {
    mkdirSync(file);
    expect(openError(file)).toMatchObject({ code: "unreadable", file });
  });

  it("refuses another application's SQLite database instead of migrating it", () => {
    raw((db) => db.exec("CREATE TABLE notes (body TEXT)"));
    const err = openError(file);
    expect(err).toMatchObject({ code: "unreadable", file });
    expect(err.message).toContain("not a live-status ledger");
    raw((db) => expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "delete" }));
  });

  it("refuses a schema newer than this build knows, naming the file and both versions", () => {
    new SqliteLedger(file).close();
    raw((db) => db.exec("PRAGMA user_version = 99"));
    const err = openError(file);
    expect(err).toMatchObject({ code: "schema_too_new", file });
    expect(err.message).toContain(file);
    expect(err.message).toContain("99");
    expect(err.message).toContain(`(${LATEST_SCHEMA_VERSION})`);
    raw((db) => expect(db.prepare("PRAGMA user_version").get()).toEqual({ user_version: 99 }));
  });
});

describe("reading back rows that fail validation", () => {
  const good = slotKey("s1", { kind: "channel", channelId: "ch1" });

  function seedBadRows(): void {
    const ledger = new SqliteLedger(file);
    ledger.putSlot({
      slot: good,
      session: "s1",
      conversation: { kind: "channel", channelId: "ch1" },
      phase: "idle",
      generation: 0,
      updatedAt: 1,
    });
    ledger.putBox({
      boxId: `${good}#1`,
      slot: good,
      generation: 1,
      channelId: "ch1",
      pendingPostId: "p1",
      state: "running",
      version: 1,
      updatedAt: 1,
    });
    ledger.close();
    raw((db) => {
      db.exec(`INSERT INTO slots (slot, session, conversation, phase, generation, updated_at)
        VALUES ('s2|channel:ch2', 's2', '{not json', 'idle', 0, 1)`);
      db.exec(`INSERT INTO boxes (box_id, slot, generation, channel_id, pending_post_id, state, version, updated_at)
        VALUES ('${good}#2', '${good}', 2, 'ch1', 'p2', 'exploded', 1, 1)`);
      db.exec(`INSERT INTO boxes (box_id, slot, generation, channel_id, pending_post_id, state, version, updated_at)
        VALUES ('${good}#3', '${good}', 3, 'ch1', 'p3', 'done', 9007199254740993, 1)`);
      db.exec(
        `INSERT INTO lease (id, owner, pid, host, acquired_at, expires_at) VALUES (1, '', 1, 'h', 0, 9999)`,
      );
    });
  }

  it("skips each bad row, keeps the good ones, and reports the bad ones by key", () => {
    seedBadRows();
    const ledger = new SqliteLedger(file);
    expect(ledger.listSlots().map((s) => s.slot)).toEqual([good]);
    expect(ledger.listBoxes().map((b) => b.boxId)).toEqual([`${good}#1`]);
    expect(ledger.getBox(`${good}#2`)).toBeUndefined();
    expect(ledger.problems()).toEqual<LedgerProblem[]>([
      { table: "slots", key: "s2|channel:ch2", reason: "conversation is not valid JSON" },
      { table: "boxes", key: `${good}#2`, reason: 'state "exploded" is unknown' },
      { table: "boxes", key: `${good}#3`, reason: "version is not a non-negative integer" },
    ]);
    ledger.close();
  });

  it("tells the onProblem hook once per bad row, however often it is read", () => {
    seedBadRows();
    const onProblem = vi.fn();
    const ledger = new SqliteLedger(file, { onProblem });
    ledger.listSlots();
    ledger.listSlots();
    ledger.getSlot("s2|channel:ch2");
    expect(onProblem).toHaveBeenCalledTimes(1);
    expect(onProblem).toHaveBeenCalledWith(
      expect.objectContaining({ table: "slots", key: "s2|channel:ch2" }),
    );
    ledger.close();
  });

  it("treats an unreadable lease as free, reports it, and overwrites it", () => {
    seedBadRows();
    const ledger = new SqliteLedger(file);
    const mine = { owner: "a", pid: 1, host: "h", acquiredAt: 0, expiresAt: 100 };
    expect(ledger.acquireLease(mine, 0)).toEqual({ ok: true });
    expect(ledger.problems()).toContainEqual(expect.objectContaining({ table: "lease", key: "lease" }));
    expect(ledger.acquireLease({ ...mine, owner: "b" }, 1)).toEqual({ ok: false, holder: mine });
    ledger.close();
  });

  it("lets a valid put replace a bad row", () => {
    seedBadRows();
    const ledger = new SqliteLedger(file);
    ledger.putBox({
      boxId: `${good}#2`,
      slot: good,
      generation: 2,
      channelId: "ch1",
      pendingPostId: "p2",
      state: "interrupted",
      version: 2,
      updatedAt: 2,
    });
    expect(ledger.getBox(`${good}#2`)?.state).toBe("interrupted");
    ledger.close();
  });
});
