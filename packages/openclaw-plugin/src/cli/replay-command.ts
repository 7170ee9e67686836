import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { parseEventStream } from "../core/event-parse.ts";
import type { LiveEvent } from "../core/events.ts";
import { messageOf } from "../core/guards.ts";
import { plural } from "../core/text.ts";
import { ManualClock, systemClock } from "../runtime/clock.ts";
import { DEFAULT_CORE_CONFIG } from "../runtime/defaults.ts";
import { finishPlay, playEvents } from "../runtime/event-player.ts";
import { LiveStatusRuntime } from "../runtime/runtime.ts";
import { consoleLogger } from "./console-logger.ts";
import type { CommandIo } from "./io.ts";
import { EXIT, UsageError } from "./io.ts";
import { connectMattermost } from "./mattermost-connection.ts";
import { openOwnedLedger } from "./owned-ledger.ts";

export const REPLAY_USAGE = `Usage: live-status replay <events.jsonl> --mattermost-url URL --token TOKEN [options]

Plays a file of normalized events (docs/events.md) through the same pipeline the plugin uses.

Options:
  --mattermost-url URL   Mattermost server (or $MATTERMOST_URL)
  --token TOKEN          bot token (or $MATTERMOST_TOKEN, which keeps it out of the process list)
  --ledger PATH          keep sessions and boxes in this SQLite file between runs (default: in memory)
  --speed max|FACTOR     max: as fast as possible, with event time as the clock (default);
                         FACTOR: that many times faster than recorded (1 = real time)
  --rate-per-sec N       Mattermost requests per second for the token (default 5, burst 5)
  --wait-for-server S    keep trying an unreachable Mattermost for up to S seconds, with growing pauses
                         (1 s doubling to 15 s), before giving up with exit 1 (default 60; 0: try once)
  --final-wait SECONDS   once the input ends, how long to wait for Mattermost to take the final
                         states (default 300; 10 after SIGINT/SIGTERM); what is left stays in the
                         --ledger file and lands on the next run on it
  --json                 print a JSON summary on stdout (boxesShown, boxesNeverShown, finalsLanded,
                         finalsPending, finalsImpossible)
  --quiet                no info lines on stderr
Exit: 0 every box appeared and every final state landed, 1 Mattermost unreachable or the ledger's
storage failed, 2 usage or
configuration error, 3 bad input lines, 4 a box never appeared or a final state did not land
(still owed: see --json), 130 stopped by SIGINT/SIGTERM (live boxes are finalized as interrupted first).`;

/** Real-time waits for the final writes at the end of a replay (see --final-wait). */
const FINAL_WAIT_MS = 300_000;
const FINAL_WAIT_AFTER_SIGNAL_MS = 10_000;

interface ReplayArgs {
  file: string;
  url: string;
  token: string;
  ledger: string;
  speed: "max" | number;
  ratePerSec: number | undefined;
  waitForServerMs: number;
  finalWaitMs: number | undefined;
  json: boolean;
  quiet: boolean;
}

function parseReplayArgs(argv: string[], env: CommandIo["env"]): ReplayArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        "mattermost-url": { type: "string" },
        token: { type: "string" },
        ledger: { type: "string" },
        speed: { type: "string" },
        "rate-per-sec": { type: "string" },
        "wait-for-server": { type: "string" },
        "final-wait": { type: "string" },
        json: { type: "boolean" },
        quiet: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError("replay takes exactly one events file");
  const url = (values["mattermost-url"] as string | undefined) ?? env.MATTERMOST_URL;
  const token = (values.token as string | undefined) ?? env.MATTERMOST_TOKEN;
  if (!url) throw new UsageError("missing --mattermost-url (or $MATTERMOST_URL)");
  if (!token) throw new UsageError("missing --token (or $MATTERMOST_TOKEN)");
  const speedText = (values.speed as string | undefined) ?? "max";
  const factor = Number(speedText);
  if (speedText !== "max" && !(Number.isFinite(factor) && factor > 0))
    throw new UsageError(`--speed must be "max" or a positive number, not ${speedText}`);
  const rateText = values["rate-per-sec"] as string | undefined;
  const ratePerSec = rateText === undefined ? undefined : Number(rateText);
  if (ratePerSec !== undefined && !(Number.isFinite(ratePerSec) && ratePerSec >= 0.1 && ratePerSec <= 100))
    throw new UsageError(`--rate-per-sec must be a number from 0.1 to 100, not ${rateText}`);
  const waitText = (values["wait-for-server"] as string | undefined) ?? "60";
  const waitForServer = Number(waitText);
  if (!(Number.isFinite(waitForServer) && waitForServer >= 0))
    throw new UsageError(`--wait-for-server must be a number of seconds, 0 or more, not ${waitText}`);
  const finalWaitText = values["final-wait"] as string | undefined;
  const finalWait = finalWaitText === undefined ? undefined : Number(finalWaitText);
  if (finalWait !== undefined && !(Number.isFinite(finalWait) && finalWait >= 0))
    throw new UsageError(`--final-wait must be a number of seconds, not ${finalWaitText}`);
  return {
    file: positionals[0] ?? "",
    finalWaitMs: finalWait === undefined ? undefined : finalWait * 1000,
    url,
    token,
    ledger: (values.ledger as string | undefined) ?? ":memory:",
    speed: speedText === "max" ? "max" : factor,
    ratePerSec,
    waitForServerMs: waitForServer * 1_000,
    json: values.json === true,
    quiet: values.quiet === true,
  };
}

export async function replayCommand(argv: string[], io: CommandIo): Promise<number> {
  const args = parseReplayArgs(argv, io.env);
  let text: string;
  try {
    text = await readFile(args.file, "utf8");
  } catch (error) {
    throw new UsageError(
      `cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const log = consoleLogger(io.stderr, { quiet: args.quiet });
  const stream = parseEventStream(text);
  let badLines = 0;
  for (const p of stream.problems) {
    if (p.unknownType !== undefined)
      log.warn(`line ${p.line}: unknown event type "${p.unknownType}", skipped`);
    else {
      badLines++;
      io.stderr(`line ${p.line}: ${p.reason}\n`);
    }
  }
  const events: LiveEvent[] = stream.events.map((e) => e.event);

  const connection = await connectMattermost(args.url, args.token, args.ratePerSec, {
    waitMs: args.waitForServerMs,
    log,
    ...(io.signal && { signal: io.signal }),
  });
  const owned = openOwnedLedger(args.ledger, "replay", systemClock);
  const { ledger } = owned;
  try {
    const clock = new ManualClock(events[0]?.ts ?? systemClock.now());
    const runtime = new LiveStatusRuntime({
      config: DEFAULT_CORE_CONFIG,
      ledger,
      client: connection.io.client,
      botUserId: connection.botUserId,
      backlogMs: connection.backlogMs,
      clock,
      // Back-offs wait real time: an outage is not shortened by event time racing ahead.
      retryClock: systemClock,
      log,
      onStorageFault: owned.fail,
    });
    runtime.restore();
    const stop = io.signal ? AbortSignal.any([io.signal, owned.failed]) : owned.failed;
    await playEvents(events, {
      runtime,
      clock,
      io: connection.io,
      speed: args.speed,
      sleep: (ms) => systemClock.sleep(ms, io.signal).catch(() => undefined),
      signal: stop,
      onEvent: () => owned.renew(),
    });
    const interrupted = io.signal?.aborted === true;
    const storage = owned.failed.aborted ? (owned.failed.reason as Error) : null;
    if (interrupted)
      log.warn(`stopped by ${String(io.signal?.reason ?? "signal")}: live boxes end as interrupted`);
    else if (storage) io.stderr(`live-status replay: ${storage.message}; live boxes end as interrupted\n`);
    const waitMs = args.finalWaitMs ?? (interrupted || storage ? FINAL_WAIT_AFTER_SIGNAL_MS : FINAL_WAIT_MS);
    const settled = await finishPlay(
      { runtime, clock, io: connection.io },
      interrupted ? "replay stopped" : storage ? "the ledger failed" : "replay input ended",
      { waitMs, realClock: systemClock },
    );
    const report = runtime.report();
    if (!settled) {
      const where =
        args.ledger === ":memory:"
          ? "they are lost (no --ledger file)"
          : `they stay in ${args.ledger} and land on the next run on it`;
      io.stderr(
        `live-status replay: Mattermost did not take ${report.finalsPending} final state(s) within ${Math.round(waitMs / 1000)} s; ${where}\n`,
      );
    }

    const sessions = runtime.summary();
    const totals = Object.values(sessions).reduce(
      (t, s) => ({
        boxesCreated: t.boxesCreated + s.boxesCreated,
        updates: t.updates + s.updates,
        boxesRemoved: t.boxesRemoved + s.boxesRemoved,
      }),
      { boxesCreated: 0, updates: 0, boxesRemoved: 0 },
    );
    const finalsNotLanded = report.finalsPending + report.finalsImpossible;
    const summary = {
      events: events.length,
      badLines,
      sessions,
      totals: { ...totals, ...report, finalsNotLanded },
      apiCalls: connection.io.calls(),
    };
    if (args.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
    else io.stdout(humanSummary(summary));
    if (interrupted) return EXIT.interrupted;
    if (storage) return EXIT.failed;
    if (badLines > 0) return EXIT.badInput;
    return finalsNotLanded > 0 || report.boxesNeverShown > 0 ? EXIT.undelivered : EXIT.ok;
  } finally {
    owned.close();
  }
}

function humanSummary(s: {
  events: number;
  sessions: Record<
    string,
    { boxesCreated: number; updates: number; boxesRemoved: number; finalState: string | null }
  >;
  totals: {
    boxesCreated: number;
    boxesRemoved: number;
    boxesNeverShown: number;
    finalsPending: number;
    finalsImpossible: number;
  };
  apiCalls: Record<string, number>;
}): string {
  const lines = [
    `${plural(s.events, "event")}, ${plural(Object.keys(s.sessions).length, "session")} with boxes`,
  ];
  for (const [session, x] of Object.entries(s.sessions))
    lines.push(
      `  ${session}: ${x.boxesCreated} created, ${x.boxesRemoved} removed, final ${x.finalState ?? "-"}`,
    );
  const calls = Object.entries(s.apiCalls)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  lines.push(`API calls: ${calls || "none"}`);
  if (s.totals.boxesNeverShown > 0) lines.push(`boxes that never appeared: ${s.totals.boxesNeverShown}`);
  if (s.totals.finalsPending > 0)
    lines.push(`final states still owed (kept for the next run): ${s.totals.finalsPending}`);
  if (s.totals.finalsImpossible > 0)
    lines.push(`final states that can never be written: ${s.totals.finalsImpossible}`);
  return `${lines.join("\n")}\n`;
}
