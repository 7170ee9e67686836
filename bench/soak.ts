/**
 * Soak: many runs over a fixed set of sessions, to show that the pipeline's memory and per-event cost
 * stay flat as a gateway keeps running. `--runs` runs (run_start, two tool events, run_end; every
 * tenth with a sub-agent whose session is new, every twentieth beside an unroutable cron run whose
 * session is new) go round `--sessions` channel sessions. Core, runtime, box publishers and the
 * SQLite ledger run for real on a manual clock; Mattermost is an in-process client that answers at
 * once, so the figures are the pipeline's own (the HTTP path is measured by the other benchmarks).
 * Every `--every` runs it forces a GC and reports the heap, the slots and box writers in memory,
 * and CPU and wall time per event over the last window.
 * Run: `npx node --expose-gc bench/soak.ts [--runs 100000] [--sessions 10000] [--every 10000] [--dir /dev/shm]`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openLedger } from "../packages/openclaw-plugin/src/adapters/storage/index.ts";
import type { LiveEvent } from "../packages/openclaw-plugin/src/core/events.ts";
import type {
  MattermostChannel,
  MattermostClient,
  MattermostPost,
} from "../packages/openclaw-plugin/src/ports/mattermost.ts";
import { ManualClock } from "../packages/openclaw-plugin/src/runtime/clock.ts";
import { DEFAULT_CORE_CONFIG } from "../packages/openclaw-plugin/src/runtime/defaults.ts";
import { LiveStatusRuntime } from "../packages/openclaw-plugin/src/runtime/runtime.ts";
import { countingLogger } from "./lib/log.ts";
import { round } from "./lib/stats.ts";

export interface SoakOptions {
  runs?: number;
  sessions?: number;
  /** Runs between two reports. */
  every?: number;
  /** Where the ledger goes; a RAM disk (/dev/shm) keeps disk syncs out of the figures. */
  dir?: string;
  progress?: (line: string) => void;
}

export interface SoakPoint {
  runs: number;
  events: number;
  heapMiB: number;
  slotsInMemory: number | null;
  boxesInMemory: number | null;
  cpuUsPerEvent: number;
  wallUsPerEvent: number;
}

export interface SoakResult {
  points: SoakPoint[];
  posts: { created: number; edited: number; deleted: number };
  warnings: number;
  errors: number;
}

/** A Mattermost that answers every call at once and keeps only counters. */
function instantMattermost() {
  const counts = { created: 0, edited: 0, deleted: 0 };
  let next = 0;
  const post = (channel: string, message: string, props: Record<string, unknown>): MattermostPost => ({
    id: `p${(next++).toString(36).padStart(25, "0")}`,
    channel_id: channel,
    root_id: "",
    user_id: "bot",
    message,
    type: "custom_live_status",
    props,
    create_at: 0,
    update_at: 0,
    delete_at: 0,
  });
  const channel = (id: string): MattermostChannel => ({
    id,
    type: "O",
    name: id,
    display_name: id,
    team_id: "t",
  });
  const client: MattermostClient = {
    getMe: async () => ({ id: "bot", username: "bot" }),
    createPost: async (input) => {
      counts.created++;
      return post(input.channel_id, input.message, input.props);
    },
    patchPost: async (id, patch) => {
      counts.edited++;
      return { ...post("c", patch.message, patch.props), id };
    },
    deletePost: async () => {
      counts.deleted++;
    },
    getPost: async (id) => ({ ...post("c", "", {}), id }),
    createDirectChannel: async (a, b) => channel(`${a}__${b}`.slice(0, 26)),
    getChannel: async (id) => channel(id),
  };
  return { client, counts };
}

const channelId = (i: number) => `c${i.toString(36).padStart(25, "0")}`;

function runEvents(run: number, sessions: number, at: number): LiveEvent[] {
  const session = `agent:main:mattermost:channel:${channelId(run % sessions)}`;
  const runId = `r${run}`;
  const ev = (ts: number, body: Record<string, unknown>, s = session) =>
    ({ v: 1, ts, session: s, ...body }) as LiveEvent;
  const events: LiveEvent[] = [
    ev(at, { type: "run_start", runId, trigger: { kind: "user" } }),
    ev(at + 100, { type: "tool_start", runId, callId: "t1", name: "exec", args: { command: "make test" } }),
    ev(at + 900, { type: "tool_end", runId, callId: "t1", ok: true }),
  ];
  if (run % 10 === 0) {
    const child = `agent:main:subagent:${run}`;
    events.push(ev(at + 950, { type: "subagent_start", runId, child, label: "helper" }));
    events.push(ev(at + 960, { type: "tool_start", callId: "k1", name: "read" }, child));
  }
  if (run % 20 === 0)
    events.push(
      ev(at + 970, { type: "run_start", runId: `cron${run}` }, `agent:main:cron:nightly:run:${run}`),
    );
  events.push(ev(at + 1_000, { type: "run_end", runId, outcome: "ok" }));
  return events;
}

export async function runSoak(o: SoakOptions = {}): Promise<SoakResult> {
  const runs = o.runs ?? 100_000;
  const sessions = o.sessions ?? 10_000;
  const every = o.every ?? 10_000;
  const gc = (globalThis as { gc?: () => void }).gc;
  const dir = await mkdtemp(join(o.dir ?? tmpdir(), "live-status-soak-"));
  const ledger = openLedger(join(dir, "ledger.sqlite"));
  const clock = new ManualClock(1_789_000_000_000);
  const mattermost = instantMattermost();
  const log = countingLogger();
  const runtime = new LiveStatusRuntime({
    config: DEFAULT_CORE_CONFIG,
    ledger,
    client: mattermost.client,
    botUserId: "bot",
    clock,
    log,
    random: () => 0.5,
  });
  const rt = runtime as LiveStatusRuntime & { slotsInMemory?: () => number; boxesInMemory?: () => number };
  const points: SoakPoint[] = [];
  let events = 0;
  let windowEvents = 0;
  let cpu = process.cpuUsage();
  let wall = performance.now();
  try {
    for (let run = 0; run < runs; run++) {
      for (const event of runEvents(run, sessions, clock.now())) {
        runtime.ingest(event);
        events++;
        windowEvents++;
      }
      // Two seconds of event time per run: lets every publisher's throttle and final write go.
      await clock.advance(2_000, () => new Promise((resolve) => setImmediate(resolve)));
      if ((run + 1) % every !== 0) continue;
      await runtime.idle();
      const used = process.cpuUsage(cpu);
      const wallMs = performance.now() - wall;
      gc?.();
      points.push({
        runs: run + 1,
        events,
        heapMiB: round(process.memoryUsage().heapUsed / 2 ** 20, 1),
        slotsInMemory: rt.slotsInMemory?.() ?? null,
        boxesInMemory: rt.boxesInMemory?.() ?? null,
        cpuUsPerEvent: round((used.user + used.system) / windowEvents, 1),
        wallUsPerEvent: round((wallMs * 1_000) / windowEvents, 1),
      });
      o.progress?.(JSON.stringify(points.at(-1)));
      windowEvents = 0;
      cpu = process.cpuUsage();
      wall = performance.now();
    }
    await runtime.stop("soak over");
    return { points, posts: mattermost.counts, warnings: log.counts.warn, errors: log.counts.error };
  } finally {
    ledger.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      runs: { type: "string" },
      sessions: { type: "string" },
      every: { type: "string" },
      dir: { type: "string" },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const result = await runSoak({
    ...(values.runs && { runs: num(values.runs) }),
    ...(values.sessions && { sessions: num(values.sessions) }),
    ...(values.every && { every: num(values.every) }),
    ...(values.dir && { dir: values.dir }),
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
