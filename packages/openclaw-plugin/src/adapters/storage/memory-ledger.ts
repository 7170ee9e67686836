/**
 * The in-memory ledger, for tests and for runs that need no persistence. It keeps the same rows
 * the SQLite ledger stores and goes through the same codec, so it validates, round-trips and
 * refuses stale writes exactly like the real one (the shared contract test proves it).
 */
import type {
  BoxRecord,
  BoxRecordState,
  Lease,
  LeaseResult,
  Ledger,
  LedgerProblem,
  SlotRecord,
} from "../../runtime/ledger.ts";
import { LedgerError, StaleWriteError } from "../../runtime/ledger.ts";
import type { BoxRow, LeaseRow, SlotRow } from "./records.ts";
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

export interface MemoryLedgerOptions {
  /** Told once about each stored row that fails validation (rows are validated on write, so rare). */
  onProblem?: (problem: LedgerProblem) => void;
}

/** A Ledger held in maps; `close()` drops nothing but refuses further use, like the real one. */
export class MemoryLedger implements Ledger {
  #slots = new Map<string, SlotRow>();
  #boxes = new Map<string, BoxRow>();
  #lease: LeaseRow | undefined;
  #open = true;
  readonly #problems: ProblemLog;

  constructor(options: MemoryLedgerOptions = {}) {
    this.#problems = new ProblemLog(options.onProblem);
  }

  getSlot(slot: string): SlotRecord | undefined {
    const row = this.#live().#slots.get(slot);
    return row ? this.#problems.keep(decodeSlot(row)) : undefined;
  }

  putSlot(rec: SlotRecord): void {
    const row = encodeSlot(rec);
    this.#live().#slots.set(row.slot, row);
  }

  listSlots(): SlotRecord[] {
    const out: SlotRecord[] = [];
    for (const row of this.#live().#slots.values()) {
      const rec = this.#problems.keep(decodeSlot(row));
      if (rec) out.push(rec);
    }
    return out.sort((a, b) => compareText(a.slot, b.slot));
  }

  getBox(boxId: string): BoxRecord | undefined {
    const row = this.#live().#boxes.get(boxId);
    return row ? this.#problems.keep(decodeBox(row)) : undefined;
  }

  putBox(rec: BoxRecord): void {
    const row = encodeBox(rec);
    putBoxRow(this.#live().#boxes, row);
  }

  listBoxes(filter: { slot?: string; states?: BoxRecordState[] } = {}): BoxRecord[] {
    const out: BoxRecord[] = [];
    for (const row of this.#live().#boxes.values()) {
      if (filter.slot !== undefined && row.slot !== filter.slot) continue;
      if (filter.states && !(filter.states as string[]).includes(row.state)) continue;
      const rec = this.#problems.keep(decodeBox(row));
      if (rec) out.push(rec);
    }
    return out.sort(compareBoxes);
  }

  putBatch(batch: { slots?: SlotRecord[]; boxes?: BoxRecord[] }): void {
    this.#live();
    const slotRows = (batch.slots ?? []).map(encodeSlot);
    const boxRows = (batch.boxes ?? []).map(encodeBox);
    // Apply to copies and swap only on success: all or nothing, like a transaction.
    const slots = new Map(this.#slots);
    const boxes = new Map(this.#boxes);
    for (const row of slotRows) slots.set(row.slot, row);
    for (const row of boxRows) putBoxRow(boxes, row);
    this.#slots = slots;
    this.#boxes = boxes;
  }

  acquireLease(candidate: Lease, now: number): LeaseResult {
    const row = encodeLease(candidate);
    const stored = this.#live().#lease;
    const holder = stored ? this.#problems.keep(decodeLease(stored)) : undefined;
    if (holder && holder.owner !== candidate.owner && holder.expiresAt > now) return { ok: false, holder };
    this.#lease = row;
    return { ok: true };
  }

  renewLease(owner: string, expiresAt: number): boolean {
    const lease = this.#live().#lease;
    const expires = checkExpiry(expiresAt);
    if (lease?.owner !== owner) return false;
    this.#lease = { ...lease, expires_at: expires };
    return true;
  }

  releaseLease(owner: string): void {
    if (this.#live().#lease?.owner === owner) this.#lease = undefined;
  }

  problems(): LedgerProblem[] {
    return this.#problems.list();
  }

  close(): void {
    this.#open = false;
  }

  #live(): this {
    if (!this.#open) throw new LedgerError("closed", "memory ledger is closed");
    return this;
  }
}

function putBoxRow(boxes: Map<string, BoxRow>, row: BoxRow): void {
  const stored = boxes.get(row.box_id);
  if (stored && row.version < stored.version)
    throw new StaleWriteError(row.box_id, stored.version, row.version);
  boxes.set(row.box_id, row);
}
