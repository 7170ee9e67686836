/**
 * Pure reading of an OpenClaw session write lock (`<sessionFile>.lock`). OpenClaw creates it with
 * `open(…, "wx")` and then writes `{"pid":…,"createdAt":ISO,"starttime"?:…}`, so a brand-new lock
 * can be empty for a moment. OpenClaw itself calls a lock stale when its pid is dead or it is older
 * than 30 minutes; we are more careful with the pid (see {@link judgeLock}).
 */
import { parseJson } from "./json-text.ts";

export interface LockPayload {
  pid?: number;
  createdAtMs?: number;
  /** Process start time in clock ticks (newer writers only). */
  starttime?: number;
}

export type PidState = "alive" | "dead" | "unknown";

export interface LockFacts {
  /** Null when the file is empty or not the expected JSON. */
  payload: LockPayload | null;
  mtimeMs: number;
  now: number;
  /** What a signal-0 probe said about `payload.pid` (`unknown` without a pid or when not checked). */
  pid: PidState;
  /** How long the session's transcript has not grown. */
  quietForMs: number;
}

export interface LockPolicy {
  /** A lock older than this is stale whatever its pid says (OpenClaw's own default is 30 min). */
  staleMs: number;
  /** A dead pid makes the lock stale only once the transcript has been quiet this long. */
  deadPidQuietMs: number;
}

export const DEFAULT_LOCK_POLICY: LockPolicy = { staleMs: 30 * 60_000, deadPidQuietMs: 2 * 60_000 };

/** How long an empty or half-written lock is given to get its payload. */
export const LOCK_SETTLE_MS = 2_000;

export type LockVerdict = { state: "settling" } | { state: "fresh" } | { state: "stale"; reason: string };

/** Reads the payload; null when the text is empty or not a lock object. */
export function parseLockPayload(text: string): LockPayload | null {
  const parsed = parseJson(text);
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null) return null;
  const v = parsed.value as Record<string, unknown>;
  const out: LockPayload = {};
  if (Number.isSafeInteger(v.pid) && (v.pid as number) > 0) out.pid = v.pid as number;
  if (typeof v.createdAt === "string") {
    const ms = Date.parse(v.createdAt);
    if (Number.isFinite(ms)) out.createdAtMs = ms;
  }
  if (Number.isSafeInteger(v.starttime) && (v.starttime as number) >= 0)
    out.starttime = v.starttime as number;
  return out;
}

/**
 * Whether a lock still stands for a live writer. Stale when older than `staleMs` (by `createdAt`,
 * else mtime), or when its pid is dead AND the transcript has been quiet for `deadPidQuietMs`:
 * a pid seen from another pid namespace (OpenClaw in a container) can look dead while its
 * process works, so a dead pid alone never ends a turn that is still writing.
 */
export function judgeLock(f: LockFacts, policy: LockPolicy = DEFAULT_LOCK_POLICY): LockVerdict {
  if (f.payload === null && f.now - f.mtimeMs < LOCK_SETTLE_MS) return { state: "settling" };
  const age = f.now - (f.payload?.createdAtMs ?? f.mtimeMs);
  if (age > policy.staleMs)
    return { state: "stale", reason: `older than ${Math.round(policy.staleMs / 60_000)} min` };
  if (f.pid === "dead" && f.quietForMs >= policy.deadPidQuietMs && age >= policy.deadPidQuietMs) {
    return { state: "stale", reason: `pid ${f.payload?.pid} is gone` };
  }
  return { state: "fresh" };
}

/** Identity of one lock acquisition: the inode, and the creation time the writer recorded. */
export function lockIdentity(ino: number | bigint, payload: LockPayload | null, mtimeMs: number): string {
  return `${ino}:${payload?.createdAtMs ?? Math.floor(mtimeMs)}`;
}
