/**
 * Benchmark 1: Mattermost writes for one tool-heavy turn, through the `live-status replay` command
 * (the plugin's real pipeline: core, runtime, box publisher, rate budget, HTTP client) against the
 * fake Mattermost on loopback. Run: `npx node bench/turn-writes.ts [--events 400] [--seconds 10]`.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { LiveStatusV1 } from "@live-status/contract";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { main } from "../packages/openclaw-plugin/src/cli/main.ts";
import { serializeEvent } from "../packages/openclaw-plugin/src/core/event-parse.ts";
import { channelSession, toolHeavyTurn } from "./lib/events.ts";

export interface TurnWritesOptions {
  /** Events in the turn, run_start and run_end included. Default 400. */
  events?: number;
  /** Event time of the turn. Default 10 s. */
  seconds?: number;
  /** Replay speeds to measure. Default ["1", "max"]. */
  speeds?: string[];
}

export interface TurnWritesRun {
  speed: string;
  events: number;
  eventSeconds: number;
  /** Creates + edits of the box that reached the fake. */
  writes: number;
  creates: number;
  edits: number;
  finalState: LiveStatusV1["state"] | null;
  wallSeconds: number;
  exitCode: number;
}

/** Replays one turn at each speed into a fresh fake and counts the writes it received. */
export async function runTurnWrites(o: TurnWritesOptions = {}): Promise<TurnWritesRun[]> {
  const events = o.events ?? 400;
  const seconds = o.seconds ?? 10;
  const runs: TurnWritesRun[] = [];
  for (const speed of o.speeds ?? ["1", "max"]) runs.push(await replayOnce(events, seconds, speed));
  return runs;
}

async function replayOnce(events: number, seconds: number, speed: string): Promise<TurnWritesRun> {
  const fake = await startFakeMattermost();
  const dir = await mkdtemp(join(tmpdir(), "live-status-bench-"));
  try {
    const channel = fake.addChannel("O", "bench");
    const turn = toolHeavyTurn({
      session: channelSession(channel.id),
      runId: "turn-1",
      startMs: Date.UTC(2026, 0, 1),
      events,
      durationMs: seconds * 1_000,
    });
    const file = join(dir, "turn.jsonl");
    await writeFile(file, `${turn.map(serializeEvent).join("\n")}\n`);
    const started = performance.now();
    const err: string[] = [];
    const exitCode = await main(
      ["replay", file, "--mattermost-url", fake.url, "--speed", speed, "--json", "--quiet"],
      { stdout: () => {}, stderr: (t) => err.push(t), env: { MATTERMOST_TOKEN: fake.botToken } },
    );
    const wallSeconds = (performance.now() - started) / 1_000;
    if (exitCode !== 0) throw new Error(`replay exited ${exitCode}: ${err.join("")}`);
    const ok = fake.requests().filter((r) => r.status >= 200 && r.status < 300);
    const creates = ok.filter((r) => r.method === "POST" && r.path === "/api/v4/posts").length;
    const edits = ok.filter((r) => r.method === "PUT" && r.path.endsWith("/patch")).length;
    const box = fake.postsIn(channel.id).find((p) => p.type === "custom_live_status");
    const status = box?.props.live_status as LiveStatusV1 | undefined;
    return {
      speed,
      events: turn.length,
      eventSeconds: seconds,
      writes: creates + edits,
      creates,
      edits,
      finalState: status?.state ?? null,
      wallSeconds: Math.round(wallSeconds * 100) / 100,
      exitCode,
    };
  } finally {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      events: { type: "string", default: "400" },
      seconds: { type: "string", default: "10" },
      speed: { type: "string", multiple: true },
    },
  });
  const runs = await runTurnWrites({
    events: Number(values.events),
    seconds: Number(values.seconds),
    ...(values.speed && { speeds: values.speed }),
  });
  console.log(JSON.stringify(runs, null, 2));
}
