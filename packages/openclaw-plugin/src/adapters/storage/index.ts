/**
 * Storage adapters for the ledger port. `openLedger` is what the composition root calls: a file
 * path gives the durable SQLite ledger, `":memory:"` the in-memory one (same contract, nothing kept).
 */
import type { Ledger, LedgerProblem } from "../../runtime/ledger.ts";
import { MemoryLedger } from "./memory-ledger.ts";
import { SqliteLedger } from "./sqlite-ledger.ts";

export { MemoryLedger } from "./memory-ledger.ts";
export { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from "./migrations.ts";
export { SqliteLedger } from "./sqlite-ledger.ts";

export interface OpenLedgerOptions {
  busyTimeoutMs?: number;
  /** Told once about each stored row that fails validation; the row is skipped. */
  onProblem?: (problem: LedgerProblem) => void;
}

/** Opens (creating parent dirs and migrating as needed) the ledger at `path`; throws LedgerOpenError. */
export function openLedger(path: string, options: OpenLedgerOptions = {}): Ledger {
  return path === ":memory:" ? new MemoryLedger(options) : new SqliteLedger(path, options);
}
