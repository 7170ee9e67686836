/**
 * Redaction cost per agent event on realistic traffic. Generates OpenClaw-like turns — assistant
 * text streamed as cumulative deltas, tool calls with real-world commands (some carrying fake
 * secrets), failed tools with error text, sub-agents, usage — and measures the CPU of exactly the
 * calls the status model makes for each event that redact (argument summaries, the streaming
 * preview, error texts, labels). Compare with the plugin's CPU per 1,000 events in README.md.
 *
 *   npx node bench/redaction.ts [--events 20000] [--rounds 7] [--seed 1] [--plugin-ms 23] [--json FILE]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { summarizeArgs } from "../packages/openclaw-plugin/src/core/args-summary.ts";
import type { ContentEvent } from "../packages/openclaw-plugin/src/core/events.ts";
import { applyContent, MAX_PREVIEW, startStatus } from "../packages/openclaw-plugin/src/core/status-model.ts";
import { withStreamingPreview } from "../packages/openclaw-plugin/src/core/stream-preview.ts";
import { safeHead, streamingTail } from "../packages/openclaw-plugin/src/core/text.ts";
import { seededRandom } from "./lib/events.ts";
import { machineInfo } from "./lib/machine.ts";
import { quantile, round } from "./lib/stats.ts";

const SESSION = "agent:main:mattermost:channel:4xp9fdt7pbgium38k9xu8ugtyy";
const ghp = `ghp_${"Zq9Xw3".repeat(6)}`;
const COMMANDS = [
  "git status --short && git diff --stat",
  "npm test -- --run packages/openclaw-plugin/src/core",
  "rg -n 'publishableEnd' packages/openclaw-plugin/src",
  "ls -la /home/dev/projects/live-status/packages",
  "docker compose logs --tail 200 api",
  "kubectl -n prod get pods -o wide",
  "curl -sS https://api.github.com/repos/openclaw/openclaw/releases/latest | jq .tag_name",
  `curl -sS -H 'Authorization: Bearer ${ghp}' https://api.github.com/user`,
  "psql postgres://app:S3cretPassw0rd@db.internal:5432/app -c 'select count(*) from users'",
  "mysql -u root -pHx7qPz2Lw9Rv app -e 'show tables'",
  "python3 -m pytest tests/test_api.py -k 'auth and not slow' -x -q",
  "cat <<EOF > notes.md\n# Notes\n- fix the parser\n- rerun the tests\nEOF",
  "export NODE_ENV=production && npm run build",
  "aws s3 ls s3://backups/2026/ --recursive | tail -20",
];
const PATHS = [
  "src/core/text.ts",
  "packages/openclaw-plugin/src/core/status-model.ts",
  "README.md",
  "docs/security.md",
];
const PROSE = (
  "I'll look at the failing test first, then fix the parser so the line numbers match the input. " +
  "The error says `expected 3 but got 4` at src/core/event-parse.ts:120, which points at the CRLF handling. " +
  "Next I'll run the whole suite and check the benchmark figures against the README before committing. " +
  "The config has a token field, but it is read from the environment, so nothing changes there. "
).split(" ");
const ERRORS = [
  "Command failed with exit code 1: npm ERR! code ELIFECYCLE",
  "ENOENT: no such file or directory, open '/home/dev/projects/app/.env'",
  "fatal: Authentication failed for 'https://bob:ghp_Zq9Xw3Zq9Xw3Zq9Xw3Zq9Xw3Zq9Xw3Zq9Xw3@github.com/o/r.git/'",
  "Error: connect ECONNREFUSED 127.0.0.1:5432",
];

type Body = ContentEvent extends infer E
  ? E extends unknown
    ? Omit<E, "v" | "ts" | "session" | "runId">
    : never
  : never;

export interface RedactionBenchOptions {
  events?: number;
  rounds?: number;
  seed?: number;
  /** The plugin's CPU per 1,000 events to compare with (default: README.md, benchmark 3). */
  pluginMs?: number;
}

/** Generates the traffic and measures the redaction CPU per 1,000 events. */
export function runRedaction(o: RedactionBenchOptions = {}) {
  const rounds = o.rounds ?? 7;

  /** One agent step: a streamed message, then tool calls (a few fail), sometimes a sub-agent. */
  function* traffic(random: () => number): Generator<Body> {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    let call = 0;
    for (;;) {
      yield { type: "thinking" };
      const words = 40 + Math.floor(random() * 160);
      let text = "";
      for (let i = 0; i < words; i++) {
        text += `${pick(PROSE)} `;
        if (random() < 0.8) yield { type: "text", text }; // a delta every ~1.25 words (~8 characters), as models stream
      }
      yield { type: "text", text: text.trimEnd() };
      const tools = 1 + Math.floor(random() * 3);
      for (let t = 0; t < tools; t++) {
        const id = `c${call++}`;
        const exec = random() < 0.6;
        yield exec
          ? { type: "tool_start", callId: id, name: "exec", args: { command: pick(COMMANDS), timeout: 120 } }
          : { type: "tool_start", callId: id, name: "read", args: { path: pick(PATHS) } };
        const ok = random() > 0.1;
        yield ok
          ? { type: "tool_end", callId: id, ok }
          : { type: "tool_end", callId: id, ok, error: pick(ERRORS) };
      }
      yield { type: "usage", input: 1200, output: 300 };
      if (random() < 0.1) {
        const child = `agent:main:subagent:${call}`;
        yield { type: "subagent_start", child, label: "review the parser fix and its tests" };
        yield { type: "subagent_end", child, outcome: "ok" };
      }
    }
  }

  const events: ContentEvent[] = [];
  for (const body of traffic(seededRandom(o.seed ?? 1))) {
    // Through JSON, as events reach the plugin: flat strings, not the ropes `+=` builds.
    const event = JSON.parse(
      JSON.stringify({ v: 1, ts: events.length, session: SESSION, runId: "r1", ...body }),
    );
    events.push(event as ContentEvent);
    if (events.length >= (o.events ?? 20_000)) break;
  }

  // Exactly the redacting calls status-model.ts makes for each event (see applyContent); a text
  // event goes through the streaming preview of one box, as in the plugin.
  let box = startStatus(SESSION, 0);
  function redactFor(e: ContentEvent): unknown {
    switch (e.type) {
      case "text":
        box = withStreamingPreview(box, e.text, MAX_PREVIEW, []);
        return box;
      case "tool_start":
        return summarizeArgs(e.name, e.args);
      case "tool_end":
        return e.ok || e.error === undefined ? undefined : safeHead(e.error, 200);
      case "subagent_start":
      case "subagent_end":
        return e.label === undefined ? undefined : safeHead(e.label, 64);
      default:
        return undefined;
    }
  }

  // The same traffic if every text event recomputed its preview (no streaming step).
  function everyTextEvent(e: ContentEvent): unknown {
    return e.type === "text" ? streamingTail(e.text, MAX_PREVIEW) : redactFor(e);
  }

  function cpuMs(f: () => void): number {
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  }

  let sink = 0;
  const redaction = () => {
    for (const e of events) if (redactFor(e) !== undefined) sink++;
  };
  const model = () => {
    let s = startStatus(SESSION, 0);
    for (const e of events) {
      s = applyContent(s, e, e.ts);
      if (s.state !== "running") s = startStatus(SESSION, e.ts);
    }
    sink += s.tools.length;
  };

  redaction();
  model(); // warm-up
  const perThousand = (ms: number) => (ms / events.length) * 1000;
  const redactionRuns = Array.from({ length: rounds }, () => perThousand(cpuMs(redaction)));
  const everyRuns = Array.from({ length: rounds }, () =>
    perThousand(
      cpuMs(() => {
        for (const e of events) if (everyTextEvent(e) !== undefined) sink++;
      }),
    ),
  );
  const modelRuns = Array.from({ length: rounds }, () => perThousand(cpuMs(model)));

  const kinds: Record<string, number> = {};
  for (const e of events) kinds[e.type] = (kinds[e.type] ?? 0) + 1;
  const byKind: Record<string, number> = {};
  for (const type of Object.keys(kinds)) {
    const of = events.filter((e) => e.type === type);
    const ms = quantile(
      Array.from({ length: rounds }, () => cpuMs(() => of.forEach(redactFor))),
      0.5,
    );
    byKind[type] = round((ms / of.length) * 1000, 2);
  }

  const pluginMs = o.pluginMs ?? 23;
  const redactionMs = quantile(redactionRuns, 0.5);
  const result = {
    machine: machineInfo(),
    events: events.length,
    mix: kinds,
    redactionMsPer1000Events: round(redactionMs, 3),
    redactionMsPer1000EventsIfEveryTextEventRecomputed: round(quantile(everyRuns, 0.5), 3),
    statusModelMsPer1000Events: round(quantile(modelRuns, 0.5), 3),
    redactionUsPerEventByKind: byKind,
    pluginMsPer1000Events: pluginMs,
    shareOfPluginCpu: `${round((redactionMs / pluginMs) * 100, 2)} %`,
    sink,
  };
  return result;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      events: { type: "string", default: "20000" },
      rounds: { type: "string", default: "7" },
      seed: { type: "string", default: "1" },
      json: { type: "string" },
      // The plugin's CPU per 1,000 events to compare with; measure it under the same load
      // (bench/many-sessions.ts) when the machine is busy. Default: README.md, benchmark 3.
      "plugin-ms": { type: "string", default: "23" },
    },
  });
  const result = runRedaction({
    events: Number(values.events),
    rounds: Number(values.rounds),
    seed: Number(values.seed),
    pluginMs: Number(values["plugin-ms"]),
  });
  console.log(JSON.stringify(result, null, 2));
  if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2));
}
