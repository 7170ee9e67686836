import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { corruptTable, makeReadOnly } from "../../../test/support/storage-faults.ts";
import type { Conversation } from "../../core/conversation.ts";
import { slotKey } from "../../core/keys.ts";
import type { BoxRecord, Ledger, SlotRecord } from "../../runtime/ledger.ts";
import { LedgerStorageError, StaleWriteError } from "../../runtime/ledger.ts";
import { openLedger } from "./index.ts";

const conversation: Conversation = { kind: "channel", channelId: "ch1" };

function slot(session: string): SlotRecord {
  return {
    slot: slotKey(session, conversation),
    session,
    conversation,
    phase: "active",
    generation: 1,
    snapshot: { notes: "n".repeat(300) },
    updatedAt: 1000,
  };
}

function box(session: string, version = 1): BoxRecord {
  const key = slotKey(session, conversation);
  return {
    boxId: `${key}#1`,
    slot: key,
    generation: 1,
    channelId: "ch1",
    pendingPostId: `pending-${session}`,
    state: "running",
    version,
    updatedAt: 1000,
  };
}

let dir: string;
let file: string;
const undo: Array<() => void> = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ledger-storage-"));
  file = join(dir, "ledger.sqlite");
});
afterEach(() => {
  for (const fn of undo.splice(0).reverse()) fn();
  rmSync(dir, { recursive: true, force: true });
});

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

function filled(ledger: Ledger, sessions: number): void {
  for (let i = 0; i < sessions; i++) ledger.putBatch({ slots: [slot(`s${i}`)], boxes: [box(`s${i}`)] });
}

describe("a fault of the storage under the ledger", () => {
  it("is a full disk when a write finds no room, with what to do", () => {
    const ledger = openLedger(file, { maxPages: 12 });
    const error = caught(() => filled(ledger, 500));
    ledger.close();

    expect(error).toBeInstanceOf(LedgerStorageError);
    expect(error).toMatchObject({ code: "storage", fault: "full", file });
    expect((error as Error).message).toBe(
      `the disk holding the ledger ${file} is full: free space there, then start Live Status again`,
    );
  });

  it("is a read-only ledger when the file cannot be written", (ctx) => {
    const ledger = openLedger(file);
    filled(ledger, 2);
    ledger.close();
    const restore = makeReadOnly(file);
    if (!restore) return ctx.skip();
    undo.push(restore);

    const again = openLedger(file);
    expect(again.listSlots()).toHaveLength(2);
    const error = caught(() => again.putSlot(slot("s9")));
    again.close();
    expect(error).toMatchObject({ fault: "read_only" });
    expect((error as Error).message).toMatch(/or its directory is read-only: make both writable/);
  });

  it("is a read-only ledger when its directory cannot be written", (ctx) => {
    const restore = makeReadOnly(dir);
    if (!restore) return ctx.skip();
    undo.push(restore);

    expect(caught(() => openLedger(file))).toMatchObject({ fault: "read_only", file });
  });

  it("is a corrupted ledger when a page holds garbage, and the other tables still read", () => {
    const ledger = openLedger(file);
    filled(ledger, 40);
    ledger.close();
    corruptTable(file, "boxes");

    const damaged = openLedger(file, { readOnly: true });
    expect(damaged.listSlots()).toHaveLength(40);
    const error = caught(() => damaged.listBoxes());
    damaged.close();
    expect(error).toMatchObject({ fault: "corrupt" });
    expect((error as Error).message).toMatch(/is corrupted: move it aside \(live-status status --ledger/);
  });

  it("leaves the ledger's own errors as they are", () => {
    const ledger = openLedger(file);
    ledger.putBox(box("s1", 3));
    expect(caught(() => ledger.putBox(box("s1", 2)))).toBeInstanceOf(StaleWriteError);
    ledger.close();
  });
});
