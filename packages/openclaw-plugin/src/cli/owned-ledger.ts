import { hostname } from "node:os";
import { isProcessAlive } from "../adapters/openclaw/process-alive.ts";
import { openLedger } from "../adapters/storage/index.ts";
import { messageOf } from "../core/guards.ts";
import type { Clock } from "../ports/clock.ts";
import type { LeaseIdentity } from "../runtime/lease.ts";
import { HEARTBEAT_MS, LEASE_MS, takeLease } from "../runtime/lease.ts";
import type { Ledger } from "../runtime/ledger.ts";
import { LedgerStorageError } from "../runtime/ledger.ts";
import type { Timers } from "../runtime/service.ts";
import { realTimers } from "../runtime/service.ts";
import { UsageError } from "./io.ts";

export interface OwnedLedger {
  ledger: Ledger;
  owner: string;
  /** Aborted once another owner holds the lease (found by a heartbeat or `renew`). */
  lost: AbortSignal;
  /** Aborted, with the LedgerStorageError as reason, once the ledger's storage failed. */
  failed: AbortSignal;
  /** Marks the ledger as failed (the runtime found a storage fault); the first fault wins. */
  fail(error: LedgerStorageError): void;
  /** Extends the lease; false when another owner took it meanwhile. A storage fault aborts `failed`. */
  renew(): boolean;
  /** Stops the heartbeat, releases the lease and closes the ledger. Never throws: on a failed disk the
   * release may not land, and then the next owner of this host takes over because this pid is gone. */
  close(): void;
}

export interface OwnedLedgerOptions {
  /** Test seams; default the real host, process and timers. */
  identity?: LeaseIdentity;
  isAlive?: (pid: number) => boolean;
  timers?: Timers;
}

/**
 * Opens the ledger at `path` and takes its single-owner lease for `role` (`replay`, `watch`), then
 * heartbeats it (lease.ts) until closed. A lease left by a process of this host that is gone is taken
 * over at once; one held by a live owner (a gateway's plugin, another command, here or elsewhere) is
 * a clear usage error: this command stands down rather than drive the same boxes twice.
 */
export function openOwnedLedger(
  path: string,
  role: string,
  clock: Clock,
  o: OwnedLedgerOptions = {},
): OwnedLedger {
  let ledger: Ledger;
  try {
    ledger = openLedger(path);
  } catch (error) {
    if (error instanceof LedgerStorageError) throw error;
    throw new UsageError(messageOf(error));
  }
  const who = o.identity ?? {
    owner: `${role}:${process.pid}@${hostname()}`,
    pid: process.pid,
    host: hostname(),
  };
  let lease: ReturnType<typeof takeLease>;
  try {
    lease = takeLease(ledger, who, clock.now(), { isAlive: o.isAlive ?? isProcessAlive });
  } catch (error) {
    quietly(() => ledger.close());
    throw error;
  }
  if (!lease.ok) {
    ledger.close();
    const { holder } = lease;
    throw new UsageError(
      `the ledger ${path} is owned by ${holder.owner} (pid ${holder.pid} on ${holder.host}) until ${new Date(holder.expiresAt).toISOString()}; standing down`,
    );
  }
  const lost = new AbortController();
  const failed = new AbortController();
  const fail = (error: LedgerStorageError) => {
    if (!failed.signal.aborted) failed.abort(error);
  };
  const renew = (): boolean => {
    if (lost.signal.aborted) return false;
    try {
      if (ledger.renewLease(who.owner, clock.now() + LEASE_MS)) return true;
    } catch (error) {
      // A failed disk is not a lost lease: `failed` tells the command, which stops.
      if (!(error instanceof LedgerStorageError)) throw error;
      fail(error);
      return true;
    }
    lost.abort("the ledger lease was taken by another owner");
    return false;
  };
  const stopHeartbeat = (o.timers ?? realTimers).every(HEARTBEAT_MS, () => {
    try {
      renew();
    } catch {
      // Not a storage fault: a bug the next heartbeat may not repeat; the lease outlasts one miss.
    }
  });
  return {
    ledger,
    owner: who.owner,
    lost: lost.signal,
    failed: failed.signal,
    fail,
    renew,
    close: () => {
      stopHeartbeat();
      quietly(() => ledger.releaseLease(who.owner));
      quietly(() => ledger.close());
    },
  };
}

function quietly(fn: () => void): void {
  try {
    fn();
  } catch {
    // Letting go of a failed ledger: the fault was reported where it was found.
  }
}
