/**
 * The runtime: feeds events to the core and carries out its effects — one publisher per box, a
 * durable ledger, feedback (final landed, box gone) back into the core. One instance per process,
 * started by exactly one owner (the plugin service, `live-status replay` or `watch`).
 *
 * What must land is kept in the ledger's outbox until it did: the create of a live run's box and
 * every final state (see docs/design/reliability.md). `restore()` resumes it on start, on the same
 * posts; `abandon()` lets a stopping process leave it there for the next start.
 */
import type { LiveStatusV1 } from "@live-status/contract";
import { LIVE_STATUS_POST_TYPE } from "@live-status/contract";
import { trimOldest } from "../core/bounded.ts";
import type { Conversation } from "../core/conversation.ts";
import type { CoreConfig, DispatchResult, Step } from "../core/dispatcher.ts";
import { Dispatcher } from "../core/dispatcher.ts";
import { DEFAULT_EDIT_POLICY, type EditPolicy, writeDueAt } from "../core/edit-policy.ts";
import type { Effect } from "../core/effects.ts";
import type { LiveEvent } from "../core/events.ts";
import { assertNever, describeError } from "../core/guards.ts";
import { parseBoxKey } from "../core/keys.ts";
import { isFinished, type SlotEvent, type SlotState } from "../core/lifecycle.ts";
import { type RenderedPost, renderPost, renderReceipt } from "../core/render.ts";
import type { RenderContext } from "../core/render-controls.ts";
import { finishStatus, startStatus } from "../core/status-model.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type { MattermostClient, PostContent } from "../ports/mattermost.ts";
import { MattermostApiError } from "../ports/mattermost-errors.ts";
import type { BoxTarget, GoneReason } from "./box-publisher.ts";
import { BoxPublisher, RecoveryBeacon } from "./box-publisher.ts";
import type { BoxRecord, Ledger, LedgerBatch, OutboxEntry, OutboxKind, SlotRecord } from "./ledger.ts";
import { LedgerStorageError } from "./ledger.ts";
import { decideRetry } from "./retry-policy.ts";
import { isSlotState } from "./slot-snapshot.ts";

/** Another Mattermost account's client and bot (a multi-account gateway). */
export interface AccountClient {
  client: MattermostClient;
  botUserId(): Promise<string>;
}

export interface RuntimeOptions {
  config: CoreConfig;
  ledger: Ledger;
  /** The default account's client and bot: every box whose conversation names no account. */
  client: MattermostClient;
  botUserId: string;
  /**
   * The account a conversation names (`conversation.account`); undefined for an account this
   * gateway does not have, whose boxes are then dropped rather than posted by the wrong bot.
   * Without it, every box goes through `client`.
   */
  accountClient?: (account: string) => AccountClient | undefined;
  /** The account id of `client`: conversations naming it use `client`. */
  defaultAccount?: string;
  /** The bot's username, for the answer hints in a box's message. */
  botUsername?: string;
  clock: Clock;
  /**
   * The real clock, on which back-offs are waited and outbox times taken; differs from `clock` when
   * `clock` is event time (a replay). Default `clock`.
   */
  retryClock?: Clock;
  log: Logger;
  /** Least time between two writes of one box, under any edit policy. Default 1000 ms. */
  minIntervalMs?: number;
  /** When a box is edited, by what changed (see `core/edit-policy.ts`). */
  editPolicy?: EditPolicy;
  /** The token budget's backlog in ms (`RateBudget.backlogMs`): stretches edit intervals under load. */
  backlogMs?: () => number;
  /** Least time between two ledger writes of a slot's content. Default 1000 ms. */
  persistIntervalMs?: number;
  /**
   * Finished slots kept in memory (most recently finished first); older ones live only in the ledger
   * and are read back when a run starts on them. Default 1000.
   */
  maxIdleSlots?: number;
  newId?: () => string;
  random?: () => number;
  /**
   * Told once when the ledger's storage fails (disk full, read-only, corrupted). The runtime goes on
   * writing boxes from memory; the owner should stop it (boxes end interrupted) and report the fault.
   */
  onStorageFault?: (error: LedgerStorageError) => void;
}

const MAX_SUMMARY_SESSIONS = 10_000;

export interface SessionSummary {
  boxesCreated: number;
  updates: number;
  boxesRemoved: number;
  finalState: LiveStatusV1["state"] | null;
}

/** What became of the boxes this process had to show and the finals it had to land. */
export interface DeliveryReport {
  /** Boxes that have a post in the conversation. */
  boxesShown: number;
  /** Boxes whose post never appeared (Mattermost down throughout, channel forbidden, superseded first). */
  boxesNeverShown: number;
  finalsLanded: number;
  /** Finals still owed: kept in the ledger's outbox for the next start. */
  finalsPending: number;
  /** Finals that can never land (forbidden channel, post deleted twice, refused for good). */
  finalsImpossible: number;
}

interface BoxHandle {
  slot: string;
  generation: number;
  ready: Promise<BoxPublisher | null>;
  record: BoxRecord | null;
  /** The newest status handed to the box's publisher: what its pending state shows. */
  latest?: LiveStatusV1;
}

export class LiveStatusRuntime {
  readonly #o: RuntimeOptions;
  get #renderContext(): RenderContext {
    return this.#o.botUsername !== undefined ? { botUsername: this.#o.botUsername } : {};
  }
  readonly #core: Dispatcher;
  readonly #boxes = new Map<string, BoxHandle>();
  readonly #dmChannels = new Map<string, Promise<string>>();
  readonly #forbiddenChannels = new Set<string>();
  readonly #tasks = new Set<Promise<unknown>>();
  readonly #dirtySlots = new Set<string>();
  readonly #lastTransition = new Map<string, SlotRecord["lastTransition"]>();
  readonly #summary = new Map<string, SessionSummary>();
  /** Finished slots in memory, oldest first: the ones to forget when there are too many. */
  readonly #idleSlots = new Set<string>();
  #lastPersistAt = Number.NEGATIVE_INFINITY;
  #storageFault: LedgerStorageError | null = null;
  /** The outbox as this process knows it: box id → what is owed. */
  readonly #owed = new Map<string, OutboxKind>();
  /** Boxes this process had to show, and those that have a post. */
  readonly #asked = new Set<string>();
  readonly #shown = new Set<string>();
  /** Boxes whose final this process took on (so a restore does not take one on twice). */
  readonly #finalizing = new Set<string>();
  #finalsLanded = 0;
  #finalsImpossible = 0;
  /** Set by `abandon()`: publishers let go, nothing more is written to the ledger about boxes. */
  readonly #stopping = new AbortController();
  readonly #beacon = new RecoveryBeacon();

  constructor(o: RuntimeOptions) {
    this.#o = o;
    this.#core = new Dispatcher({ ...o.config, recallForgottenSlots: true });
  }

  /**
   * Restores slots from the ledger and resumes the outbox: boxes left live end as interrupted and
   * owed finals are written again, each on the post it already has (found by its box key when the
   * answer to its create was lost), or created directly in its final state.
   */
  restore(): void {
    const states: SlotState[] = [];
    const open: SlotState[] = [];
    for (const rec of this.#o.ledger.listSlots()) {
      if (!isSlotState(rec.snapshot)) {
        this.#o.log.warn("ledger slot has no readable snapshot; skipped", { slot: rec.slot });
        continue;
      }
      states.push(rec.snapshot);
      // Finished slots stay in the ledger until a run starts on them: memory holds what is open.
      if (isFinished(rec.snapshot)) continue;
      open.push(rec.snapshot);
      if (rec.lastTransition) this.#lastTransition.set(rec.slot, rec.lastTransition);
    }
    const owed = this.#o.ledger.listOutbox();
    for (const entry of owed) this.#owed.set(entry.boxId, entry.kind);
    this.#run(this.#core.restore(open, this.#now()));
    this.#resumeOwed(owed);
    this.#settleOrphans();
    if (owed.length > 0)
      this.#o.log.info("resuming box writes left owed by the last run", {
        finals: owed.filter((e) => e.kind === "final").length,
        creates: owed.filter((e) => e.kind === "create").length,
        removals: owed.filter((e) => e.kind === "delete" || e.kind === "receipt").length,
      });
  }

  ingest(event: LiveEvent): DispatchResult {
    let result = this.#core.handle(event, this.#now());
    if (result.recall !== undefined) {
      this.#core.adopt(result.recall, this.#recall(result.recall));
      result = this.#core.handle(event, this.#now());
    }
    this.#run(result);
    return result;
  }

  /** Slots held in memory (the open ones and at most `maxIdleSlots` finished ones). */
  slotsInMemory(): number {
    return this.#core.size;
  }

  /** Box writers held in memory (live boxes and those still being written). */
  boxesInMemory(): number {
    return this.#boxes.size;
  }

  /** A forgotten slot as the ledger keeps it, or null for a slot never seen. */
  #recall(key: string): SlotState | null {
    try {
      const rec = this.#o.ledger.getSlot(key);
      if (!rec || !isSlotState(rec.snapshot)) return null;
      if (rec.lastTransition) this.#lastTransition.set(key, rec.lastTransition);
      this.#idleSlots.add(key);
      return rec.snapshot;
    } catch (error) {
      this.#ledgerFailed(error, "ledger read failed for a slot", { slot: key });
      return null;
    }
  }

  /** Watchdog: ends runs that went silent for longer than `staleAfterMs`. */
  tick(): void {
    this.#run(this.#core.broadcast({ type: "tick" }, this.#now()));
    this.#persistDirty(false);
  }

  /**
   * Ends every live box as interrupted and waits for the final writes — for as long as they take.
   * A caller that cannot wait calls `abandon()`; `stop()` then resolves at once.
   */
  async stop(reason: string): Promise<void> {
    this.#run(this.#core.broadcast({ type: "interrupt", reason }, this.#now()));
    await this.idle();
    if (!this.#stopping.signal.aborted) this.#persistDirty(true);
  }

  /**
   * Lets go of every box at once: what is still owed stays in the ledger's outbox, and the next
   * start on this ledger lands it. Returns the number of finals left owed.
   */
  abandon(): number {
    if (!this.#stopping.signal.aborted) {
      // Slots as they stand (a final still owed leaves its slot completing, to be resumed).
      this.#persistDirty(true);
      this.#stopping.abort();
      for (const handle of this.#boxes.values()) void handle.ready.then((p) => p?.abandon());
    }
    return this.report().finalsPending;
  }

  /** Resolves once no effect is being carried out and every publisher is idle. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#tasks.size > 0) {
        await Promise.allSettled([...this.#tasks]);
        continue;
      }
      const publishers = await Promise.all([...this.#boxes.values()].map((b) => b.ready));
      await Promise.all(publishers.map((p) => p?.idle()));
      if (this.#tasks.size === 0) return;
    }
  }

  slots(): SlotState[] {
    return this.#core.slots();
  }

  /** Final states that have not landed: still owed, or impossible. */
  finalsNotLanded(): number {
    const r = this.report();
    return r.finalsPending + r.finalsImpossible;
  }

  report(): DeliveryReport {
    let finalsPending = 0;
    for (const kind of this.#owed.values()) if (kind === "final") finalsPending++;
    let boxesShown = 0;
    for (const boxId of this.#asked) if (this.#shown.has(boxId)) boxesShown++;
    return {
      boxesShown,
      boxesNeverShown: this.#asked.size - boxesShown,
      finalsLanded: this.#finalsLanded,
      finalsPending,
      finalsImpossible: this.#finalsImpossible,
    };
  }

  /** Per-session counters, for the last 10,000 sessions that had a box. */
  summary(): Record<string, SessionSummary> {
    return Object.fromEntries(this.#summary);
  }

  #now(): number {
    return this.#o.clock.now();
  }

  #run(result: DispatchResult): void {
    for (const effect of result.effects) this.#perform("", effect);
    for (const step of result.steps) this.#step(step);
    this.#persistDirty(false);
    this.#forgetIdle(result.steps);
  }

  /**
   * Keeps at most `maxIdleSlots` finished slots in memory, forgetting the least recently finished
   * once they are in the ledger. A failed ledger could not give them back, so then nothing is forgotten.
   */
  #forgetIdle(steps: Step[]): void {
    for (const { slot, state } of steps) {
      this.#idleSlots.delete(slot);
      if (isFinished(state)) this.#idleSlots.add(slot);
    }
    const max = this.#o.maxIdleSlots ?? 1_000;
    if (this.#idleSlots.size <= max || this.#storageFault) return;
    const excess = [...this.#idleSlots].slice(0, this.#idleSlots.size - max);
    const unsaved = excess.filter((slot) => this.#dirtySlots.has(slot));
    if (unsaved.length > 0) this.#writeSlots(unsaved);
    if (this.#storageFault) return;
    for (const slot of excess) {
      this.#idleSlots.delete(slot);
      if (!this.#core.forget(slot)) continue;
      this.#lastTransition.delete(slot);
    }
  }

  #step(step: Step): void {
    this.#dirtySlots.add(step.slot);
    if (step.transition) {
      const { from, to, reason } = step.transition;
      this.#lastTransition.set(step.slot, { from, to, reason, at: this.#now() });
      this.#o.log.info(`${from} → ${to}: ${reason}`, { slot: step.slot });
      this.#persistSlot(step.slot);
    }
    for (const effect of step.effects) this.#perform(step.slot, effect);
  }

  #perform(slot: string, effect: Effect): void {
    switch (effect.kind) {
      case "log":
        this.#o.log[effect.level](effect.message, effect.fields);
        return;
      case "create_box":
        this.#count(effect.session, "boxesCreated");
        this.#asked.add(effect.boxId);
        this.#boxes.set(effect.boxId, {
          slot,
          generation: generationOf(effect.boxId),
          ready: this.#openBox(slot, effect.boxId, effect.conversation, effect.runId, effect.status),
          record: null,
        });
        return;
      case "update_box":
        this.#count(effect.status.session, "updates");
        this.#handle(effect.boxId).latest = effect.status;
        this.#withBox(effect.boxId, async (p) =>
          p.show(() => renderPost(effect.status, undefined, this.#renderContext)),
        );
        return;
      case "finalize_box":
        this.#finalize(slot, effect.boxId, effect.status);
        return;
      case "remove_box": {
        this.#count(effect.status.session, "boxesRemoved");
        const kind = effect.policy === "delete" ? "delete" : "receipt";
        // Owed before anything is tried: a restart still takes the buried box away.
        if (!this.#stopping.signal.aborted) {
          const since = this.#o.ledger.getOutbox(effect.boxId)?.since;
          this.#write({ outbox: [this.#entry(effect.boxId, kind, effect.status, since)] });
          this.#owed.set(effect.boxId, kind);
        }
        this.#remove(effect.boxId, kind, effect.status);
        return;
      }
      default:
        assertNever(effect, "effect");
    }
  }

  /**
   * Opens a box: resolves its conversation (waiting out an outage), records the box, and — for a
   * live run, `initial` — owes its create and shows it. Without `initial` the caller finishes it.
   */
  async #openBox(
    slot: string,
    boxId: string,
    conversation: Conversation,
    runId: string | null,
    initial?: LiveStatusV1,
  ): Promise<BoxPublisher | null> {
    const generation = generationOf(boxId);
    const client = this.#clientOrNull(conversation);
    const target = client ? await this.#reachConversation(conversation) : "no such Mattermost account";
    if (!client || typeof target === "string") {
      if (target === "abandoned") return null;
      this.#o.log.error("cannot reach the conversation of a box", { slot, error: target });
      this.#feedback(slot, { type: "box_gone", generation, reason: "conversation unreachable" });
      return null;
    }
    if (this.#forbiddenChannels.has(target.channelId)) {
      this.#feedback(slot, { type: "box_gone", generation, reason: "forbidden" });
      return null;
    }
    const pendingPostId = this.#newId();
    const record: BoxRecord = {
      boxId,
      slot,
      generation,
      channelId: target.channelId,
      ...(target.rootId !== undefined && { rootId: target.rootId }),
      pendingPostId,
      ...(runId !== null && { runId }),
      state: "running",
      version: 1,
      updatedAt: this.#now(),
    };
    const handle = this.#boxes.get(boxId);
    if (handle) handle.record = record;
    // The record and the obligation in one write: a restart knows the box and that it is owed.
    const owe = initial && !this.#owed.has(boxId);
    this.#write({
      boxes: [record],
      ...(owe && { outbox: [this.#entry(boxId, "create", initial)] }),
    });
    if (owe) this.#owed.set(boxId, "create");
    const botUserId = await this.#botUserIdOf(conversation);
    const publisher = this.#publisher(client, boxId, slot, generation, target, pendingPostId, botUserId);
    if (this.#stopping.signal.aborted) publisher.abandon();
    else if (initial) {
      const latest = this.#boxes.get(boxId);
      if (latest && !latest.latest) latest.latest = initial;
      publisher.show(() => renderPost(latest?.latest ?? initial, undefined, this.#renderContext));
    }
    return publisher;
  }

  /** The box target of a conversation; a DM's channel is asked for until Mattermost answers. */
  async #reachConversation(c: Conversation): Promise<BoxTarget | string> {
    for (let attempt = 1; ; attempt++) {
      if (this.#stopping.signal.aborted) return "abandoned";
      try {
        return await this.#target(c);
      } catch (error) {
        const decision = decideRetry(error, attempt, "create", {
          random: this.#o.random ?? Math.random,
          obligation: true,
        });
        if (
          !decision.retry ||
          (error instanceof MattermostApiError && error.status < 500 && error.status !== 429)
        )
          return describeError(error);
        if (attempt === 1)
          this.#o.log.warn("cannot open the conversation of a box yet; retrying", {
            error: describeError(error),
            afterMs: decision.afterMs,
          });
        try {
          await this.#retryClock.sleep(decision.afterMs, this.#stopping.signal);
        } catch {
          return "abandoned";
        }
      }
    }
  }

  #publisher(
    client: MattermostClient,
    boxId: string,
    slot: string,
    generation: number,
    target: BoxTarget,
    pendingPostId: string,
    botUserId: string | undefined,
    postId?: string,
    mayExist?: { since: number },
  ) {
    if (postId !== undefined) this.#shown.add(boxId);
    return new BoxPublisher({
      client,
      clock: this.#o.clock,
      retryClock: this.#retryClock,
      target,
      boxId,
      pendingPostId,
      ...(botUserId !== undefined && { botUserId }),
      beacon: this.#beacon,
      ...(postId !== undefined && { existingPostId: postId }),
      writeDue: (shown, lastWriteAt) => this.#writeDue(boxId, shown, lastWriteAt),
      ...(mayExist !== undefined && { mayExist }),
      ...(this.#o.minIntervalMs !== undefined && { minIntervalMs: this.#o.minIntervalMs }),
      ...(this.#o.random !== undefined && { random: this.#o.random }),
      log: this.#o.log,
      onPosted: (id) => {
        this.#shown.add(boxId);
        if (this.#stopping.signal.aborted) return;
        // The box appeared: its create is no longer owed (a final, if owed, still is).
        this.#putBox(boxId, { postId: id }, this.#owed.get(boxId) === "create");
      },
      onGone: (reason: GoneReason) => {
        if (reason === "forbidden") this.#forbiddenChannels.add(target.channelId);
        this.#feedback(slot, { type: "box_gone", generation, reason });
      },
    });
  }

  /** When a box's pending state may be written: the edit policy, never sooner than `minIntervalMs`. */
  #writeDue(boxId: string, shown: PostContent | undefined, lastWriteAt: number): number {
    const floor = lastWriteAt + (this.#o.minIntervalMs ?? 1_000);
    const next = this.#boxes.get(boxId)?.latest;
    if (!next) return floor;
    const due = writeDueAt(
      {
        shown: shown?.props.live_status as LiveStatusV1 | undefined,
        next,
        lastWriteAt,
        now: this.#now(),
        backlogMs: this.#o.backlogMs?.() ?? 0,
      },
      this.#o.editPolicy ?? DEFAULT_EDIT_POLICY,
    );
    return due === lastWriteAt ? due : Math.max(due, floor);
  }

  #finalize(slot: string, boxId: string, status: LiveStatusV1): void {
    this.#summaryOf(status.session).finalState = status.state;
    const generation = generationOf(boxId);
    this.#finalizing.add(boxId);
    this.#asked.add(boxId);
    // Owed before anything is tried: a crash from here on still lands this final on the next start.
    const since = this.#o.ledger.getOutbox(boxId)?.since;
    if (!this.#stopping.signal.aborted) {
      this.#write({ outbox: [this.#entry(boxId, "final", status, since)] });
      this.#owed.set(boxId, "final");
    }
    this.#track(
      (async () => {
        const p = await this.#handle(boxId).ready;
        if (this.#stopping.signal.aborted) return;
        if (!p) {
          this.#settle(boxId);
          this.#finalsImpossible++;
        } else {
          const result = await p.finish(renderPost(status, undefined, this.#renderContext));
          if (!result.landed && result.reason === "abandoned") return;
          if (result.landed) {
            this.#finalsLanded++;
            this.#putBox(boxId, { state: status.state }, true);
          } else {
            this.#settle(boxId);
            if (result.reason !== "removed") {
              this.#finalsImpossible++;
              this.#o.log.warn("final state of a box can never land", { boxId, reason: result.reason });
            }
          }
        }
        this.#release(boxId);
        this.#feedback(slot, { type: "final_landed", generation });
      })(),
    );
  }

  /** Takes a buried box out of its conversation; the removal's outbox entry settles once it is done. */
  #remove(boxId: string, kind: "delete" | "receipt", status: LiveStatusV1): void {
    this.#track(
      (async () => {
        const p = await this.#handle(boxId).ready;
        if (p) await p.remove(kind === "delete" ? "delete" : { receipt: receiptPost(status) });
        if (this.#stopping.signal.aborted) return;
        this.#putBox(boxId, { state: "removed" }, true);
        this.#release(boxId);
      })(),
    );
  }

  /** Outbox entries the core's restore did not take on: older boxes, unreadable slots. */
  #resumeOwed(owed: OutboxEntry[]): void {
    for (const entry of owed) {
      if (this.#finalizing.has(entry.boxId)) continue;
      if (entry.kind === "delete" || entry.kind === "receipt") {
        this.#remove(entry.boxId, entry.kind, entry.status);
        continue;
      }
      const slot = parseBoxKey(entry.boxId)?.slot ?? entry.boxId;
      // A create still owed means the run was live when the process stopped.
      const status =
        entry.kind === "final" ? entry.status : finishStatus(entry.status, "interrupted", this.#now());
      this.#finalize(slot, entry.boxId, status);
    }
  }

  #withBox(boxId: string, work: (p: BoxPublisher) => Promise<void>): void {
    this.#track(
      this.#handle(boxId).ready.then(async (p) => {
        if (p) await work(p);
      }),
    );
  }

  /**
   * The handle of a box: live in memory, or rebuilt after a restart — from its ledger record (on
   * its post, or looking for the post a lost create made), or, with no record, from its slot's
   * conversation (no create was ever sent, so it is created in the state it is finished with).
   */
  #handle(boxId: string): BoxHandle {
    const known = this.#boxes.get(boxId);
    if (known) return known;
    const record = this.#o.ledger.getBox(boxId) ?? null;
    const slot = record?.slot ?? parseBoxKey(boxId)?.slot ?? boxId;
    const generation = generationOf(boxId);
    let ready: Promise<BoxPublisher | null>;
    const conversation = record ? this.#o.ledger.getSlot(record.slot)?.conversation : undefined;
    const client = conversation ? this.#clientOrNull(conversation) : this.#o.client;
    if (record && record.state !== "removed" && client) {
      const target = {
        channelId: record.channelId,
        ...(record.rootId !== undefined && { rootId: record.rootId }),
      };
      const since = this.#o.ledger.getOutbox(boxId)?.since ?? 0;
      ready = this.#botUserIdOf(conversation).then((botUserId) =>
        this.#publisher(
          client,
          boxId,
          slot,
          generation,
          target,
          record.pendingPostId,
          botUserId,
          record.postId,
          record.postId === undefined ? { since } : undefined,
        ),
      );
    } else {
      const state = this.#core.slot(slot);
      if (!record && state && state.generation === generation) {
        ready = this.#openBox(slot, boxId, state.conversation, state.runId);
      } else {
        this.#o.log.warn("box has no post on record; nothing to write", { boxId });
        ready = Promise.resolve(null);
      }
    }
    const handle = { slot, generation, ready, record };
    this.#boxes.set(boxId, handle);
    return handle;
  }

  /**
   * Forgets the writer of a box whose last write is done. A later write to it (the removal of a buried
   * box) rebuilds it from the ledger's record; with a failed ledger there is none, so it is kept.
   */
  #release(boxId: string): void {
    if (!this.#storageFault) this.#boxes.delete(boxId);
  }

  async #target(c: Conversation): Promise<BoxTarget> {
    const root = c.rootId !== undefined ? { rootId: c.rootId } : {};
    if (c.kind === "channel") return { channelId: c.channelId, ...root };
    const key = `${c.account ?? ""}|${c.userId}`;
    let channel = this.#dmChannels.get(key);
    if (!channel) {
      const io = this.#accountOf(c);
      channel = io
        .botUserId()
        .then((bot) => io.client.createDirectChannel(bot, c.userId))
        .then((ch) => ch.id);
      channel.catch(() => this.#dmChannels.delete(key));
      this.#dmChannels.set(key, channel);
    }
    return { channelId: await channel, ...root };
  }

  /** The account a conversation's box goes through; throws for an account this gateway lacks. */
  #accountOf(c: Conversation): AccountClient {
    const fallback = { client: this.#o.client, botUserId: async () => this.#o.botUserId };
    if (c.account === undefined || c.account === this.#o.defaultAccount || !this.#o.accountClient)
      return fallback;
    const found = this.#o.accountClient(c.account);
    if (!found) throw new Error(`no Mattermost account "${c.account}" (channels.mattermost.accounts)`);
    return found;
  }

  /**
   * The bot that posts a conversation's boxes, to recognise a box's own post after a lost create; when
   * it cannot be learnt, undefined (the box key alone then recognises it).
   */
  async #botUserIdOf(c: Conversation | undefined): Promise<string | undefined> {
    if (!c) return this.#o.botUserId;
    try {
      return await this.#accountOf(c).botUserId();
    } catch {
      return undefined;
    }
  }

  #clientOrNull(c: Conversation): MattermostClient | null {
    try {
      return this.#accountOf(c).client;
    } catch (error) {
      this.#o.log.error("cannot write a box of an unknown account", { error: describeError(error) });
      return null;
    }
  }

  #feedback(slot: string, event: SlotEvent): void {
    this.#run(this.#core.feedback(slot, event, this.#now()));
  }

  /** Running boxes on record that nothing took on: left by a crash between two writes. */
  #settleOrphans(): void {
    for (const box of this.#o.ledger.listBoxes({ states: ["running"] })) {
      if (this.#finalizing.has(box.boxId) || this.#owed.has(box.boxId)) continue;
      const session = parseBoxKey(box.boxId)?.session ?? box.slot;
      const status = finishStatus(startStatus(session, box.updatedAt), "interrupted", this.#now());
      this.#o.log.warn("finalizing an orphaned box left running", { boxId: box.boxId });
      this.#finalize(box.slot, box.boxId, status);
    }
  }

  #entry(boxId: string, kind: OutboxKind, status: LiveStatusV1, since?: number): OutboxEntry {
    const now = this.#retryClock.now();
    return { boxId, kind, status, since: since ?? now, updatedAt: now };
  }

  /** Drops the box's outbox entry: it landed, was superseded, or can never land. */
  #settle(boxId: string): void {
    this.#owed.delete(boxId);
    this.#write({ settled: [boxId] });
  }

  #write(batch: LedgerBatch): void {
    try {
      this.#o.ledger.putBatch(batch);
    } catch (error) {
      this.#ledgerFailed(error, "ledger write failed for a box", {
        boxId: batch.boxes?.[0]?.boxId ?? batch.outbox?.[0]?.boxId ?? batch.settled?.[0] ?? "",
      });
    }
  }

  get #retryClock(): Clock {
    return this.#o.retryClock ?? this.#o.clock;
  }

  /** Updates the box record; `settle` also drops its outbox entry, in the same write. */
  #putBox(boxId: string, patch: Partial<Pick<BoxRecord, "postId" | "state">>, settle = false): void {
    let current = this.#boxes.get(boxId)?.record;
    try {
      current ??= this.#o.ledger.getBox(boxId);
    } catch (error) {
      this.#ledgerFailed(error, "ledger read failed for a box", { boxId });
    }
    if (settle) this.#owed.delete(boxId);
    if (!current) {
      if (settle) this.#write({ settled: [boxId] });
      return;
    }
    const record = { ...current, ...patch, version: current.version + 1, updatedAt: this.#now() };
    const handle = this.#boxes.get(boxId);
    if (handle) handle.record = record;
    this.#write({ boxes: [record], ...(settle && { settled: [boxId] }) });
  }

  #persistDirty(force: boolean): void {
    const interval = this.#o.persistIntervalMs ?? 1_000;
    if (!force && this.#now() - this.#lastPersistAt < interval) return;
    this.#lastPersistAt = this.#now();
    if (this.#dirtySlots.size === 0) return;
    // One transaction for all of them: one disk sync instead of one per slot.
    this.#writeSlots([...this.#dirtySlots]);
  }

  #persistSlot(slot: string): void {
    this.#writeSlots([slot]);
  }

  #writeSlots(slots: string[]): void {
    // After abandon() the ledger belongs to whoever closes it next.
    if (this.#stopping.signal.aborted) return;
    const records: SlotRecord[] = [];
    for (const slot of slots) {
      this.#dirtySlots.delete(slot);
      const record = this.#slotRecord(slot);
      if (record) records.push(record);
    }
    try {
      this.#o.ledger.putBatch({ slots: records });
    } catch (error) {
      this.#ledgerFailed(error, "ledger write failed for slots", { slots: slots.join(",") });
    }
  }

  #slotRecord(slot: string): SlotRecord | undefined {
    const state = this.#core.slot(slot);
    if (!state) return undefined;
    const lastTransition = this.#lastTransition.get(slot);
    return {
      slot,
      session: state.session,
      conversation: state.conversation,
      phase: state.phase,
      generation: state.generation,
      ...(state.runId !== null && { runId: state.runId }),
      snapshot: state,
      ...(lastTransition && { lastTransition }),
      updatedAt: this.#now(),
    };
  }

  /** A storage fault is reported once (the owner decides what to do); anything else is logged. */
  #ledgerFailed(error: unknown, what: string, fields: Record<string, unknown>): void {
    if (!(error instanceof LedgerStorageError)) {
      this.#o.log.error(what, { ...fields, error: describeError(error) });
      return;
    }
    if (this.#storageFault) return;
    this.#storageFault = error;
    if (this.#o.onStorageFault) this.#o.onStorageFault(error);
    else this.#o.log.error(error.message);
  }

  #track(task: Promise<unknown>): void {
    const guarded = task.catch((error) =>
      this.#o.log.error("box write failed", { error: describeError(error) }),
    );
    this.#tasks.add(guarded);
    void guarded.finally(() => this.#tasks.delete(guarded));
  }

  #count(session: string, key: "boxesCreated" | "updates" | "boxesRemoved"): void {
    this.#summaryOf(session)[key]++;
  }

  #summaryOf(session: string): SessionSummary {
    let s = this.#summary.get(session);
    if (!s) {
      s = { boxesCreated: 0, updates: 0, boxesRemoved: 0, finalState: null };
      this.#summary.set(session, s);
      // Counters for the last sessions only: a gateway that runs for weeks meets new threads every day.
      trimOldest(this.#summary, MAX_SUMMARY_SESSIONS);
    }
    return s;
  }

  #newId(): string {
    return this.#o.newId ? this.#o.newId() : crypto.randomUUID().replaceAll("-", "");
  }
}

function receiptPost(status: LiveStatusV1): RenderedPost {
  return { type: LIVE_STATUS_POST_TYPE, message: renderReceipt(status), props: { live_status: status } };
}

function generationOf(boxId: string): number {
  const parsed = parseBoxKey(boxId);
  if (!parsed) throw new Error(`not a box key: ${boxId}`);
  return parsed.generation;
}
