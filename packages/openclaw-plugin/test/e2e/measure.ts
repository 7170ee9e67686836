/**
 * Measures one user turn from the fake Mattermost's request log: when the first visible status
 * appeared (a post or edit by the bot in that conversation), which API calls the turn cost, and
 * every visible version of the bot's posts, so the comparison can quote what users saw.
 */
import { LIVE_STATUS_POST_TYPE, LIVE_STATUS_PROPS_KEY, type LiveStatusV1 } from "@live-status/contract";
import type { FakeMattermost, FakePost, LoggedRequest } from "@live-status/fake-mattermost";
import { requestKinds } from "./boxes.ts";

/** One visible version of a bot post: created, edited or deleted. */
export interface VisibleWrite {
  /** ms after the user's post. */
  t: number;
  kind: "create" | "edit" | "delete";
  postId: string;
  /** `custom_live_status` for our box, "" for OpenClaw's own posts. */
  type: string;
  message: string;
  /** For a box write: the tool calls its props show, with when each started (epoch ms, gateway clock). */
  tools?: Array<{ callId: string; startedAt: number }>;
}

export interface TurnMeasure {
  /** ms from the user's post to the first bot post or edit in that conversation (typing excluded). */
  firstStatusMs: number | null;
  /** ms from the user's post to the first write of a `custom_live_status` box. */
  firstBoxMs: number | null;
  /** ms from the user's post to the last bot write of the turn. */
  lastWriteMs: number | null;
  /** All requests in the turn window, by kind (`POST /posts`, `PUT /posts/{id}/patch`, …). */
  calls: Record<string, number>;
  /** Of those, the ones that wrote our box. */
  boxCalls: Record<string, number>;
  writes: VisibleWrite[];
  /** The bot's posts in the conversation at the end, as stored. */
  finalPosts: Array<{
    id: string;
    type: string;
    message: string;
    deleted: boolean;
    props: Record<string, unknown>;
  }>;
}

const POST_PATH = /^\/api\/v4\/posts\/([a-z0-9]{26})(?:\/patch)?$/;

function inConversation(p: Pick<FakePost, "channel_id" | "root_id">, channelId: string, rootId: string) {
  return p.channel_id === channelId && p.root_id === rootId;
}

/**
 * Reads the turn that `userPost` started out of the requests answered between its creation and
 * `until` (epoch ms). Bot writes count when they touch a post in the same channel and thread.
 */
export function measureTurn(mm: FakeMattermost, userPost: FakePost, until: number): TurnMeasure {
  const from = userPost.create_at;
  const channelId = userPost.channel_id;
  const rootId = userPost.root_id;
  const window = mm.requests().filter((r) => r.at >= from && r.at <= until);
  const writes: VisibleWrite[] = [];
  const boxRequests: LoggedRequest[] = [];
  for (const r of window) {
    if (r.userId !== mm.botUserId || r.status < 200 || r.status >= 300) continue;
    let post: FakePost | undefined;
    let kind: VisibleWrite["kind"] | undefined;
    if (r.method === "POST" && r.path === "/api/v4/posts") {
      post = r.responseBody as FakePost;
      kind = "create";
    } else {
      const id = POST_PATH.exec(r.path)?.[1];
      post = id ? mm.post(id) : undefined;
      if (r.method === "PUT") {
        kind = "edit";
        if (post) post = { ...post, ...(r.responseBody as FakePost) };
      } else if (r.method === "DELETE") kind = "delete";
    }
    if (!post || !kind || !inConversation(post, channelId, rootId)) continue;
    if (post.type === LIVE_STATUS_POST_TYPE) boxRequests.push(r);
    const write: VisibleWrite = {
      t: r.at - from,
      kind,
      postId: post.id,
      type: post.type,
      message: post.message,
    };
    if (post.type === LIVE_STATUS_POST_TYPE && kind !== "delete") {
      const body = (kind === "create" ? r.responseBody : r.body) as { props?: Record<string, unknown> };
      const status = body?.props?.[LIVE_STATUS_PROPS_KEY] as LiveStatusV1 | undefined;
      write.tools = (status?.tools ?? []).map((x) => ({ callId: x.callId, startedAt: x.startedAt }));
    }
    writes.push(write);
  }
  const firstBox = writes.find((w) => w.type === LIVE_STATUS_POST_TYPE);
  const finalPosts = mm
    .postsIn(channelId, { rootId, includeDeleted: true })
    .filter((p) => p.user_id === mm.botUserId && p.create_at >= from)
    .map((p) => ({ id: p.id, type: p.type, message: p.message, deleted: p.delete_at > 0, props: p.props }));
  return {
    firstStatusMs: writes[0]?.t ?? null,
    firstBoxMs: firstBox?.t ?? null,
    lastWriteMs: writes.at(-1)?.t ?? null,
    calls: requestKinds(window),
    boxCalls: requestKinds(boxRequests),
    writes,
    finalPosts,
  };
}
