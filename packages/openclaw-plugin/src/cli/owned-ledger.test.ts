import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualTimers } from "../../test/support/manual-timers.ts";
import { openLedger } from "../adapters/storage/index.ts";
import { ManualClock } from "../runtime/clock.ts";
import { HEARTBEAT_MS, LEASE_MS } from "../runtime/lease.ts";
import { UsageError } from "./io.ts";
import { main } from "./main.ts";
import { openOwnedLedger } from "./owned-ledger.ts";

const BIN = fileURLToPath(new URL("../../bin/live-status.js", import.meta.url));
const T = 1_789_000_000_000;

let fake: FakeMattermost;
let dir: string;
let ledgerPath: string;

beforeEach(async () => {
  fake = await startFakeMattermost();
  dir = await mkdtemp(join(tmpdir(), "live-status-owned-"));
  ledgerPath = join(dir, "ledger.sqlite");
});

afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const stateOf = (post: { props: Record<string, unknown> } | undefined) =>
  (post?.props.live_status as { state?: string } | undefined)?.state;

async function eventsFile(name: string, lines: object[]): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, lines.map((l) => JSON.stringify(l)).join("\n"));
  return file;
}

describe("a command's hold on the ledger", () => {
  it("passes at once to the next command when a replay of this host is killed with SIGKILL, whose box ends interrupted", async () => {
    const channel = fake.addChannel("O", "long-run");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const long = await eventsFile("long.jsonl", [
      { v: 1, ts: T, session, type: "run_start", runId: "r1" },
      { v: 1, ts: T + 600_000, session, type: "run_end", runId: "r1", outcome: "ok" },
    ]);
    const child = spawn(
      process.execPath,
      [BIN, "replay", long, "--mattermost-url", fake.url, "--ledger", ledgerPath, "--speed", "1"],
      { env: { ...process.env, MATTERMOST_TOKEN: fake.botToken }, stdio: "ignore" },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    try {
      // Kill it once its box is on record (a create whose answer is lost is another story).
      const peek = openLedger(ledgerPath);
      for (let i = 0; i < 400 && !peek.listBoxes()[0]?.postId; i++)
        await new Promise((r) => setTimeout(r, 25));
      peek.close();
      expect(stateOf(fake.posts()[0])).toBe("running");
      // Alive: the ledger is its.
      expect(() => openOwnedLedger(ledgerPath, "replay", new ManualClock(Date.now()))).toThrow(
        /is owned by replay:\d+@.*standing down/,
      );
    } finally {
      child.kill("SIGKILL");
      await exited;
    }

    const err: string[] = [];
    const code = await main(
      ["replay", await eventsFile("empty.jsonl", []), "--mattermost-url", fake.url, "--ledger", ledgerPath],
      { stdout: () => {}, stderr: (t) => err.push(t), env: { MATTERMOST_TOKEN: fake.botToken } },
    );

    expect(err.join("")).not.toMatch(/standing down/);
    expect(code).toBe(0);
    expect(fake.posts()).toHaveLength(1);
    expect(stateOf(fake.posts()[0])).toBe("interrupted");
  }, 20_000);

  it("is heartbeated while the command runs, so it outlives its lease time", async () => {
    const clock = new ManualClock(T);
    const timers = new ManualTimers();
    const owned = openOwnedLedger(ledgerPath, "watch", clock, { timers });
    try {
      for (let t = 0; t < 3 * LEASE_MS; t += HEARTBEAT_MS) {
        await clock.advance(HEARTBEAT_MS);
        timers.fire(HEARTBEAT_MS);
      }
      const later = T + 3 * LEASE_MS;
      const other = { owner: "watch:9@elsewhere", pid: 9, host: "elsewhere" };
      expect(() => openOwnedLedger(ledgerPath, "watch", new ManualClock(later), { identity: other })).toThrow(
        UsageError,
      );
      expect(owned.lost.aborted).toBe(false);
    } finally {
      owned.close();
    }
  });

  it("tells the command when a heartbeat finds the lease taken by another owner", () => {
    const timers = new ManualTimers();
    const owned = openOwnedLedger(ledgerPath, "watch", new ManualClock(T), { timers });
    const thief = openLedger(ledgerPath);
    thief.releaseLease(owned.owner);
    thief.acquireLease({ owner: "thief", pid: 3, host: "h", acquiredAt: T, expiresAt: T + 1e9 }, T);
    thief.close();

    timers.fire(HEARTBEAT_MS);

    expect(owned.lost.aborted).toBe(true);
    owned.close();
    const after = openLedger(ledgerPath);
    expect(after.acquireLease({ owner: "x", pid: 4, host: "h", acquiredAt: T, expiresAt: T + 1 }, T).ok).toBe(
      false,
    );
    after.close();
  });
});
