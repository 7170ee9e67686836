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
import { decideRetry, type RetryOp } from "./retry-policy.ts";

/** Where a box lives: a channel, and the thread root when the conversation is a thread. */
export interface BoxTarget {
  channelId: string;
  rootId?: string;
}

/** Why a box stopped being shown before its run ended. */
export type GoneReason = "deleted_twice" | "forbidden" | "edit_time_limit" | "gave_up";

export type FinishResult =
  | { landed: true; postId: string }
  | { landed: false; reason: GoneReason | "removed" };

/** The client calls a publisher makes. */
export type BoxPublisherClient = Pick<MattermostClient, "createPost" | "patchPost" | "deletePost">;

export interface BoxPublisherOptions {
  client: BoxPublisherClient;
  clock: Clock;
  target: BoxTarget;
  boxId: string;
  /** Least clock time between two writes of this box, the final one excepted. Default 1000 ms. */
  minIntervalMs?: number;
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
 * Keeps one Mattermost post (one box) showing the latest state it was given. One write in flight at
 * a time; while one is in flight or throttled, newer states replace older ones (latest wins) and a
 * state equal to the last landed one is skipped. Writes are at least `minIntervalMs` of clock time
 * apart, except the final one, which goes as soon as the write in flight ends. Under a shared
 * {@link RateBudget} the final goes `urgent`, the create `normal` and routine edits `background`;
 * a write whose state was replaced while it waited is withdrawn unsent when its turn comes and the
 * newest state goes in its place, so a box never spends a request on a state it already replaced
 * (see `box-publisher.budget.test.ts`). Failures follow {@link decideRetry}; a retry always sends the latest state. The create carries `pendingPostId`, so a
 * create whose answer was lost is deduplicated by the server instead of making a second post.
 *
 * A post deleted by a person (an edit answered 403/404) is recreated once, at the bottom, with the
 * latest state and a fresh pending id; a second deletion ends the box (`deleted_twice`). A create
 * refused with 403/404 ends it as `forbidden`; an edit refused for the edit time limit as
 * `edit_time_limit`; a create or final write that cannot be made as `gave_up`.
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
  private recreated = false;
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
        if (this.clock.now() < this.retryAt) {
          await this.sleepUntil(this.retryAt, false);
          continue;
        }
        if (this.removal) {
          await this.performRemoval(this.removal.mode);
          break;
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
    const context: RequestContext = {
      priority,
      since: this.queuedSince,
      signal: waiting.signal,
      // A newer state arrived while this one waited: take it back and send the newer one instead.
      isStale: () => this.desired !== undefined,
      onGrant: () => {
        sent = true;
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
      if (this.failures > 0)
        this.o.log.info("box writes recovered", { ...this.fields(), failures: this.failures });
      this.failures = 0;
      this.settleFinish();
    } catch (error) {
      if (!sent && error === REQUEST_WITHDRAWN) {
        // Withdrawn before it left: nothing was sent; the loop sends the newer state in its place.
        this.desired ??= next;
        this.lastWriteAt = previousWriteAt;
        return;
      }
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
    if (postId) {
      await this.o.client.patchPost(postId, { message: next.message, props: next.props }, request);
      return undefined;
    }
    return this.o.client.createPost(
      {
        channel_id: this.o.target.channelId,
        ...(this.o.target.rootId && { root_id: this.o.target.rootId }),
        message: next.message,
        type: next.type,
        props: next.props,
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
        this.o.log.info(
          "box can no longer be edited (edit time limit); leaving it as it is",
          this.fields(error),
        );
        this.markGone("edit_time_limit");
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
    const decision = decideRetry(error, this.failures, op, { random: this.random });
    if (decision.retry) {
      this.retryAt = this.clock.now() + decision.afterMs;
      if (this.failures === 1) {
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
    const postId = this.postId;
    if (postId && !(mode !== "delete" && this.landed && samePost(this.landed, mode.receipt))) {
      const op: RetryOp = mode === "delete" ? "delete" : "edit";
      for (let attempt = 1; ; attempt++) {
        try {
          if (mode === "delete") await this.o.client.deletePost(postId);
          else
            await this.o.client.patchPost(postId, {
              message: mode.receipt.message,
              props: mode.receipt.props,
            });
          break;
        } catch (error) {
          const alreadyGone =
            error instanceof MattermostApiError &&
            (error.status === 403 || error.status === 404 || isEditTimeLimit(error));
          if (alreadyGone) break;
          const decision = decideRetry(error, attempt, op, { random: this.random });
          if (!decision.retry) {
            this.o.log.warn("could not remove the box", { ...this.fields(error), reason: decision.reason });
            break;
          }
          await this.clock.sleep(decision.afterMs);
        }
      }
    }
    this.close();
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
    } else if (this.gone) result = { landed: false, reason: this.gone };
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
