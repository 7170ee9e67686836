import { invalidParam, invalidUrlParam, permissionError } from "./app-error.ts";
import { isValidId } from "./ids.ts";
import { readablePost } from "./posts.ts";
import { fail, type MattermostState, ok, type Result, type StoredPost } from "./state.ts";
import type { FakePost } from "./types.ts";

/** Mattermost's `PostList` JSON. */
export interface PostListJson {
  order: string[];
  posts: Record<string, FakePost>;
  next_post_id: string;
  prev_post_id: string;
  has_next?: boolean;
}

const PER_PAGE_DEFAULT = 60;
const PER_PAGE_MAX = 200;
const SINCE_LIMIT = 1000;

// Same-millisecond posts keep their creation order.
function newestFirst(a: StoredPost, b: StoredPost): number {
  return b.create_at - a.create_at || b.seq - a.seq;
}

function intParam(value: string | null, fallback: number): number {
  if (value === null || value === "") return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isNaN(n) || n < 0 ? fallback : n;
}

function toList(state: MattermostState, order: StoredPost[], extra: StoredPost[] = []): PostListJson {
  const posts: Record<string, FakePost> = {};
  for (const p of [...order, ...extra]) posts[p.id] = state.postJson(p);
  return { order: order.map((p) => p.id), posts, next_post_id: "", prev_post_id: "" };
}

/** Live posts of the threads touched by a page, which the server adds unless `skipFetchThreads`. */
function threadPosts(state: MattermostState, page: StoredPost[]): StoredPost[] {
  const roots = new Set(page.map((p) => p.root_id || p.id));
  return state.posts.filter((p) => p.delete_at === 0 && roots.has(p.root_id || p.id));
}

/** GET /api/v4/channels/{channel_id}/posts with page/per_page, since, before and after. */
export function channelPosts(
  state: MattermostState,
  actorId: string,
  channelId: string,
  query: URLSearchParams,
): Result<PostListJson> {
  if (!isValidId(channelId)) return fail(invalidUrlParam("channel_id"));
  const after = query.get("after") ?? "";
  const before = query.get("before") ?? "";
  if (after !== "" && !isValidId(after)) return fail(invalidParam("after"));
  if (before !== "" && !isValidId(before)) return fail(invalidParam("before"));
  const sinceText = query.get("since") ?? "";
  if (sinceText !== "" && !/^-?\d+$/.test(sinceText)) return fail(invalidParam("since"));
  const since = sinceText === "" ? 0 : Number(sinceText);
  const collapsed = query.get("collapsedThreads") === "true";
  const skipThreads = query.get("skipFetchThreads") === "true";
  const page = intParam(query.get("page"), 0);
  const perPage = Math.min(intParam(query.get("per_page"), PER_PAGE_DEFAULT), PER_PAGE_MAX);
  if (query.get("include_deleted") === "true") return fail(permissionError(actorId, "read_deleted_posts"));

  const channel = state.readableChannel(actorId, channelId, "read_channel_content");
  if (!channel.ok) return channel;

  const inChannel = state.posts.filter((p) => p.channel_id === channelId && (!collapsed || p.root_id === ""));
  if (since > 0) {
    // Includes deleted posts, so clients learn about deletions.
    const changed = inChannel
      .filter((p) => p.update_at > since || p.edit_at > since)
      .sort(newestFirst)
      .slice(0, SINCE_LIMIT);
    return ok(toList(state, changed));
  }

  const live = inChannel.filter((p) => p.delete_at === 0).sort(newestFirst);
  let pageItems: StoredPost[];
  if (after !== "" || before !== "") {
    const anchor = state.postsById.get(after || before);
    if (!anchor) pageItems = [];
    else if (after !== "") {
      const newer = live.filter((p) => newestFirst(p, anchor) < 0).reverse();
      pageItems = newer.slice(page * perPage, (page + 1) * perPage).reverse();
    } else {
      const older = live.filter((p) => newestFirst(p, anchor) > 0);
      pageItems = older.slice(page * perPage, (page + 1) * perPage);
    }
  } else {
    pageItems = live.slice(page * perPage, (page + 1) * perPage);
  }
  const list = toList(state, pageItems, skipThreads || collapsed ? [] : threadPosts(state, pageItems));

  // Cursor ids as AddCursorIdsForPostList sets them.
  const first = pageItems[0];
  const last = pageItems[pageItems.length - 1];
  const nextOf = (p: StoredPost | undefined) =>
    p ? ([...live].reverse().find((q) => newestFirst(q, p) < 0)?.id ?? "") : "";
  const prevOf = (p: StoredPost | undefined) =>
    p ? (live.find((q) => newestFirst(q, p) > 0)?.id ?? "") : "";
  list.next_post_id = nextOf(first);
  list.prev_post_id = prevOf(last);
  if (after !== "") {
    if (page === 0) list.prev_post_id = after;
    if (pageItems.length < perPage) list.next_post_id = "";
  } else if (before !== "") {
    if (page === 0) list.next_post_id = before;
    if (pageItems.length < perPage) list.prev_post_id = "";
  }
  return ok(list);
}

/** GET /api/v4/posts/{post_id}/thread: the asked post first, then the rest of its thread, newest first. */
export function postThread(state: MattermostState, actorId: string, postId: string): Result<PostListJson> {
  if (!isValidId(postId)) return fail(invalidUrlParam("post_id"));
  const found = readablePost(state, actorId, postId);
  if (!found.ok) return found;
  const rootId = found.value.root_id || found.value.id;
  const rest = state.posts
    .filter((p) => p.delete_at === 0 && p.id !== postId && (p.id === rootId || p.root_id === rootId))
    .sort(newestFirst);
  return ok(toList(state, [found.value, ...rest]));
}
