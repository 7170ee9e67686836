import { LIVE_STATUS_BOX_PROP, LIVE_STATUS_POST_TYPE } from "@live-status/contract";
import { jsonEqual } from "../core/json-equal.ts";
import type { Clock } from "../ports/clock.ts";
import type { Logger } from "../ports/logger.ts";
import type {
  MattermostClient,
  MattermostPost,
  PostContent,
  RequestContext,
  RequestPriority,
} from "../ports/mattermost.ts";
import { MattermostApiError } from "../ports/mattermost-errors.ts";
import { type RateBudget, REQUEST_WITHDRAWN } from "./rate-budget.ts";
import { CREATE_RETRY_WINDOW_MS, decideRetry, type RetryOp } from "./retry-policy.ts";

/** Where a box lives: a channel, and the thread root when the conversation is a thread. */
export interface BoxTarget {
  channelId: string;
  rootId?: string;
}

/** Why a box stopped being shown before its run ended. */
export type GoneReason = "deleted_twice" | "forbidden" | "gave_up";

export type FinishResult =
  | { landed: true; postId: string }
  /** `abandoned`: the process let go of the box (see `abandon()`); the obligation stays on record. */
  | { landed: false; reason: GoneReason | "removed" | "abandoned" };

/** The client calls a publisher makes. */
export type BoxPublisherClient = Pick<
  MattermostClient,
  "createPost" | "patchPost" | "deletePost" | "getChannelPostsSince"
>;

/** How far before its first create a box's post is looked for: covers clock skew with the server. */
export const LOOKUP_MARGIN_MS = 120_000;

export interface BoxPublisherOptions {
  client: BoxPublisherClient;
  clock: Clock;
  /**
   * The clock back-offs are waited on: the real clock, even when `clock` is event time (a replay),
   * so an outage is waited out in real time. Default `clock`.
   */
  retryClock?: Clock;
  target: BoxTarget;
  boxId: string;
  /** The box's own id, carried in `props.live_status_box` so its post can be found again. Default `pendingPostId`. */
  boxKey?: string;
  /** The bot's user id: only its own posts are adopted when looking for the box's post. */
  botUserId?: string;
  /**
   * A create for this box may have landed in an earlier process (its answer was lost): before
   * creating, look in the channel for a post carrying the box key, changed after `since` (retry clock time).
   */
  mayExist?: { since: number };
  /** Least clock time between two writes of this box, the final one excepted. Default 1000 ms. */
  minIntervalMs?: number;
  /** Wakes this box's back-offs when another box's write gets through, and is told when this one's does. */
  beacon?: RecoveryBeacon;
  /**
   * Clock time at which the pending state may be written, given what the box shows and when it was
   * last written; replaces `minIntervalMs` (the final state never waits). Asked before the pending
   * state is rendered, and again when a newer state is shown while the box waits.
   */
  writeDue?: (shown: PostContent | undefined, lastWriteAt: number) => number;
  /** Sent with the create so a repeated create never makes a second post. */
  pendingPostId: string;
  /** Adopt a post made earlier (e.g. before a restart) instead of creating one. */
  existingPostId?: string;
  /** Create without notifications where the server allows it. Default true. */
  silent?: boolean;
  /** Jitter source for back-offs, uniform in [0, 1). Default `Math.random`. */
  random?: () => number;
  log: Logger;
  onPosted?(postId: string): void;
  onGone?(reason: GoneReason): void;
}

type RemoveMode = "delete" | { receipt: PostContent };

/**
 * Shared by the publishers of one Mattermost: a write that succeeds after failures says the server is
 * back, and every box waiting out a back-off tries again at once (the rate budget spaces them), so
 * owed finals land within moments of a recovery instead of up to a full back-off later.
 */
export class RecoveryBeacon {
  readonly #waiters = new Set<() => void>();

  /** Calls `wake` once, at the next recovery; returns a function that cancels the wait. */
  onRecovery(wake: () => void): () => void {
    this.#waiters.add(wake);
    return () => this.#waiters.delete(wake);
  }

  recovered(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }
}

/**
 * Keeps one Mattermost post (one box) showing the latest state it was given. One write in flight at
 * a time; while one is in flight or throttled, newer states replace older ones (latest wins) and a
 * state equal to the last landed one is skipped. Writes are at least `minIntervalMs` of clock time
 * apart, except the final one, which goes as soon as the write in flight ends. Under a shared
 * {@link RateBudget} the final goes `urgent`, the create `normal` and routine edits `background`;
 * a write whose state was replaced while it waited is withdrawn unsent when its turn comes and the
 * newest state goes in its place, so a box never spends a request on a state it already replaced
 * (see `box-publisher.budget.test.ts`). Failures follow {@link decideRetry}; a retry always sends the latest state.
 *
 * The create and the final state are obligations: retried on `retryClock` (real time) for as long as
 * it takes; routine edits may be dropped after a few failures, since a newer state replaces them. Every
 * write carries the box key in `props.live_status_box`. The create carries `pendingPostId`, so a
 * create whose answer was lost is deduplicated by the server for ~30 s; past that window (or after a
 * restart, `mayExist`) the publisher first looks in the channel for its own post with that key and
 * adopts it, so a lost answer never leaves a second post.
 *
 * A post deleted by a person (an edit answered 403/404) is recreated once, at the bottom, with the
 * latest state and a fresh pending id; a second deletion ends the box (`deleted_twice`). A create
 * refused with 403/404 ends it as `forbidden`; a create or final write the server refuses for good (a
 * 4xx) as `gave_up`. A post past the server's edit time limit cannot show a new state: it is deleted
 * and the box posted again at the bottom (each time the limit passes), so it never stays "running".
 */
export class BoxPublisher {
  private readonly o: BoxPublisherOptions;
  private readonly minIntervalMs: number;
  private readonly random: () => number;
  private postId: string | undefined;
  private pendingPostId: string;
  /** The state to show next; a function is rendered only when a write is about to use it. */
  private desired: PostContent | (() => PostContent) | undefined;
  private final: PostContent | undefined;
  private landed: PostContent | undefined;
  private lastWriteAt: number | undefined;
  private retryAt = Number.NEGATIVE_INFINITY;
  private failures = 0;
  /** Retry-clock time of the first create that may have landed unseen; the post is looked for past the dedupe window. */
  private unseenCreateAt: number | undefined;
  private lookupDue: boolean;
  /** Aborts a back-off sleep; only `abandon()` uses it. */
  private readonly stopping = new AbortController();
  private abandoned = false;
  private recreated = false;
  /** A post replaced for the edit time limit, still to be deleted before the box is posted again. */
  private stalePostId: string | undefined;
  private replacements = 0;
  private gone: GoneReason | undefined;
  private removal: { mode: RemoveMode; done: Promise<void>; resolve: () => void } | undefined;
  private closed = false;
  private running = false;
  private throttle: AbortController | undefined;
  /** Clock time the current throttle sleep ends. */
  private throttledUntil = Number.POSITIVE_INFINITY;
  /** The write waiting for the rate budget (not sent yet); aborting it withdraws it. */
  private waiting: AbortController | undefined;
  /** Clock time the pending write first asked the budget: its place in line across withdrawals. */
  private queuedSince: number | undefined;
  private idleWaiters: Array<() => void> = [];
  private finishWaiters: Array<(result: FinishResult) => void> = [];

  constructor(o: BoxPublisherOptions) {
    this.o = o;
    this.minIntervalMs = o.minIntervalMs ?? 1_000;
    this.random = o.random ?? Math.random;
    this.postId = o.existingPostId;
    this.pendingPostId = o.pendingPostId;
    this.lookupDue = o.mayExist !== undefined && o.existingPostId === undefined;
    if (o.mayExist) this.unseenCreateAt = o.mayExist.since;
  }

  /** The post currently showing the box, if any. */
  get currentPostId(): string | undefined {
    return this.postId;
  }

  /** Why the box stopped, if it did. */
  get goneReason(): GoneReason | undefined {
    return this.gone;
  }

  /**
   * Asks for `post` to be shown; creates the post on the first call. Ignored once final, gone or
   * removed. Pass a function to render lazily: of many states shown between two writes, only the
   * one actually written is rendered.
   */
  show(post: PostContent | (() => PostContent)): void {
    if (this.final || this.gone || this.removal || this.closed) return;
    this.desired = post;
    // A newer state may be due sooner than the one the box is waiting for.
    if (this.throttle && this.dueAt() < this.throttledUntil) this.throttle.abort();
    this.kick();
  }

  /**
   * Shows the final state without throttling; resolves once it landed or definitively cannot. A box
   * whose create never left goes straight to its final state: the record of the work is the product.
   */
  finish(post: PostContent): Promise<FinishResult> {
    if (this.removal || this.closed) return Promise.resolve({ landed: false, reason: "removed" });
    if (this.gone) return Promise.resolve({ landed: false, reason: this.gone });
    this.final = post;
    this.desired = post;
    const result = new Promise<FinishResult>((resolve) => this.finishWaiters.push(resolve));
    this.throttle?.abort();
    this.waiting?.abort(REQUEST_WITHDRAWN);
    this.kick();
    return result;
  }

  /**
   * Takes the box out of the conversation: deletes the post, or edits it into `receipt`. Pending states
   * are dropped; a write in flight ends first. A post already gone counts as removed.
   */
  remove(mode: RemoveMode): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.removal) return this.removal.done;
    let resolve = () => {};
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    this.removal = { mode, done, resolve };
    this.desired = undefined;
    this.throttle?.abort();
    this.waiting?.abort(REQUEST_WITHDRAWN);
    this.kick();
    return done;
  }

  /**
   * Lets go of the box at once, leaving the post as it is: pending states and back-offs are dropped
   * and `finish()` callers get `abandoned`. For a process that stops before Mattermost came back;
   * what it still owed stays in the ledger for the next start.
   */
  abandon(): void {
    if (this.closed) return;
    this.abandoned = true;
    this.stopping.abort();
    this.throttle?.abort();
    this.waiting?.abort(REQUEST_WITHDRAWN);
    this.close();
    this.settleFinish();
  }

  /** Resolves when nothing is pending or in flight. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        if (this.closed) break;
        if (this.retryClock.now() < this.retryAt) {
          await this.backOff();
          continue;
        }
        if (this.removal) {
          await this.performRemoval(this.removal.mode);
          break;
        }
        if (this.stalePostId) {
          // It may still say "running": deleted like a buried box before the box is posted again.
          await this.removePost(this.stalePostId, "delete");
          this.stalePostId = undefined;
          continue;
        }
        if (this.gone) break;
        if (!this.desired) break;
        const due = this.dueAt();
        if (this.clock.now() < due) {
          await this.sleepUntil(due, true);
          continue;
        }
        const next = this.materialize();
        if (!next) break;
        if (!this.postId && this.mustLookUp()) {
          await this.lookUp(next === this.final);
          continue;
        }
        if (this.postId && this.landed && samePost(this.landed, next)) {
          this.desired = undefined;
          this.settleFinish();
          continue;
        }
        await this.write(next);
      }
    } catch (error) {
      this.o.log.error("box publisher stopped on an unexpected error", {
        ...this.fields(),
        error: String(error),
      });
      this.markGone("gave_up");
    } finally {
      this.running = false;
      if (this.removal && !this.closed) this.close();
      this.settleFinish(true);
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** When the pending state may be written: at once for the create and the final state. */
  private dueAt(): number {
    if (!this.postId || this.final || this.lastWriteAt === undefined) return Number.NEGATIVE_INFINITY;
    if (this.o.writeDue) return this.o.writeDue(this.landed, this.lastWriteAt);
    return this.lastWriteAt + this.minIntervalMs;
  }

  private materialize(): PostContent | undefined {
    if (typeof this.desired === "function") this.desired = this.desired();
    return this.desired;
  }

  private get clock(): Clock {
    return this.o.clock;
  }

  private get retryClock(): Clock {
    return this.o.retryClock ?? this.o.clock;
  }

  /** Waits out the back-off on the retry clock; `abandon()` and a recovery elsewhere cut it short. */
  private async backOff(): Promise<void> {
    const wake = new AbortController();
    const stop = () => wake.abort();
    this.stopping.signal.addEventListener("abort", stop, { once: true });
    const cancel = this.o.beacon?.onRecovery(() => {
      this.retryAt = Number.NEGATIVE_INFINITY;
      wake.abort();
    });
    try {
      await this.retryClock.sleep(this.retryAt - this.retryClock.now(), wake.signal);
    } catch {
      // Woken: the loop re-reads the state.
    } finally {
      cancel?.();
      this.stopping.signal.removeEventListener("abort", stop);
    }
  }

  /** Past the server's pending_post_id memory a repeated create could make a second post: look first. */
  private mustLookUp(): boolean {
    if (this.lookupDue) return true;
    return (
      this.unseenCreateAt !== undefined &&
      this.retryClock.now() - this.unseenCreateAt >= CREATE_RETRY_WINDOW_MS
    );
  }

  /** Finds the post an earlier create made (answer lost) and adopts it; extra copies are deleted. */
  private async lookUp(urgent: boolean): Promise<void> {
    const since = (this.unseenCreateAt ?? this.retryClock.now()) - LOOKUP_MARGIN_MS;
    const key = this.boxKey;
    let found: MattermostPost[];
    try {
      const posts = await this.o.client.getChannelPostsSince(this.o.target.channelId, since, {
        priority: urgent ? "urgent" : "normal",
      });
      found = posts
        .filter(
          (p) =>
            p.delete_at === 0 &&
            p.type === LIVE_STATUS_POST_TYPE &&
            p.props?.[LIVE_STATUS_BOX_PROP] === key &&
            (this.o.botUserId === undefined || p.user_id === this.o.botUserId),
        )
        .sort((a, b) => a.create_at - b.create_at);
    } catch (error) {
      if (
        error instanceof MattermostApiError &&
        error.status >= 400 &&
        error.status < 500 &&
        error.status !== 429
      ) {
        // Cannot read the channel: creating is all that is left (with the pending id, as before).
        this.o.log.warn("cannot look for the box's earlier post; creating it", this.fields(error));
        this.lookupDone();
        return;
      }
      this.failures += 1;
      const decision = decideRetry(error, this.failures, "read", { random: this.random, obligation: true });
      if (!decision.retry) {
        this.lookupDone();
        return;
      }
      this.retryAt = this.retryClock.now() + decision.afterMs;
      if (this.failures === 1)
        this.o.log.warn("looking for the box's earlier post failed; retrying", {
          ...this.fields(error),
          afterMs: decision.afterMs,
        });
      return;
    }
    this.lookupDone();
    if (this.failures > 0) this.o.beacon?.recovered();
    this.failures = 0;
    const [mine, ...copies] = found;
    if (!mine) return;
    this.o.log.info("found the box's post made by an earlier attempt; keeping it", {
      ...this.fields(),
      postId: mine.id,
    });
    this.postId = mine.id;
    this.landed = undefined;
    this.o.onPosted?.(mine.id);
    for (const copy of copies) {
      try {
        await this.o.client.deletePost(copy.id);
      } catch (error) {
        this.o.log.warn("could not delete a second copy of the box", {
          ...this.fields(error),
          copy: copy.id,
        });
      }
    }
  }

  private lookupDone(): void {
    this.lookupDue = false;
    this.unseenCreateAt = undefined;
  }

  private get boxKey(): string {
    return this.o.boxKey ?? this.o.pendingPostId;
  }

  /** Sleeps until clock time `t`; a throttle sleep is cut short by `finish()` and `remove()`. */
  private async sleepUntil(t: number, interruptible: boolean): Promise<void> {
    const wake = interruptible ? new AbortController() : undefined;
    this.throttle = wake;
    if (wake) this.throttledUntil = t;
    try {
      await this.clock.sleep(t - this.clock.now(), wake?.signal);
    } catch {
      // Woken early: the loop re-reads the state.
    } finally {
      if (this.throttle === wake) this.throttle = undefined;
    }
  }

  private async write(next: PostContent): Promise<void> {
    const postId = this.postId;
    const op: RetryOp = postId ? "edit" : "create";
    const priority: RequestPriority = next === this.final ? "urgent" : postId ? "background" : "normal";
    this.desired = undefined;
    const previousWriteAt = this.lastWriteAt;
    this.lastWriteAt = this.clock.now();
    this.queuedSince ??= this.clock.now();
    const waiting = new AbortController();
    this.waiting = waiting;
    let sent = false;
    let sentAt = this.retryClock.now();
    const context: RequestContext = {
      priority,
      since: this.queuedSince,
      signal: waiting.signal,
      // A newer state arrived while this one waited: take it back and send the newer one instead.
      isStale: () => this.desired !== undefined,
      onGrant: () => {
        sent = true;
        sentAt = this.retryClock.now();
        if (this.waiting === waiting) this.waiting = undefined;
        this.queuedSince = undefined;
        // The interval counts from when the write actually left, not from when it queued.
        this.lastWriteAt = this.clock.now();
      },
    };
    try {
      const created = await this.send(postId, next, context);
      if (!created) this.landed = next;
      else {
        this.postId = created.id;
        // A deduplicated create answers with the post an earlier attempt made, maybe with older content.
        if (showsPost(created, next)) this.landed = next;
        else this.desired ??= next;
        this.o.onPosted?.(created.id);
      }
      if (this.failures > 0) {
        this.o.log.info("box writes recovered", { ...this.fields(), failures: this.failures });
        this.o.beacon?.recovered();
      }
      this.failures = 0;
      this.settleFinish();
    } catch (error) {
      if (!sent && error === REQUEST_WITHDRAWN) {
        // Withdrawn before it left: nothing was sent; the loop sends the newer state in its place.
        this.desired ??= next;
        this.lastWriteAt = previousWriteAt;
        return;
      }
      if (op === "create" && sent && mayHaveLanded(error)) this.unseenCreateAt ??= sentAt;
      this.writeFailed(error, op, next);
    } finally {
      if (this.waiting === waiting) this.waiting = undefined;
    }
  }

  /** The one request of a write: an edit of the post, or its create (answering the created post). */
  private async send(
    postId: string | undefined,
    next: PostContent,
    request: RequestContext,
  ): Promise<MattermostPost | undefined> {
    const props = { ...next.props, [LIVE_STATUS_BOX_PROP]: this.boxKey };
    if (postId) {
      await this.o.client.patchPost(postId, { message: next.message, props }, request);
      return undefined;
    }
    return this.o.client.createPost(
      {
        channel_id: this.o.target.channelId,
        ...(this.o.target.rootId && { root_id: this.o.target.rootId }),
        message: next.message,
        type: next.type,
        props,
        pending_post_id: this.pendingPostId,
      },
      { silent: this.o.silent ?? true, request },
    );
  }

  private writeFailed(error: unknown, op: RetryOp, next: PostContent): void {
    // Keep the state for the retry unless a newer one arrived meanwhile.
    this.desired ??= next;
    if (error instanceof MattermostApiError) {
      if (op === "edit" && isEditTimeLimit(error)) {
        this.replaceStalePost(error);
        return;
      }
      if (op === "edit" && (error.status === 403 || error.status === 404)) {
        this.postVanished(error);
        return;
      }
      if (op === "create" && (error.status === 403 || error.status === 404)) {
        this.o.log.error(
          "cannot post the box in this channel (no access); not showing it",
          this.fields(error),
        );
        this.markGone("forbidden");
        return;
      }
    }
    this.failures += 1;
    // The box's first appearance and its final state are obligations: retried until they land.
    const obligation = op === "create" || next === this.final;
    const decision = decideRetry(error, this.failures, op, { random: this.random, obligation });
    if (decision.retry) {
      this.retryAt = this.retryClock.now() + decision.afterMs;
      if (this.failures === 1) {
        const refused = error instanceof MattermostApiError && error.status === 401;
        if (refused)
          this.o.log.error(
            "Mattermost refused the bot token (401: revoked, rotated or its bot disabled); the box's writes wait until it is valid again",
            this.fields(error),
          );
        else
          this.o.log.warn("box write failed; retrying", { ...this.fields(error), afterMs: decision.afterMs });
      }
      return;
    }
    this.failures = 0;
    if (op === "create" || next === this.final) {
      this.o.log.error("giving up on the box", { ...this.fields(error), op, reason: decision.reason });
      this.markGone("gave_up");
      return;
    }
    this.o.log.warn("dropping a box update", { ...this.fields(error), reason: decision.reason });
    if (this.desired === next) this.desired = undefined;
  }

  /**
   * The post is past the server's edit time limit and would keep showing an old state: it is deleted
   * and the box posted again at the bottom, as often as the limit passes.
   */
  private replaceStalePost(error: MattermostApiError): void {
    this.o.log.info(
      "box can no longer be edited (edit time limit); replacing it at the bottom",
      this.fields(error),
    );
    this.stalePostId = this.postId;
    this.replacements += 1;
    this.postId = undefined;
    this.landed = undefined;
    this.pendingPostId = `${this.o.pendingPostId}:t${this.replacements}`;
  }

  /** The post is gone (deleted by a person): recreate it once at the bottom, then stop. */
  private postVanished(error: MattermostApiError): void {
    if (this.recreated) {
      this.o.log.warn("box post was deleted again; no longer showing it", this.fields(error));
      this.postId = undefined;
      this.markGone("deleted_twice");
      return;
    }
    this.o.log.info("box post was deleted; recreating it at the bottom", this.fields(error));
    this.recreated = true;
    this.postId = undefined;
    this.landed = undefined;
    // The old pending id would be deduplicated back to the deleted post.
    this.pendingPostId = `${this.o.pendingPostId}:2`;
  }

  private async performRemoval(mode: RemoveMode): Promise<void> {
    if (this.stalePostId) await this.removePost(this.stalePostId, "delete");
    const postId = this.postId;
    if (postId && !(mode !== "delete" && this.landed && samePost(this.landed, mode.receipt))) {
      await this.removePost(postId, mode);
    }
    this.close();
  }

  private async removePost(postId: string, wanted: RemoveMode): Promise<void> {
    let mode = wanted;
    for (let attempt = 1; ; attempt++) {
      try {
        if (mode === "delete") await this.o.client.deletePost(postId);
        else
          await this.o.client.patchPost(postId, {
            message: mode.receipt.message,
            props: { ...mode.receipt.props, [LIVE_STATUS_BOX_PROP]: this.boxKey },
          });
        return;
      } catch (error) {
        if (mode !== "delete" && error instanceof MattermostApiError && isEditTimeLimit(error)) {
          // Past the edit time limit it cannot become the receipt, and must not stay as it is.
          mode = "delete";
          attempt = 0;
          continue;
        }
        const alreadyGone =
          error instanceof MattermostApiError && (error.status === 403 || error.status === 404);
        if (alreadyGone) return;
        // A buried box must not keep saying "running": its removal is retried like a final.
        const op: RetryOp = mode === "delete" ? "delete" : "edit";
        const decision = decideRetry(error, attempt, op, { random: this.random, obligation: true });
        if (!decision.retry) {
          this.o.log.warn("could not remove the box", { ...this.fields(error), reason: decision.reason });
          return;
        }
        if (attempt === 1)
          this.o.log.warn("removing the box failed; retrying", {
            ...this.fields(error),
            afterMs: decision.afterMs,
          });
        try {
          await this.retryClock.sleep(decision.afterMs, this.stopping.signal);
        } catch {
          return;
        }
      }
    }
  }

  private close(): void {
    this.closed = true;
    this.desired = undefined;
    this.removal?.resolve();
  }

  private markGone(reason: GoneReason): void {
    if (this.gone) return;
    this.gone = reason;
    this.desired = undefined;
    this.throttle?.abort();
    this.o.onGone?.(reason);
  }

  /** Resolves `finish()` callers once the outcome is known; at loop end anything unsettled has failed. */
  private settleFinish(atEnd = false): void {
    if (this.finishWaiters.length === 0) return;
    let result: FinishResult | undefined;
    if (this.final && this.postId && this.landed && samePost(this.landed, this.final)) {
      result = { landed: true, postId: this.postId };
    } else if (this.abandoned) result = { landed: false, reason: "abandoned" };
    else if (this.gone) result = { landed: false, reason: this.gone };
    else if (this.closed) result = { landed: false, reason: "removed" };
    else if (atEnd && !this.desired) result = { landed: false, reason: "gave_up" };
    if (!result) return;
    for (const resolve of this.finishWaiters.splice(0)) resolve(result);
  }

  private fields(error?: unknown): Record<string, unknown> {
    const fields: Record<string, unknown> = { boxId: this.o.boxId, channelId: this.o.target.channelId };
    if (this.postId) fields.postId = this.postId;
    if (error instanceof MattermostApiError) {
      fields.status = error.status;
      if (error.code) fields.code = error.code;
    } else if (error instanceof Error) fields.error = error.message;
    return fields;
  }
}

/** Whether a failed create may still have made its post: no answer, or a 5xx (a proxy may have passed it on). */
function mayHaveLanded(error: unknown): boolean {
  return !(error instanceof MattermostApiError) || error.status >= 500;
}

function isEditTimeLimit(error: MattermostApiError): boolean {
  return (error.status === 400 || error.status === 403) && (error.code?.includes("time_limit") ?? false);
}

/** Whether the server's post already shows `want` (extra props the server adds are fine). */
function showsPost(post: MattermostPost, want: PostContent): boolean {
  if (post.message !== want.message || (post.type ?? "") !== want.type) return false;
  const props = post.props ?? {};
  return Object.entries(want.props).every(([key, value]) => jsonEqual(props[key], value));
}

function samePost(a: PostContent, b: PostContent): boolean {
  return a === b || (a.type === b.type && a.message === b.message && jsonEqual(a.props, b.props));
}
