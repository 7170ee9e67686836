import { hostname } from "node:os";
import { isProcessAlive } from "../adapters/openclaw/process-alive.ts";
import { openLedger } from "../adapters/storage/index.ts";
import type { Clock } from "../runtime/clock.ts";
import type { LeaseIdentity } from "../runtime/lease.ts";
import { HEARTBEAT_MS, LEASE_MS, takeLease } from "../runtime/lease.ts";
import type { Ledger } from "../runtime/ledger.ts";
import type { Timers } from "../runtime/service.ts";
import { realTimers } from "../runtime/service.ts";
import { UsageError } from "./io.ts";

export interface OwnedLedger {
  ledger: Ledger;
  owner: string;
  /** Aborted once another owner holds the lease (found by a heartbeat or `renew`). */
  lost: AbortSignal;
  /** Extends the lease; false when another owner took it meanwhile. */
  renew(): boolean;
  /** Stops the heartbeat, releases the lease and closes the ledger. */
  close(): void;
}

export interface OwnedLedgerOptions {
  /** Test seams; default the real host, process and timers. */
  identity?: LeaseIdentity;
  isAlive?: (pid: number) => boolean;
  timers?: Timers;
  /** Told when a heartbeat could not be written (the lease may lapse). */
  onHeartbeatError?: (error: unknown) => void;
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
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const who = o.identity ?? {
    owner: `${role}:${process.pid}@${hostname()}`,
    pid: process.pid,
    host: hostname(),
  };
  const lease = takeLease(ledger, who, clock.now(), { isAlive: o.isAlive ?? isProcessAlive });
  if (!lease.ok) {
    ledger.close();
    const { holder } = lease;
    throw new UsageError(
      `the ledger ${path} is owned by ${holder.owner} (pid ${holder.pid} on ${holder.host}) until ${new Date(holder.expiresAt).toISOString()}; standing down`,
    );
  }
  const lost = new AbortController();
  const renew = (): boolean => {
    if (lost.signal.aborted) return false;
    if (ledger.renewLease(who.owner, clock.now() + LEASE_MS)) return true;
    lost.abort("the ledger lease was taken by another owner");
    return false;
  };
  const stopHeartbeat = (o.timers ?? realTimers).every(HEARTBEAT_MS, () => {
    try {
      renew();
    } catch (error) {
      o.onHeartbeatError?.(error);
    }
  });
  return {
    ledger,
    owner: who.owner,
    lost: lost.signal,
    renew,
    close: () => {
      stopHeartbeat();
      try {
        ledger.releaseLease(who.owner);
      } finally {
        ledger.close();
      }
    },
  };
}
