/**
 * Runs one turn through the real pipeline, black-box: the `live-status replay` command of
 * packages/openclaw-plugin as a child process, exactly as a person would run it.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serializeEvent } from "../../openclaw-plugin/src/core/event-parse.ts";
import type { LiveEvent } from "../../openclaw-plugin/src/core/events.ts";

/** The repository root (the demo lives in packages/demo). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const LIVE_STATUS_BIN = join(REPO_ROOT, "packages/openclaw-plugin/bin/live-status.js");

export interface ReplayRequest {
  events: readonly LiveEvent[];
  /** Written here before the run (one event per line). */
  eventsPath: string;
  url: string;
  /** Passed in the environment, never on the command line, so `ps` cannot show it. */
  token: string;
  /** SQLite ledger shared by the turns of a play, so a later turn finds the boxes of earlier ones. */
  ledgerPath: string;
  /** `--speed` of the command: 1 = the events' own timing. */
  speed: number;
  signal: AbortSignal;
  /** Each line the command writes to stderr (its log). */
  onLog?: (line: string) => void;
  onSpawn?: (pid: number) => void;
}

export interface ReplayOutcome {
  /** The command's exit code; `null` when it was stopped. */
  code: number | null;
  /** Its stdout: a one-paragraph summary. */
  summary: string;
}

/** How long a stopped replay gets to finalize its live boxes as interrupted before it is killed. */
const KILL_GRACE_MS = 3_000;

/**
 * Writes the events and runs `live-status replay` on them; resolves when the process has exited.
 * Aborting `signal` stops the child (SIGTERM, then SIGKILL) and still waits for it to be gone.
 */
export async function runReplay(r: ReplayRequest): Promise<ReplayOutcome> {
  await writeFile(r.eventsPath, `${r.events.map(serializeEvent).join("\n")}\n`);
  if (r.signal.aborted) return { code: null, summary: "" };
  const child = spawn(
    process.execPath,
    [
      LIVE_STATUS_BIN,
      "replay",
      r.eventsPath,
      "--mattermost-url",
      r.url,
      "--ledger",
      r.ledgerPath,
      "--speed",
      String(r.speed),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, MATTERMOST_TOKEN: r.token, MATTERMOST_URL: undefined },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (child.pid !== undefined) r.onSpawn?.(child.pid);
  let summary = "";
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (t: string) => {
    summary += t;
  });
  child.stderr.setEncoding("utf8").on("data", (t: string) => {
    pending += t;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) r.onLog?.(line);
  });
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    child.kill("SIGTERM");
    killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
  };
  r.signal.addEventListener("abort", stop, { once: true });
  try {
    const code = await new Promise<number | null>((ok, fail) => {
      child.once("error", fail);
      child.once("close", (c) => ok(c));
    });
    if (pending.trim()) r.onLog?.(pending);
    return { code: r.signal.aborted ? null : code, summary };
  } finally {
    r.signal.removeEventListener("abort", stop);
    clearTimeout(killTimer);
  }
}
