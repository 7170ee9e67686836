/**
 * Benchmark 2: event → visible edit latency at default settings. One session in one channel gets
 * events at a realistic, random pace; for each event we take the time from `runtime.ingest(event)`
 * to the moment the fake stored (post `update_at`) a version of the box that shows it. The fake and
 * the runtime run in this process and share one clock (`performance` based, sub-millisecond).
 * Run: `npx node bench/edit-latency.ts [--events 200] [--min-gap 50] [--max-gap 500] [--seed 1]`.
 */
import { parseArgs } from "node:util";
import type { LiveStatusV1 } from "@live-status/contract";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { createMattermostClient } from "../packages/openclaw-plugin/src/adapters/mattermost/client.ts";
import { openLedger } from "../packages/openclaw-plugin/src/adapters/storage/index.ts";
import type { LiveEvent } from "../packages/openclaw-plugin/src/core/events.ts";
import { systemClock } from "../packages/openclaw-plugin/src/runtime/clock.ts";
import { DEFAULT_CORE_CONFIG } from "../packages/openclaw-plugin/src/runtime/defaults.ts";
import { RateBudget } from "../packages/openclaw-plugin/src/runtime/rate-budget.ts";
import { LiveStatusRuntime } from "../packages/openclaw-plugin/src/runtime/runtime.ts";
import { channelSession, contentEvent, type ProgressKind, progressOf, seededRandom } from "./lib/events.ts";
import { countingLogger } from "./lib/log.ts";
import { type Distribution, distribution, round } from "./lib/stats.ts";

export interface EditLatencyOptions {
  /** Content events between run_start and run_end. Default 200. */
  events?: number;
  /** Gap between two events, uniform in [minGapMs, maxGapMs]. Default 50–500 ms. */
  minGapMs?: number;
  maxGapMs?: number;
  seed?: number;
}

export interface EditLatencyResult {
  events: number;
  gapMs: [number, number];
  /** Content events until a stored post showed them, ms: all, and by kind. */
  latencyMs: Distribution;
  latencyByKindMs: Partial<Record<ProgressKind, Distribution>>;
  /** run_start until the box was created, and run_end until the stored post was final, ms. */
  createMs: number;
  finalMs: number;
  writes: number;
  seconds: number;
  /** Events never shown before the final post (expected 0), texts left to the answer excepted. */
  neverShown: number;
  /** Texts never shown while running: a done box drops its preview, since the answer follows it. */
  textsLeftToAnswer: number;
}

/** A wall clock with sub-millisecond resolution, shared by the fake's timestamps and the ingest marks. */
const sharedNow = () => performance.timeOrigin + performance.now();

interface Mark {
  at: number;
  kind: ProgressKind | "run_start";
  ordinal: number;
}

export async function runEditLatency(o: EditLatencyOptions = {}): Promise<EditLatencyResult> {
  const count = o.events ?? 200;
  const [minGap, maxGap] = [o.minGapMs ?? 50, o.maxGapMs ?? 500];
  const random = seededRandom(o.seed ?? 1);
  const fake = await startFakeMattermost({ now: sharedNow });
  const ledger = openLedger(":memory:");
  const log = countingLogger();
  try {
    const channel = fake.addChannel("O", "latency");
    const session = channelSession(channel.id);
    // Default settings everywhere: 1 s per box, 5 req/s budget, the real clock.
    const client = createMattermostClient({
      baseUrl: fake.url,
      token: fake.botToken,
      budget: new RateBudget({ clock: systemClock }),
      clock: systemClock,
    });
    const runtime = new LiveStatusRuntime({
      config: DEFAULT_CORE_CONFIG,
      ledger,
      client,
      botUserId: fake.botUserId,
      clock: systemClock,
      log,
    });
    const marks: Mark[] = [];
    const ingest = (event: LiveEvent, kind: Mark["kind"], ordinal: number) => {
      marks.push({ at: sharedNow(), kind, ordinal });
      runtime.ingest(event);
    };
    const runId = "latency-run";
    const started = sharedNow();
    ingest(
      { v: 1, ts: Date.now(), session, runId, type: "run_start", trigger: { kind: "user" } },
      "run_start",
      1,
    );
    for (let k = 0; k < count; k++) {
      await systemClock.sleep(minGap + random() * (maxGap - minGap));
      const c = contentEvent(session, runId, k, Date.now());
      ingest(c.event, c.kind, c.ordinal);
    }
    await systemClock.sleep(minGap + random() * (maxGap - minGap));
    const endAt = sharedNow();
    runtime.ingest({ v: 1, ts: Date.now(), session, runId, type: "run_end", outcome: "ok" });
    await runtime.idle();
    const seconds = (sharedNow() - started) / 1_000;

    // Every version of the box the fake stored, in order, with the time it was stored.
    const stored = fake
      .requests()
      .filter((r) => r.status >= 200 && r.status < 300 && (r.method === "POST" || r.method === "PUT"))
      .map((r) => r.responseBody as { update_at: number; props?: { live_status?: LiveStatusV1 } })
      .filter((p) => p.props?.live_status?.session === session)
      .map((p) => ({ at: p.update_at, status: p.props?.live_status as LiveStatusV1 }));
    const latencies: number[] = [];
    const byKind: Partial<Record<ProgressKind, number[]>> = {};
    let createMs = Number.NaN;
    let neverShown = 0;
    let textsLeftToAnswer = 0;
    for (const mark of marks) {
      const shown = stored.find(
        (s) =>
          s.at >= mark.at && (mark.kind === "run_start" || progressOf(s.status)[mark.kind] >= mark.ordinal),
      );
      if (!shown && mark.kind === "text") textsLeftToAnswer++;
      else if (!shown) neverShown++;
      else if (mark.kind === "run_start") createMs = round(shown.at - mark.at);
      else {
        latencies.push(shown.at - mark.at);
        const same = byKind[mark.kind] ?? [];
        same.push(shown.at - mark.at);
        byKind[mark.kind] = same;
      }
    }
    const final = stored.find((s) => s.at >= endAt && s.status.state !== "running");
    return {
      events: marks.length + 1,
      gapMs: [minGap, maxGap],
      latencyMs: roundAll(distribution(latencies)),
      latencyByKindMs: Object.fromEntries(
        Object.entries(byKind).map(([kind, xs]) => [kind, roundAll(distribution(xs))]),
      ),
      createMs,
      finalMs: final ? round(final.at - endAt) : Number.NaN,
      writes: stored.length,
      seconds: round(seconds),
      neverShown,
      textsLeftToAnswer,
    };
  } finally {
    ledger.close();
    await fake.close();
  }
}

function roundAll(d: Distribution): Distribution {
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k, round(v)])) as unknown as Distribution;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      events: { type: "string", default: "200" },
      "min-gap": { type: "string", default: "50" },
      "max-gap": { type: "string", default: "500" },
      seed: { type: "string", default: "1" },
    },
  });
  const result = await runEditLatency({
    events: Number(values.events),
    minGapMs: Number(values["min-gap"]),
    maxGapMs: Number(values["max-gap"]),
    seed: Number(values.seed),
  });
  console.log(JSON.stringify(result, null, 2));
}
