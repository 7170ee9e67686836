/**
 * The single-owner lease policy shared by every owner (the plugin service, `replay`, `watch`). The
 * owner heartbeats every {@link HEARTBEAT_MS}; a lease not renewed for {@link LEASE_MS} has lapsed, so
 * an owner that crashed on another host is taken over within LEASE_MS plus one retry period (under a
 * minute). An owner of this host whose process is gone is taken over at once. A pid reused by an
 * unrelated process looks alive: then the lease lapses as if the owner were on another host.
 * Expiry compares the holder's clock with the taker's: hosts sharing a ledger need synchronised clocks.
 */
import type { Lease, Ledger } from "./ledger.ts";

/** How long a lease lasts without a heartbeat. */
export const LEASE_MS = 40_000;
/** How often the owner renews it, and how often a standing-down owner tries again. */
export const HEARTBEAT_MS = 10_000;

/** Who asks for the lease. `owner` is unique per process: `<role>:<pid>@<host>`. */
export interface LeaseIdentity {
  owner: string;
  pid: number;
  host: string;
}

export type TakeLeaseResult = { ok: true; tookOverFrom?: Lease } | { ok: false; holder: Lease };

export interface TakeLeaseOptions {
  leaseMs?: number;
  /** Whether a process of this host is alive; without it, only expiry frees a lease. */
  isAlive?: (pid: number) => boolean;
}

/**
 * Takes the lease if it is free, lapsed, ours, or held by a process of this host that is gone.
 * Throws what the ledger throws (a storage fault is the caller's to report).
 */
export function takeLease(
  ledger: Ledger,
  who: LeaseIdentity,
  now: number,
  o: TakeLeaseOptions = {},
): TakeLeaseResult {
  const candidate: Lease = { ...who, acquiredAt: now, expiresAt: now + (o.leaseMs ?? LEASE_MS) };
  const first = ledger.acquireLease(candidate, now);
  if (first.ok || !holderIsGone(first.holder, who, o.isAlive)) return first;
  // Release only that holder's lease: if someone else took it meanwhile, this is a no-op.
  ledger.releaseLease(first.holder.owner);
  const second = ledger.acquireLease(candidate, now);
  return second.ok ? { ok: true, tookOverFrom: first.holder } : second;
}

function holderIsGone(holder: Lease, who: LeaseIdentity, isAlive: TakeLeaseOptions["isAlive"]): boolean {
  if (!isAlive || holder.host !== who.host || holder.pid === who.pid) return false;
  try {
    return !isAlive(holder.pid);
  } catch {
    return false;
  }
}
