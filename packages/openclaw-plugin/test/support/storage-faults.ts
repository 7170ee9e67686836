/**
 * Real storage faults for tests: a read-only file or directory, a corrupted page of real bytes, a
 * small tmpfs that fills up, and a switch that makes a ledger's writes fail as a full disk does.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, closeSync, openSync, statSync, writeSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import type { Ledger } from "../../src/runtime/ledger.ts";
import { LedgerStorageError } from "../../src/runtime/ledger.ts";

const isRoot = () => process.getuid?.() === 0;

/**
 * Makes `path` read-only for this process: chmod, or for root (whom chmod does not stop) the
 * immutable attribute. Returns the undo, or null where the machine allows neither.
 */
export function makeReadOnly(path: string): (() => void) | null {
  if (!isRoot()) {
    const mode = statSync(path).mode & 0o777;
    chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
    return () => chmodSync(path, mode);
  }
  try {
    execFileSync("chattr", ["+i", path], { stdio: "ignore" });
    return () => execFileSync("chattr", ["-i", path], { stdio: "ignore" });
  } catch {
    return null;
  }
}

/** Overwrites the root page of `table` with garbage, as a torn write or a bad sector leaves it. */
export function corruptTable(file: string, table: string): void {
  const db = new DatabaseSync(file, { readOnly: true });
  const { page_size: pageSize } = db.prepare("PRAGMA page_size").get() as { page_size: number };
  const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = ?").get(table) as {
    rootpage: number;
  };
  db.close();
  const fd = openSync(file, "r+");
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

/** Mounts a tmpfs of `bytes` on `dir` (root only). Returns the unmount, or null where not allowed. */
export function mountTmpfs(dir: string, bytes: number): (() => void) | null {
  if (!isRoot()) return null;
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir], { stdio: "ignore" });
    return () => execFileSync("umount", ["-l", dir], { stdio: "ignore" });
  } catch {
    return null;
  }
}

/** Free bytes on the filesystem holding `dir`. */
export function freeBytes(dir: string): number {
  const out = execFileSync("df", ["-B1", "--output=avail", dir], { encoding: "utf8" });
  return Number(out.trim().split("\n").at(-1));
}

const WRITES = /^(put|acquire|renew|release)/;

/**
 * `ledger` with a disk that can be filled: once `disk.full` is set, every write throws the
 * LedgerStorageError a full disk gives, while reads go on working (as they do on a full disk).
 */
export function fillableDisk(
  ledger: Ledger,
  file = "ledger.sqlite",
): { ledger: Ledger; disk: { full: boolean } } {
  const disk = { full: false };
  const wrapped = new Proxy(ledger, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (disk.full && typeof prop === "string" && WRITES.test(prop))
          throw new LedgerStorageError("full", file);
        return value.apply(target, args);
      };
    },
  });
  return { ledger: wrapped, disk };
}
