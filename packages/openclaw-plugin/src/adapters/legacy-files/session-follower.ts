/**
 * Follows one legacy session: reads its transcript by byte offset, looks at its write lock, and hands
 * both to the pure turn tracker, which alone decides when a run starts or ends. The events the
 * tracker yields go out through `emit`, in order.
 */
import { basename } from "node:path";
import type { LiveEvent } from "../../core/events.ts";
import { describeError } from "../../core/guards.ts";
import { routeFromSessionKey } from "../../core/routing.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Logger } from "../../ports/logger.ts";
import type { IoCounters, TailOptions } from "./file-tail.ts";
import { FileTail } from "./file-tail.ts";
import type { LockPolicy, PidState } from "./lock-file.ts";
import type { LockMemo } from "./lock-probe.ts";
import { lookLock } from "./lock-probe.ts";
import { isCollapsedKey } from "./session-files.ts";
import type { IndexEntry } from "./session-index.ts";
import { mapTranscriptLine } from "./transcript-line.ts";
import type { TurnConfig, TurnContext, TurnState, TurnStep } from "./turn-tracker.ts";
import { initialTurn, onClock, onLine, onLock } from "./turn-tracker.ts";

/** Counters the followers add to (the source's, shared). */
export interface FollowerCounters extends IoCounters {
  linesParsed: number;
  events: number;
}

/** What every follower of one source shares. */
export interface FollowerContext {
  clock: Clock;
  log: Logger;
  emit: (event: LiveEvent) => void;
  counters: FollowerCounters;
  turnConfig: TurnConfig;
  lockPolicy: LockPolicy;
  tailOptions: TailOptions;
  /** Null: do not probe the pid a lock names. */
  probePid: ((pid: number) => PidState) | null;
  /** Route the shared main DM session by the index's last route (see LegacySourceOptions). */
  mainSessionLastRoute: boolean;
}

/** The same warning for the same session at most this often. */
export const WARN_EVERY_MS = 60_000;

export class SessionFollower {
  readonly key: string;
  entry: IndexEntry;
  #file: string;
  #tail: FileTail;
  #turn: TurnState;
  /** Time of the newest line taken in; when the file is read again, only newer lines count. */
  #watermark: number;
  #lastGrowthAt: number;
  #lock: LockMemo | null = null;
  readonly #lockMayActivate: boolean;
  /** False for the shared main session unless its last route is trusted. */
  readonly #routable: boolean;
  readonly #warned = new Map<string, number>();
  readonly #c: FollowerContext;

  /** `watermark`: lines stamped after it are new (a session first seen after start is new since then). */
  constructor(c: FollowerContext, key: string, entry: IndexEntry, file: string, watermark: number) {
    this.#c = c;
    this.key = key;
    this.entry = entry;
    this.#file = file;
    this.#tail = new FileTail(file, c.counters, c.tailOptions);
    this.#turn = initialTurn(c.clock.now());
    this.#watermark = watermark;
    this.#lastGrowthAt = c.clock.now();
    this.#lockMayActivate = routeFromSessionKey(key).ok;
    this.#routable = c.mainSessionLastRoute || !isCollapsedKey(key);
  }

  get file(): string {
    return this.#file;
  }

  get offset(): number {
    return this.#tail.offset;
  }

  get live(): boolean {
    return this.#turn.live;
  }

  /** `/new`, `/reset` or a rollover: the session now writes another transcript; its newer lines are new. */
  moveTo(file: string): void {
    this.#file = file;
    this.#tail = new FileTail(file, this.#c.counters, this.#c.tailOptions);
    // Another file: its lines stamped in the very millisecond of our newest line are new too.
    this.#watermark -= 1;
    this.#lock = null;
  }

  /**
   * At start, history is history: the tail starts at the file's end. A session whose fresh lock
   * says a turn is running resumes from that turn's lines (those written since the lock was taken).
   * True when it must be read now.
   */
  async positionAtStart(lockNames: Set<string> | null): Promise<boolean> {
    try {
      const st = await this.#tail.startAtEnd();
      this.#watermark = st ? Math.floor(st.mtimeMs) : Number.NEGATIVE_INFINITY;
      if (lockNames !== null && !lockNames.has(this.#lockName())) return false;
      const { view, memo } = await this.#lookLock();
      this.#lock = memo;
      this.#turn = initialTurn(this.#c.clock.now(), view.present ? view.id : null);
      const since = memo?.payload?.createdAtMs ?? memo?.mtimeMs;
      if (!view.present || view.verdict.state !== "fresh" || !st || since === undefined) return false;
      this.#watermark = since - 1;
      this.#tail.rescanNext();
      this.#c.log.info("session busy at start: resuming its current turn", { session: this.key });
      return true;
    } catch (error) {
      this.#warnOnce("position", "cannot position on transcript", {
        file: this.#file,
        error: describeError(error),
      });
      return false;
    }
  }

  /** One look: new transcript lines, then the lock, then the clock. `lockNames` null: stat the lock. */
  async pass(lockNames: Set<string> | null): Promise<void> {
    const now = this.#c.clock.now();
    const ctx = this.#context(now);
    try {
      await this.#readTranscript(now, ctx);
    } catch (error) {
      this.#warnOnce("read", "cannot read transcript", { file: this.#file, error: describeError(error) });
    }
    try {
      const absent = lockNames !== null && !lockNames.has(this.#lockName());
      const { view, memo } = absent
        ? { view: { present: false as const }, memo: null }
        : await this.#lookLock();
      this.#lock = memo;
      this.#apply(onLock(this.#turn, view, ctx));
    } catch (error) {
      this.#warnOnce("lock", "cannot look at the session lock", {
        file: this.#file,
        error: describeError(error),
      });
    }
    this.#apply(onClock(this.#turn, ctx));
  }

  async #readTranscript(now: number, ctx: TurnContext): Promise<void> {
    const read = await this.#tail.read();
    const file = basename(this.#file);
    if (read.change === "missing") this.#c.log.info("transcript is gone", { session: this.key, file });
    else if (read.change === "replaced" || read.change === "discontinuous") {
      this.#c.log.info(`transcript ${read.change}: reading its tail again`, { session: this.key, file });
    }
    if (read.oversized > 0) {
      this.#warnOnce("oversized", "transcript lines too long to read; skipped", {
        file,
        lines: read.oversized,
      });
    }
    if (read.lines.length > 0 || read.change === "appended") this.#lastGrowthAt = now;
    let invalid = 0;
    let firstReason = "";
    const seen = this.#watermark;
    for (const text of read.lines) {
      this.#c.counters.linesParsed++;
      const line = mapTranscriptLine(text, this.key, now);
      if (line.kind === "invalid") {
        invalid++;
        firstReason ||= line.reason ?? "";
      }
      const ts = line.ts;
      // Read again (replaced, rewritten, new to us): only lines newer than what we took in count.
      if (read.rescan && (ts === undefined || ts <= seen)) continue;
      const fresh = ts === undefined || ts >= this.#watermark;
      // Never capped by our clock: a line stamped ahead only makes us stricter, which is safe.
      if (ts !== undefined) this.#watermark = Math.max(this.#watermark, ts);
      this.#apply(onLine(this.#turn, line, fresh, ctx));
    }
    if (invalid > 0) {
      this.#warnOnce("invalid", "unreadable transcript lines; skipped", {
        file,
        lines: invalid,
        reason: firstReason,
      });
    }
  }

  #lockName(): string {
    return `${basename(this.#file)}.lock`;
  }

  #lookLock() {
    const now = this.#c.clock.now();
    return lookLock({
      path: `${this.#file}.lock`,
      memo: this.#lock,
      now,
      quietForMs: now - this.#lastGrowthAt,
      policy: this.#c.lockPolicy,
      probePid: this.#c.probePid,
      io: this.#c.counters,
    });
  }

  #context(now: number): TurnContext {
    return {
      session: this.key,
      now,
      route: this.#routable ? this.entry.route : null,
      lockMayActivate: this.#lockMayActivate,
      config: this.#c.turnConfig,
    };
  }

  #apply(step: TurnStep): void {
    this.#turn = step.state;
    for (const event of step.events) {
      this.#c.counters.events++;
      try {
        this.#c.emit(event);
      } catch (error) {
        this.#c.log.error("event consumer failed", {
          session: this.key,
          type: event.type,
          error: describeError(error),
        });
      }
    }
  }

  #warnOnce(kind: string, msg: string, fields: Record<string, unknown>): void {
    const now = this.#c.clock.now();
    const last = this.#warned.get(kind);
    if (last !== undefined && now - last < WARN_EVERY_MS) return;
    this.#warned.set(kind, now);
    this.#c.log.warn(msg, { session: this.key, ...fields });
  }
}
