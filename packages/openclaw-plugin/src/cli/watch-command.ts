import { readdir, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LegacySource } from "../adapters/legacy-files/legacy-source.ts";
import { openClawConfigPath, readOpenClawMattermost } from "../adapters/legacy-files/openclaw-config.ts";
import { messageOf } from "../core/guards.ts";
import type { Clock } from "../ports/clock.ts";
import { systemClock } from "../runtime/clock.ts";
import { DEFAULT_CORE_CONFIG } from "../runtime/defaults.ts";
import { LiveStatusRuntime } from "../runtime/runtime.ts";
import { consoleLogger } from "./console-logger.ts";
import type { CommandIo } from "./io.ts";
import { EXIT, UsageError } from "./io.ts";
import { connectMattermost } from "./mattermost-connection.ts";
import type { OwnedLedger } from "./owned-ledger.ts";
import { openOwnedLedger } from "./owned-ledger.ts";

export const WATCH_USAGE = `Usage: live-status watch [--openclaw-home DIR] [options]

Follows a legacy OpenClaw state directory (up to v2026.7.1: sessions.json and <sessionId>.jsonl
transcripts) and keeps one live status box per session in Mattermost. Runs until SIGINT or SIGTERM,
then ends live boxes as interrupted and exits 0. Run the installed bin (node_modules/.bin/live-status,
not npx, which does not pass SIGTERM on): on an older Node it runs itself on Node 24 and passes
signals on. See docs/design/legacy-source.md for a systemd unit.

Options:
  --openclaw-home DIR    OpenClaw state directory, the one holding agents/
                         (default: $OPENCLAW_STATE_DIR, else ~/.openclaw)
  --mattermost-url URL   Mattermost server (default: $MATTERMOST_URL, else channels.mattermost.baseUrl
                         in the OpenClaw config)
  --token TOKEN          bot token (default: $MATTERMOST_TOKEN or $MATTERMOST_BOT_TOKEN, else
                         channels.mattermost.botToken in the OpenClaw config)
  --config PATH          OpenClaw config file (default: $OPENCLAW_CONFIG_PATH, else DIR/openclaw.json)
  --ledger PATH          SQLite ledger; its lease keeps a second owner out
                         (default: DIR/live-status/ledger.sqlite)
  --poll-interval MS     look at every session this often, whatever fs.watch says (default 2000)
  --no-pid-check         never judge a session lock by its pid (OpenClaw in another pid namespace)
  --main-dm-last-route   give the shared agent:<a>:main session (all DMs) boxes routed by the last
                         route in sessions.json; off by default because two DMs within one poll can
                         carry the wrong route (prefer session.dmScope: per-peer)
  --quiet                no info lines on stderr
An unreachable Mattermost is tried again with growing pauses (1 s doubling to 15 s) until it answers.
Exit: 0 stopped by a signal, 1 stopped before Mattermost answered, lease lost or the ledger's storage failed,
2 usage or configuration error, or another owner holds the ledger.`;

const TICK_MS = 30_000;
/** How long a stopping watch waits for the final writes before leaving them to the next start. */
const STOP_WAIT_MS = 10_000;

interface WatchArgs {
  home: string;
  url: string;
  token: string;
  ledger: string;
  pollIntervalMs: number;
  checkPid: boolean;
  mainDmLastRoute: boolean;
  quiet: boolean;
}

/** Test seams: the clock, and a look at the source once it has started. */
export interface WatchDeps {
  clock?: Clock;
  onStarted?: (source: LegacySource) => void;
  /** Watchdog tick and lease renewal period. Default 30 s. */
  tickMs?: number;
}

/** Something found while reading the arguments, logged once the logger exists. */
type Note = { level: "info" | "warn"; msg: string; fields?: Record<string, unknown> };

async function parseWatchArgs(argv: string[], env: CommandIo["env"], notes: Note[]): Promise<WatchArgs> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        "openclaw-home": { type: "string" },
        "mattermost-url": { type: "string" },
        token: { type: "string" },
        config: { type: "string" },
        ledger: { type: "string" },
        "poll-interval": { type: "string" },
        "no-pid-check": { type: "boolean" },
        "main-dm-last-route": { type: "boolean" },
        quiet: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const home = resolve(
    str("openclaw-home") ?? (env.OPENCLAW_STATE_DIR || join(env.HOME || homedir(), ".openclaw")),
  );
  await checkStateDir(home, notes);

  let url = str("mattermost-url") ?? (env.MATTERMOST_URL || undefined);
  let token = str("token") ?? (env.MATTERMOST_TOKEN || env.MATTERMOST_BOT_TOKEN || undefined);
  let configNote = "";
  if (!url || !token) {
    const config = await readOpenClawMattermost(str("config") ?? openClawConfigPath(home, env), env);
    url ??= config.url;
    token ??= config.token;
    if (config.url || config.token)
      notes.push({
        level: "info",
        msg: "Mattermost settings from the OpenClaw config",
        fields: { path: config.path },
      });
    configNote = config.found
      ? `${config.path}${config.problems.length ? `: ${config.problems.join("; ")}` : ""}`
      : `${config.path} (not found)`;
  }
  if (!url)
    throw new UsageError(
      `no Mattermost URL: pass --mattermost-url, set $MATTERMOST_URL, or set channels.mattermost.baseUrl in ${configNote}`,
    );
  if (!token)
    throw new UsageError(
      `no bot token: pass --token, set $MATTERMOST_TOKEN, or set channels.mattermost.botToken in ${configNote}`,
    );

  const poll = Number(str("poll-interval") ?? "2000");
  if (!Number.isFinite(poll) || poll < 10)
    throw new UsageError("--poll-interval must be a number of milliseconds, at least 10");
  return {
    home,
    url,
    token,
    ledger: str("ledger") ?? join(home, "live-status", "ledger.sqlite"),
    pollIntervalMs: poll,
    checkPid: values["no-pid-check"] !== true,
    mainDmLastRoute: values["main-dm-last-route"] === true,
    quiet: values.quiet === true,
  };
}

/** The state dir must hold `agents/`; a newer (SQLite) install is named as such. */
async function checkStateDir(home: string, notes: Note[]): Promise<void> {
  let agents: string[];
  try {
    if (!(await stat(home)).isDirectory()) throw new UsageError(`${home} is not a directory`);
    agents = await readdir(join(home, "agents"));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${home} is not an OpenClaw state directory (no agents/ in it); pass --openclaw-home`,
    );
  }
  for (const agent of agents) {
    const sqlite = await stat(join(home, "agents", agent, "agent", "openclaw-agent.sqlite")).catch(
      () => null,
    );
    const legacy = await stat(join(home, "agents", agent, "sessions", "sessions.json")).catch(() => null);
    if (sqlite && !legacy) {
      notes.push({
        level: "warn",
        msg: "this agent keeps its sessions in SQLite (OpenClaw v2026.7.2 or newer); watch follows only legacy files: use the Live Status plugin there",
        fields: { agent },
      });
    }
  }
}

/**
 * `live-status watch`: the legacy-files source driving the runtime, under the ledger's single-owner
 * lease, until the CommandIo signal aborts. Then live boxes end as interrupted and it returns 0.
 */
export async function watchCommand(argv: string[], io: CommandIo, deps: WatchDeps = {}): Promise<number> {
  const notes: Note[] = [];
  const args = await parseWatchArgs(argv, io.env, notes);
  const log = consoleLogger(io.stderr, { quiet: args.quiet });
  for (const note of notes) log[note.level](note.msg, note.fields);
  const clock = deps.clock ?? systemClock;
  const signal = io.signal ?? new AbortController().signal;
  // Like the plugin, watch waits for Mattermost as long as it takes (until stopped).
  const connection = await connectMattermost(args.url, args.token, undefined, {
    waitMs: Number.POSITIVE_INFINITY,
    log,
    signal,
  });
  const owned = openOwnedLedger(args.ledger, "watch", clock);
  const { ledger } = owned;
  try {
    const runtime = new LiveStatusRuntime({
      config: DEFAULT_CORE_CONFIG,
      ledger,
      client: connection.io.client,
      botUserId: connection.botUserId,
      backlogMs: connection.backlogMs,
      clock,
      log,
      onStorageFault: owned.fail,
    });
    runtime.restore();
    const source = new LegacySource({
      home: args.home,
      clock,
      log,
      emit: (event) => runtime.ingest(event),
      pollIntervalMs: args.pollIntervalMs,
      checkPid: args.checkPid,
      mainSessionLastRoute: args.mainDmLastRoute,
    });
    await source.start();
    log.info("watching", { home: args.home, ledger: args.ledger, sessions: source.sessions().length });
    deps.onStarted?.(source);

    owned.lost.addEventListener("abort", () =>
      log.error("the ledger lease was taken by another owner; stopping"),
    );
    const stop = AbortSignal.any([signal, owned.lost, owned.failed]);
    const tending = tend({ runtime, owned, stop, clock, tickMs: deps.tickMs ?? TICK_MS });
    await source.run(stop);
    source.close();
    await tending;

    const leaseLost = owned.lost.aborted;
    const storage = owned.failed.aborted ? (owned.failed.reason as Error) : null;
    if (storage) io.stderr(`live-status watch: ${storage.message}; live boxes end as interrupted\n`);
    const why = storage
      ? "the ledger failed"
      : leaseLost
        ? "the ledger lease was lost"
        : `live-status watch stopped (${reasonOf(signal)})`;
    const stopping = runtime.stop(why);
    const timer = new AbortController();
    const late = await Promise.race([
      stopping.then(() => false),
      clock.sleep(STOP_WAIT_MS, timer.signal).then(
        () => true,
        () => false,
      ),
    ]);
    timer.abort();
    if (late) {
      // Mattermost is away: what is owed stays in the ledger's outbox for the next start.
      const owed = runtime.abandon();
      io.stderr(
        `live-status watch: Mattermost did not take ${owed} final state(s) within ${STOP_WAIT_MS / 1000} s; they stay in ${args.ledger} and land on the next start\n`,
      );
    }
    log.info("stopped", { reason: why, ...runtime.report() });
    if (leaseLost || storage) return EXIT.failed;
    return EXIT.ok;
  } finally {
    owned.close();
  }
}

/** Watchdog ticks and lease renewal until `stop`; a lease taken by someone else stops the watch. */
async function tend(o: {
  runtime: LiveStatusRuntime;
  owned: OwnedLedger;
  clock: Clock;
  stop: AbortSignal;
  tickMs: number;
}): Promise<void> {
  while (!o.stop.aborted) {
    try {
      await o.clock.sleep(o.tickMs, o.stop);
    } catch {
      return;
    }
    o.runtime.tick();
    // A lease taken by someone else aborts `owned.lost`, which ends the watch.
    if (!o.owned.renew()) return;
  }
}

function reasonOf(signal: AbortSignal): string {
  return typeof signal.reason === "string" ? signal.reason : "signal";
}
