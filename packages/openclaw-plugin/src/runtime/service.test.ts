import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { freePort } from "../../test/support/free-port.ts";
import { ManualTimers } from "../../test/support/manual-timers.ts";
import { corruptTable, fillableDisk } from "../../test/support/storage-faults.ts";
import { connectBot } from "../adapters/openclaw/connect-bot.ts";
import { openLedger } from "../adapters/storage/index.ts";
import type { LiveEvent } from "../core/events.ts";
import type { Logger } from "../ports/logger.ts";
import { systemClock } from "./clock.ts";
import { HEARTBEAT_MS } from "./lease.ts";
import {
  type ConnectResult,
  type LiveEventSource,
  LiveStatusService,
  type ServiceConfig,
  type ServiceDeps,
} from "./service.ts";

/** Real HTTP on a busy CI machine: give writes time to land. */
const WAIT = { timeout: 5_000 };

/** A source that records attach/detach and lets the test push events. */
class TestSource implements LiveEventSource {
  consumer: ((e: LiveEvent) => void) | null = null;
  early: LiveEvent[] = [];
  dropping = false;
  attach(consumer: (e: LiveEvent) => void) {
    if (this.consumer) return null;
    this.consumer = consumer;
    this.dropping = false;
    for (const e of this.early.splice(0)) consumer(e);
    return {
      detach: () => {
        this.consumer = null;
        this.dropping = true;
      },
    };
  }
  dropUntilAttached() {
    if (!this.consumer) this.dropping = true;
  }
  push(e: LiveEvent) {
    if (this.consumer) this.consumer(e);
    else if (!this.dropping) this.early.push(e);
  }
}

function logs(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

const SETTINGS = {
  previousBox: "delete" as const,
  boxTriggers: ["user" as const],
  showToolArgs: true,
  redact: [],
  rateLimitPerSec: 50,
  minEditIntervalMs: 200,
};

let fake: FakeMattermost;
let dir: string;

beforeEach(async () => {
  fake = await startFakeMattermost({ users: ["alice"] });
  dir = await mkdtemp(join(tmpdir(), "live-status-service-"));
});

afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

function setup(
  o: {
    owner?: string;
    pid?: number;
    connect?: ServiceDeps["connect"];
    source?: TestSource;
    isAlive?: (pid: number) => boolean;
    openLedger?: ServiceDeps["openLedger"];
  } = {},
) {
  const log = logs();
  const timers = new ManualTimers();
  const source = o.source ?? new TestSource();
  const owner = o.owner ?? "gateway:1@test";
  const service = new LiveStatusService({
    source,
    clock: systemClock,
    log,
    identity: { owner, pid: o.pid ?? 1, host: "test" },
    ...(o.isAlive && { isAlive: o.isAlive }),
    connect:
      o.connect ??
      ((rate) =>
        connectBot(
          { accountId: "default", baseUrl: fake.url, botToken: fake.botToken },
          { clock: systemClock, ratePerSec: rate },
        )),
    openLedger: o.openLedger ?? ((path) => openLedger(path)),
    timers,
    retryMs: { first: 2_000, max: 8_000 },
  });
  const cfg: ServiceConfig = {
    settings: SETTINGS,
    account: { accountId: "default", baseUrl: fake.url },
    ledgerPath: join(dir, "live-status", "ledger.sqlite"),
  };
  return { service, log, timers, source, cfg };
}

const T = Date.now();
const ev = (session: string, body: Record<string, unknown>) =>
  ({ v: 1, ts: T, session, ...body }) as LiveEvent;

function startRun(session: string, runId: string): LiveEvent[] {
  return [
    ev(session, { type: "run_start", runId, trigger: { kind: "user" } }),
    ev(session, { type: "tool_start", runId, callId: "c1", name: "read", args: { path: "NOTES.md" } }),
  ];
}

/** The service's own lines, without the runtime's per-transition ones. */
const serviceLines = (lines: string[]) => lines.filter((l) => !l.includes(" → "));

const boxes = (channelId: string) => fake.postsIn(channelId).filter((p) => p.type === "custom_live_status");
const stateOf = (post: { props: Record<string, unknown> } | undefined) =>
  (post?.props.live_status as { state?: string } | undefined)?.state;

describe("LiveStatusService", () => {
  it("starts: takes the lease, connects, attaches and applies events that came before", async () => {
    const channel = fake.addChannel("O", "town");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const { service, log, source, cfg, timers } = setup();
    for (const e of startRun(session, "r1")) source.push(e);
    await service.start(cfg);
    expect(service.state).toBe("running");
    expect(log.lines.filter((l) => l.startsWith("info started"))).toHaveLength(1);
    // The lease heartbeat and the watchdog tick.
    expect(timers.periods().sort((a, b) => a - b)).toEqual([HEARTBEAT_MS, 30_000]);
    await vi.waitFor(() => expect(boxes(channel.id)).toHaveLength(1), WAIT);
    await service.stop();
  });

  it("stops by finalizing a live box as interrupted, within the time limit, and lets go of the lease", async () => {
    const channel = fake.addChannel("O", "town");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const { service, source, cfg } = setup();
    await service.start(cfg);
    for (const e of startRun(session, "r1")) source.push(e);
    await vi.waitFor(() => expect(stateOf(boxes(channel.id)[0])).toBe("running"), WAIT);
    const started = Date.now();
    await service.stop("gateway stopping");
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(stateOf(boxes(channel.id)[0])).toBe("interrupted");
    expect(source.dropping).toBe(true);
    const ledger = openLedger(cfg.ledgerPath);
    expect(
      ledger.acquireLease({ owner: "other", pid: 2, host: "h", acquiredAt: 0, expiresAt: T + 1e6 }, T).ok,
    ).toBe(true);
    ledger.close();
  });

  it("gives up waiting for final writes after the stop limit", async () => {
    const channel = fake.addChannel("O", "town");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const { service, source, cfg, log } = setup();
    await service.start(cfg);
    for (const e of startRun(session, "r1")) source.push(e);
    await vi.waitFor(() => expect(boxes(channel.id)).toHaveLength(1), WAIT);
    fake.faults.latency({ ms: 4_000, match: { method: "PUT" } });
    const started = Date.now();
    await service.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(log.lines).toContain(
      "warn final writes took longer than 2000 ms; the next start settles what is left",
    );
  });

  it("stands down with one log line while another owner holds the lease, and takes over when it lapses", async () => {
    const first = setup({ owner: "watch:9@elsewhere" });
    await first.service.start(first.cfg);
    const second = setup({ owner: "gateway:1@test" });
    await second.service.start(second.cfg);
    expect(second.service.state).toBe("standing_down");
    expect(second.source.dropping).toBe(true);
    const standDown = second.log.lines.filter((l) => l.includes("standing down"));
    expect(standDown).toHaveLength(1);
    expect(standDown[0]).toMatch(/owned by watch:9@elsewhere \(pid 1 on test\) until .*Z/);
    second.timers.fire(HEARTBEAT_MS);
    await Promise.resolve();
    expect(second.log.lines.filter((l) => l.includes("standing down"))).toHaveLength(1);

    await first.service.stop();
    second.timers.fire(HEARTBEAT_MS);
    await vi.waitFor(() => expect(second.service.state).toBe("running"), WAIT);
    expect(second.log.lines).toContain("info the ledger lease is free again: taking over");
    await second.service.stop();
  });

  it("takes over at once the lease of a gateway of this host whose process is gone", async () => {
    const dead = setup({ owner: "gateway:41@test", pid: 41 });
    await dead.service.start(dead.cfg);
    // No stop: the process "died" holding the lease.
    const next = setup({ owner: "gateway:42@test", pid: 42, isAlive: (pid) => pid !== 41 });
    await next.service.start(next.cfg);
    expect(next.service.state).toBe("running");
    expect(next.log.lines).toContain(
      "warn the ledger lease of gateway:41@test is stale (pid 41 is gone): taking over",
    );
    expect(next.log.lines.some((l) => l.includes("standing down"))).toBe(false);
    await next.service.stop();
    await dead.service.stop();
  });

  it("waits for the lease of a live process of this host", async () => {
    const alive = setup({ owner: "gateway:41@test", pid: 41 });
    await alive.service.start(alive.cfg);
    const next = setup({ owner: "gateway:42@test", pid: 42, isAlive: () => true });
    await next.service.start(next.cfg);
    expect(next.service.state).toBe("standing_down");
    await next.service.stop();
    await alive.service.stop();
  });

  it("retries an unreachable Mattermost with growing waits, keeping events, then starts", async () => {
    const channel = fake.addChannel("O", "town");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const answers: ConnectResult[] = [
      { ok: false, retry: true, reason: "cannot reach Mattermost at http://x: ECONNREFUSED" },
      { ok: false, retry: true, reason: "cannot reach Mattermost at http://x: ECONNREFUSED" },
    ];
    const real = (rate: number) =>
      connectBot(
        { accountId: "default", baseUrl: fake.url, botToken: fake.botToken },
        { clock: systemClock, ratePerSec: rate },
      );
    const { service, log, timers, source, cfg } = setup({
      connect: (rate) => Promise.resolve(answers.shift() ?? real(rate)),
    });
    await service.start(cfg);
    expect(service.state).toBe("connecting");
    expect(log.lines).toEqual([
      "warn cannot reach Mattermost at http://x: ECONNREFUSED; trying again with growing pauses (2 s up to 8 s), events are kept meanwhile",
    ]);
    for (const e of startRun(session, "r1")) source.push(e);
    expect(timers.fire(2_000)).toBe(1);
    await vi.waitFor(() => expect(timers.periods()).toContain(4_000), WAIT);
    expect(timers.fire(4_000)).toBe(1);
    await vi.waitFor(() => expect(service.state).toBe("running"), WAIT);
    expect(log.lines.at(-1)).toMatch(/^info started after \d+ s unreachable: posting as bot/);
    expect(serviceLines(log.lines)).toHaveLength(2);
    await vi.waitFor(() => expect(boxes(channel.id)).toHaveLength(1), WAIT);
    await service.stop();
  });

  it("waits for a Mattermost started late with one log line, keeping the runs that began meanwhile", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { service, log, timers, source, cfg } = setup({
      connect: (rate) =>
        connectBot(
          { accountId: "default", baseUrl: url, botToken: "late-token" },
          { clock: systemClock, ratePerSec: rate },
        ),
    });
    await service.start(cfg);
    expect(service.state).toBe("connecting");
    expect(timers.fire(2_000)).toBe(1);
    await vi.waitFor(() => expect(timers.periods()).toContain(4_000), WAIT);

    const late = await startFakeMattermost({ port, botToken: "late-token" });
    try {
      const channel = late.addChannel("O", "town");
      for (const e of startRun(`agent:main:mattermost:channel:${channel.id}`, "r1")) source.push(e);
      expect(timers.fire(4_000)).toBe(1);
      await vi.waitFor(() => expect(service.state).toBe("running"), WAIT);
      await vi.waitFor(() => expect(late.postsIn(channel.id)).toHaveLength(1), WAIT);
      expect(serviceLines(log.lines)).toEqual([
        expect.stringMatching(
          new RegExp(`^warn cannot reach Mattermost at ${url}: .*; trying again with growing pauses`),
        ),
        expect.stringMatching(/^info started after \d+ s unreachable: posting as bot/),
      ]);
      await service.stop();
    } finally {
      await late.close();
    }
  });

  it("stays off with one clear line when the token is refused, and frees the lease", async () => {
    const { service, log, source, cfg } = setup({
      connect: async () => ({
        ok: false,
        retry: false,
        reason: "Mattermost at http://x refused the bot token",
      }),
    });
    await service.start(cfg);
    expect(service.state).toBe("off");
    expect(source.dropping).toBe(true);
    expect(log.lines).toEqual([
      "error Mattermost at http://x refused the bot token; Live Status stays off until the gateway or plugin restarts",
    ]);
    const other = setup({ owner: "other:2@h" });
    await other.service.start(other.cfg);
    expect(other.service.state).toBe("running");
    await other.service.stop();
  });

  it("stands down when another owner takes the lease from it", async () => {
    const { service, log, timers, source, cfg } = setup();
    await service.start(cfg);
    const ledger = openLedger(cfg.ledgerPath);
    ledger.releaseLease("gateway:1@test");
    ledger.acquireLease({ owner: "thief", pid: 3, host: "h", acquiredAt: T, expiresAt: T + 1e6 }, T);
    ledger.close();
    timers.fire(HEARTBEAT_MS);
    expect(service.state).toBe("standing_down");
    expect(source.consumer).toBeNull();
    expect(log.lines).toContain("error lost the ledger lease to another owner; standing down");
    await service.stop();
  });

  it("refuses to run beside another service of the same process, leaving that one's lease alone", async () => {
    const source = new TestSource();
    const a = setup({ source });
    await a.service.start(a.cfg);
    const b = setup({ source });
    await b.service.start(b.cfg);
    expect(b.service.state).toBe("off");
    expect(b.log.lines.at(-1)).toMatch(/another Live Status service already runs in this process/);
    expect(a.service.state).toBe("running");
    a.timers.fire(HEARTBEAT_MS);
    expect(a.service.state).toBe("running");
    await a.service.stop();
  });

  it("stays off when the ledger cannot be opened", async () => {
    const { service, log, cfg } = setup();
    await service.start({ ...cfg, ledgerPath: join(dir, "not-a-dir\0", "ledger.sqlite") });
    expect(service.state).toBe("off");
    expect(log.lines[0]).toMatch(/^error cannot open the ledger .*Live Status stays off/);
  });
});

describe("LiveStatusService on a failing disk", () => {
  it("ends live boxes as interrupted with one error line saying what to do, and stays off without throwing", async () => {
    const channel = fake.addChannel("O", "town");
    const a = `agent:main:mattermost:channel:${channel.id}`;
    let disk = { full: false };
    const { service, log, source, cfg } = setup({
      openLedger: (path) => {
        const fillable = fillableDisk(openLedger(path), path);
        disk = fillable.disk;
        return fillable.ledger;
      },
    });
    await service.start(cfg);
    for (const e of startRun(a, "r1")) source.push(e);
    await vi.waitFor(() => expect(stateOf(boxes(channel.id)[0])).toBe("running"), WAIT);

    disk.full = true;
    source.push(ev(a, { type: "run_end", runId: "r1", outcome: "ok" }));
    const second = `agent:main:mattermost:channel:${fake.addChannel("O", "hall").id}`;
    for (const e of startRun(second, "r2")) source.push(e);

    await vi.waitFor(() => expect(service.state).toBe("off"), WAIT);
    const errors = log.lines.filter((l) => l.startsWith("error"));
    expect(errors).toEqual([
      `error the disk holding the ledger ${cfg.ledgerPath} is full: free space there, then start Live Status again; live boxes end as interrupted and Live Status stays off until the gateway or plugin restarts`,
    ]);
    expect(source.dropping).toBe(true);
    const states = fake.posts().map((p) => stateOf(p));
    expect(states).not.toContain("running");
    expect(states).toContain("done");
    expect(() =>
      source.push(ev(a, { type: "run_start", runId: "r3", trigger: { kind: "user" } })),
    ).not.toThrow();
  });

  it("stays off with one line when the ledger is corrupted at start", async () => {
    const { service, log, cfg } = setup();
    await service.start(cfg);
    await service.stop();
    corruptTable(cfg.ledgerPath, "slots");

    const again = setup();
    await again.service.start(cfg);

    expect(again.service.state).toBe("off");
    expect(again.log.lines.filter((l) => l.startsWith("error"))).toEqual([
      expect.stringMatching(/^error the ledger .* is corrupted: move it aside .*Live Status stays off/),
    ]);
    expect(log.lines.filter((l) => l.startsWith("error"))).toEqual([]);
  });
});
