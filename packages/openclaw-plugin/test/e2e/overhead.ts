/**
 * The plugin's overhead inside a gateway, measured in process: the real plugin entry
 * (`src/index.ts`: hub, correlator, service, runtime, SQLite ledger, HTTP client) is registered on a
 * stand-in host API that records its hook handlers and agent-event subscription, then driven with
 * the payloads of a real captured turn (`test/fixtures/openclaw/a-channel-two-tools.jsonl`: the
 * `lifecycle/tool/assistant/thinking/usage` events the subscription asks for, and the hooks it
 * registers), cloned for `--sessions` channel sessions with fresh ids. The fake Mattermost runs in a
 * child process (bench/fake-process.ts) so its CPU is not counted.
 *
 * Reports: CPU inside the handlers (what the gateway's event loop spends in our code) and whole-process
 * CPU until every box is final (handlers + rendering + ledger + HTTP), per 1,000 agent events; heap
 * (after GC) per 1,000 sessions while every session is mid-run and after all have ended.
 * Run: `npx node --expose-gc packages/openclaw-plugin/test/e2e/overhead.ts [--sessions 1000]`.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { FromFake, ToFake } from "../../../../bench/fake-process.ts";
import entry from "../../src/index.ts";
import { PLUGIN_DIR, REPO_ROOT } from "./paths.ts";

type Handler = (event: unknown, ctx: unknown) => unknown;

interface Capture {
  kind: string;
  name?: string;
  event?: { stream?: string; data?: { phase?: string } } & Record<string, unknown>;
  ctx?: Record<string, unknown>;
}

/** The recorded host API of one `register(api)` call. */
interface StandIn {
  hooks: Map<string, Handler>;
  subscription?: { streams?: string[]; handle: Handler };
  service?: { start(ctx: unknown): Promise<void> | void; stop(ctx: unknown): Promise<void> | void };
}

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

function standInApi(
  config: Record<string, unknown>,
  pluginConfig: Record<string, unknown>,
): [unknown, StandIn] {
  const rec: StandIn = { hooks: new Map() };
  const api = {
    id: "live-status",
    name: "Live Status",
    registrationMode: "full",
    logger: quiet,
    config,
    pluginConfig,
    on: (name: string, handler: Handler) => {
      rec.hooks.set(name, handler);
    },
    registerService: (s: StandIn["service"]) => {
      rec.service = s;
    },
    agent: {
      events: {
        registerAgentEventSubscription: (s: StandIn["subscription"]) => {
          rec.subscription = s;
        },
      },
    },
  };
  return [api, rec];
}

/** The captured turn with its ids replaced for one session; `split` is where the run ends. */
function turnFor(template: string, channelId: string): { lines: Capture[]; split: number } {
  const text = template
    .replaceAll("townsquarechanxxxxxxxxxxxx", channelId)
    .replaceAll("36dfdd82-a8af-4381-a21b-559a0f56283b", randomUUID())
    .replaceAll("3e77892d-af4d-4551-8f8c-e0f065189c0d", randomUUID())
    .replaceAll("post0001xxxxxxxxxxxxxxxxxx", randomUUID().replaceAll("-", "").slice(0, 26));
  const lines = text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Capture);
  const split = lines.findIndex((l) => l.kind === "hook" && l.name === "agent_end");
  return { lines, split: split < 0 ? lines.length : split };
}

function startFake(): Promise<{ child: ChildProcess; ready: Extract<FromFake, { type: "ready" }> }> {
  const child = fork(join(REPO_ROOT, "bench", "fake-process.ts"), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", (m: FromFake) =>
      m.type === "ready" ? resolve({ child, ready: m }) : reject(new Error("fake")),
    );
  });
}

function ask<T extends FromFake["type"]>(
  child: ChildProcess,
  m: ToFake,
  type: T,
): Promise<Extract<FromFake, { type: T }>> {
  return new Promise((resolve) => {
    const on = (r: FromFake) => {
      if (r.type !== type) return;
      child.off("message", on);
      resolve(r as Extract<FromFake, { type: T }>);
    };
    child.on("message", on);
    child.send(m);
  });
}

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error("run with --expose-gc");
  g();
  g();
};
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1_000;
};

/** Waits until the fake saw no new request for `quietMs`; returns its last report. */
async function settle(child: ChildProcess, quietMs: number, limitMs: number) {
  let last = -1;
  let since = performance.now();
  const deadline = performance.now() + limitMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const report = await ask(child, { type: "report" }, "report");
    if (report.requests.length !== last) {
      last = report.requests.length;
      since = performance.now();
    } else if (performance.now() - since >= quietMs || performance.now() > deadline) return report;
  }
}

export interface OverheadResult {
  sessions: number;
  agentEvents: number;
  hookCalls: number;
  handlerCpuMsPer1000Events: number;
  processCpuMsPer1000Events: number;
  heapMiBPer1000LiveSessions: number;
  heapMiBPer1000EndedSessions: number;
  writes: Record<string, number>;
  finalBoxes: number;
  /** Handler time by stream (lifecycle by phase) or hook: calls and µs per call. */
  handlerUsByKind: Record<string, { n: number; usPerCall: number }>;
}

export async function measureOverhead(sessions: number): Promise<OverheadResult> {
  const template = readFileSync(
    join(PLUGIN_DIR, "test", "fixtures", "openclaw", "a-channel-two-tools.jsonl"),
    "utf8",
  );
  const { child, ready } = await startFake();
  const state = mkdtempSync(join(tmpdir(), "live-status-overhead-"));
  try {
    const { ids } = await ask(child, { type: "channels", count: sessions }, "channels");
    const config = {
      channels: { mattermost: { enabled: true, botToken: ready.botToken, baseUrl: ready.url } },
      plugins: { entries: { "live-status": { enabled: true, hooks: { allowConversationAccess: true } } } },
    };
    // Fastest allowed token budget, so a thousand boxes settle in seconds; the CPU per event is the same.
    const [api, rec] = standInApi(config, { rateLimitPerSec: 100 });
    (entry as unknown as { register(api: unknown): void }).register(api);
    if (!rec.service || !rec.subscription)
      throw new Error("the plugin registered no service or subscription");
    await rec.service.start({ config, stateDir: state, logger: quiet });
    const streams = new Set(rec.subscription.streams ?? []);
    const turns = ids.map((id) => turnFor(template, id));
    const heap0 = heapMiB();

    let agentEvents = 0;
    let hookCalls = 0;
    let handlerMs = 0;
    const byKind: Record<string, { n: number; ms: number }> = {};
    const time = (kind: string, call: () => unknown) => {
      const t = performance.now();
      call();
      const ms = performance.now() - t;
      handlerMs += ms;
      const k = byKind[kind] ?? { n: 0, ms: 0 };
      k.n++;
      k.ms += ms;
      byKind[kind] = k;
    };
    const feed = (lines: Capture[]) => {
      for (const l of lines) {
        const event = l.event;
        if (l.kind === "agent_event" && event && (streams.size === 0 || streams.has(String(event.stream)))) {
          const phase = event.stream === "lifecycle" ? `:${event.data?.phase}` : "";
          time(`${event.stream}${phase}`, () => rec.subscription?.handle(event, {}));
          agentEvents++;
        } else if (l.kind === "hook" && l.name && rec.hooks.has(l.name)) {
          const handler = rec.hooks.get(l.name);
          time(l.name, () => handler?.(event, l.ctx));
          hookCalls++;
        }
      }
    };
    const cpu0 = cpuMs();
    for (const t of turns) feed(t.lines.slice(0, t.split));
    await settle(child, 2_000, 300_000);
    const heapLive = heapMiB();
    for (const t of turns) feed(t.lines.slice(t.split));
    const report = await settle(child, 3_000, 600_000);
    const cpu = cpuMs() - cpu0;
    const heapEnded = heapMiB();
    await rec.service.stop({ config, stateDir: state, logger: quiet });

    const writes: Record<string, number> = {};
    for (const [, kind, status] of report.requests) {
      const key = `${kind} ${status}`;
      writes[key] = (writes[key] ?? 0) + 1;
    }
    const per1000 = (x: number, n: number) => Math.round((x / n) * 1000 * 100) / 100;
    return {
      sessions,
      agentEvents,
      hookCalls,
      handlerCpuMsPer1000Events: per1000(handlerMs, agentEvents),
      processCpuMsPer1000Events: per1000(cpu, agentEvents),
      heapMiBPer1000LiveSessions: per1000(heapLive - heap0, sessions),
      heapMiBPer1000EndedSessions: per1000(heapEnded - heap0, sessions),
      writes,
      handlerUsByKind: Object.fromEntries(
        Object.entries(byKind).map(([k, v]) => [k, { n: v.n, usPerCall: Math.round((v.ms / v.n) * 1000) }]),
      ),
      finalBoxes: report.boxes.filter(([, states]) => states.length === 1 && states[0] === "done").length,
    };
  } finally {
    child.send({ type: "close" } satisfies ToFake);
    rmSync(state, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { sessions: { type: "string" } } });
  const result = await measureOverhead(Number(values.sessions ?? "1000"));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
}
