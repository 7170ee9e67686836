import {
  type ApiError,
  editTimeLimitError,
  invalidBodyParam,
  invalidParam,
  POST_NOT_FOUND,
  permissionError,
} from "./app-error.ts";
import { newId } from "./ids.ts";
import { checkFieldTypes, hashtags, isObject, validatePost } from "./post-validation.ts";
import { fail, type MattermostState, ok, type Result, type StoredChannel, type StoredPost } from "./state.ts";
import type { FakePost } from "./types.ts";

/** The server remembers a `pending_post_id` this long after the post was saved. */
export const PENDING_POST_ID_TTL_MS = 30_000;

function postedEventData(
  state: MattermostState,
  post: StoredPost,
  channel: StoredChannel,
): Record<string, unknown> {
  const sender = state.users.get(post.user_id);
  let displayName = channel.displayName;
  if (channel.type === "D") {
    const other = [...channel.members].find((id) => id !== post.user_id) ?? post.user_id;
    displayName = `@${state.users.get(other)?.username ?? other}`;
  }
  const mentioned = new Set<string>();
  for (const m of post.message.matchAll(/@([a-z0-9._-]+)/gi)) {
    const user = state.userByName((m[1] ?? "").toLowerCase().replace(/[._-]+$/, ""));
    if (user && user.id !== post.user_id && channel.members.has(user.id)) mentioned.add(user.id);
  }
  if (channel.type === "D") {
    for (const id of channel.members) if (id !== post.user_id) mentioned.add(id);
  }
  return {
    channel_display_name: displayName,
    channel_name: channel.name,
    channel_type: channel.type,
    post: JSON.stringify(state.postJson(post, { keepPendingId: true })),
    sender_name: `@${sender?.username ?? post.user_id}`,
    set_online: true,
    team_id: channel.teamId,
    ...(mentioned.size > 0 ? { mentions: JSON.stringify([...mentioned]) } : {}),
  };
}

/** Root checks of `App.CreatePost`: the root must exist, be live, be a root, and be in the same channel. */
function checkRoot(state: MattermostState, rootId: string, channelId: string): ApiError | undefined {
  if (rootId === "") return undefined;
  const root = state.postsById.get(rootId);
  if (!root || root.delete_at > 0 || root.root_id !== "") {
    return {
      status: 400,
      id: "api.post.create_post.root_id.app_error",
      message: "Invalid RootId parameter.",
    };
  }
  if (root.channel_id !== channelId) {
    return {
      status: 400,
      id: "api.post.create_post.channel_root_id.app_error",
      message: "Invalid ChannelId for RootId parameter.",
    };
  }
  return undefined;
}

function savePost(state: MattermostState, post: StoredPost, channel: StoredChannel): void {
  state.posts.push(post);
  state.postsById.set(post.id, post);
  channel.lastPostAt = post.create_at;
  channel.totalMsgCount++;
  if (post.root_id === "") {
    channel.lastRootPostAt = post.create_at;
    channel.totalMsgCountRoot++;
  }
  state.publish("posted", channel, postedEventData(state, post, channel));
}

function newPost(
  state: MattermostState,
  fields: Partial<StoredPost> & Pick<StoredPost, "user_id" | "channel_id">,
) {
  const at = state.now();
  const message = fields.message ?? "";
  const post: StoredPost = {
    id: newId(),
    create_at: at,
    update_at: at,
    edit_at: 0,
    delete_at: 0,
    is_pinned: false,
    user_id: fields.user_id,
    channel_id: fields.channel_id,
    root_id: fields.root_id ?? "",
    original_id: "",
    message,
    type: fields.type ?? "",
    props: fields.props ?? {},
    hashtags: hashtags(message),
    pending_post_id: fields.pending_post_id ?? "",
    seq: state.posts.length,
  };
  return post;
}

/** POST /api/v4/posts, in the order the server checks things. Returns the post and whether it is new. */
export function createPost(
  state: MattermostState,
  actorId: string,
  body: unknown,
): Result<{ post: FakePost; created: boolean }> {
  if (!isObject(body)) return fail(invalidBodyParam("post"));
  const typeError = checkFieldTypes(
    body,
    ["channel_id", "message", "root_id", "type", "pending_post_id"],
    ["props"],
  );
  if (typeError) return fail(typeError);
  const channelId = (body.channel_id as string | undefined) ?? "";
  const channel = state.channels.get(channelId);
  if (!channel || !state.canPost(actorId, channel)) return fail(permissionError(actorId, "create_post"));
  const type = (body.type as string | undefined) ?? "";
  if (type.startsWith("system_")) return fail(invalidParam("post.type"));

  const pendingId = (body.pending_post_id as string | undefined) ?? "";
  const seen = pendingId ? state.pendingPostIds.get(pendingId) : undefined;
  if (seen && state.now() < seen.savedAt + PENDING_POST_ID_TTL_MS) {
    const existing = state.postsById.get(seen.postId);
    const existingChannel = existing && state.channels.get(existing.channel_id);
    if (existing && existingChannel && state.canRead(actorId, existingChannel)) {
      if (existing.delete_at > 0) {
        return fail({
          status: 500,
          id: "api.post.deduplicate_create_post.failed_to_get",
          message: "Failed to fetch original post after deduplicating a client repeating the same request.",
        });
      }
      return ok({ post: state.postJson(existing, { keepPendingId: true }), created: false });
    }
  }

  const rootId = (body.root_id as string | undefined) ?? "";
  const rootError = checkRoot(state, rootId, channelId);
  if (rootError) return fail(rootError);

  const actor = state.users.get(actorId);
  const props = { ...((body.props as Record<string, unknown> | null | undefined) ?? {}) };
  delete props.add_channel_member;
  if (actor?.isBot) props.from_bot = "true";
  const post = newPost(state, {
    user_id: actorId,
    channel_id: channelId,
    root_id: rootId,
    message: (body.message as string | undefined) ?? "",
    type,
    props,
    pending_post_id: pendingId,
  });
  const invalid = validatePost(state, post);
  if (invalid) return fail(invalid);
  savePost(state, post, channel);
  if (pendingId) state.pendingPostIds.set(pendingId, { postId: post.id, savedAt: post.create_at });
  return ok({ post: state.postJson(post, { keepPendingId: true }), created: true });
}

/** A person writes in a channel (joining it if needed); throws on bad input since it is a test action. */
export function createUserPost(
  state: MattermostState,
  channelId: string,
  userId: string,
  message: string,
  rootId = "",
): FakePost {
  const channel = state.channels.get(channelId);
  if (!channel) throw new Error(`fake-mattermost: unknown channel ${channelId}`);
  if (!state.users.has(userId)) throw new Error(`fake-mattermost: unknown user ${userId}`);
  const rootError = checkRoot(state, rootId, channelId);
  if (rootError) throw new Error(`fake-mattermost: ${rootError.id}`);
  channel.members.add(userId);
  const post = newPost(state, { user_id: userId, channel_id: channelId, root_id: rootId, message });
  const invalid = validatePost(state, post);
  if (invalid) throw new Error(`fake-mattermost: ${invalid.id}`);
  savePost(state, post, channel);
  return state.postJson(post, { keepPendingId: true });
}

/** A live post the actor may read: 404 when missing or deleted, 403 without read permission. */
export function readablePost(state: MattermostState, actorId: string, postId: string): Result<StoredPost> {
  const post = state.postsById.get(postId);
  if (!post || post.delete_at > 0) return fail(POST_NOT_FOUND);
  const channel = state.channels.get(post.channel_id);
  if (!channel || !state.canRead(actorId, channel)) return fail(permissionError(actorId, "read_channel"));
  return ok(post);
}

/** Edit permission as patch/update check it: a missing or deleted post is a permission error (403). */
function editablePost(state: MattermostState, actorId: string, postId: string): Result<StoredPost> {
  const post = state.postsById.get(postId);
  const channel = post && state.channels.get(post.channel_id);
  if (!post || post.delete_at > 0 || !channel || !state.canRead(actorId, channel)) {
    return fail(permissionError(actorId, "edit_post"));
  }
  if (post.user_id !== actorId) return fail(permissionError(actorId, "edit_others_posts"));
  return ok(post);
}

/** What an edit sets; patch and update differ only in what an omitted field becomes. */
interface EditedFields {
  message: string;
  is_pinned: boolean;
  has_reactions: boolean;
  props: Record<string, unknown>;
}

/** `App.UpdatePost`: message (edit_at only when it changes), pin, reactions flag and props replaced. */
function applyUpdate(state: MattermostState, post: StoredPost, next: EditedFields): Result<FakePost> {
  const at = state.now();
  const limit = state.postEditTimeLimit;
  if (limit !== -1 && at > post.create_at + limit * 1000 && next.message !== post.message) {
    return fail(editTimeLimitError(limit));
  }
  const props = { ...next.props };
  delete props.add_channel_member;
  const updated: StoredPost = {
    ...post,
    message: next.message,
    is_pinned: next.is_pinned,
    props,
    update_at: at,
    edit_at: next.message !== post.message ? at : post.edit_at,
    hashtags: next.message !== post.message ? hashtags(next.message) : post.hashtags,
  };
  if (next.has_reactions) updated.has_reactions = true;
  else delete updated.has_reactions;
  const invalid = validatePost(state, updated);
  if (invalid) return fail(invalid);
  Object.assign(post, updated);
  if (!next.has_reactions) delete post.has_reactions;
  const channel = state.channels.get(post.channel_id);
  if (channel) state.publish("post_edited", channel, { post: JSON.stringify(state.postJson(post)) });
  return ok(state.postJson(post));
}

/**
 * Patch and update in the server's order: the body and its field types (and, for an update, the id it
 * names), then edit permission, then the fields `next` derives from the body and the post.
 */
function editPost(
  state: MattermostState,
  actorId: string,
  postId: string,
  body: unknown,
  rules: { stringFields: string[]; bodyNamesPost: boolean },
  next: (body: Record<string, unknown>, post: StoredPost) => EditedFields,
): Result<FakePost> {
  if (!isObject(body)) return fail(invalidBodyParam("post"));
  const typeError = checkFieldTypes(body, rules.stringFields, ["props"], ["is_pinned", "has_reactions"]);
  if (typeError) return fail(typeError);
  if (rules.bodyNamesPost && body.id !== postId) return fail(invalidParam("id"));
  const found = editablePost(state, actorId, postId);
  if (!found.ok) return found;
  return applyUpdate(state, found.value, next(body, found.value));
}

/** PUT /api/v4/posts/{id}/patch: only given fields change; `props` replaces the whole bag. */
export function patchPost(
  state: MattermostState,
  actorId: string,
  postId: string,
  body: unknown,
): Result<FakePost> {
  const rules = { stringFields: ["message"], bodyNamesPost: false };
  return editPost(state, actorId, postId, body, rules, (b, post) => ({
    message: typeof b.message === "string" ? b.message : post.message,
    is_pinned: typeof b.is_pinned === "boolean" ? b.is_pinned : post.is_pinned,
    has_reactions: typeof b.has_reactions === "boolean" ? b.has_reactions : (post.has_reactions ?? false),
    props: isObject(b.props) ? b.props : post.props,
  }));
}

/** PUT /api/v4/posts/{id}: omitted fields become blank, as the spec says. */
export function updatePost(
  state: MattermostState,
  actorId: string,
  postId: string,
  body: unknown,
): Result<FakePost> {
  const rules = { stringFields: ["id", "message"], bodyNamesPost: true };
  return editPost(state, actorId, postId, body, rules, (b) => ({
    message: (b.message as string | undefined) ?? "",
    is_pinned: b.is_pinned === true,
    has_reactions: b.has_reactions === true,
    props: (b.props as Record<string, unknown> | null | undefined) ?? {},
  }));
}

/** Soft delete as `SqlPostStore.Delete`: the post and, for a root, its replies; one `post_deleted` event. */
export function softDelete(state: MattermostState, post: StoredPost, deleteById: string): void {
  const before = state.postJson(post);
  const at = state.now();
  for (const p of state.posts) {
    if ((p.id === post.id || p.root_id === post.id) && p.delete_at === 0) {
      p.delete_at = at;
      p.update_at = at;
      p.props = { ...p.props, deleteBy: deleteById };
    }
  }
  const channel = state.channels.get(post.channel_id);
  // The server broadcasts the post as it read it before deleting (delete_at still 0).
  if (channel) state.publish("post_deleted", channel, { post: JSON.stringify(before) });
}

/** DELETE /api/v4/posts/{id}. */
export function deletePost(
  state: MattermostState,
  actorId: string,
  postId: string,
  missingStatus: 403 | 404,
): Result<{ status: "OK" }> {
  const post = state.postsById.get(postId);
  if (!post || post.delete_at > 0) {
    return fail(missingStatus === 404 ? POST_NOT_FOUND : permissionError(actorId, "delete_post"));
  }
  const channel = state.channels.get(post.channel_id);
  if (!channel || !state.canRead(actorId, channel)) return fail(permissionError(actorId, "delete_post"));
  if (post.user_id !== actorId) return fail(permissionError(actorId, "delete_others_posts"));
  softDelete(state, post, actorId);
  return ok({ status: "OK" });
}
