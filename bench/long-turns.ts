/**
 * Benchmark 4: writes, tool lag and final lag of single turns that people watch — long ones (300 s,
 * tool-heavy and quiet) and a short tool-heavy one — through `live-status replay`. Each turn is
 * replayed twice: by the command itself (`main(["replay", …])`, `--speed max`), which gives the
 * writes a user's replay costs; and by the same pipeline the command runs (`playEvents` +
 * `finishPlay`, runtime, publisher, budget, HTTP client) with the fake Mattermost stamping requests
 * on the replay's event-time clock, which gives when each write landed in event time: tool lag
 * (tool start → first write showing it), first status and final lag.
 * Run: `npx node bench/long-turns.ts [--only tool-heavy-300s] [--json FILE]`.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { LiveStatusV1 } from "@live-status/contract";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { createMattermostClient } from "../packages/openclaw-plugin/src/adapters/mattermost/client.ts";
import { openLedger } from "../packages/openclaw-plugin/src/adapters/storage/index.ts";
import { main } from "../packages/openclaw-plugin/src/cli/main.ts";
import { serializeEvent } from "../packages/openclaw-plugin/src/core/event-parse.ts";
import type { LiveEvent } from "../packages/openclaw-plugin/src/core/events.ts";
import { ManualClock } from "../packages/openclaw-plugin/src/runtime/clock.ts";
import { DEFAULT_CORE_CONFIG } from "../packages/openclaw-plugin/src/runtime/defaults.ts";
import { finishPlay, playEvents } from "../packages/openclaw-plugin/src/runtime/event-player.ts";
import { instrumentClient } from "../packages/openclaw-plugin/src/runtime/instrumented-client.ts";
import { RateBudget } from "../packages/openclaw-plugin/src/runtime/rate-budget.ts";
import { LiveStatusRuntime } from "../packages/openclaw-plugin/src/runtime/runtime.ts";
import { channelSession } from "./lib/events.ts";
import { countingLogger } from "./lib/log.ts";
import { quantile } from "./lib/stats.ts";

export interface TurnShape {
  name: string;
  seconds: number;
  /** A tool every this many ms (none when absent), each running `toolMs`. */
  toolEveryMs?: number;
  /** Tools started together at each tool time (a model step calling several). */
  toolsPerStep?: number;
  toolMs?: number;
  /** Text and usage events every this many ms. */
  streamEveryMs: number;
}

export const TURNS: readonly TurnShape[] = [
  { name: "tool-heavy-300s", seconds: 300, toolEveryMs: 5_000, toolMs: 2_000, streamEveryMs: 1_000 },
  { name: "quiet-300s", seconds: 300, streamEveryMs: 1_000 },
  {
    name: "tool-heavy-10s",
    seconds: 10.5,
    toolEveryMs: 1_700,
    toolsPerStep: 2,
    toolMs: 50,
    streamEveryMs: 250,
  },
];

const START = Date.UTC(2026, 0, 1);

/** One turn of `shape`: run_start, streamed text and usage, tools, run_end; sorted by time. */
export function longTurn(shape: TurnShape, session: string, runId = "turn-1"): LiveEvent[] {
  const base = { v: 1 as const, session, runId };
  const end = START + shape.seconds * 1_000;
  const timed: Array<[number, number, LiveEvent]> = [];
  let seq = 0;
  const add = (ts: number, e: Record<string, unknown>) =>
    timed.push([ts, seq++, { ...base, ts, ...e } as LiveEvent]);
  for (let t = START + shape.streamEveryMs, n = 1; t < end; t += shape.streamEveryMs, n++) {
    add(t, { type: "text", text: `Working on step ${n}: **reading** the \`notes\`` });
    add(t, { type: "usage", input: 0, output: 7 });
  }
  if (shape.toolEveryMs !== undefined) {
    let call = 0;
    for (let t = START + shape.toolEveryMs / 2; t + (shape.toolMs ?? 0) < end; t += shape.toolEveryMs) {
      for (let k = 0; k < (shape.toolsPerStep ?? 1); k++) {
        const callId = `call-${++call}`;
        add(Math.round(t), { type: "tool_start", callId, name: "exec", args: { command: `step ${call}` } });
        add(Math.round(t + (shape.toolMs ?? 0)), { type: "tool_end", callId, ok: true });
      }
    }
  }
  timed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return [
    { ...base, ts: START, type: "run_start", trigger: { kind: "user", postId: "user-post" } },
    ...timed.map(([, , e]) => e),
    { ...base, ts: end, type: "run_end", outcome: "ok" },
  ];
}

export interface LongTurnResult {
  turn: string;
  seconds: number;
  tools: number;
  /** Writes of `live-status replay --speed max` (creates + edits), and the final state it left. */
  replay: { writes: number; creates: number; edits: number; finalState: string | null };
  /** The same pipeline on the event-time clock. */
  eventTime: {
    writes: number;
    /** Tools that appeared in at least one write. */
    toolsVisible: number;
    /** Tool start → first write showing it, ms of event time. */
    toolLagMs: { p50: number; p95: number; max: number };
    /** run_start → box created; run_end → final state stored, ms. */
    firstStatusMs: number;
    finalLagMs: number;
    /** Writes that changed only tokens, preview or thinking (not the create or the final). */
    minorOnlyWrites: number;
  };
}

export async function runLongTurns(names?: readonly string[]): Promise<LongTurnResult[]> {
  const results: LongTurnResult[] = [];
  for (const shape of TURNS) {
    if (names && !names.includes(shape.name)) continue;
    const replay = await viaReplayCommand(shape);
    const timed = await onEventClock(shape);
    results.push({
      turn: shape.name,
      seconds: shape.seconds,
      tools: timed.tools,
      replay,
      eventTime: timed.result,
    });
  }
  return results;
}

async function viaReplayCommand(shape: TurnShape): Promise<LongTurnResult["replay"]> {
  const fake = await startFakeMattermost();
  const dir = await mkdtemp(join(tmpdir(), "live-status-bench-"));
  try {
    const channel = fake.addChannel("O", "bench");
    const file = join(dir, "turn.jsonl");
    await writeFile(file, `${longTurn(shape, channelSession(channel.id)).map(serializeEvent).join("\n")}\n`);
    const err: string[] = [];
    const exitCode = await main(
      ["replay", file, "--mattermost-url", fake.url, "--speed", "max", "--json", "--quiet"],
      { stdout: () => {}, stderr: (t) => err.push(t), env: { MATTERMOST_TOKEN: fake.botToken } },
    );
    if (exitCode !== 0) throw new Error(`replay exited ${exitCode}: ${err.join("")}`);
    const ok = fake.requests().filter((r) => r.status >= 200 && r.status < 300);
    const creates = ok.filter((r) => r.method === "POST" && r.path === "/api/v4/posts").length;
    const edits = ok.filter((r) => r.method === "PUT").length;
    const box = fake.postsIn(channel.id).find((p) => p.type === "custom_live_status");
    const state = (box?.props.live_status as LiveStatusV1 | undefined)?.state ?? null;
    return { writes: creates + edits, creates, edits, finalState: state };
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function onEventClock(
  shape: TurnShape,
): Promise<{ tools: number; result: LongTurnResult["eventTime"] }> {
  const clock = new ManualClock(START);
  const fake = await startFakeMattermost({ now: () => clock.now() });
  const ledger = openLedger(":memory:");
  try {
    const channel = fake.addChannel("O", "bench");
    const events = longTurn(shape, channelSession(channel.id));
    const budget = new RateBudget({ clock });
    const io = instrumentClient(
      createMattermostClient({ baseUrl: fake.url, token: fake.botToken, budget, clock }),
    );
    const runtime = new LiveStatusRuntime({
      config: DEFAULT_CORE_CONFIG,
      ledger,
      client: io.client,
      botUserId: fake.botUserId,
      clock,
      log: countingLogger(),
      backlogMs: () => budget.backlogMs(),
    });
    await playEvents(events, { runtime, clock, io, speed: "max", sleep: async () => {} });
    await finishPlay({ runtime, clock, io }, "bench ended");

    const writes = fake
      .requests()
      .filter((r) => r.status >= 200 && r.status < 300 && (r.method === "POST" || r.method === "PUT"))
      .map((r) => ({
        at: r.at,
        status: (r.body as { props: { live_status: LiveStatusV1 } }).props.live_status,
      }));
    const starts = events.filter((e) => e.type === "tool_start");
    const firstShown = new Map<string, number>();
    for (const w of writes)
      for (const t of w.status.tools) if (!firstShown.has(t.callId)) firstShown.set(t.callId, w.at);
    const lags = starts.flatMap((e) => {
      const at = firstShown.get(e.callId);
      return at === undefined ? [] : [at - e.ts];
    });
    const runEnd = events.at(-1)?.ts ?? START;
    const final = writes.find((w) => w.status.state !== "running");
    let minorOnly = 0;
    for (let i = 1; i < writes.length; i++) {
      const a = writes[i - 1]?.status as LiveStatusV1;
      const b = writes[i]?.status as LiveStatusV1;
      if (b.state === "running" && JSON.stringify(a.tools) === JSON.stringify(b.tools)) minorOnly++;
    }
    return {
      tools: starts.length,
      result: {
        writes: writes.length,
        toolsVisible: firstShown.size,
        toolLagMs: lags.length
          ? { p50: quantile(lags, 0.5), p95: quantile(lags, 0.95), max: Math.max(...lags) }
          : { p50: 0, p95: 0, max: 0 },
        firstStatusMs: (writes[0]?.at ?? START) - START,
        finalLagMs: (final?.at ?? Number.NaN) - runEnd,
        minorOnlyWrites: minorOnly,
      },
    };
  } finally {
    ledger.close();
    await fake.close();
  }
}

/** Markdown rows for the results table. */
export function longTurnRows(results: readonly LongTurnResult[]): string[] {
  return results.map((r) => {
    const e = r.eventTime;
    return `| ${r.turn} (${r.tools} tools) | ${r.replay.writes} (${r.replay.creates} + ${r.replay.edits}), ${r.replay.finalState} | ${e.writes} | ${e.toolsVisible}/${r.tools} | ${e.toolLagMs.p50} / ${e.toolLagMs.p95} / ${e.toolLagMs.max} ms | ${e.firstStatusMs} ms | ${e.finalLagMs} ms | ${e.minorOnlyWrites} |`;
  });
}

export const LONG_TURN_HEADER = [
  "| turn | replay writes (creates + edits), final | event-time writes | tools visible | tool lag p50 / p95 / max | first status | final lag | minor-only edits |",
  "|---|---|---|---|---|---|---|---|",
];

if (import.meta.main) {
  const { values } = parseArgs({
    options: { only: { type: "string", multiple: true }, json: { type: "string" } },
  });
  const results = await runLongTurns(values.only);
  console.log([...LONG_TURN_HEADER, ...longTurnRows(results)].join("\n"));
  console.log(JSON.stringify(results, null, 2));
  if (values.json) await writeFile(values.json, `${JSON.stringify(results, null, 2)}\n`);
}
