/**
 * The legacy-files source: turns an OpenClaw (≤ v2026.7.1) state directory into normalized events.
 * It discovers `agents/<a>/sessions/sessions.json`, follows each session's transcript by byte
 * offset, looks at each session's write lock, and hands the lines and lock looks to the pure turn
 * tracker, which alone decides when a run may start or end. fs.watch is only a hint that marks
 * files to look at soon; a bounded poll looks at everything every `pollIntervalMs` anyway, and
 * every decision is made on what a stat and a read show, never on the event itself.
 * See docs/design/legacy-source.md.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { LiveEvent } from "../../core/events.ts";
import { describeError } from "../../core/guards.ts";
import type { Clock } from "../../ports/clock.ts";
import type { Logger } from "../../ports/logger.ts";
import type { IoCounters, TailOptions } from "./file-tail.ts";
import { DEFAULT_TAIL_OPTIONS } from "./file-tail.ts";
import type { LockPolicy, PidState } from "./lock-file.ts";
import { DEFAULT_LOCK_POLICY } from "./lock-file.ts";
import { probePid } from "./lock-probe.ts";
import { chooseByFile } from "./session-files.ts";
import { type FollowerContext, SessionFollower, WARN_EVERY_MS } from "./session-follower.ts";
import type { IndexEntry } from "./session-index.ts";
import { parseSessionIndex } from "./session-index.ts";
import type { TurnConfig } from "./turn-tracker.ts";
import { DEFAULT_TURN_CONFIG } from "./turn-tracker.ts";
import { defaultWatch, hintTarget, type WatchFn } from "./watch-hints.ts";

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

interface AgentWatch {
  id: string;
  dir: string;
  indexPath: string;
  /** `ino:size:mtime` of the index version last read (good or not). */
  indexSig: string | null;
  /** mtime of the last index that parsed; null before the first. */
  indexGoodMtime: number | null;
  sessions: Map<string, SessionFollower>;
  /** Transcript basename → the session following it. */
  byFile: Map<string, string>;
  watcher: { close(): void } | null;
  watchFailed: boolean;
  dirtyIndex: boolean;
  dirtyAll: boolean;
  dirty: Set<string>;
}

export class LegacySource {
  readonly #o: LegacySourceOptions;
  readonly #followers: FollowerContext;
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
    this.#followers = {
      clock: o.clock,
      log: o.log,
      emit: o.emit,
      counters: this.#counters,
      turnConfig: { ...DEFAULT_TURN_CONFIG, ...o.turn },
      lockPolicy: { ...DEFAULT_LOCK_POLICY, ...o.lock },
      tailOptions: { ...DEFAULT_TAIL_OPTIONS, ...o.tail },
      probePid: (o.checkPid ?? true) ? (o.pidProbe ?? probePid) : null,
      mainSessionLastRoute: o.mainSessionLastRoute === true,
    };
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
    const target = hintTarget(filename, agent.byFile);
    if (target.look === "everything") {
      agent.dirtyAll = true;
      agent.dirtyIndex = true;
    } else if (target.look === "index") agent.dirtyIndex = true;
    else if (target.look === "session") agent.dirty.add(target.key);
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
        offset: s.offset,
        live: s.live,
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
      this.#warnOnce("agents", `cannot list ${root}`, { error: describeError(error) });
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
      if (s) await s.pass(all ? locks : null);
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
        this.#warnOnce(`index:${agent.id}`, "cannot stat sessions.json", {
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
      this.#warnOnce(`index:${agent.id}`, "cannot read sessions.json", {
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
          known.moveTo(file);
          agent.byFile.set(basename(file), key);
          agent.dirty.add(key);
        }
        continue;
      }
      // A session first seen after start is new since the last good index (or since we started).
      const since = previousGood !== null ? Math.floor(previousGood) - 1 : this.#startedAt;
      const s = new SessionFollower(this.#followers, key, entry, file, since);
      agent.sessions.set(key, s);
      agent.byFile.set(basename(file), key);
      if (!this.#starting) agent.dirty.add(key);
      else if (await s.positionAtStart(locks)) agent.dirty.add(key);
    }
  }

  #warnOnce(kind: string, msg: string, fields: Record<string, unknown>): void {
    const now = this.#o.clock.now();
    const last = this.#globalWarned.get(kind);
    if (last !== undefined && now - last < WARN_EVERY_MS) return;
    this.#globalWarned.set(kind, now);
    this.#o.log.warn(msg, fields);
  }

  readonly #globalWarned = new Map<string, number>();
}
