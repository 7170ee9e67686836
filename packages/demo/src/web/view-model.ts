/**
 * What the web view shows, as pure functions of the posts: the channel's root posts with their
 * reply counts (collapsed reply threads, as current Mattermost does), a thread, which posts start
 * a new header, unread counts. No DOM and no clock: times come in as arguments.
 */
import type { ViewPost } from "../demo-state.ts";

/** A post on screen; `leaving` while a deleted post fades out. */
export interface ShownPost {
  post: ViewPost;
  leaving: boolean;
}

export interface ListItem extends ShownPost {
  /** Same author as the post above, shortly after: no avatar and name, as Mattermost draws it. */
  continuation: boolean;
  /** Replies to this root post (channel view only). */
  replies: number;
}

/** Mattermost folds a post into the one above when the same user writes within this time. */
export const CONTINUATION_MS = 5 * 60_000;

function order(a: ShownPost, b: ShownPost): number {
  return a.post.create_at - b.post.create_at;
}

function withContinuations(list: ShownPost[], replies: (p: ViewPost) => number): ListItem[] {
  const out: ListItem[] = [];
  for (const item of list) {
    const above = out.at(-1);
    const continuation =
      above !== undefined &&
      above.post.user_id === item.post.user_id &&
      above.replies === 0 &&
      item.post.create_at - above.post.create_at < CONTINUATION_MS;
    out.push({ ...item, continuation, replies: replies(item.post) });
  }
  return out;
}

/** The root posts of a channel, oldest first, each with its number of replies. */
export function channelItems(shown: readonly ShownPost[], channelId: string): ListItem[] {
  const counts = new Map<string, number>();
  for (const { post, leaving } of shown)
    if (post.channel_id === channelId && post.root_id && !leaving)
      counts.set(post.root_id, (counts.get(post.root_id) ?? 0) + 1);
  const roots = shown.filter((s) => s.post.channel_id === channelId && !s.post.root_id).sort(order);
  return withContinuations(roots, (p) => counts.get(p.id) ?? 0);
}

/** A thread: its root post then its replies, oldest first; empty when the root is gone. */
export function threadItems(shown: readonly ShownPost[], rootId: string): ListItem[] {
  const root = shown.find((s) => s.post.id === rootId);
  if (!root) return [];
  const replies = shown.filter((s) => s.post.root_id === rootId).sort(order);
  return withContinuations([root, ...replies], () => 0);
}

/**
 * Merges a fresh list of posts with what was on screen: posts that disappeared stay a moment as
 * `leaving` (so a removed box visibly goes away), then drop out after `fadeMs`.
 */
export function mergeShown(
  previous: readonly (ShownPost & { goneAt?: number })[],
  fresh: readonly ViewPost[],
  now: number,
  fadeMs: number,
): (ShownPost & { goneAt?: number })[] {
  const ids = new Set(fresh.map((p) => p.id));
  const out: (ShownPost & { goneAt?: number })[] = fresh.map((post) => ({ post, leaving: false }));
  for (const old of previous) {
    if (ids.has(old.post.id)) continue;
    const goneAt = old.goneAt ?? now;
    if (now - goneAt < fadeMs) out.push({ post: old.post, leaving: true, goneAt });
  }
  return out;
}

/** Posts per channel (replies included), to tell what arrived since a channel was last looked at. */
export function countsByChannel(posts: readonly ViewPost[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of posts) counts.set(p.channel_id, (counts.get(p.channel_id) ?? 0) + 1);
  return counts;
}

const AVATAR_COLOURS = ["#6d5dfc", "#0f9d8a", "#e0703a", "#c9448a", "#3a86e0", "#8a9a1f", "#b5543e"];

/** A stable colour for a user's avatar. */
export function avatarColour(username: string): string {
  let h = 0;
  for (const ch of username) h = (h * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return AVATAR_COLOURS[h % AVATAR_COLOURS.length] ?? "#6d5dfc";
}

/** `9:41 AM` style time of a post, in the viewer's locale and time zone. */
export function clockTime(ms: number, locale?: string): string {
  return new Date(ms).toLocaleTimeString(locale, { hour: "numeric", minute: "2-digit" });
}
