import { createMattermostClient } from "../adapters/mattermost/client.ts";
import { messageOf } from "../core/guards.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import { MattermostApiError } from "../ports/mattermost-errors.ts";
import { systemClock } from "../runtime/clock.ts";
import type { InstrumentedClient } from "../runtime/instrumented-client.ts";
import { instrumentClient } from "../runtime/instrumented-client.ts";
import { RateBudget } from "../runtime/rate-budget.ts";
import { UsageError } from "./io.ts";

export interface MattermostConnection {
  io: InstrumentedClient;
  botUserId: string;
  /** The token budget's backlog (`RateBudget.backlogMs`), for the edit policy. */
  backlogMs: () => number;
}

/** A failure to reach Mattermost at all: exit 1, with what was tried. */
export class ConnectionError extends Error {
  override name = "ConnectionError";
}

/** How long to keep trying a server that does not answer, and how to say so. */
export interface ConnectWait {
  /** Total wait before giving up; Infinity waits until `signal`. */
  waitMs: number;
  log: Logger;
  signal?: AbortSignal;
  clock?: Clock;
  /** First and longest pause between attempts. Defaults 1 s and 15 s. */
  backoffMs?: { first: number; max: number };
  /** Longest wait for one answer. Default 10 s. */
  attemptMs?: number;
}

/**
 * Checks the URL, builds the client with one request budget for the token, and asks who the token
 * belongs to. A refused token is a configuration error at once; an unreachable or failing server is
 * tried again with growing pauses, with one log line, until `wait.waitMs` has passed.
 */
export async function connectMattermost(
  url: string,
  token: string,
  ratePerSec?: number,
  wait: ConnectWait = { waitMs: 0, log: { info() {}, warn() {}, error() {} } },
): Promise<MattermostConnection> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The URL itself is never echoed: people paste tokens and passwords into it.
    throw new UsageError("--mattermost-url is not a URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new UsageError(`--mattermost-url must be http or https, not ${parsed.protocol.slice(0, 16)}`);
  if (!token.trim()) throw new UsageError("the Mattermost token is empty");
  const clock = wait.clock ?? systemClock;
  const budget = new RateBudget({ clock, ...(ratePerSec !== undefined && { ratePerSec }) });
  const io = instrumentClient(createMattermostClient({ baseUrl: parsed.href, token, budget, clock }));
  const { first, max } = wait.backoffMs ?? { first: 1_000, max: 15_000 };
  const started = clock.now();
  for (let attempt = 0; ; attempt++) {
    let why: string;
    try {
      const me = await answerWithin(io.client.getMe(), wait.attemptMs ?? 10_000, clock);
      if (attempt > 0)
        wait.log.info(
          `Mattermost at ${parsed.origin} answered after ${seconds(clock.now() - started)} s; going on`,
        );
      return { io, botUserId: me.id, backlogMs: () => budget.backlogMs() };
    } catch (error) {
      if (error instanceof MattermostApiError && (error.status === 401 || error.status === 403))
        throw new UsageError(`Mattermost at ${parsed.origin} refused the token (${error.status})`);
      why = messageOf(error);
    }
    const pause = Math.min(max, first * 2 ** Math.min(attempt, 20));
    const waited = clock.now() - started;
    if (waited + pause > wait.waitMs || wait.signal?.aborted)
      throw new ConnectionError(
        `cannot reach Mattermost at ${parsed.origin}${attempt > 0 ? ` after ${seconds(waited)} s` : ""}: ${why}`,
      );
    if (attempt === 0)
      wait.log.warn(
        `cannot reach Mattermost at ${parsed.origin}: ${why}; trying again with growing pauses${
          Number.isFinite(wait.waitMs) ? ` for up to ${seconds(wait.waitMs)} s` : " until it answers"
        }`,
      );
    try {
      await clock.sleep(pause, wait.signal);
    } catch {
      throw new ConnectionError(`stopped while waiting for Mattermost at ${parsed.origin}: ${why}`);
    }
  }
}

async function answerWithin<T>(work: Promise<T>, ms: number, clock: Clock): Promise<T> {
  const abort = new AbortController();
  try {
    return await Promise.race([
      work,
      clock.sleep(ms, abort.signal).then(() => {
        throw new Error(`no answer within ${seconds(ms)} s`);
      }),
    ]);
  } finally {
    abort.abort();
  }
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
