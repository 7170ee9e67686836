import { MattermostApiError, MattermostNetworkError } from "../ports/mattermost-errors.ts";

/** What kind of request failed. Every kind is safe to repeat; see {@link decideRetry} for why a create is. */
export type RetryOp = "create" | "edit" | "delete" | "read";

export type GiveUpReason =
  /** A 4xx other than 429: repeating the same request gets the same answer. */
  | "client_error"
  /** Not a Mattermost error we know (a bug, or our own abort), or a status that is not transient (501, 505). */
  | "not_retryable"
  /** The server asked us to wait longer than `maxRetryAfterMs`. */
  | "retry_after_too_long"
  | "attempts_exhausted"
  /** A create's back-offs would outlast the server's `pending_post_id` memory, so a repeat could duplicate. */
  | "dedupe_window";

export type RetryDecision = { retry: true; afterMs: number } | { retry: false; reason: GiveUpReason };

export interface RetryOptions {
  /** Jitter source, uniform in [0, 1). Injected so decisions are reproducible. */
  random: () => number;
  /** Total attempts allowed, the first one included. Default 5. */
  maxAttempts?: number;
  /** Back-off before the second attempt, doubled for each further one. Default 500 ms. */
  baseDelayMs?: number;
  /** Ceiling of one back-off. Default 8 s. */
  maxDelayMs?: number;
  /** Longest `Retry-After` we wait out; beyond it we give up. Default 60 s. */
  maxRetryAfterMs?: number;
  /**
   * The write is an obligation (a box's create or final state): no attempt cap, any `Retry-After`
   * waited out, back-offs capped at {@link OBLIGATION_MAX_DELAY_MS} unless `maxDelayMs` says
   * otherwise, a 401 (the token revoked or rotated) waited out like an outage. Only what repeating
   * cannot fix (another 4xx, an unknown error) gives up.
   */
  obligation?: boolean;
}

/**
 * Ceiling of one back-off for an obligation: how long after Mattermost recovers a pending final
 * may still wait, at worst. Long enough that many boxes retrying through an outage stay a trickle.
 */
export const OBLIGATION_MAX_DELAY_MS = 15_000;

/**
 * How long our back-offs for one create may add up to. Mattermost remembers a `pending_post_id` for
 * about 30 s; we stay well inside that.
 */
export const CREATE_RETRY_WINDOW_MS = 20_000;

export const RETRY_DEFAULTS = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
} as const;

/** Statuses at or above 500 that say "this will never work", not "try later". */
const PERMANENT_5XX = new Set([501, 505]);

/**
 * Decides whether a failed request is tried again, reading only the error's fields:
 * - 429: wait the server's `Retry-After` (back-off when it sent none);
 * - 5xx (but 501/505) and network errors (refused, reset, timeout): exponential back-off with
 *   "equal jitter" — half the step fixed, half random — so boxes that failed together spread out;
 * - any other 4xx, and anything that is not a Mattermost error: never.
 * `attempt` is the number of attempts already made (1 after the first failure); after `maxAttempts`
 * we give up.
 *
 * Creates are retried like edits only because every create carries a `pending_post_id`: Mattermost
 * remembers it for about 30 s and answers a repeated create with the post it already made, so a
 * create whose answer was lost (reset after the write) never yields a second post. With the defaults
 * the back-offs of one create add up to at most 0.5 + 1 + 2 + 4 = 7.5 s; with larger settings a create
 * gives up (`dedupe_window`) before its back-offs could exceed {@link CREATE_RETRY_WINDOW_MS}.
 * A 429 means the request was refused before it ran, so it is waited out without that check.
 * Obligations (`options.obligation`) are never given up for time or count: see {@link RetryOptions}.
 */
export function decideRetry(
  error: unknown,
  attempt: number,
  op: RetryOp,
  options: RetryOptions,
): RetryDecision {
  const obligation = options.obligation === true;
  const maxAttempts = options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  // A revoked or rotated token is fixed by a person, not by time; until then an obligation waits like an outage.
  const kind =
    obligation && isUnauthorized(error) ? { retry: true as const, rateLimited: false } : classify(error);
  if (kind.retry === false) return kind;
  if (!obligation && attempt >= maxAttempts) return { retry: false, reason: "attempts_exhausted" };
  if (kind.retryAfterMs !== undefined) {
    const limit = options.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs;
    if (!obligation && kind.retryAfterMs > limit) return { retry: false, reason: "retry_after_too_long" };
    return { retry: true, afterMs: kind.retryAfterMs };
  }
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const ceiling = options.maxDelayMs ?? (obligation ? OBLIGATION_MAX_DELAY_MS : RETRY_DEFAULTS.maxDelayMs);
  const stepFor = (n: number) => Math.min(ceiling, base * 2 ** Math.min(Math.max(0, n - 1), 30));
  // An obligation's create is not bounded by the dedupe window: the publisher looks for the post
  // an earlier attempt may have made before it creates again (see BoxPublisher).
  if (op === "create" && !kind.rateLimited && !obligation) {
    let worstCase = 0;
    for (let n = 1; n <= attempt; n++) worstCase += stepFor(n);
    if (worstCase > CREATE_RETRY_WINDOW_MS) return { retry: false, reason: "dedupe_window" };
  }
  // A 429 without Retry-After waits at least a second: the limiter's window is one second.
  const floor = kind.rateLimited ? 1_000 : 0;
  const step = stepFor(attempt);
  const jitter = Math.min(Math.max(options.random(), 0), 1);
  const afterMs = Math.max(floor, Math.round(step / 2 + (step / 2) * jitter));
  return { retry: true, afterMs };
}

type Classified =
  | { retry: false; reason: GiveUpReason }
  | { retry: true; retryAfterMs?: number; rateLimited: boolean };

function isUnauthorized(error: unknown): boolean {
  return error instanceof MattermostApiError && error.status === 401;
}

function classify(error: unknown): Classified {
  if (error instanceof MattermostNetworkError) return { retry: true, rateLimited: false };
  if (!(error instanceof MattermostApiError)) return { retry: false, reason: "not_retryable" };
  if (error.status === 429) return { retry: true, retryAfterMs: error.retryAfterMs, rateLimited: true };
  if (error.status >= 500) {
    return PERMANENT_5XX.has(error.status)
      ? { retry: false, reason: "not_retryable" }
      : { retry: true, rateLimited: false };
  }
  return { retry: false, reason: "client_error" };
}
