/**
 * Reading status boxes back out of the fake Mattermost's post history and request log, and the
 * invariants every e2e scenario must keep: a box only in its own conversation, only after a new
 * message there, never back to running once final.
 */
import {
  type BoxState,
  FINAL_BOX_STATES,
  LIVE_STATUS_POST_TYPE,
  LIVE_STATUS_PROPS_KEY,
  type LiveStatusV1,
  parseLiveStatus,
} from "@live-status/contract";
import type { FakeMattermost, FakePost, LoggedRequest } from "@live-status/fake-mattermost";

/** A status box as stored by the fake (deleted ones included). */
export interface Box {
  id: string;
  channelId: string;
  rootId: string;
  createAt: number;
  deleted: boolean;
  message: string;
  status: LiveStatusV1 | null;
}

/** One successful write of a box by the bot, in request order. */
export interface BoxWrite {
  seq: number;
  at: number;
  kind: "create" | "edit" | "delete";
  postId: string;
  state?: BoxState;
}

const isFinal = (s: BoxState | undefined) =>
  s !== undefined && (FINAL_BOX_STATES as readonly string[]).includes(s);

function toBox(p: FakePost): Box {
  return {
    id: p.id,
    channelId: p.channel_id,
    rootId: p.root_id,
    createAt: p.create_at,
    deleted: p.delete_at > 0,
    message: p.message,
    status: parseLiveStatus(p.props[LIVE_STATUS_PROPS_KEY]),
  };
}

/** Every status box the fake holds, in creation order. */
export function boxes(mm: FakeMattermost): Box[] {
  return mm
    .posts()
    .filter((p) => p.type === LIVE_STATUS_POST_TYPE)
    .map(toBox);
}

/** Live (not deleted) boxes in a channel, optionally only one thread (`rootId`) or only root level (`""`). */
export function liveBoxesIn(mm: FakeMattermost, channelId: string, rootId?: string): Box[] {
  return boxes(mm).filter(
    (b) => !b.deleted && b.channelId === channelId && (rootId === undefined || b.rootId === rootId),
  );
}

function propsState(body: unknown): BoxState | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const props = (body as { props?: Record<string, unknown> }).props;
  return parseLiveStatus(props?.[LIVE_STATUS_PROPS_KEY])?.state;
}

const POST_ID = /^\/api\/v4\/posts\/([a-z0-9]{26})(\/patch)?$/;

/** The bot's successful box writes (create, patch/update, delete), in the order the fake answered them. */
export function boxWrites(mm: FakeMattermost): BoxWrite[] {
  const ids = new Set(boxes(mm).map((b) => b.id));
  const writes: BoxWrite[] = [];
  for (const r of mm.requests()) {
    if (r.userId !== mm.botUserId || r.status < 200 || r.status >= 300) continue;
    const created = r.responseBody as FakePost | undefined;
    if (r.method === "POST" && r.path === "/api/v4/posts" && created?.type === LIVE_STATUS_POST_TYPE) {
      writes.push({ seq: r.seq, at: r.at, kind: "create", postId: created.id, state: propsState(created) });
      continue;
    }
    const m = POST_ID.exec(r.path);
    const postId = m?.[1];
    if (!postId || !ids.has(postId)) continue;
    if (r.method === "PUT")
      writes.push({ seq: r.seq, at: r.at, kind: "edit", postId, state: propsState(r.body) });
    if (r.method === "DELETE") writes.push({ seq: r.seq, at: r.at, kind: "delete", postId });
  }
  return writes;
}

/** Where a session's box belongs, read from its key; `dm` for the collapsed DM sessions. */
export type Place =
  | { kind: "channel"; channelId: string; rootId: string }
  | { kind: "dm" }
  | { kind: "none" };

export function placeOfSession(session: string): Place {
  const m = /^agent:[^:]+:mattermost:(?:channel|group):([a-z0-9]+)(?::thread:([a-z0-9]+))?$/.exec(session);
  if (m?.[1]) return { kind: "channel", channelId: m[1], rootId: m[2] ?? "" };
  if (/^agent:[^:]+:main$/.test(session) || /:direct:/.test(session)) return { kind: "dm" };
  return { kind: "none" };
}

/** A person's message in a conversation: same channel, and the same thread (root level = ""). */
function isUserMessageIn(p: FakePost, botUserId: string, channelId: string, rootId: string): boolean {
  return p.user_id !== botUserId && p.type === "" && p.channel_id === channelId && p.root_id === rootId;
}

/**
 * Checks every box the fake holds; returns the violations (empty = fine):
 * - the box sits in its session's conversation (channel/thread from the key; a DM channel for DM sessions);
 * - the k-th box created in a conversation comes after at least k activations there: messages from
 *   people, plus earlier boxes that ended `interrupted` (OpenClaw's restart recovery resumes an
 *   interrupted run with a real run start and no new message); so no box, and no reactivation of a
 *   completed session, without a new message;
 * - once a write made a box final, no later write makes it running again;
 * - at most one live box per (session, channel, thread).
 * `requireMessages: false` skips the message rule (a replay has no people's posts).
 */
export function boxViolations(mm: FakeMattermost, opts: { requireMessages?: boolean } = {}): string[] {
  const out: string[] = [];
  const all = boxes(mm);
  const posts = mm.posts();
  for (const b of all) {
    const session = b.status?.session;
    if (!session) {
      out.push(`box ${b.id} has no readable props.live_status`);
      continue;
    }
    const place = placeOfSession(session);
    const channel = mm.channel(b.channelId);
    if (place.kind === "channel" && (place.channelId !== b.channelId || place.rootId !== b.rootId)) {
      out.push(`box ${b.id} of ${session} sits in ${b.channelId}/${b.rootId || "-"}`);
    }
    if (place.kind === "dm" && channel?.type !== "D") {
      out.push(
        `box ${b.id} of DM session ${session} sits in a ${channel?.type ?? "?"} channel ${b.channelId}`,
      );
    }
    if (place.kind === "none")
      out.push(`box ${b.id} belongs to ${session}, which has no conversation of its own`);
  }
  const byConversation = new Map<string, Box[]>();
  for (const b of all) {
    const key = `${b.channelId}/${b.rootId}`;
    byConversation.set(key, [...(byConversation.get(key) ?? []), b]);
  }
  for (const list of opts.requireMessages === false ? [] : byConversation.values()) {
    list.forEach((b, k) => {
      const messages = posts.filter(
        (p) => isUserMessageIn(p, mm.botUserId, b.channelId, b.rootId) && p.create_at <= b.createAt,
      ).length;
      const resumed = list.slice(0, k).filter((x) => x.status?.state === "interrupted").length;
      if (messages + resumed < k + 1) {
        out.push(
          `box ${b.id} is box #${k + 1} in ${b.channelId}/${b.rootId || "-"} after only ${messages} message(s) and ${resumed} interrupted box(es)`,
        );
      }
    });
  }
  const finalSeen = new Set<string>();
  for (const w of boxWrites(mm)) {
    if (w.state === undefined) continue;
    if (finalSeen.has(w.postId) && !isFinal(w.state)) out.push(`box ${w.postId} went back to ${w.state}`);
    if (isFinal(w.state)) finalSeen.add(w.postId);
  }
  const live = new Map<string, number>();
  for (const b of all) {
    if (b.deleted || !b.status) continue;
    const key = `${b.status.session}@${b.channelId}/${b.rootId}`;
    live.set(key, (live.get(key) ?? 0) + 1);
  }
  for (const [key, n] of live) if (n > 1) out.push(`${n} live boxes for ${key}`);
  return out;
}

/** Live boxes still `running` (orphans once everything is quiet). */
export function runningBoxes(mm: FakeMattermost): Box[] {
  return boxes(mm).filter((b) => !b.deleted && b.status?.state === "running");
}

/** Counts of the fake's requests by `METHOD template` (ids replaced), e.g. `PUT /posts/{id}`. */
export function requestKinds(requests: readonly LoggedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) {
    const path = r.path.replace(/^\/api\/v4/, "").replace(/\/[a-z0-9]{26}(?=\/|$)/g, "/{id}");
    const key = `${r.method} ${path}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** On a failure, CI's log is all there is: the boxes (whole status with `full`) and the gateway's last words. */
export function reportFailure(mm: FakeMattermost, gatewayOutput: string | undefined, full = false): void {
  const summary = boxes(mm).map((b) => ({
    id: b.id,
    at: `${b.channelId}/${b.rootId || "-"}`,
    ...(full ? { status: b.status } : { session: b.status?.session, state: b.status?.state }),
    deleted: b.deleted,
  }));
  console.error(`boxes: ${JSON.stringify(summary, null, 1)}`);
  console.error(
    `gateway output (last 60 lines):\n${gatewayOutput?.split("\n").slice(-60).join("\n") ?? "(none)"}`,
  );
}
