/**
 * Turns SQLite's failures of the storage itself into {@link LedgerStorageError}s, by result code (the
 * `errcode` node:sqlite attaches), never by message text. Other errors (constraints, our own typed
 * errors) pass through unchanged.
 */
import type { Ledger, StorageFault } from "../../runtime/ledger.ts";
import { LedgerError, LedgerStorageError } from "../../runtime/ledger.ts";

export const SQLITE_NOTADB = 26;

// Primary result codes (https://sqlite.org/rescode.html); extended codes keep them in the low byte.
const FAULTS: Record<number, StorageFault> = {
  8: "read_only", // SQLITE_READONLY
  10: "io", // SQLITE_IOERR
  11: "corrupt", // SQLITE_CORRUPT
  13: "full", // SQLITE_FULL
  14: "read_only", // SQLITE_CANTOPEN: the WAL or shared-memory file cannot be created beside it
  26: "corrupt", // SQLITE_NOTADB
};

/** The storage fault an error from node:sqlite stands for, if any. */
export function storageFaultOf(error: unknown): StorageFault | undefined {
  if (error instanceof LedgerError) return undefined;
  const code = (error as { code?: unknown; errcode?: unknown } | null)?.errcode;
  if ((error as { code?: unknown } | null)?.code !== "ERR_SQLITE_ERROR" || typeof code !== "number")
    return undefined;
  return FAULTS[code & 0xff];
}

/** `error` as a LedgerStorageError when it is a storage fault; unchanged otherwise. */
export function asStorageError(error: unknown, file: string): unknown {
  const fault = storageFaultOf(error);
  return fault ? new LedgerStorageError(fault, file, { cause: error }) : error;
}

/**
 * The same ledger, with storage faults of every method (present or added later) thrown as
 * LedgerStorageError. A Proxy, so a method added to the port is covered without a change here.
 */
export function guardStorage<L extends Ledger>(ledger: L, file: string): L {
  return new Proxy(ledger, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        try {
          return value.apply(target, args);
        } catch (error) {
          throw asStorageError(error, file);
        }
      };
    },
  });
}
