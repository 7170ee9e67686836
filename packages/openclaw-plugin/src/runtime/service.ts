/**
 * The service lifecycle: the one thing that starts the runtime in a gateway process. Start opens the
 * ledger, takes the single-owner lease (or stands down with one log line and waits for it to free
 * up), connects to Mattermost (retrying in the background with back-off while it is unreachable),
 * restores the boxes left by the last run, then attaches to the event source — which first hands
 * over what arrived before start — and runs a watchdog tick. Stop finalizes live boxes as
 * interrupted within a bounded time, releases the lease and closes the ledger. Every I/O adapter
 * comes in through {@link ServiceDeps}; nothing here throws to the caller.
 */

import type { CoreConfig } from "../core/dispatcher.ts";
import type { LiveEvent } from "../core/events.ts";
import { describeError } from "../core/guards.ts";
import { DEFAULT_STATUS_OPTIONS } from "../core/status-model.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { MattermostClient } from "../ports/mattermost.ts";
import { DEFAULT_CORE_CONFIG } from "./defaults.ts";
import type { LineSink } from "./event-recorder.ts";
import { EventRecorder } from "./event-recorder.ts";
import type { LeaseIdentity, TakeLeaseResult } from "./lease.ts";
import { HEARTBEAT_MS, LEASE_MS, takeLease } from "./lease.ts";
import type { Ledger } from "./ledger.ts";
import { LedgerStorageError } from "./ledger.ts";
import type { RuntimeOptions } from "./runtime.ts";
import { LiveStatusRuntime } from "./runtime.ts";
import type { FilterRules } from "./session-filter.ts";
import { isPassThrough, SessionFilter } from "./session-filter.ts";

/** What the service needs of the settings (see src/config/settings.ts). */
export interface ServiceSettings extends FilterRules {
  previousBox: CoreConfig["previousBox"];
  boxTriggers: CoreConfig["boxTriggers"];
  showToolArgs: boolean;
  redact: readonly RegExp[];
  rateLimitPerSec: number;
  minEditIntervalMs: number;
}

export interface ServiceConfig {
  settings: ServiceSettings;
  /** Where the bot posts: shown in log lines only; `connect` gets it as is. */
  account: { accountId: string; baseUrl: string };
  ledgerPath: string;
  /** Absolute path of the `recordEvents` file, if any. */
  recordPath?: string;
}

export type ConnectResult =
  | {
      ok: true;
      client: MattermostClient;
      botUserId: string;
      botUsername?: string;
      /** The token budget's backlog (`RateBudget.backlogMs`), for the edit policy. */
      backlogMs?: () => number;
    }
  /** `retry: false` for what waiting cannot fix (a refused token). Never holds the token. */
  | { ok: false; retry: boolean; reason: string };

/** `owner` is `gateway:<pid>@<host>`. */
export type ServiceIdentity = LeaseIdentity;

/** Where normalized events come from (the hub). */
export interface LiveEventSource {
  attach(consumer: (e: LiveEvent) => void): { detach(): void } | null;
  dropUntilAttached(): void;
}

/** Repeating and one-shot timers that never keep the process alive. */
export interface Timers {
  every(ms: number, fn: () => void): () => void;
  after(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    t.unref();
    return () => clearInterval(t);
  },
  after(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

export interface ServiceDeps {
  source: LiveEventSource;
  clock: Clock;
  /** Service lines: started, standing down, unreachable, stopped. */
  log: Logger;
  /** The runtime's per-transition lines; defaults to `log`. */
  runtimeLog?: Logger;
  identity: ServiceIdentity;
  connect(ratePerSec: number): Promise<ConnectResult>;
  /** The other Mattermost accounts of a multi-account gateway, by id (see RuntimeOptions). */
  accountClient?: RuntimeOptions["accountClient"];
  openLedger(path: string): Ledger;
  openRecordSink?(path: string): LineSink;
  /**
   * Whether a process of this host is alive. With it, a lease left by a gateway of this host
   * that died without releasing it (SIGKILL, crash) is taken over at once instead of after expiry.
   */
  isAlive?(pid: number): boolean;
  timers?: Timers;
  /** Lease lifetime; renewed every `renewEveryMs`. Defaults LEASE_MS and HEARTBEAT_MS (lease.ts). */
  leaseMs?: number;
  renewEveryMs?: number;
  /** Watchdog period. Default 30 s. */
  tickEveryMs?: number;
  /** Longest wait for final writes on stop. Default 2 s. */
  stopTimeoutMs?: number;
  /** First and longest wait between connection attempts. Defaults 2 s and 60 s. */
  retryMs?: { first: number; max: number };
}

export type ServiceState = "idle" | "connecting" | "running" | "standing_down" | "off" | "stopped";

/** Builds the core's config from the settings. */
export function coreConfigFrom(s: ServiceSettings): CoreConfig {
  return {
    ...DEFAULT_CORE_CONFIG,
    previousBox: s.previousBox,
    boxTriggers: [...s.boxTriggers],
    status: { ...DEFAULT_STATUS_OPTIONS, showToolArgs: s.showToolArgs, redact: [...s.redact] },
  };
}

export class LiveStatusService {
  readonly #d: ServiceDeps;
  readonly #timers: Timers;
  #state: ServiceState = "idle";
  #cfg: ServiceConfig | null = null;
  #ledger: Ledger | null = null;
  #runtime: LiveStatusRuntime | null = null;
  #recorder: EventRecorder | null = null;
  #attachment: { detach(): void } | null = null;
  #cancels: Array<() => void> = [];
  #standDownAnnounced = false;
  #unreachableSince: number | null = null;

  constructor(deps: ServiceDeps) {
    this.#d = deps;
    this.#timers = deps.timers ?? realTimers;
  }

  get state(): ServiceState {
    return this.#state;
  }

  /** The running runtime, if any (diagnostics and tests). */
  get runtime(): LiveStatusRuntime | null {
    return this.#runtime;
  }

  /** Resolves once the first connection attempt is over (running, retrying, standing down or off). */
  async start(cfg: ServiceConfig): Promise<void> {
    if (this.#state !== "idle" && this.#state !== "stopped") return;
    this.#cfg = cfg;
    this.#standDownAnnounced = false;
    try {
      this.#ledger = this.#d.openLedger(cfg.ledgerPath);
    } catch (error) {
      this.#off(`cannot open the ledger ${cfg.ledgerPath}: ${describeError(error)}`);
      return;
    }
    await this.#acquireAndConnect();
  }

  /** Finalizes live boxes as interrupted (waiting at most `stopTimeoutMs`), then lets go of everything. */
  async stop(reason = "gateway stopping"): Promise<void> {
    const was = this.#state;
    this.#state = "stopped";
    this.#cancelTimers();
    this.#attachment?.detach();
    this.#attachment = null;
    this.#d.source.dropUntilAttached();
    const runtime = this.#runtime;
    this.#runtime = null;
    if (runtime) {
      const limit = this.#d.stopTimeoutMs ?? 2_000;
      const stopping = runtime.stop(reason);
      if (!(await withinTime(stopping, limit, this.#d.clock))) {
        // Mattermost is away: leave what is owed in the ledger's outbox for the next start.
        const owed = runtime.abandon();
        this.#d.log.warn(
          `Mattermost did not take ${owed} final state(s) within ${limit} ms; they stay in the ledger and land on the next start`,
        );
      }
    }
    await this.#closeRecorder();
    const ledger = this.#ledger;
    this.#ledger = null;
    if (ledger) {
      attempt(() => ledger.releaseLease(this.#d.identity.owner));
      attempt(() => ledger.close());
    }
    if (was === "running") this.#d.log.info(`stopped (${reason})`);
  }

  async #acquireAndConnect(): Promise<void> {
    if (!this.#takeLease()) {
      if (this.#state === "off") return;
      this.#state = "standing_down";
      this.#d.source.dropUntilAttached();
      this.#cancels.push(
        this.#timers.after(this.#renewEveryMs(), () => void this.#acquireAndConnect().catch(() => {})),
      );
      return;
    }
    if (this.#standDownAnnounced) {
      this.#standDownAnnounced = false;
      this.#d.log.info("the ledger lease is free again: taking over");
    }
    this.#state = "connecting";
    this.#cancels.push(this.#timers.every(this.#renewEveryMs(), () => this.#renewLease()));
    await this.#connect(0);
  }

  #takeLease(): boolean {
    const ledger = this.#ledger;
    const cfg = this.#cfg;
    if (!ledger || !cfg) return false;
    let result: TakeLeaseResult;
    try {
      result = takeLease(ledger, this.#d.identity, this.#d.clock.now(), {
        leaseMs: this.#leaseMs(),
        ...(this.#d.isAlive && { isAlive: this.#d.isAlive }),
      });
    } catch (error) {
      if (error instanceof LedgerStorageError) this.#off(error.message);
      else this.#d.log.error("cannot take the ledger lease", { error: describeError(error) });
      return false;
    }
    if (result.ok) {
      const gone = result.tookOverFrom;
      if (gone)
        this.#d.log.warn(`the ledger lease of ${gone.owner} is stale (pid ${gone.pid} is gone): taking over`);
      return true;
    }
    const h = result.holder;
    if (!this.#standDownAnnounced) {
      this.#standDownAnnounced = true;
      this.#d.log.warn(
        `standing down: the ledger ${cfg.ledgerPath} is owned by ${h.owner} (pid ${h.pid} on ${h.host}) until ${new Date(h.expiresAt).toISOString()}; that owner keeps the boxes, this gateway takes over if the lease lapses`,
      );
    }
    return false;
  }

  #renewLease(): void {
    const ledger = this.#ledger;
    if (!ledger) return;
    let renewed = false;
    try {
      renewed = ledger.renewLease(this.#d.identity.owner, this.#d.clock.now() + this.#leaseMs());
    } catch (error) {
      if (error instanceof LedgerStorageError) {
        void this.#storageFailed(error);
        return;
      }
      this.#d.log.error("cannot renew the ledger lease", { error: describeError(error) });
    }
    if (renewed) return;
    // Someone else owns the boxes now: let go without touching them.
    this.#d.log.error("lost the ledger lease to another owner; standing down");
    this.#cancelTimers();
    this.#attachment?.detach();
    this.#attachment = null;
    this.#runtime = null;
    void this.#closeRecorder();
    this.#state = "standing_down";
    this.#d.source.dropUntilAttached();
    this.#cancels.push(
      this.#timers.after(this.#renewEveryMs(), () => void this.#acquireAndConnect().catch(() => {})),
    );
  }

  async #connect(attemptNo: number): Promise<void> {
    const cfg = this.#cfg;
    if (!cfg || this.#state !== "connecting") return;
    let result: ConnectResult;
    try {
      result = await this.#d.connect(cfg.settings.rateLimitPerSec);
    } catch (error) {
      result = { ok: false, retry: true, reason: describeError(error) };
    }
    if (this.#state !== "connecting") return;
    if (result.ok) {
      this.#run(cfg, result.client, result.botUserId, result.botUsername, result.backlogMs);
      return;
    }
    if (!result.retry) {
      this.#off(result.reason);
      return;
    }
    const retry = this.#d.retryMs ?? { first: 2_000, max: 60_000 };
    const wait = Math.min(retry.max, retry.first * 2 ** Math.min(attemptNo, 20));
    // One line for the whole outage; "started after N s unreachable" closes it.
    if (this.#unreachableSince === null) {
      this.#unreachableSince = this.#d.clock.now();
      this.#d.log.warn(
        `${result.reason}; trying again with growing pauses (${seconds(retry.first)} s up to ${seconds(retry.max)} s), events are kept meanwhile`,
      );
    }
    this.#cancels.push(this.#timers.after(wait, () => void this.#connect(attemptNo + 1).catch(() => {})));
  }

  #run(
    cfg: ServiceConfig,
    client: MattermostClient,
    botUserId: string,
    botUsername?: string,
    backlogMs?: () => number,
  ): void {
    const ledger = this.#ledger;
    if (!ledger) return;
    const s = cfg.settings;
    const runtime = new LiveStatusRuntime({
      config: coreConfigFrom(s),
      ledger,
      client,
      botUserId,
      ...(this.#d.accountClient !== undefined && {
        accountClient: this.#d.accountClient,
        defaultAccount: cfg.account.accountId,
      }),
      ...(botUsername !== undefined && { botUsername }),
      clock: this.#d.clock,
      log: this.#d.runtimeLog ?? this.#d.log,
      minIntervalMs: s.minEditIntervalMs,
      ...(backlogMs && { backlogMs }),
      onStorageFault: (error) => void this.#storageFailed(error),
    });
    const filter = isPassThrough(s) ? null : new SessionFilter(s);
    let recorder: EventRecorder | null = null;
    // The source hands over its buffer as soon as we attach; hold it until restore() has run.
    let early: LiveEvent[] | null = [];
    const ingest = (e: LiveEvent) => {
      if (early) {
        early.push(e);
        return;
      }
      for (const out of filter ? filter.apply(e) : [e]) {
        recorder?.record(out);
        runtime.ingest(out);
      }
    };
    // Attach before touching the ledger's boxes: a second service in this process must not restore.
    const attachment = this.#d.source.attach(ingest);
    if (!attachment) {
      // Same process, same owner name: the lease is the other service's, so leave it be.
      this.#off("another Live Status service already runs in this process", { keepLease: true });
      return;
    }
    try {
      runtime.restore();
    } catch (error) {
      if (error instanceof LedgerStorageError) {
        attachment.detach();
        this.#off(error.message);
        return;
      }
      this.#d.log.error("restoring boxes from the ledger failed; starting fresh", {
        error: describeError(error),
      });
    }
    recorder = this.#openRecorder(cfg);
    this.#recorder = recorder;
    this.#runtime = runtime;
    this.#state = "running";
    const held = early;
    early = null;
    for (const e of held) {
      try {
        ingest(e);
      } catch (error) {
        this.#d.log.error("applying an early event failed", { type: e.type, error: describeError(error) });
      }
    }
    this.#attachment = attachment;
    this.#cancels.push(
      this.#timers.every(this.#d.tickEveryMs ?? 30_000, () => {
        try {
          runtime.tick();
        } catch (error) {
          this.#d.log.error("watchdog tick failed", { error: describeError(error) });
        }
      }),
    );
    const waited =
      this.#unreachableSince === null
        ? ""
        : ` after ${Math.round((this.#d.clock.now() - this.#unreachableSince) / 1000)} s unreachable`;
    this.#unreachableSince = null;
    this.#d.log.info(
      `started${waited}: posting as bot ${botUserId} on ${originOf(cfg.account.baseUrl)} (account ${cfg.account.accountId}), ledger ${cfg.ledgerPath}`,
    );
  }

  #openRecorder(cfg: ServiceConfig): EventRecorder | null {
    if (!cfg.recordPath || !this.#d.openRecordSink) return null;
    try {
      const sink = this.#d.openRecordSink(cfg.recordPath);
      this.#d.log.info(`recording normalized events to ${cfg.recordPath}`);
      return new EventRecorder({
        sink,
        log: this.#d.log,
        redact: cfg.settings.redact,
        showToolArgs: cfg.settings.showToolArgs,
      });
    } catch (error) {
      this.#d.log.error(`recordEvents: cannot open ${cfg.recordPath}; not recording`, {
        error: describeError(error),
      });
      return null;
    }
  }

  async #closeRecorder(): Promise<void> {
    const recorder = this.#recorder;
    this.#recorder = null;
    try {
      await recorder?.close();
    } catch (error) {
      this.#d.log.warn("recordEvents: closing the file failed", { error: describeError(error) });
    }
  }

  /**
   * The ledger's disk failed while running: nothing more is durable, so end live boxes as interrupted
   * (they still reach Mattermost from memory), let go of the lease and stay off, with one error line.
   */
  async #storageFailed(error: LedgerStorageError): Promise<void> {
    if (this.#state !== "running" && this.#state !== "connecting") return;
    this.#d.log.error(
      `${error.message}; live boxes end as interrupted and Live Status stays off until the gateway or plugin restarts`,
    );
    await this.stop("the ledger failed");
    this.#state = "off";
  }

  /** Gives up for this start: logs why once, drops events, lets go of the ledger. */
  #off(reason: string, o: { keepLease?: boolean } = {}): void {
    this.#cancelTimers();
    this.#state = "off";
    this.#d.source.dropUntilAttached();
    this.#d.log.error(`${reason}; Live Status stays off until the gateway or plugin restarts`);
    const ledger = this.#ledger;
    this.#ledger = null;
    if (ledger) {
      if (!o.keepLease) attempt(() => ledger.releaseLease(this.#d.identity.owner));
      attempt(() => ledger.close());
    }
  }

  #cancelTimers(): void {
    for (const cancel of this.#cancels.splice(0)) cancel();
  }

  #leaseMs(): number {
    return this.#d.leaseMs ?? LEASE_MS;
  }

  #renewEveryMs(): number {
    return this.#d.renewEveryMs ?? HEARTBEAT_MS;
  }
}

/** Whether `work` settled within `ms`; the timer is cleared either way. */
async function withinTime(work: Promise<unknown>, ms: number, clock: Clock): Promise<boolean> {
  const abort = new AbortController();
  const timeout = clock.sleep(ms, abort.signal).then(
    () => false,
    () => false,
  );
  try {
    return await Promise.race([work.then(() => true).catch(() => true), timeout]);
  } finally {
    abort.abort();
  }
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}

function attempt(fn: () => void): void {
  try {
    fn();
  } catch {
    // Shutting down: nothing useful to do with a failure here.
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(unparseable URL)";
  }
}
