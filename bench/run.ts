/**
 * Runs the publisher benchmarks and prints a Markdown table plus the full JSON results.
 * `npm run bench` (all three at full size, several minutes), `npm run bench -- --smoke` (tiny),
 * `--only turn|latency|sessions|long` (repeatable), `--sessions N --seconds S` for benchmark 3,
 * `--json FILE` to keep the results.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type EditLatencyResult, runEditLatency } from "./edit-latency.ts";
import { machineInfo } from "./lib/machine.ts";
import { LONG_TURN_HEADER, type LongTurnResult, longTurnRows, runLongTurns } from "./long-turns.ts";
import { type ManySessionsResult, runManySessions } from "./many-sessions.ts";
import { runTurnWrites, type TurnWritesRun } from "./turn-writes.ts";

const { values } = parseArgs({
  options: {
    only: { type: "string", multiple: true },
    smoke: { type: "boolean", default: false },
    sessions: { type: "string" },
    seconds: { type: "string" },
    json: { type: "string" },
  },
});
const only = new Set(values.only ?? ["turn", "latency", "sessions", "long"]);
const smoke = values.smoke === true;
const say = (line: string) => process.stderr.write(`${line}\n`);

const machine = machineInfo();
say(`machine: ${JSON.stringify(machine)}`);
const results: {
  machine: typeof machine;
  turn?: TurnWritesRun[];
  latency?: EditLatencyResult;
  sessions?: ManySessionsResult;
  long?: LongTurnResult[];
} = {
  machine,
};

if (only.has("turn")) {
  say("1. writes for one tool-heavy turn…");
  results.turn = await runTurnWrites(smoke ? { events: 40, seconds: 1 } : {});
}
if (only.has("latency")) {
  say("2. event → visible edit latency…");
  results.latency = await runEditLatency(smoke ? { events: 20, minGapMs: 5, maxGapMs: 50 } : {});
}
if (only.has("sessions")) {
  say("3. many concurrent sessions…");
  results.sessions = await runManySessions({
    sessions: Number(values.sessions ?? (smoke ? 10 : 1_000)),
    seconds: Number(values.seconds ?? (smoke ? 3 : 60)),
    progress: say,
  });
}

if (only.has("long")) {
  say("4. long and tool-heavy turns…");
  results.long = await runLongTurns(smoke ? ["tool-heavy-10s"] : undefined);
}

const rows: string[] = ["| benchmark | figure | value |", "|---|---|---|"];
for (const run of results.turn ?? []) {
  rows.push(
    `| 1. one turn (${run.events} events / ${run.eventSeconds} s), replay --speed ${run.speed} | writes (creates + edits) | ${run.writes} (${run.creates} + ${run.edits}), final ${run.finalState} |`,
  );
}
if (results.latency) {
  const l = results.latency;
  rows.push(
    `| 2. event → visible edit, ${l.events} events, gaps ${l.gapMs[0]}–${l.gapMs[1]} ms | latency p50 / p90 / p99 / max | ${l.latencyMs.p50} / ${l.latencyMs.p90} / ${l.latencyMs.p99} / ${l.latencyMs.max} ms (create ${l.createMs} ms, final ${l.finalMs} ms) |`,
  );
}
if (results.sessions) {
  const s = results.sessions;
  const r = s.requests;
  const name = `3. ${s.sessions} sessions × ${s.seconds} s`;
  rows.push(
    `| ${name} | CPU per 1,000 events (ingest phase / whole run) | ${s.cpuMsPer1000Events.ingestPhase} / ${s.cpuMsPer1000Events.wholeRun} ms |`,
    `| ${name} | peak RSS | ${s.peakRssMiB} MiB |`,
    `| ${name} | requests: creates (already final) / routine edits / final edits / total | ${r.creates} (${r.finalCreates}) / ${r.routineEdits} / ${r.finalEdits} / ${r.total} |`,
    `| ${name} | most requests sent in any 1 s / 10 s (budget bound) | ${r.max1s.sent} (${r.max1s.bound}) / ${r.max10s.sent} (${r.max10s.bound}) |`,
    `| ${name} | most requests arriving at the fake in any 1 s / 10 s | ${r.max1s.arrived} / ${r.max10s.arrived} |`,
    `| ${name} | run end → final stored p50 / p99 / max | ${s.finalLatencySeconds.p50} / ${s.finalLatencySeconds.p99} / ${s.finalLatencySeconds.max} s |`,
    `| ${name} | every final stored, from first event | ${s.allFinalSeconds} s |`,
    `| ${name} | lost finals; sessions without a box | ${s.lostFinals}; ${s.boxesNotPosted} |`,
  );
}
console.log(rows.join("\n"));
if (results.long) console.log(`\n${[...LONG_TURN_HEADER, ...longTurnRows(results.long)].join("\n")}`);
console.log(`\n${JSON.stringify(results, null, 2)}`);
if (values.json) await writeFile(values.json, `${JSON.stringify(results, null, 2)}\n`);
// Past a drain limit, publishers may still be waiting for the budget: do not wait for them.
process.exit(0);
