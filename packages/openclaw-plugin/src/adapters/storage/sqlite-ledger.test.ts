import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Conversation } from "../../core/conversation.ts";
import { slotKey } from "../../core/keys.ts";
import type { BoxRecord, Lease, SlotRecord } from "../../runtime/ledger.ts";
import { StaleWriteError } from "../../runtime/ledger.ts";
import { openLedger } from "./index.ts";
import { MemoryLedger } from "./memory-ledger.ts";
import { SqliteLedger } from "./sqlite-ledger.ts";

const conversation: Conversation = { kind: "channel", channelId: "ch1", rootId: "root1" };
const SLOT = slotKey("s1", conversation);

const slot: SlotRecord = {
  slot: SLOT,
  session: "s1",
  conversation,
  phase: "running",
  generation: 2,
  runId: "run-2",
  snapshot: { status: "working", tools: ["read"] },
  lastTransition: { from: "idle", to: "running", reason: "run_start", at: 900 },
  updatedAt: 1000,
};

function box(generation: number, over: Partial<BoxRecord> = {}): BoxRecord {
  return {
    boxId: `${SLOT}#${generation}`,
    slot: SLOT,
    generation,
    channelId: "ch1",
    rootId: "root1",
    pendingPostId: `pending-${generation}`,
    state: "running",
    version: 1,
    updatedAt: 1000,
    ...over,
  };
}

const lease = (owner: string, expiresAt: number): Lease => ({
  owner,
  pid: 1,
  host: "h",
  acquiredAt: 0,
  expiresAt,
});

let dir: string;
let file: string;
const opened: SqliteLedger[] = [];
function open(): SqliteLedger {
  const ledger = new SqliteLedger(file);
  opened.push(ledger);
  return ledger;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sqlite-ledger-"));
  file = join(dir, "state", "nested", "ledger.sqlite");
});
afterEach(() => {
  for (const ledger of opened.splice(0)) ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("SqliteLedger on disk", () => {
  it("creates the parent directories of a new ledger file", () => {
    open();
    expect(existsSync(file)).toBe(true);
  });

  it("runs in WAL mode so several processes can share the file", () => {
    expect(open().journalMode()).toBe("wal");
  });

  it("restores slots, boxes and the lease after close and reopen", () => {
    const first = open();
    first.putSlot(slot);
    first.putBox(box(1, { postId: "p1", state: "removed", version: 3 }));
    first.putBox(box(2, { postId: "p2", version: 7 }));
    first.acquireLease(lease("gw-1", 5000), 0);
    first.close();

    const second = open();
    expect(second.getSlot(SLOT)).toEqual(slot);
    // What a restart needs: the box left running, to finalize as interrupted.
    expect(second.listBoxes({ states: ["running"] })).toEqual([box(2, { postId: "p2", version: 7 })]);
    expect(second.listBoxes()).toHaveLength(2);
    expect(second.acquireLease(lease("gw-2", 9000), 4000)).toEqual({
      ok: false,
      holder: lease("gw-1", 5000),
    });
    expect(() => second.putBox(box(2, { version: 6 }))).toThrow(StaleWriteError);
  });

  it("opens the SQLite ledger for a path and the memory ledger for :memory:", () => {
    const ledger = openLedger(file);
    expect(ledger).toBeInstanceOf(SqliteLedger);
    ledger.close();
    const memory = openLedger(":memory:");
    expect(memory).toBeInstanceOf(MemoryLedger);
    memory.close();
  });
});

describe("two SqliteLedger instances on one file", () => {
  it("refuses the second owner while the first holds an unexpired lease", () => {
    const a = open();
    const b = open();
    expect(a.acquireLease(lease("a", 1000), 0)).toEqual({ ok: true });
    expect(b.acquireLease(lease("b", 2000), 999)).toEqual({ ok: false, holder: lease("a", 1000) });
  });

  it("gives the second owner the lease once the first one's expires", () => {
    const a = open();
    const b = open();
    a.acquireLease(lease("a", 1000), 0);
    expect(b.acquireLease(lease("b", 2000), 1000)).toEqual({ ok: true });
    expect(a.renewLease("a", 3000)).toBe(false);
  });

  it("gives the second owner the lease once the first releases it", () => {
    const a = open();
    const b = open();
    a.acquireLease(lease("a", 1000), 0);
    a.releaseLease("a");
    expect(b.acquireLease(lease("b", 2000), 10)).toEqual({ ok: true });
  });

  it("sees each other's writes and refuses a stale box write from the other", () => {
    const a = open();
    const b = open();
    a.putBox(box(1, { version: 4 }));
    expect(b.getBox(box(1).boxId)?.version).toBe(4);
    expect(() => b.putBox(box(1, { version: 3 }))).toThrow(StaleWriteError);
  });
});

describe("two processes on one file", () => {
  it("refuses the lease to another process while this one holds it, and grants it after release", () => {
    const mine = open();
    mine.acquireLease(lease("parent", 10_000), 0);
    const moduleUrl = pathToFileURL(join(import.meta.dirname, "sqlite-ledger.ts")).href;
    const child = () => {
      const code = `
        const { SqliteLedger } = await import(${JSON.stringify(moduleUrl)});
        const ledger = new SqliteLedger(${JSON.stringify(file)});
        const result = ledger.acquireLease({ owner: "child", pid: process.pid, host: "h", acquiredAt: 5, expiresAt: 20000 }, 5);
        ledger.close();
        process.stdout.write(JSON.stringify(result));`;
      const run = spawnSync(process.execPath, ["--input-type=module", "--no-warnings", "-e", code], {
        encoding: "utf8",
        timeout: 15_000,
      });
      expect(run.stderr).toBe("");
      return JSON.parse(run.stdout) as unknown;
    };

    expect(child()).toEqual({ ok: false, holder: lease("parent", 10_000) });
    mine.releaseLease("parent");
    expect(child()).toEqual({ ok: true });
    expect(mine.acquireLease(lease("parent", 30_000), 6)).toMatchObject({
      ok: false,
      holder: { owner: "child" },
    });
  });
});
