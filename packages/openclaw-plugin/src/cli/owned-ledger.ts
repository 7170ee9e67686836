import { hostname } from "node:os";
import { openLedger } from "../adapters/storage/index.ts";
import type { Clock } from "../ports/clock.ts";
import type { Ledger } from "../runtime/ledger.ts";
import { UsageError } from "./io.ts";

/** How long a command's lease lasts without renewal: long enough for slow disks, short after a crash. */
const LEASE_MS = 10 * 60_000;

export interface OwnedLedger {
  ledger: Ledger;
  owner: string;
  /** Extends the lease; false when another owner took it meanwhile. */
  renew(): boolean;
  /** Releases the lease and closes the ledger. */
  close(): void;
}

/**
 * Opens the ledger at `path` and takes its single-owner lease for `role` (`replay`, `watch`). A
 * ledger held by another live owner (a gateway's plugin, another command) is a clear usage error:
 * this command stands down rather than drive the same boxes twice.
 */
export function openOwnedLedger(path: string, role: string, clock: Clock): OwnedLedger {
  let ledger: Ledger;
  try {
    ledger = openLedger(path);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const owner = `${role}:${process.pid}@${hostname()}`;
  const now = clock.now();
  const lease = ledger.acquireLease(
    { owner, pid: process.pid, host: hostname(), acquiredAt: now, expiresAt: now + LEASE_MS },
    now,
  );
  if (!lease.ok) {
    ledger.close();
    const { holder } = lease;
    throw new UsageError(
      `the ledger ${path} is owned by ${holder.owner} (pid ${holder.pid} on ${holder.host}) until ${new Date(holder.expiresAt).toISOString()}; standing down`,
    );
  }
  return {
    ledger,
    owner,
    renew: () => ledger.renewLease(owner, clock.now() + LEASE_MS),
    close: () => {
      ledger.releaseLease(owner);
      ledger.close();
    },
  };
}
