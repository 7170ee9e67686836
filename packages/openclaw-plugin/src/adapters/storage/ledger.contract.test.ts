import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Conversation } from "../../core/conversation.ts";
import { slotKey } from "../../core/keys.ts";
import type { BoxRecord, Lease, Ledger, OutboxEntry, SlotRecord } from "../../runtime/ledger.ts";
import { InvalidRecordError, type LedgerError, StaleWriteError } from "../../runtime/ledger.ts";
import { MemoryLedger } from "./memory-ledger.ts";
import { SqliteLedger } from "./sqlite-ledger.ts";

const channel: Conversation = { kind: "channel", channelId: "ch1" };
const SESSION = "agent:main:mattermost:channel:ch1";
const SLOT = slotKey(SESSION, channel);

function slotRec(over: Partial<SlotRecord> = {}): SlotRecord {
  return {
    slot: SLOT,
    session: SESSION,
    conversation: channel,
    phase: "idle",
    generation: 0,
    updatedAt: 1000,
    ...over,
  };
}

function boxRec(over: Partial<BoxRecord> = {}): BoxRecord {
  const slot = over.slot ?? SLOT;
  const generation = over.generation ?? 1;
  return {
    boxId: `${slot}#${generation}`,
    slot,
    generation,
    channelId: "ch1",
    pendingPostId: `pending-${generation}`,
    state: "running",
    version: 1,
    updatedAt: 1000,
    ...over,
  };
}

function outboxEntry(over: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    boxId: `${SLOT}#1`,
    kind: "final",
    status: {
      v: 1,
      session: SESSION,
      state: "done",
      startedAt: 900,
      endedAt: 1000,
      thinking: false,
      tools: [{ callId: "c1", name: "read", state: "ok", startedAt: 910, endedAt: 920 }],
      toolsOmitted: 0,
      subagents: [],
      tokens: { input: 3, output: 4 },
    },
    since: 1000,
    updatedAt: 1000,
    ...over,
  };
}

function lease(owner: string, expiresAt: number): Lease {
  return { owner, pid: 42, host: "box", acquiredAt: 0, expiresAt };
}

const implementations: [string, (dir: string) => Ledger][] = [
  ["MemoryLedger", () => new MemoryLedger()],
  ["SqliteLedger on a file", (dir) => new SqliteLedger(join(dir, "ledger.sqlite"))],
  ["SqliteLedger in :memory:", () => new SqliteLedger(":memory:")],
];

describe.each(implementations)("%s", (_name, open) => {
  let dir: string;
  let ledger: Ledger;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ledger-contract-"));
    ledger = open(dir);
  });
  afterEach(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("slots", () => {
    it("returns nothing for a slot it never stored", () => {
      expect(ledger.getSlot(SLOT)).toBeUndefined();
      expect(ledger.listSlots()).toEqual([]);
    });

    it("reads back a stored slot with every optional field", () => {
      const dm: Conversation = { kind: "dm", userId: "u1", rootId: "root1" };
      const rec = slotRec({
        slot: slotKey("s2", dm),
        session: "s2",
        conversation: dm,
        phase: "running",
        generation: 3,
        runId: "run-7",
        snapshot: { tools: [{ name: "read", ok: true }], n: 2, nothing: null },
        lastTransition: { from: "idle", to: "running", reason: "run_start", at: 990 },
      });
      ledger.putSlot(rec);
      expect(ledger.getSlot(rec.slot)).toEqual(rec);
    });

    it("keeps the Mattermost account of a conversation, which is not part of its slot key", () => {
      const viaOps: Conversation = { kind: "channel", channelId: "ch9", account: "ops" };
      const rec = slotRec({ slot: slotKey("s9", viaOps), session: "s9", conversation: viaOps });
      expect(rec.slot).toBe(slotKey("s9", { kind: "channel", channelId: "ch9" }));
      ledger.putSlot(rec);
      expect(ledger.getSlot(rec.slot)?.conversation).toEqual(viaOps);
    });

    it("replaces a slot on the next put", () => {
      ledger.putSlot(slotRec({ runId: "run-1", snapshot: { a: 1 } }));
      ledger.putSlot(slotRec({ phase: "done", generation: 1, updatedAt: 2000 }));
      expect(ledger.getSlot(SLOT)).toEqual(slotRec({ phase: "done", generation: 1, updatedAt: 2000 }));
    });

    it("lists slots ordered by slot key", () => {
      for (const id of ["c", "a", "b"]) {
        const conversation: Conversation = { kind: "channel", channelId: id };
        ledger.putSlot(slotRec({ slot: slotKey("s", conversation), session: "s", conversation }));
      }
      expect(ledger.listSlots().map((s) => s.slot)).toEqual(["s|channel:a", "s|channel:b", "s|channel:c"]);
    });

    it("keeps the snapshot as its JSON round trip", () => {
      ledger.putSlot(slotRec({ snapshot: { at: new Date(5), gone: undefined, list: [1, "x"] } }));
      expect(ledger.getSlot(SLOT)?.snapshot).toEqual({ at: "1970-01-01T00:00:00.005Z", list: [1, "x"] });
    });

    it("hands out copies, so mutating a returned record changes nothing stored", () => {
      ledger.putSlot(slotRec({ snapshot: { n: 1 } }));
      const got = ledger.getSlot(SLOT) as SlotRecord;
      (got.snapshot as { n: number }).n = 99;
      got.phase = "mutated";
      expect(ledger.getSlot(SLOT)).toEqual(slotRec({ snapshot: { n: 1 } }));
    });

    it.each<[string, Partial<SlotRecord>]>([
      ["a slot key that is not slotKey(session, conversation)", { slot: "other" }],
      ["an empty session", { session: "" }],
      ["an unknown conversation kind", { conversation: { kind: "group" } as unknown as Conversation }],
      ["a channel conversation without channelId", { conversation: { kind: "channel" } as Conversation }],
      ["an empty phase", { phase: "" }],
      ["a negative generation", { generation: -1 }],
      ["a fractional updatedAt", { updatedAt: 1.5 }],
      ["an empty runId", { runId: "" }],
      ["a snapshot with a BigInt", { snapshot: { n: 1n } }],
      ["a snapshot that is a function", { snapshot: () => 1 }],
      ["a transition without a time", { lastTransition: { from: "a", to: "b", reason: "r" } as never }],
    ])("refuses a slot with %s and stores nothing", (_case, over) => {
      expect(() => ledger.putSlot(slotRec(over))).toThrow(InvalidRecordError);
      expect(ledger.listSlots()).toEqual([]);
    });
  });

  describe("boxes", () => {
    it("reads back a stored box with every optional field", () => {
      const rec = boxRec({ rootId: "root1", postId: "post1", runId: "run-1", state: "done", version: 4 });
      ledger.putBox(rec);
      expect(ledger.getBox(rec.boxId)).toEqual(rec);
      expect(ledger.getBox(`${SLOT}#9`)).toBeUndefined();
    });

    it("learns the post id of a box on a later put", () => {
      ledger.putBox(boxRec());
      ledger.putBox(boxRec({ postId: "post1", version: 2 }));
      expect(ledger.getBox(boxRec().boxId)?.postId).toBe("post1");
    });

    it("accepts a put at the stored version, so a retried write is harmless", () => {
      ledger.putBox(boxRec({ version: 3 }));
      ledger.putBox(boxRec({ version: 3, state: "done" }));
      expect(ledger.getBox(boxRec().boxId)?.state).toBe("done");
    });

    it("refuses a put with a lower version and keeps the stored box", () => {
      ledger.putBox(boxRec({ version: 5, state: "done" }));
      const attempt = () => ledger.putBox(boxRec({ version: 4, state: "running" }));
      expect(attempt).toThrow(StaleWriteError);
      try {
        attempt();
      } catch (err) {
        expect(err).toMatchObject({
          code: "stale_write",
          boxId: boxRec().boxId,
          storedVersion: 5,
          attemptedVersion: 4,
        });
      }
      expect(ledger.getBox(boxRec().boxId)).toEqual(boxRec({ version: 5, state: "done" }));
    });

    it.each<[string, Partial<BoxRecord>]>([
      ["a box id that is not slot#generation", { boxId: "nope" }],
      ["an unknown state", { state: "exploded" as BoxRecord["state"] }],
      ["a fractional version", { version: 1.5 }],
      ["an empty pending post id", { pendingPostId: "" }],
      ["an empty channel id", { channelId: "" }],
      ["an empty post id", { postId: "" }],
    ])("refuses a box with %s", (_case, over) => {
      expect(() => ledger.putBox(boxRec(over))).toThrow(InvalidRecordError);
      expect(ledger.listBoxes()).toEqual([]);
    });

    it("lists boxes by slot then numeric generation, filtered by slot and states", () => {
      const other = slotKey("a0", channel); // sorts before SLOT
      ledger.putBox(boxRec({ generation: 10, state: "done" }));
      ledger.putBox(boxRec({ generation: 2, state: "running" }));
      ledger.putBox(boxRec({ slot: other, generation: 1, state: "interrupted" }));
      const ids = (boxes: BoxRecord[]) => boxes.map((b) => b.boxId);
      expect(ids(ledger.listBoxes())).toEqual([`${other}#1`, `${SLOT}#2`, `${SLOT}#10`]);
      expect(ids(ledger.listBoxes({ slot: SLOT }))).toEqual([`${SLOT}#2`, `${SLOT}#10`]);
      expect(ids(ledger.listBoxes({ states: ["running", "interrupted"] }))).toEqual([
        `${other}#1`,
        `${SLOT}#2`,
      ]);
      expect(ids(ledger.listBoxes({ slot: SLOT, states: ["done"] }))).toEqual([`${SLOT}#10`]);
      expect(ledger.listBoxes({ states: [] })).toEqual([]);
    });
  });

  describe("batches", () => {
    it("puts slots and boxes together", () => {
      ledger.putBatch({
        slots: [slotRec({ generation: 2 })],
        boxes: [boxRec({ generation: 1, state: "removed", version: 2 }), boxRec({ generation: 2 })],
      });
      expect(ledger.getSlot(SLOT)?.generation).toBe(2);
      expect(ledger.listBoxes().map((b) => b.state)).toEqual(["removed", "running"]);
    });

    it("puts nothing when one box in the batch is stale", () => {
      ledger.putSlot(slotRec({ generation: 1 }));
      ledger.putBox(boxRec({ version: 3 }));
      const batch = {
        slots: [slotRec({ generation: 2 })],
        boxes: [boxRec({ generation: 2 }), boxRec({ version: 2 })],
      };
      expect(() => ledger.putBatch(batch)).toThrow(StaleWriteError);
      expect(ledger.getSlot(SLOT)?.generation).toBe(1);
      expect(ledger.listBoxes().map((b) => b.boxId)).toEqual([`${SLOT}#1`]);
    });

    it("puts nothing when one record in the batch is invalid", () => {
      expect(() =>
        ledger.putBatch({ slots: [slotRec()], boxes: [boxRec({ state: "bad" as never })] }),
      ).toThrow(InvalidRecordError);
      expect(ledger.listSlots()).toEqual([]);
    });

    it("applies the boxes of a batch in order, refusing a later lower version of the same box", () => {
      expect(() => ledger.putBatch({ boxes: [boxRec({ version: 2 }), boxRec({ version: 1 })] })).toThrow(
        StaleWriteError,
      );
      expect(ledger.listBoxes()).toEqual([]);
    });
  });

  describe("outbox", () => {
    it("reads back an entry, and a final replaces the box's create", () => {
      const create = outboxEntry({ kind: "create", status: { ...outboxEntry().status, state: "running" } });
      ledger.putOutbox(create);
      expect(ledger.getOutbox(create.boxId)).toEqual(create);
      ledger.putOutbox(outboxEntry({ updatedAt: 2000 }));
      expect(ledger.listOutbox()).toEqual([outboxEntry({ updatedAt: 2000 })]);
    });

    it.each(["delete", "receipt"] as const)("keeps a buried box's %s, replacing its final", (kind) => {
      ledger.putOutbox(outboxEntry());
      const removal = outboxEntry({ kind, updatedAt: 3000 });
      ledger.putOutbox(removal);
      expect(ledger.listOutbox()).toEqual([removal]);
    });

    it("drops an entry once settled, and settling twice is harmless", () => {
      ledger.putOutbox(outboxEntry());
      ledger.deleteOutbox(outboxEntry().boxId);
      ledger.deleteOutbox(outboxEntry().boxId);
      expect(ledger.getOutbox(outboxEntry().boxId)).toBeUndefined();
      expect(ledger.listOutbox()).toEqual([]);
    });

    it("lists entries by box id", () => {
      for (const g of [3, 1, 2]) ledger.putOutbox(outboxEntry({ boxId: `${SLOT}#${g}` }));
      expect(ledger.listOutbox().map((e) => e.boxId)).toEqual([1, 2, 3].map((g) => `${SLOT}#${g}`));
    });

    it("settles an entry and records the box's final state in one batch", () => {
      ledger.putOutbox(outboxEntry());
      ledger.putBatch({ boxes: [boxRec({ state: "done", version: 2 })], settled: [outboxEntry().boxId] });
      expect(ledger.listOutbox()).toEqual([]);
      expect(ledger.getBox(outboxEntry().boxId)?.state).toBe("done");
    });

    it("keeps the entry when the batch that would settle it is refused", () => {
      ledger.putBox(boxRec({ version: 5 }));
      ledger.putOutbox(outboxEntry());
      expect(() =>
        ledger.putBatch({ boxes: [boxRec({ version: 1 })], settled: [outboxEntry().boxId] }),
      ).toThrow(StaleWriteError);
      expect(ledger.getOutbox(outboxEntry().boxId)).toEqual(outboxEntry());
    });

    it.each<[string, Partial<OutboxEntry>]>([
      ["a box id that is not slot#generation", { boxId: "nope" }],
      ["an unknown kind", { kind: "edit" as OutboxEntry["kind"] }],
      ["a status that is not a live status", { status: { v: 2 } as unknown as OutboxEntry["status"] }],
      ["a final entry whose status is running", { status: { ...outboxEntry().status, state: "running" } }],
      ["a fractional since", { since: 1.5 }],
    ])("refuses %s", (_name, over) => {
      expect(() => ledger.putOutbox(outboxEntry(over))).toThrow(InvalidRecordError);
      expect(ledger.listOutbox()).toEqual([]);
    });
  });

  describe("lease", () => {
    it("grants a free lease", () => {
      expect(ledger.acquireLease(lease("a", 100), 0)).toEqual({ ok: true });
    });

    it("refuses another owner while the lease is unexpired and names the holder", () => {
      ledger.acquireLease(lease("a", 100), 0);
      expect(ledger.acquireLease(lease("b", 200), 99)).toEqual({ ok: false, holder: lease("a", 100) });
    });

    it("grants an expired lease to another owner, at the expiry instant", () => {
      ledger.acquireLease(lease("a", 100), 0);
      expect(ledger.acquireLease(lease("b", 200), 100)).toEqual({ ok: true });
      expect(ledger.acquireLease(lease("a", 300), 150)).toEqual({ ok: false, holder: lease("b", 200) });
    });

    it("grants the lease again to its own holder", () => {
      ledger.acquireLease(lease("a", 100), 0);
      expect(ledger.acquireLease(lease("a", 500), 50)).toEqual({ ok: true });
      expect(ledger.acquireLease(lease("b", 600), 400)).toEqual({ ok: false, holder: lease("a", 500) });
    });

    it("renews only for the holder", () => {
      ledger.acquireLease(lease("a", 100), 0);
      expect(ledger.renewLease("b", 1000)).toBe(false);
      expect(ledger.renewLease("a", 1000)).toBe(true);
      expect(ledger.acquireLease(lease("b", 2000), 500)).toEqual({ ok: false, holder: lease("a", 1000) });
    });

    it("does not renew a lease another owner took after it expired", () => {
      ledger.acquireLease(lease("a", 100), 0);
      ledger.acquireLease(lease("b", 300), 200);
      expect(ledger.renewLease("a", 1000)).toBe(false);
    });

    it("does not renew when nobody holds the lease", () => {
      expect(ledger.renewLease("a", 1000)).toBe(false);
    });

    it("frees the lease on release by the holder and ignores a release by anyone else", () => {
      ledger.acquireLease(lease("a", 100), 0);
      ledger.releaseLease("b");
      expect(ledger.acquireLease(lease("b", 200), 10).ok).toBe(false);
      ledger.releaseLease("a");
      expect(ledger.acquireLease(lease("b", 200), 10)).toEqual({ ok: true });
    });

    it("refuses a lease candidate with a fractional expiry", () => {
      expect(() => ledger.acquireLease(lease("a", 1.5), 0)).toThrow(InvalidRecordError);
      expect(() => ledger.renewLease("a", Number.NaN)).toThrow(InvalidRecordError);
    });
  });

  describe("closing", () => {
    it("refuses every call once closed, and closing twice is harmless", () => {
      ledger.close();
      ledger.close();
      const calls: (() => unknown)[] = [
        () => ledger.getSlot(SLOT),
        () => ledger.putSlot(slotRec()),
        () => ledger.listSlots(),
        () => ledger.getBox("x"),
        () => ledger.putBox(boxRec()),
        () => ledger.listBoxes(),
        () => ledger.putBatch({}),
        () => ledger.acquireLease(lease("a", 1), 0),
        () => ledger.renewLease("a", 1),
        () => ledger.releaseLease("a"),
      ];
      for (const call of calls) {
        expect(call).toThrow(expect.objectContaining({ code: "closed" }) as unknown as LedgerError);
      }
    });
  });

  it("reports no problems for records it wrote itself", () => {
    ledger.putSlot(slotRec());
    ledger.putBox(boxRec());
    ledger.listSlots();
    ledger.listBoxes();
    expect(ledger.problems()).toEqual([]);
  });
});
