import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Conversation } from "../../core/conversation.ts";
import { slotKey } from "../../core/keys.ts";
import type { BoxRecord, Ledger, SlotRecord } from "../../runtime/ledger.ts";
import { BOX_RECORD_STATES, LedgerError } from "../../runtime/ledger.ts";
import { MemoryLedger } from "./memory-ledger.ts";
import { SqliteLedger } from "./sqlite-ledger.ts";

const conversations: Conversation[] = [
  { kind: "channel", channelId: "c1" },
  { kind: "channel", channelId: "c1", rootId: "r1" },
  { kind: "dm", userId: "u1" },
];

const slotArb = fc.record({
  session: fc.constantFrom("s1", "s2"),
  conversation: fc.constantFrom(...conversations),
  phase: fc.constantFrom("idle", "running", "done"),
  generation: fc.nat(3),
  runId: fc.option(fc.constantFrom("r1", "r2"), { nil: undefined }),
  snapshot: fc.option(fc.jsonValue(), { nil: undefined }),
  updatedAt: fc.nat(100),
});

const boxArb = fc.record({
  session: fc.constantFrom("s1", "s2"),
  generation: fc.nat(3),
  postId: fc.option(fc.constantFrom("p1", "p2"), { nil: undefined }),
  state: fc.constantFrom(...BOX_RECORD_STATES),
  version: fc.nat(4),
});

type SlotInput = typeof slotArb extends fc.Arbitrary<infer T> ? T : never;
type BoxInput = typeof boxArb extends fc.Arbitrary<infer T> ? T : never;

function toSlot(s: SlotInput): SlotRecord {
  const rec: SlotRecord = { ...s, slot: slotKey(s.session, s.conversation) };
  if (rec.runId === undefined) delete rec.runId;
  if (rec.snapshot === undefined) delete rec.snapshot;
  return rec;
}

function toBox(b: BoxInput): BoxRecord {
  const slot = slotKey(b.session, conversations[0] as Conversation);
  const rec: BoxRecord = {
    boxId: `${slot}#${b.generation}`,
    slot,
    generation: b.generation,
    channelId: "c1",
    pendingPostId: "pending",
    state: b.state,
    version: b.version,
    updatedAt: 1,
  };
  if (b.postId) rec.postId = b.postId;
  return rec;
}

const owner = fc.constantFrom("a", "b");
const opArb = fc.oneof(
  slotArb.map((s) => (l: Ledger) => l.putSlot(toSlot(s))),
  boxArb.map((b) => (l: Ledger) => l.putBox(toBox(b))),
  fc
    .record({ slots: fc.array(slotArb, { maxLength: 2 }), boxes: fc.array(boxArb, { maxLength: 3 }) })
    .map((b) => (l: Ledger) => l.putBatch({ slots: b.slots.map(toSlot), boxes: b.boxes.map(toBox) })),
  fc
    .record({ owner, now: fc.nat(20), ttl: fc.nat(10) })
    .map(
      (c) => (l: Ledger) =>
        l.acquireLease(
          { owner: c.owner, pid: 1, host: "h", acquiredAt: c.now, expiresAt: c.now + c.ttl },
          c.now,
        ),
    ),
  fc.record({ owner, at: fc.nat(30) }).map((r) => (l: Ledger) => l.renewLease(r.owner, r.at)),
  owner.map((o) => (l: Ledger) => l.releaseLease(o)),
  fc
    .subarray([...BOX_RECORD_STATES])
    .map(
      (states) => (l: Ledger) =>
        l.listBoxes({ slot: slotKey("s1", conversations[0] as Conversation), states }),
    ),
);

/** What an operation did, comparable across implementations: its value or its error code. */
function outcome(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (err) {
    if (err instanceof LedgerError) return { error: err.code };
    throw err;
  }
}

describe("MemoryLedger and SqliteLedger", () => {
  it("give the same answers and end in the same state for any sequence of operations", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), (ops) => {
        const memory = new MemoryLedger();
        const sqlite = new SqliteLedger(":memory:");
        try {
          const versions = new Map<string, number>();
          for (const op of ops) {
            expect(outcome(() => op(sqlite))).toEqual(outcome(() => op(memory)));
            // A box's stored version never goes down.
            for (const box of memory.listBoxes()) {
              expect(box.version).toBeGreaterThanOrEqual(versions.get(box.boxId) ?? 0);
              versions.set(box.boxId, box.version);
            }
          }
          expect(sqlite.listSlots()).toEqual(memory.listSlots());
          expect(sqlite.listBoxes()).toEqual(memory.listBoxes());
          expect(sqlite.problems()).toEqual([]);
        } finally {
          memory.close();
          sqlite.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
