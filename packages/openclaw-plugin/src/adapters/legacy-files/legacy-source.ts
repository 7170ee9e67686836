/**
 * The legacy-files source: turns an OpenClaw (≤ v2026.7.1) state directory into normalized events.
 * It discovers `agents/<a>/sessions/sessions.json`, follows each session's transcript by byte
 * offset, looks at each session's write lock, and hands the lines and lock looks to the pure turn
 * tracker, which alone decides when a run may start or end. fs.watch is only a hint that marks
 * files to look at soon; a bounded poll looks at everything every `pollIntervalMs` anyway, and
 * every decision is made on what a stat and a read show, never on the event itself.
 * See docs/design/legacy-source.md.
 */
import { watch as fsWatch } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { LiveEvent } from "../../core/events.ts";
import { describeError } from "../../core/guards.ts";
import { routeFromSessionKey } from "../../core/routing.ts";
import type { Logger } from "../../runtime/box-publisher.ts";
import type { Clock } from "../../runtime/clock.ts";
import type { IoCounters, TailOptions } from "./file-tail.ts";
import { DEFAULT_TAIL_OPTIONS, FileTail } from "./file-tail.ts";
import type { LockPolicy, PidState } from "./lock-file.ts";
import { DEFAULT_LOCK_POLICY } from "./lock-file.ts";
import type { LockMemo } from "./lock-probe.ts";
import { lookLock, probePid } from "./lock-probe.ts";
import type { IndexEntry } from "./session-index.ts";
import { parseSessionIndex } from "./session-index.ts";
import { mapTranscriptLine } from "./transcript-line.ts";
import type { TurnConfig, TurnContext, TurnState, TurnStep } from "./turn-tracker.ts";
import { DEFAULT_TURN_CONFIG, initialTurn, onClock, onLine, onLock } from "./turn-tracker.ts";

/** Starts watching `dir`; calls `onChange` with the changed entry's name (null: unknown). */
export type WatchFn = (
  dir: string,
  onChange: (filename: string | null) => void,
  onError: (error: Error) => void,
) => { close(): void };

export interface LegacySourceOptions {
  /** The OpenClaw state directory: the one holding `agents/`. */
  home: string;
  clock: Clock;
  log: Logger;
  /** Receives every event, in order. */
  emit: (event: LiveEvent) => void;
  /** Directory watching; `false` polls only. Default: `fs.watch`. */
  watch?: WatchFn | false;
  /** Every session is looked at this often, whatever fs.watch says. Default 2000 ms. */
  pollIntervalMs?: number;
  /** Hinted files are looked at this long after the first hint, so bursts coalesce. Default 100 ms. */
  hintDelayMs?: number;
  turn?: Partial<TurnConfig>;
  lock?: Partial<LockPolicy>;
  /** Probe the pid a lock names (signal 0). Default true; off when OpenClaw runs in another pid namespace. */
  checkPid?: boolean;
  /** Replaces the pid probe (tests). */
  pidProbe?: (pid: number) => PidState;
  tail?: Partial<TailOptions>;
  /**
   * Route the shared `agent:<a>:main` session (all DMs) by the index's last route. Off by default:
   * two DMs within one poll can carry the wrong route, and a DM's status must never show elsewhere.
   */
  mainSessionLastRoute?: boolean;
}

/** Work done so far: what the benchmark and the storm tests bound. */
export interface SourceCounters extends IoCounters {
  passes: number;
  hints: number;
  readdirs: number;
  indexReads: number;
  linesParsed: number;
  events: number;
}

/** One followed session, as `sessions()` reports it. */
export interface SessionView {
  agent: string;
  key: string;
  file: string;
  offset: number;
  live: boolean;
}

interface SessionWatch {
  key: string;
  entry: IndexEntry;
  file: string;
  tail: FileTail;
  turn: TurnState;
  /** Time of the newest line taken in; when the file is read again, only newer lines count. */
  watermark: number;
  lastGrowthAt: number;
  lock: LockMemo | null;
  lockMayActivate: boolean;
  /** False for the shared main session unless its last route is trusted (see `mainSessionLastRoute`). */
  routable: boolean;
  warned: Map<string, number>;
}

interface AgentWatch {
  id: string;
  dir: string;
  indexPath: string;
  /** `ino:size:mtime` of the index version last read (good or not). */
  indexSig: string | null;
  /** mtime of the last index that parsed; null before the first. */
  indexGoodMtime: number | null;
  sessions: Map<string, SessionWatch>;
  /** Transcript basename → the session following it. */
  byFile: Map<string, string>;
  watcher: { close(): void } | null;
  watchFailed: boolean;
  dirtyIndex: boolean;
  dirtyAll: boolean;
  dirty: Set<string>;
}

/** The same warning for the same session at most this often. */
const WARN_EVERY_MS = 60_000;

export class LegacySource {
  readonly #o: LegacySourceOptions;
  readonly #turnConfig: TurnConfig;
  readonly #lockPolicy: LockPolicy;
  readonly #tailOptions: TailOptions;
  readonly #agents = new Map<string, AgentWatch>();
  readonly #counters: SourceCounters = {
    stats: 0,
    reads: 0,
    bytesRead: 0,
    passes: 0,
    hints: 0,
    readdirs: 0,
    indexReads: 0,
    linesParsed: 0,
    events: 0,
  };
  #startedAt = 0;
  /** True during the first pass: what exists then is history. */
  #starting = false;
  #wake: (() => void) | null = null;
  #closed = false;

  constructor(o: LegacySourceOptions) {
    this.#o = o;
    this.#turnConfig = { ...DEFAULT_TURN_CONFIG, ...o.turn };
    this.#lockPolicy = { ...DEFAULT_LOCK_POLICY, ...o.lock };
    this.#tailOptions = { ...DEFAULT_TAIL_OPTIONS, ...o.tail };
  }

  /** Discovers agents and sessions and positions every idle session at the end of its history. */
  async start(): Promise<void> {
    this.#startedAt = this.#o.clock.now();
    this.#starting = true;
    try {
      await this.pass("full");
    } finally {
      this.#starting = false;
    }
    const sessions = [...this.#agents.values()].reduce((n, a) => n + a.sessions.size, 0);
    this.#o.log.info("legacy source started", { home: this.#o.home, agents: this.#agents.size, sessions });
  }

  /**
   * One look: `full` re-discovers agents and looks at every session; `hinted` looks only at what
   * fs.watch marked. Never throws: a failure is logged and the next pass tries again.
   */
  async pass(kind: "full" | "hinted" = "full"): Promise<void> {
    this.#counters.passes++;
    try {
      if (kind === "full") await this.#discoverAgents();
      for (const agent of this.#agents.values()) await this.#passAgent(agent, kind === "full");
    } catch (error) {
      this.#o.log.error("legacy source pass failed", { error: describeError(error) });
    }
  }

  /** A hint from fs.watch: `filename` in `agent`'s sessions directory changed (null: something did). */
  hint(agentId: string, filename: string | null): void {
    this.#counters.hints++;
    const agent = this.#agents.get(agentId);
    if (!agent) return;
    if (filename === null) {
      agent.dirtyAll = true;
      agent.dirtyIndex = true;
    } else if (filename === "sessions.json" || filename.startsWith("sessions.json.")) {
      agent.dirtyIndex = true;
    } else {
      const match = /^(.+?\.jsonl)(?:\.|$)/.exec(filename);
      const key = match?.[1] !== undefined ? agent.byFile.get(match[1]) : undefined;
      if (key !== undefined) agent.dirty.add(key);
      else if (match) agent.dirtyIndex = true; // a transcript we do not follow yet: a new session?
    }
    this.#wake?.();
  }

  /** Runs passes until `signal` aborts: hinted ones soon after hints, a full one every poll interval. */
  async run(signal: AbortSignal): Promise<void> {
    const clock = this.#o.clock;
    const every = this.#o.pollIntervalMs ?? 2_000;
    let nextFull = clock.now() + every;
    while (!signal.aborted && !this.#closed) {
      await this.#waitForWork(signal, nextFull);
      if (signal.aborted || this.#closed) break;
      const full = clock.now() >= nextFull;
      await this.pass(full ? "full" : "hinted");
      if (full) nextFull = clock.now() + every;
    }
  }

  /** Stops watching. Passes still work (tests drive them by hand). */
  close(): void {
    this.#closed = true;
    for (const agent of this.#agents.values()) {
      agent.watcher?.close();
      agent.watcher = null;
    }
    this.#wake?.();
  }

  counters(): SourceCounters {
    return { ...this.#counters };
  }

  sessions(): SessionView[] {
    return [...this.#agents.values()].flatMap((a) =>
      [...a.sessions.values()].map((s) => ({
        agent: a.id,
        key: s.key,
        file: s.file,
        offset: s.tail.offset,
        live: s.turn.live,
      })),
    );
  }

  async #waitForWork(signal: AbortSignal, until: number): Promise<void> {
    const clock = this.#o.clock;
    if (!this.#hasHints()) {
      const wake = new AbortController();
      const onAbort = () => wake.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.#wake = () => wake.abort();
      try {
        await clock.sleep(Math.max(0, until - clock.now()), wake.signal);
      } catch {
        // woken by a hint or the stop signal
      } finally {
        this.#wake = null;
        signal.removeEventListener("abort", onAbort);
      }
    }
    if (this.#hasHints() && !signal.aborted && clock.now() < until) {
      // Let a burst of events land before looking: thousands of hints cost one look.
      await clock.sleep(this.#o.hintDelayMs ?? 100, signal).catch(() => undefined);
    }
  }

  #hasHints(): boolean {
    for (const a of this.#agents.values()) if (a.dirtyIndex || a.dirtyAll || a.dirty.size > 0) return true;
    return false;
  }

  async #discoverAgents(): Promise<void> {
    const root = join(this.#o.home, "agents");
    let names: string[];
    try {
      this.#counters.readdirs++;
      names = await readdir(root);
    } catch (error) {
      this.#warnOnce(null, "agents", `cannot list ${root}`, { error: describeError(error) });
      return;
    }
    for (const id of names) {
      if (this.#agents.has(id)) continue;
      const dir = join(root, id, "sessions");
      this.#agents.set(id, {
        id,
        dir,
        indexPath: join(dir, "sessions.json"),
        indexSig: null,
        indexGoodMtime: null,
        sessions: new Map(),
        byFile: new Map(),
        watcher: null,
        watchFailed: false,
        dirtyIndex: true,
        dirtyAll: true,
        dirty: new Set(),
      });
    }
  }

  async #passAgent(agent: AgentWatch, full: boolean): Promise<void> {
    if (full) this.#ensureWatcher(agent);
    const locks = full ? await this.#lockNames(agent) : null;
    // Always (one stat when unchanged): a user line must be routed by the index written before it,
    // even when fs.watch told us about the transcript before it told us about the index.
    agent.dirtyIndex = false;
    await this.#refreshIndex(agent, locks);
    // The first pass only positions sessions; those resuming a running turn are marked dirty.
    const all = (full || agent.dirtyAll) && !this.#starting;
    const keys = all ? [...agent.sessions.keys()] : [...agent.dirty];
    agent.dirtyAll = false;
    agent.dirty.clear();
    for (const key of keys) {
      const s = agent.sessions.get(key);
      if (s) await this.#passSession(s, all ? locks : null);
    }
  }

  /** Names of the locks present, from one listing, so a full pass does not stat every absent lock. */
  async #lockNames(agent: AgentWatch): Promise<Set<string> | null> {
    try {
      this.#counters.readdirs++;
      return new Set((await readdir(agent.dir)).filter((n) => n.endsWith(".lock")));
    } catch {
      return null;
    }
  }

  #ensureWatcher(agent: AgentWatch): void {
    if (agent.watcher || agent.watchFailed || this.#closed || this.#o.watch === false) return;
    const watch = this.#o.watch ?? defaultWatch;
    try {
      agent.watcher = watch(
        agent.dir,
        (name) => this.hint(agent.id, name),
        (error) => {
          this.#o.log.warn("fs.watch failed; polling only", { dir: agent.dir, error: describeError(error) });
          agent.watcher?.close();
          agent.watcher = null;
          agent.watchFailed = true;
        },
      );
    } catch (error) {
      // Usually the directory does not exist yet: try again on the next full pass.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        agent.watchFailed = true;
        this.#o.log.warn("fs.watch unavailable; polling only", {
          dir: agent.dir,
          error: describeError(error),
        });
      }
    }
  }

  async #refreshIndex(agent: AgentWatch, locks: Set<string> | null): Promise<void> {
    let st: Awaited<ReturnType<typeof stat>>;
    try {
      this.#counters.stats++;
      st = await stat(agent.indexPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        this.#warnOnce(null, `index:${agent.id}`, "cannot stat sessions.json", {
          path: agent.indexPath,
          error: describeError(error),
        });
      }
      if (this.#starting && agent.indexGoodMtime === null) agent.indexGoodMtime = this.#startedAt;
      return;
    }
    const sig = `${st.ino}:${st.size}:${st.mtimeMs}`;
    if (sig === agent.indexSig) return;
    let text: string;
    try {
      text = await readFile(agent.indexPath, "utf8");
    } catch (error) {
      this.#warnOnce(null, `index:${agent.id}`, "cannot read sessions.json", {
        path: agent.indexPath,
        error: describeError(error),
      });
      return;
    }
    this.#counters.indexReads++;
    this.#counters.reads++;
    this.#counters.bytesRead += Buffer.byteLength(text);
    agent.indexSig = sig;
    const parsed = parseSessionIndex(text);
    if (!parsed.ok) {
      this.#o.log.warn("sessions.json is unreadable; skipped, keeping the last good index", {
        path: agent.indexPath,
        reason: parsed.reason,
        bytes: st.size,
        modified: new Date(st.mtimeMs).toISOString(),
        keptSessions: agent.sessions.size,
      });
      // Whatever changed while it was unreadable is newer than the last good version.
      if (this.#starting && agent.indexGoodMtime === null) agent.indexGoodMtime = this.#startedAt;
      return;
    }
    for (const skip of parsed.skipped) {
      this.#o.log.warn("sessions.json entry skipped", {
        path: agent.indexPath,
        key: skip.key,
        reason: skip.reason,
      });
    }
    const previousGood = agent.indexGoodMtime;
    agent.indexGoodMtime = st.mtimeMs;
    await this.#reconcile(agent, parsed.entries, previousGood, locks);
  }

  async #reconcile(
    agent: AgentWatch,
    entries: IndexEntry[],
    previousGood: number | null,
    locks: Set<string> | null,
  ): Promise<void> {
    const chosen = chooseByFile(entries, agent.dir);
    for (const [key, s] of agent.sessions) {
      if (!chosen.has(key)) {
        agent.sessions.delete(key);
        if (agent.byFile.get(basename(s.file)) === key) agent.byFile.delete(basename(s.file));
      }
    }
    for (const [key, { entry, file }] of chosen) {
      const known = agent.sessions.get(key);
      if (known) {
        known.entry = entry;
        if (known.file !== file) {
          // `/new`, `/reset` or a rollover: a new transcript. Its lines newer than ours are new.
          this.#o.log.info("session moved to a new transcript", { session: key, file: basename(file) });
          if (agent.byFile.get(basename(known.file)) === key) agent.byFile.delete(basename(known.file));
          known.file = file;
          known.tail = new FileTail(file, this.#counters, this.#tailOptions);
          // Another file: its lines stamped in the very millisecond of our newest line are new too.
          known.watermark -= 1;
          known.lock = null;
          agent.byFile.set(basename(file), key);
          agent.dirty.add(key);
        }
        continue;
      }
      const s: SessionWatch = {
        key,
        entry,
        file,
        tail: new FileTail(file, this.#counters, this.#tailOptions),
        turn: initialTurn(this.#o.clock.now()),
        // A session first seen after start is new since the last good index (or since we started).
        watermark: previousGood !== null ? Math.floor(previousGood) - 1 : this.#startedAt,
        lastGrowthAt: this.#o.clock.now(),
        lock: null,
        lockMayActivate: routeFromSessionKey(key).ok,
        routable: this.#o.mainSessionLastRoute === true || !isCollapsed(key),
        warned: new Map(),
      };
      agent.sessions.set(key, s);
      agent.byFile.set(basename(file), key);
      if (!this.#starting) agent.dirty.add(key);
      else if (await this.#positionAtStart(s, locks)) agent.dirty.add(key);
    }
  }

  /**
   * At start, history is history: the tail starts at the file's end. A session whose fresh lock
   * says a turn is running resumes from that turn's lines (those written since the lock was taken).
   */
  async #positionAtStart(s: SessionWatch, locks: Set<string> | null): Promise<boolean> {
    try {
      const st = await s.tail.startAtEnd();
      s.watermark = st ? Math.floor(st.mtimeMs) : Number.NEGATIVE_INFINITY;
      if (locks !== null && !locks.has(`${basename(s.file)}.lock`)) return false;
      const { view, memo } = await this.#lookLock(s);
      s.lock = memo;
      s.turn = initialTurn(this.#o.clock.now(), view.present ? view.id : null);
      const since = memo?.payload?.createdAtMs ?? memo?.mtimeMs;
      if (!view.present || view.verdict.state !== "fresh" || !st || since === undefined) return false;
      s.watermark = since - 1;
      s.tail.rescanNext();
      this.#o.log.info("session busy at start: resuming its current turn", { session: s.key });
      return true;
    } catch (error) {
      this.#warnOnce(s, "position", "cannot position on transcript", {
        file: s.file,
        error: describeError(error),
      });
      return false;
    }
  }

  async #passSession(s: SessionWatch, lockNames: Set<string> | null): Promise<void> {
    const now = this.#o.clock.now();
    const ctx = this.#context(s, now);
    try {
      const read = await s.tail.read();
      if (read.change === "missing")
        this.#o.log.info("transcript is gone", { session: s.key, file: basename(s.file) });
      else if (read.change === "replaced" || read.change === "discontinuous") {
        this.#o.log.info(`transcript ${read.change}: reading its tail again`, {
          session: s.key,
          file: basename(s.file),
        });
      }
      if (read.oversized > 0) {
        this.#warnOnce(s, "oversized", "transcript lines too long to read; skipped", {
          file: basename(s.file),
          lines: read.oversized,
        });
      }
      if (read.lines.length > 0 || read.change === "appended") s.lastGrowthAt = now;
      let invalid = 0;
      let firstReason = "";
      const seen = s.watermark;
      for (const text of read.lines) {
        this.#counters.linesParsed++;
        const line = mapTranscriptLine(text, s.key, now);
        if (line.kind === "invalid") {
          invalid++;
          firstReason ||= line.reason ?? "";
        }
        const ts = line.ts;
        // Read again (replaced, rewritten, new to us): only lines newer than what we took in count.
        if (read.rescan && (ts === undefined || ts <= seen)) continue;
        const fresh = ts === undefined || ts >= s.watermark;
        // Never capped by our clock: a line stamped ahead only makes us stricter, which is safe.
        if (ts !== undefined) s.watermark = Math.max(s.watermark, ts);
        this.#apply(s, onLine(s.turn, line, fresh, ctx));
      }
      if (invalid > 0) {
        this.#warnOnce(s, "invalid", "unreadable transcript lines; skipped", {
          file: basename(s.file),
          lines: invalid,
          reason: firstReason,
        });
      }
    } catch (error) {
      this.#warnOnce(s, "read", "cannot read transcript", { file: s.file, error: describeError(error) });
    }
    try {
      const absent = lockNames !== null && !lockNames.has(`${basename(s.file)}.lock`);
      const { view, memo } = absent
        ? { view: { present: false as const }, memo: null }
        : await this.#lookLock(s);
      s.lock = memo;
      this.#apply(s, onLock(s.turn, view, ctx));
    } catch (error) {
      this.#warnOnce(s, "lock", "cannot look at the session lock", {
        file: s.file,
        error: describeError(error),
      });
    }
    this.#apply(s, onClock(s.turn, ctx));
  }

  #lookLock(s: SessionWatch) {
    const now = this.#o.clock.now();
    const checkPid = this.#o.checkPid ?? true;
    return lookLock({
      path: `${s.file}.lock`,
      memo: s.lock,
      now,
      quietForMs: now - s.lastGrowthAt,
      policy: this.#lockPolicy,
      probePid: checkPid ? (this.#o.pidProbe ?? probePid) : null,
      io: this.#counters,
    });
  }

  #context(s: SessionWatch, now: number): TurnContext {
    return {
      session: s.key,
      now,
      route: s.routable ? s.entry.route : null,
      lockMayActivate: s.lockMayActivate,
      config: this.#turnConfig,
    };
  }

  #apply(s: SessionWatch, step: TurnStep): void {
    s.turn = step.state;
    for (const event of step.events) {
      this.#counters.events++;
      try {
        this.#o.emit(event);
      } catch (error) {
        this.#o.log.error("event consumer failed", {
          session: s.key,
          type: event.type,
          error: describeError(error),
        });
      }
    }
  }

  #warnOnce(s: SessionWatch | null, kind: string, msg: string, fields: Record<string, unknown>): void {
    const now = this.#o.clock.now();
    const memo = s?.warned ?? this.#globalWarned;
    const last = memo.get(kind);
    if (last !== undefined && now - last < WARN_EVERY_MS) return;
    memo.set(kind, now);
    this.#o.log.warn(msg, s ? { session: s.key, ...fields } : fields);
  }

  readonly #globalWarned = new Map<string, number>();
}

/**
 * One session per transcript file. Older stores can hold two keys for one session (`main` and
 * `agent:main:main`); following both would give one turn two boxes. `agent:` keys win, then the
 * most recently updated.
 */
function chooseByFile(entries: IndexEntry[], dir: string): Map<string, { entry: IndexEntry; file: string }> {
  const byFile = new Map<string, IndexEntry>();
  for (const entry of entries) {
    const file = transcriptPath(dir, entry);
    const other = byFile.get(file);
    if (!other || better(entry, other)) byFile.set(file, entry);
  }
  return new Map([...byFile].map(([file, entry]) => [entry.key, { entry, file }]));
}

function better(a: IndexEntry, b: IndexEntry): boolean {
  const aAgent = a.key.startsWith("agent:");
  const bAgent = b.key.startsWith("agent:");
  if (aAgent !== bAgent) return aAgent;
  return (a.updatedAt ?? 0) > (b.updatedAt ?? 0);
}

/**
 * Legacy transcripts always live in the sessions directory. A stored absolute path may come from
 * another mount (OpenClaw in a container), so only its file name is used.
 */
export function transcriptPath(dir: string, entry: IndexEntry): string {
  return join(dir, entry.sessionFile ? basename(entry.sessionFile) : `${entry.sessionId}.jsonl`);
}

const defaultWatch: WatchFn = (dir, onChange, onError) => {
  const watcher = fsWatch(dir, { persistent: false }, (_event, filename) => onChange(filename ?? null));
  watcher.on("error", onError);
  return watcher;
};

function isCollapsed(key: string): boolean {
  const route = routeFromSessionKey(key);
  return !route.ok && route.reason === "collapsed";
}
