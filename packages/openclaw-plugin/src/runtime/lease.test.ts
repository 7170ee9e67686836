import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isProcessAlive } from "../adapters/openclaw/process-alive.ts";
import { SqliteLedger } from "../adapters/storage/index.ts";
import type { LeaseIdentity } from "./lease.ts";
import { HEARTBEAT_MS, LEASE_MS, takeLease } from "./lease.ts";
import type { Ledger } from "./ledger.ts";

const T = 1_789_000_000_000;
const HOST = hostname();
let dir: string;
let ledger: Ledger;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "live-status-lease-"));
  ledger = new SqliteLedger(join(dir, "ledger.sqlite"));
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  ledger.close();
  await rm(dir, { recursive: true, force: true });
});

/** A real process of this host that holds still until killed. */
async function sleeper(): Promise<{ pid: number; kill9(): Promise<void> }> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1e9)"], { stdio: "ignore" });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid: child.pid ?? -1,
    kill9: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

const me: LeaseIdentity = { owner: `replay:${process.pid}@${HOST}`, pid: process.pid, host: HOST };
const held = (who: LeaseIdentity, at = T) =>
  ledger.acquireLease({ ...who, acquiredAt: at, expiresAt: at + LEASE_MS }, at);

describe("the ledger lease", () => {
  it("is taken over at once from an owner of this host killed with SIGKILL", async () => {
    const owner = await sleeper();
    held({ owner: `gateway:${owner.pid}@${HOST}`, pid: owner.pid, host: HOST });

    expect(takeLease(ledger, me, T + 1, { isAlive: isProcessAlive })).toMatchObject({ ok: false });
    await owner.kill9();
    const taken = takeLease(ledger, me, T + 2, { isAlive: isProcessAlive });

    expect(taken).toMatchObject({ ok: true, tookOverFrom: { pid: owner.pid } });
    expect(takeLease(ledger, { owner: "other:1@x", pid: 1, host: "x" }, T + 3)).toMatchObject({
      ok: false,
      holder: { owner: me.owner },
    });
  });

  it("stays with a live owner on another host, even when its pid is not running here", async () => {
    const gone = await sleeper();
    await gone.kill9();
    held({ owner: `gateway:${gone.pid}@elsewhere`, pid: gone.pid, host: "elsewhere" });

    expect(takeLease(ledger, me, T + LEASE_MS - 1, { isAlive: isProcessAlive })).toMatchObject({
      ok: false,
      holder: { host: "elsewhere" },
    });
    expect(takeLease(ledger, me, T + LEASE_MS, { isAlive: isProcessAlive })).toEqual({ ok: true });
  });

  it("waits for a live owner of this host", async () => {
    const owner = await sleeper();
    held({ owner: `watch:${owner.pid}@${HOST}`, pid: owner.pid, host: HOST });

    expect(takeLease(ledger, me, T + LEASE_MS - 1, { isAlive: isProcessAlive })).toMatchObject({ ok: false });
  });

  it("is kept by a heartbeating owner elsewhere, and taken within a minute once that owner crashes", () => {
    const owner: LeaseIdentity = { owner: "gateway:7@a", pid: 7, host: "a" };
    const standby: LeaseIdentity = { owner: "gateway:7@b", pid: 7, host: "b" };
    expect(takeLease(ledger, owner, T).ok).toBe(true);
    const crashAt = T + 10 * LEASE_MS;
    let takenAt: number | null = null;
    for (let t = T + HEARTBEAT_MS; takenAt === null; t += HEARTBEAT_MS) {
      if (t < crashAt) expect(ledger.renewLease(owner.owner, t + LEASE_MS)).toBe(true);
      if (takeLease(ledger, standby, t + 1).ok) takenAt = t + 1;
    }

    expect(takenAt).toBeGreaterThan(crashAt);
    expect(takenAt - crashAt).toBeLessThanOrEqual(60_000);
  });
});
