/**
 * Benchmark 3: many concurrent sessions against one bot token. `--sessions` sessions, each in its
 * own channel, get `--rate` events per second for `--seconds`, then end their run. The pipeline
 * (core, runtime, sqlite ledger, publishers, one rate budget, HTTP client) runs in this process on
 * the real clock; the fake Mattermost runs in a child process so its CPU is not counted. Reports CPU
 * per 1,000 events, peak RSS, the request rate the fake saw against the budget, how long the final
 * states took, and lost finals (boxes not final in the fake at the end).
 * Run: `npx node bench/many-sessions.ts [--sessions 1000] [--seconds 60] [--rate 5]`.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createMattermostClient } from "../packages/openclaw-plugin/src/adapters/mattermost/client.ts";
import { openLedger } from "../packages/openclaw-plugin/src/adapters/storage/index.ts";
import { systemClock } from "../packages/openclaw-plugin/src/runtime/clock.ts";
import { DEFAULT_CORE_CONFIG } from "../packages/openclaw-plugin/src/runtime/defaults.ts";
import { instrumentClient } from "../packages/openclaw-plugin/src/runtime/instrumented-client.ts";
import { RateBudget } from "../packages/openclaw-plugin/src/runtime/rate-budget.ts";
import { LiveStatusRuntime } from "../packages/openclaw-plugin/src/runtime/runtime.ts";
import type { FromFake, ToFake } from "./fake-process.ts";
import { channelSession, contentEvent } from "./lib/events.ts";
import { countingLogger } from "./lib/log.ts";
import { type Distribution, distribution, maxInWindow, perBucket, round } from "./lib/stats.ts";

export interface ManySessionsOptions {
  /** Concurrent sessions, one channel each. Default 1000. */
  sessions?: number;
  /** Length of every run, in seconds. Default 60. */
  seconds?: number;
  /** Content events per second per session. Default 5. */
  eventsPerSec?: number;
  /** Sessions start spread evenly over this many ms. Default 1000. */
  startSpreadMs?: number;
  /** The token's budget (the plugin's default: 5 req/s, burst 5). */
  budgetPerSec?: number;
  budgetBurst?: number;
  /** Hard limit on waiting for the last final after the runs end. Default 900 s. */
  drainLimitSeconds?: number;
  ledger?: "sqlite" | "memory";
  /** Progress lines (to stderr). */
  progress?: (line: string) => void;
}

export interface ManySessionsResult {
  sessions: number;
  seconds: number;
  events: number;
  /** Pipeline CPU (user + system) per 1,000 events: while events flow, and over the whole run. */
  cpuMsPer1000Events: { ingestPhase: number; wholeRun: number };
  peakRssMiB: number;
  /** Worst lateness of an event against its schedule (event-loop lag), ms, overall and per 10 s. */
  maxIngestLagMs: number;
  maxIngestLagPer10sMs: number[];
  requests: {
    total: number;
    /** Creates, and those of them that already carried the final state. */
    creates: number;
    finalCreates: number;
    /** Edits while running, and edits to the final state. */
    routineEdits: number;
    finalEdits: number;
    /**
     * Most requests in any 1 s / 10 s window, against the budget's bound (burst + rate × window):
     * as the pipeline sent them (fetch called) and as the fake received them (after transport and
     * event-loop delays, which can bunch requests sent further apart).
     */
    max1s: { sent: number; arrived: number; bound: number };
    max10s: { sent: number; arrived: number; bound: number };
    /** Requests sent over the whole run, from the first to the last, and the budget's bound for that span. */
    whole: { count: number; seconds: number; bound: number };
    /** Requests per 10 s bucket from the first event. */
    per10s: number[];
  };
  /** run_end → final state stored in the fake, per session, seconds. */
  finalLatencySeconds: Distribution;
  /** From the first event until every final had landed (or the drain limit), seconds. */
  allFinalSeconds: number;
  /** Sessions whose box is still running in the fake at the end, or that have more than one box. */
  lostFinals: number;
  /** Sessions with no box at all; every run owes one (created in its final state if need be), so 0. */
  boxesNotPosted: number;
  finalsNotLanded: number;
  warnings: number;
  errors: number;
  samples: string[];
  fakeCpuSeconds: number;
}

export async function runManySessions(o: ManySessionsOptions = {}): Promise<ManySessionsResult> {
  const n = o.sessions ?? 1_000;
  const seconds = o.seconds ?? 60;
  const periodMs = 1_000 / (o.eventsPerSec ?? 5);
  const spreadMs = o.startSpreadMs ?? 1_000;
  const ratePerSec = o.budgetPerSec ?? 5;
  const burst = o.budgetBurst ?? 5;
  const drainLimitMs = (o.drainLimitSeconds ?? 900) * 1_000;
  const progress = o.progress ?? (() => {});

  const fake = await FakeProcess.start();
  const dir = await mkdtemp(join(tmpdir(), "live-status-bench-"));
  const ledger = openLedger(o.ledger === "memory" ? ":memory:" : join(dir, "ledger.sqlite"));
  const log = countingLogger();
  try {
    const channels = await fake.channels(n);
    // When each request left the pipeline (the budget let it go and the client called fetch).
    const sentAt: number[] = [];
    const sendingFetch: typeof fetch = (input, init) => {
      sentAt.push(Date.now());
      return fetch(input, init);
    };
    const io = instrumentClient(
      createMattermostClient({
        baseUrl: fake.url,
        token: fake.botToken,
        fetch: sendingFetch,
        budget: new RateBudget({ clock: systemClock, ratePerSec, burst }),
        clock: systemClock,
      }),
    );
    const runtime = new LiveStatusRuntime({
      config: DEFAULT_CORE_CONFIG,
      ledger,
      client: io.client,
      botUserId: fake.botUserId,
      clock: systemClock,
      log,
    });

    const t0 = Date.now() + 100;
    const sessions = channels.map((channelId, i) => ({
      session: channelSession(channelId),
      runId: `run-${i}`,
      startAt: t0 + (spreadMs * i) / n,
      k: -1, // -1: run_start not sent yet
      endAt: 0,
    }));
    const runEndAt = new Map<string, number>();
    let events = 0;
    let maxLag = 0;
    const lagPer10s: number[] = [];
    let peakRss = 0;
    const sampleRss = () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    };
    const cpu0 = process.cpuUsage();
    let lastTick = Date.now();
    let lastReport = Date.now();

    // Drive: every few ms, send each session the events that are due (bounded by the run length).
    let open = sessions.length;
    while (open > 0) {
      const now = Date.now();
      for (const s of sessions) {
        if (s.endAt) continue;
        for (;;) {
          const runEnd = s.startAt + seconds * 1_000;
          const due = s.k < 0 ? s.startAt : Math.min(runEnd, s.startAt + (s.k + 1) * periodMs);
          if (due > now) break;
          maxLag = Math.max(maxLag, now - due);
          const bucket = Math.max(0, Math.floor((due - t0) / 10_000));
          while (lagPer10s.length <= bucket) lagPer10s.push(0);
          lagPer10s[bucket] = Math.max(lagPer10s[bucket] as number, now - due);
          const ts = Date.now();
          if (s.k < 0) {
            runtime.ingest({
              v: 1,
              ts,
              session: s.session,
              runId: s.runId,
              type: "run_start",
              trigger: { kind: "user" },
            });
          } else if (due === runEnd) {
            runtime.ingest({ v: 1, ts, session: s.session, runId: s.runId, type: "run_end", outcome: "ok" });
            runEndAt.set(s.session, ts);
            s.endAt = ts;
            open--;
            events++;
            break;
          } else {
            runtime.ingest(contentEvent(s.session, s.runId, s.k, ts).event);
          }
          s.k++;
          events++;
        }
      }
      if (now - lastTick >= 1_000) {
        runtime.tick();
        lastTick = now;
        sampleRss();
      }
      if (now - lastReport >= 10_000) {
        lastReport = now;
        progress(`t=${round((now - t0) / 1_000)}s events=${events} calls=${JSON.stringify(io.calls())}`);
      }
      await systemClock.sleep(5);
    }
    const cpuIngest = process.cpuUsage(cpu0);

    // Drain: wait (bounded) until every box has its final state.
    const drainStarted = Date.now();
    const sampler = setInterval(() => {
      sampleRss();
      progress(`drain t=${round((Date.now() - t0) / 1_000)}s calls=${JSON.stringify(io.calls())}`);
    }, 10_000);
    let drained = false;
    const limit = new AbortController();
    await Promise.race([
      runtime.idle().then(() => {
        drained = true;
      }),
      systemClock.sleep(drainLimitMs, limit.signal).catch(() => {}),
    ]);
    limit.abort();
    clearInterval(sampler);
    sampleRss();
    const doneAt = Date.now();
    const cpuAll = process.cpuUsage(cpu0);
    if (!drained) progress(`drain limit reached after ${round((doneAt - drainStarted) / 1_000)} s`);
    peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1_024);

    const report = await fake.report();
    const writes = report.requests.filter(
      ([, kind, status]) => kind !== "other" && status >= 200 && status < 300,
    );
    const times = report.requests.map(([at]) => at);
    const isFinal = (state: string) => state !== "" && state !== "running";
    const count = (kind: string, keep: (state: string) => boolean) =>
      writes.filter(([, k, , , state]) => k === kind && keep(state)).length;
    const finalAt = new Map<string, number>();
    for (const [at, , , session, state] of writes) {
      if (state && state !== "running" && !finalAt.has(session)) finalAt.set(session, at);
    }
    const boxes = new Map(report.boxes);
    const posted = new Set(channels.filter((id) => (boxes.get(id) ?? []).length > 0).map(channelSession));
    // A session with no box (a failure, counted in boxesNotPosted) has no final to time; every posted box counts.
    const finalLatency = [...runEndAt]
      .filter(([session]) => posted.has(session))
      .map(([session, end]) => ((finalAt.get(session) ?? doneAt) - end) / 1_000);
    const lostFinals = channels.filter((id) => {
      const states = boxes.get(id) ?? [];
      return states.length > 1 || states[0] === "running";
    }).length;
    const boxesNotPosted = channels.filter((id) => (boxes.get(id) ?? []).length === 0).length;
    const span = (Math.max(...sentAt) - Math.min(...sentAt)) / 1_000;
    return {
      sessions: n,
      seconds,
      events,
      cpuMsPer1000Events: {
        ingestPhase: round(((cpuIngest.user + cpuIngest.system) / 1_000 / events) * 1_000),
        wholeRun: round(((cpuAll.user + cpuAll.system) / 1_000 / events) * 1_000),
      },
      peakRssMiB: round(peakRss / 2 ** 20),
      maxIngestLagMs: round(maxLag),
      maxIngestLagPer10sMs: lagPer10s,
      requests: {
        total: report.requests.length,
        creates: count("create", () => true),
        finalCreates: count("create", isFinal),
        routineEdits: count("edit", (state) => !isFinal(state)),
        finalEdits: count("edit", isFinal),
        max1s: {
          sent: maxInWindow(sentAt, 1_000),
          arrived: maxInWindow(times, 1_000),
          bound: burst + ratePerSec,
        },
        max10s: {
          sent: maxInWindow(sentAt, 10_000),
          arrived: maxInWindow(times, 10_000),
          bound: burst + ratePerSec * 10,
        },
        whole: { count: sentAt.length, seconds: round(span), bound: Math.floor(burst + ratePerSec * span) },
        per10s: perBucket(times, t0, 10_000),
      },
      finalLatencySeconds: roundAll(distribution(finalLatency)),
      allFinalSeconds: round(((finalAt.size > 0 ? Math.max(...finalAt.values()) : doneAt) - t0) / 1_000),
      lostFinals,
      boxesNotPosted,
      finalsNotLanded: runtime.finalsNotLanded(),
      warnings: log.counts.warn,
      errors: log.counts.error,
      samples: log.samples,
      fakeCpuSeconds: round(report.cpuMs / 1_000),
    };
  } finally {
    ledger.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function roundAll(d: Distribution): Distribution {
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, round(v)])) as unknown as Distribution;
}

/** The fake Mattermost child process and its small request/answer protocol. */
class FakeProcess {
  readonly #child: ChildProcess;
  readonly url: string;
  readonly botToken: string;
  readonly botUserId: string;

  private constructor(child: ChildProcess, ready: Extract<FromFake, { type: "ready" }>) {
    this.#child = child;
    this.url = ready.url;
    this.botToken = ready.botToken;
    this.botUserId = ready.botUserId;
  }

  static async start(): Promise<FakeProcess> {
    const child = fork(new URL("./fake-process.ts", import.meta.url), [], {
      execArgv: [],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const ready = await next(child, "ready");
    return new FakeProcess(child, ready);
  }

  async channels(count: number): Promise<string[]> {
    this.#send({ type: "channels", count });
    return (await next(this.#child, "channels")).ids;
  }

  async report(): Promise<Extract<FromFake, { type: "report" }>> {
    this.#send({ type: "report" });
    return next(this.#child, "report");
  }

  async close(): Promise<void> {
    if (this.#child.exitCode !== null || !this.#child.connected) return;
    const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    this.#send({ type: "close" });
    const timer = setTimeout(() => this.#child.kill(), 5_000);
    await exited;
    clearTimeout(timer);
  }

  #send(m: ToFake): void {
    this.#child.send(m);
  }
}

function next<T extends FromFake["type"]>(
  child: ChildProcess,
  type: T,
): Promise<Extract<FromFake, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromFake) => {
      if (m.type !== type) return;
      cleanup();
      resolve(m as Extract<FromFake, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`fake Mattermost process exited (${code}) before answering ${type}`));
    };
    const cleanup = () => {
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      sessions: { type: "string", default: "1000" },
      seconds: { type: "string", default: "60" },
      rate: { type: "string", default: "5" },
      "budget-per-sec": { type: "string", default: "5" },
      "budget-burst": { type: "string", default: "5" },
      "drain-limit": { type: "string", default: "900" },
      ledger: { type: "string", default: "sqlite" },
    },
  });
  const result = await runManySessions({
    sessions: Number(values.sessions),
    seconds: Number(values.seconds),
    eventsPerSec: Number(values.rate),
    budgetPerSec: Number(values["budget-per-sec"]),
    budgetBurst: Number(values["budget-burst"]),
    drainLimitSeconds: Number(values["drain-limit"]),
    ledger: values.ledger === "memory" ? "memory" : "sqlite",
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  console.log(JSON.stringify(result, null, 2));
  // Past the drain limit, publishers may still be waiting for the budget: do not wait for them.
  process.exit(0);
}
