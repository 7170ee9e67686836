/**
 * Mattermost as the runtime needs it: the calls a box makes and the shapes it reads. The REST
 * client in `adapters/mattermost` implements it; the runtime depends only on this.
 */

/**
 * Who goes first when the budget is short: `urgent` (final states) before `normal` (creates,
 * deletes, anything unmarked) before `background` (routine edits, which a newer state replaces).
 */
export type RequestPriority = "urgent" | "normal" | "background";

/** What a caller says about one request it asks the budget for. */
export interface RequestContext {
  priority?: RequestPriority;
  /** Place in line among requests of the same priority, in clock ms (earlier first). Default: now. */
  since?: number;
  /** Aborting it withdraws a request that is still waiting for the budget. */
  signal?: AbortSignal;
  /**
   * Asked when the request's turn has come, just before it would go: `true` withdraws it unsent
   * (rejected with the rate budget's `REQUEST_WITHDRAWN`, no slot used) so the caller can ask again, with newer
   * content and the same `since`, and be served next.
   */
  isStale?: () => boolean;
  /** Called when the budget lets a request go (before it is sent). */
  onGrant?: () => void;
}

/** What a post says: the whole of it, as one write sets it (a rendered box, or its receipt). */
export interface PostContent {
  type: string;
  message: string;
  props: Record<string, unknown>;
}

/** The fields of a Mattermost post we read. */
export interface MattermostPost {
  id: string;
  channel_id: string;
  root_id: string;
  user_id: string;
  message: string;
  type: string;
  props: Record<string, unknown>;
  create_at: number;
  update_at: number;
  delete_at: number;
  pending_post_id?: string;
}

export interface MattermostUser {
  id: string;
  username: string;
  update_at?: number;
}

export interface MattermostChannel {
  id: string;
  /** `O` public, `P` private, `D` direct, `G` group. */
  type: string;
  name: string;
  display_name: string;
  team_id: string;
  delete_at?: number;
}

export interface CreatePostInput {
  channel_id: string;
  root_id?: string;
  message: string;
  /** `""` or `custom_…`. */
  type: string;
  props: Record<string, unknown>;
  /** Makes a repeated create idempotent for ~30 s (the server answers with the post it already made). */
  pending_post_id: string;
}

export interface PatchPostInput {
  /** The full message: the server replaces it. */
  message: string;
  /** The full props: the server replaces them, it does not merge. */
  props: Record<string, unknown>;
}

/** Mattermost REST v4, one method per call the status box needs. */
export interface MattermostClient {
  getMe(): Promise<MattermostUser>;
  /** `silent` asks the server not to notify (`?silent=true`); see the REST client in adapters/mattermost. */
  createPost(
    input: CreatePostInput,
    options?: { silent?: boolean; request?: RequestContext },
  ): Promise<MattermostPost>;
  /** `request` tells the rate budget how urgent the write is (see RateBudget). */
  patchPost(postId: string, patch: PatchPostInput, request?: RequestContext): Promise<MattermostPost>;
  deletePost(postId: string, request?: RequestContext): Promise<void>;
  getPost(postId: string): Promise<MattermostPost>;
  /** The DM channel between two users (`POST /channels/direct`, 201 whether new or not). */
  createDirectChannel(userA: string, userB: string): Promise<MattermostChannel>;
  getChannel(channelId: string): Promise<MattermostChannel>;
}
