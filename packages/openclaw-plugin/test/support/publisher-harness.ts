/**
 * Test support for the Mattermost client and the box publisher: the real client over the real wire
 * (loopback HTTP to the fake Mattermost), a ManualClock shared by the client, the rate budget, the
 * publisher and the fake's own timestamps, and a way to let real I/O finish before time moves.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  assertServedAccordingToSpec,
  type FakeMattermost,
  type FakeMattermostOptions,
  type FakePost,
  startFakeMattermost,
} from "@live-status/fake-mattermost";
import { beforeEach } from "vitest";
import { createMattermostClient } from "../../src/adapters/mattermost/client.ts";
import type { Logger } from "../../src/ports/logger.ts";
import type { MattermostClient, PostContent } from "../../src/ports/mattermost.ts";
import { BoxPublisher, type BoxPublisherOptions, type GoneReason } from "../../src/runtime/box-publisher.ts";
import { ManualClock } from "../../src/runtime/clock.ts";
import { RateBudget } from "../../src/runtime/rate-budget.ts";
import { perTest } from "./per-test.ts";

export const T0 = 1_767_000_000_000;

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A pass-through `fetch` that counts requests in flight (body read included), so a test can wait
 * until every answer has been consumed before it moves the clock. Nothing is faked: it calls the
 * real `fetch`.
 */
export function trackedFetch() {
  let inFlight = 0;
  let maxInFlight = 0;
  let waiters: Array<() => void> = [];
  const tracked: typeof fetch = async (input, init) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      const res = await fetch(input, init);
      const body = await res.arrayBuffer();
      const nullBody = body.byteLength === 0 && [204, 205, 304].includes(res.status);
      return new Response(nullBody ? null : body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } finally {
      inFlight--;
      const ready = waiters;
      waiters = [];
      for (const resolve of ready) resolve();
    }
  };
  /** Resolves once no request is in flight and the code that consumed the answers has run. */
  async function settle(): Promise<void> {
    for (;;) {
      await macrotask();
      if (inFlight === 0) {
        await macrotask();
        if (inFlight === 0) return;
      } else {
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    }
  }
  return { fetch: tracked, settle, maxInFlight: () => maxInFlight };
}

export interface Wire {
  fake: FakeMattermost;
  clock: ManualClock;
  budget: RateBudget;
  client: MattermostClient;
  settle: () => Promise<void>;
  /** Most requests that were ever in flight at once. */
  maxInFlight: () => number;
  /** Moves the clock, letting real I/O finish before each sleeper wakes. */
  advance: (ms: number) => Promise<void>;
  /** Advances in `stepMs` steps until `done` settles (bounded), and returns its value. */
  run: <T>(done: Promise<T>, stepMs?: number, maxMs?: number) => Promise<T>;
  close: () => Promise<void>;
}

/** A fake Mattermost on its own port, timestamped by the same ManualClock the client uses. */
export async function startWire(settings: Omit<FakeMattermostOptions, "now"> = {}): Promise<Wire> {
  const clock = new ManualClock(T0);
  const fake = await startFakeMattermost({ ...settings, now: () => clock.now() });
  const net = trackedFetch();
  const budget = new RateBudget({ clock });
  const client = createMattermostClient({
    baseUrl: fake.url,
    token: fake.botToken,
    fetch: net.fetch,
    budget,
    clock,
  });
  const advance = (ms: number) => clock.advance(ms, net.settle);
  async function run<T>(done: Promise<T>, stepMs = 50, maxMs = 120_000): Promise<T> {
    let settled = false;
    void done.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (let spent = 0; spent <= maxMs; spent += stepMs) {
      await net.settle();
      if (settled) return done;
      await advance(stepMs);
    }
    throw new Error(`not done after ${maxMs} ms of clock time`);
  }
  return {
    fake,
    clock,
    budget,
    client,
    settle: net.settle,
    maxInFlight: net.maxInFlight,
    advance,
    run,
    close: () => fake.close(),
  };
}

/** A wire with an open channel "town" in it, where the box tests write. */
export interface TownWire extends Omit<Wire, "close"> {
  readonly channelId: string;
}

/**
 * A fresh wire with its town for every test of the file, closed after the test; with `checkSpec`, first
 * every request, answer and WebSocket event of the test is held to the Mattermost API description.
 */
export function useTownWire(
  opts: { checkSpec?: boolean; settings?: Omit<FakeMattermostOptions, "now"> } = {},
): TownWire {
  return perTest(
    async () => {
      const wire = await startWire(opts.settings);
      return { ...wire, channelId: wire.fake.addChannel("O", "town").id };
    },
    async (wire) => {
      try {
        if (opts.checkSpec) assertServedAccordingToSpec(wire.fake);
      } finally {
        await wire.close();
      }
    },
  );
}

/** Publishers in a town that log to `log` and report a lost box to `gone`; both start empty in each test. */
export interface PublisherBench {
  log: RecordedLog;
  gone: GoneReason[];
  publisher(extra?: Partial<BoxPublisherOptions>): BoxPublisher;
  /** Live posts of the town, or of another channel. */
  livePosts(channelId?: string): FakePost[];
}

export function usePublisherBench(wire: TownWire): PublisherBench {
  const log = recordingLogger();
  const gone: GoneReason[] = [];
  beforeEach(() => {
    log.lines.length = 0;
    gone.length = 0;
  });
  return {
    log,
    gone,
    publisher: (extra = {}) =>
      testPublisher(wire, wire.channelId, { log, onGone: (reason) => gone.push(reason), ...extra }),
    livePosts: (channelId = wire.channelId) => wire.fake.postsIn(channelId),
  };
}

/** A box rendering numbered `n`; equal numbers render equal posts. */
export function render(n: number, state = "running"): PostContent {
  return {
    type: "custom_live_status",
    message: `${state} · step ${n}`,
    props: { live_status: { v: 1, state, step: n } },
  };
}

export interface RecordedLog extends Logger {
  lines: Array<{ level: "info" | "warn" | "error"; msg: string; fields?: Record<string, unknown> }>;
}

export function recordingLogger(): RecordedLog {
  const lines: RecordedLog["lines"] = [];
  return {
    lines,
    info: (msg, fields) => lines.push({ level: "info", msg, fields }),
    warn: (msg, fields) => lines.push({ level: "warn", msg, fields }),
    error: (msg, fields) => lines.push({ level: "error", msg, fields }),
  };
}

/** A bare loopback HTTP server for answers the fake does not script (e.g. a 400 for `?silent=true`). */
export async function startScriptedServer(
  handle: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, Buffer.concat(chunks).toString("utf8"), res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

/** A publisher for one box in `channelId` on the wire's client and clock, with fixed ids and jitter. */
export function testPublisher(
  wire: Pick<Wire, "client" | "clock">,
  channelId: string,
  extra: Partial<BoxPublisherOptions> = {},
): BoxPublisher {
  return new BoxPublisher({
    client: wire.client,
    clock: wire.clock,
    target: { channelId },
    boxId: "box-1",
    pendingPostId: "pending-1",
    random: () => 0.5,
    log: recordingLogger(),
    ...extra,
  });
}
