/**
 * Benchmark of the legacy-files source (`live-status watch`): start-up time and memory on a
 * generated state dir (default 1,000 sessions, 1 GB of transcripts), the cost of one idle poll,
 * and bytes read per appended byte while turns are written (target 1.0).
 *
 *   npx node --expose-gc bench/legacy-source.ts [--sessions 1000] [--total-mb 1024]
 *       [--rounds 200] [--per-round 10] [--dir DIR] [--keep] [--json FILE] [--smoke]
 */
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LegacySource } from "../packages/openclaw-plugin/src/adapters/legacy-files/legacy-source.ts";
import type { LiveEvent } from "../packages/openclaw-plugin/src/core/events.ts";
import { systemClock } from "../packages/openclaw-plugin/src/runtime/clock.ts";
import { generateLegacyState, turnLines } from "./legacy-state-gen.ts";
import { machineInfo } from "./lib/machine.ts";

export interface LegacyBenchOptions {
  sessions: number;
  totalBytes: number;
  /** Rounds of appends; each appends one turn to `perRound` random sessions, then looks. */
  rounds: number;
  perRound: number;
  /** Where to generate (default: a new temp dir, removed afterwards unless `keep`). */
  dir?: string;
  keep?: boolean;
  progress?: (line: string) => void;
}

export interface LegacyBenchResult {
  sessions: number;
  transcriptMiB: number;
  indexKiB: number;
  generateSeconds: number;
  startup: { ms: number; stats: number; bytesRead: number; heapMiB: number; rssMiB: number };
  idlePoll: { ms: number; stats: number; bytesRead: number };
  appends: {
    turns: number;
    appendedBytes: number;
    bytesRead: number;
    readPerAppended: number;
    runStarts: number;
    runEnds: number;
    hintedPassMsP50: number;
  };
  after: { heapMiB: number; rssMiB: number };
}

const MiB = 1024 * 1024;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heapMiB: round(m.heapUsed / MiB), rssMiB: round(m.rss / MiB) };
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export async function runLegacyBench(o: LegacyBenchOptions): Promise<LegacyBenchResult> {
  const say = o.progress ?? (() => {});
  const home = o.dir ?? (await mkdtemp(join(tmpdir(), "live-status-legacy-bench-")));
  try {
    say(`generating ${o.sessions} sessions, ${round(o.totalBytes / MiB)} MiB in ${home}…`);
    const t0 = performance.now();
    const gen = await generateLegacyState(home, { sessions: o.sessions, totalBytes: o.totalBytes });
    const generateSeconds = round((performance.now() - t0) / 1000);

    const events: LiveEvent[] = [];
    const source = new LegacySource({
      home,
      clock: systemClock,
      log: quiet,
      emit: (e) => events.push(e),
      watch: false,
    });
    const before = memory();
    const t1 = performance.now();
    await source.start();
    const startupMs = round(performance.now() - t1);
    const afterStart = memory();
    const c1 = source.counters();
    say(`started in ${startupMs} ms`);

    const t2 = performance.now();
    await source.pass("full");
    const idleMs = round(performance.now() - t2);
    const c2 = source.counters();

    let appendedBytes = 0;
    const hintedMs: number[] = [];
    let n = 1_000;
    for (let round_ = 0; round_ < o.rounds; round_++) {
      const touched = new Set<string>();
      for (let k = 0; k < o.perRound; k++) {
        const id = gen.sessionIds[Math.floor(Math.random() * gen.sessionIds.length)] as string;
        const file = join(gen.sessionsDir, `${id}.jsonl`);
        const text = `${turnLines(n++, Date.now(), Math.floor(Math.random() * 4_000))}\n`;
        await appendFile(file, text);
        appendedBytes += Buffer.byteLength(text);
        touched.add(`${id}.jsonl`);
      }
      // What fs.watch would say, then the look it triggers; a full poll every tenth round.
      for (const name of touched) source.hint("main", name);
      const t = performance.now();
      await source.pass(round_ % 10 === 9 ? "full" : "hinted");
      hintedMs.push(performance.now() - t);
    }
    const c3 = source.counters();
    const bytesRead = c3.bytesRead - c2.bytesRead;
    hintedMs.sort((a, b) => a - b);
    const result: LegacyBenchResult = {
      sessions: o.sessions,
      transcriptMiB: round(gen.transcriptBytes / MiB),
      indexKiB: round(gen.indexBytes / 1024),
      generateSeconds,
      startup: {
        ms: startupMs,
        stats: c1.stats,
        bytesRead: c1.bytesRead,
        heapMiB: round(afterStart.heapMiB - before.heapMiB),
        rssMiB: afterStart.rssMiB,
      },
      idlePoll: { ms: idleMs, stats: c2.stats - c1.stats, bytesRead: c2.bytesRead - c1.bytesRead },
      appends: {
        turns: o.rounds * o.perRound,
        appendedBytes,
        bytesRead,
        readPerAppended: round(bytesRead / Math.max(1, appendedBytes), 4),
        runStarts: events.filter((e) => e.type === "run_start").length,
        runEnds: events.filter((e) => e.type === "run_end").length,
        hintedPassMsP50: round(hintedMs[Math.floor(hintedMs.length / 2)] ?? 0, 2),
      },
      after: memory(),
    };
    source.close();
    return result;
  } finally {
    if (!o.keep && o.dir === undefined) await rm(home, { recursive: true, force: true });
  }
}

export function markdown(r: LegacyBenchResult): string {
  return [
    "| figure | value |",
    "|---|---|",
    `| state dir | ${r.sessions} sessions, ${r.transcriptMiB} MiB of transcripts, sessions.json ${r.indexKiB} KiB |`,
    `| start-up | ${r.startup.ms} ms, ${r.startup.stats} stats, ${r.startup.bytesRead} bytes read (sessions.json only) |`,
    `| memory after start-up | heap +${r.startup.heapMiB} MiB, RSS ${r.startup.rssMiB} MiB |`,
    `| one idle full poll | ${r.idlePoll.ms} ms, ${r.idlePoll.stats} stats, ${r.idlePoll.bytesRead} bytes read |`,
    `| appends | ${r.appends.turns} turns, ${r.appends.appendedBytes} bytes appended, ${r.appends.bytesRead} bytes read |`,
    `| bytes read per appended byte | **${r.appends.readPerAppended}** (target 1.0) |`,
    `| runs seen | ${r.appends.runStarts} started, ${r.appends.runEnds} ended |`,
    `| hinted look (p50) | ${r.appends.hintedPassMsP50} ms |`,
    `| memory at the end | heap ${r.after.heapMiB} MiB, RSS ${r.after.rssMiB} MiB |`,
  ].join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      sessions: { type: "string" },
      "total-mb": { type: "string" },
      rounds: { type: "string" },
      "per-round": { type: "string" },
      dir: { type: "string" },
      keep: { type: "boolean" },
      json: { type: "string" },
      smoke: { type: "boolean" },
    },
  });
  const smoke = values.smoke === true;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  say(`machine: ${JSON.stringify(machineInfo())}`);
  const result = await runLegacyBench({
    sessions: Number(values.sessions ?? (smoke ? 20 : 1_000)),
    totalBytes: Number(values["total-mb"] ?? (smoke ? 4 : 1_024)) * MiB,
    rounds: Number(values.rounds ?? (smoke ? 10 : 200)),
    perRound: Number(values["per-round"] ?? (smoke ? 3 : 10)),
    ...(values.dir !== undefined && { dir: values.dir }),
    keep: values.keep === true,
    progress: say,
  });
  process.stdout.write(`${markdown(result)}\n`);
  if (values.json)
    await writeFile(values.json, `${JSON.stringify({ machine: machineInfo(), result }, null, 2)}\n`);
  if (result.appends.runStarts !== result.appends.turns || result.appends.runEnds !== result.appends.turns) {
    say("unexpected: every appended turn should start and end exactly one run");
    process.exitCode = 1;
  }
}
