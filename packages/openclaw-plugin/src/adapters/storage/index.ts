/**
 * Storage adapters for the ledger port. `openLedger` is what the composition root calls: a file
 * path gives the durable SQLite ledger, `":memory:"` the in-memory one (same contract, nothing kept).
 */
import type { Ledger } from "../../runtime/ledger.ts";
import { MemoryLedger } from "./memory-ledger.ts";
import type { SqliteLedgerOptions } from "./sqlite-ledger.ts";
import { SqliteLedger } from "./sqlite-ledger.ts";
import { guardStorage } from "./storage-fault.ts";

export { MemoryLedger } from "./memory-ledger.ts";
export { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate } from "./migrations.ts";
export { SqliteLedger } from "./sqlite-ledger.ts";
export { guardStorage, storageFaultOf } from "./storage-fault.ts";

export type OpenLedgerOptions = SqliteLedgerOptions;

/**
 * Opens (creating parent dirs and migrating as needed) the ledger at `path`; throws LedgerOpenError,
 * or LedgerStorageError when the disk under it fails — as does every later call.
 */
export function openLedger(path: string, options: OpenLedgerOptions = {}): Ledger {
  return path === ":memory:"
    ? new MemoryLedger(options)
    : guardStorage(new SqliteLedger(path, options), path);
}
