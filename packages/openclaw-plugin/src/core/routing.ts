/**
 * Routing: which Mattermost conversation a session's box lives in. Pure functions over OpenClaw
 * session keys, normalized `route` events and stored delivery contexts. The key shapes are listed in
 * docs/design/openclaw-integration.md, "Session keys and routes".
 */
import type { Conversation } from "./conversation.ts";

/** Why a session key names no conversation of its own. */
export type KeyRouteFailure =
  /** `agent:<a>:<mainKey>`: every DM shares it, so only a per-run route can place a box. */
  | "collapsed"
  /** A well-formed key that names no conversation (`agent:<a>:cron:<job>`, `hook:<id>`, `global`). */
  | "unscoped"
  /** `agent:<a>:subagent:<uuid>`: shown inside the parent's box, never a box of its own. */
  | "subagent"
  /** A conversation of another channel (telegram, slack, …): not ours. */
  | "other_channel"
  | "malformed";

export type KeyRoute =
  | { ok: true; conversation: Conversation; accountId?: string }
  | { ok: false; reason: KeyRouteFailure; detail: string };

const CHANNEL_KINDS = new Set(["channel", "group"]);
const DIRECT_KINDS = new Set(["direct", "dm"]); // `dm` is the pre-2026 spelling
const CONVERSATION_WORDS = new Set([...CHANNEL_KINDS, ...DIRECT_KINDS, "thread", "topic"]);
// Single segments that cannot be a main key: they only appear inside longer shapes.
const RESERVED_SINGLE = new Set([...CONVERSATION_WORDS, "subagent", "mattermost"]);

/**
 * Whether `id` can be a Mattermost id here. Deliberately loose: real ids are 26 lowercase
 * alphanumerics, but recorded files and tests use readable ids (`chan1`). Only what would break a
 * key or an API path is refused: empty, whitespace, or a colon.
 */
export function isPlausibleId(id: string): boolean {
  return /^[^\s:]+$/.test(id);
}

/** Whether `id` has the exact shape of a Mattermost id (26 lowercase alphanumerics). */
export function isMattermostId(id: string): boolean {
  return /^[a-z0-9]{26}$/.test(id);
}

function fail(reason: KeyRouteFailure, detail: string): KeyRoute {
  return { ok: false, reason, detail };
}

/**
 * The conversation an OpenClaw session key names by itself. Mattermost channel, group (private
 * channel or group DM) and DM keys route; a `:thread:<rootId>` suffix puts the box in that thread.
 * The collapsed main key, sub-agent keys, unscoped keys and other channels' keys do not route, and
 * say why. Ids are checked loosely ({@link isPlausibleId}).
 */
export function routeFromSessionKey(key: string): KeyRoute {
  const parts = key.split(":");
  if (key.length === 0) return fail("malformed", "empty key");
  if (parts.some((p) => !isPlausibleId(p))) return fail("malformed", "empty or blank segment");
  if (parts[0] !== "agent") return fail("unscoped", `"${parts[0]}" key names no conversation`);
  if (parts.length < 3) return fail("malformed", "missing the part after the agent id");

  let rest = parts.slice(2);
  if (rest[0] === "subagent") {
    return rest.length >= 2
      ? fail("subagent", "sub-agents nest in their parent's box")
      : fail("malformed", "sub-agent key without an id");
  }

  let rootId: string | undefined;
  if (rest.length >= 3 && rest[rest.length - 2] === "thread") {
    rootId = rest[rest.length - 1];
    rest = rest.slice(0, -2);
  }

  const [head, ...tail] = rest;
  if (head === undefined) return fail("malformed", "missing the part after the agent id");
  if (tail.length === 0) {
    return RESERVED_SINGLE.has(head)
      ? fail("malformed", `"${head}" needs an id`)
      : fail("collapsed", `"${head}" is shared by every DM; it needs a per-run route`);
  }
  if (DIRECT_KINDS.has(head)) {
    // per-peer: `agent:<a>:direct:<userId>`
    return tail.length === 1 && tail[0] !== undefined
      ? { ok: true, conversation: withRoot({ kind: "dm", userId: tail[0] }, rootId) }
      : fail("malformed", "direct key must end in one user id");
  }
  if (CONVERSATION_WORDS.has(head)) return fail("malformed", `"${head}" without a channel name`);
  if (head === "mattermost") return routeMattermost(tail, rootId);
  if (tail.slice(0, 2).some((p) => CONVERSATION_WORDS.has(p))) {
    return fail("other_channel", `"${head}" is not Mattermost`);
  }
  return fail("unscoped", `"${head}" key names no conversation`);
}

// `<kind>:<id>` or `<accountId>:<kind>:<id>`, after `agent:<a>:mattermost:` and without the thread suffix.
function routeMattermost(tail: string[], rootId: string | undefined): KeyRoute {
  const accountId = tail.length === 3 ? tail[0] : undefined;
  const [kind, id] = tail.length === 3 ? tail.slice(1) : tail;
  if ((tail.length !== 2 && tail.length !== 3) || kind === undefined || id === undefined) {
    return fail("malformed", "unknown mattermost key shape");
  }
  let conversation: Conversation;
  if (CHANNEL_KINDS.has(kind)) conversation = { kind: "channel", channelId: id };
  else if (DIRECT_KINDS.has(kind)) conversation = { kind: "dm", userId: id };
  else return fail("malformed", `unknown mattermost conversation kind "${kind}"`);
  conversation = withRoot(conversation, rootId);
  return accountId === undefined ? { ok: true, conversation } : { ok: true, conversation, accountId };
}

function withRoot(c: Conversation, rootId: string | undefined): Conversation {
  return rootId === undefined ? c : { ...c, rootId };
}

/**
 * The conversation a normalized `route` event names. A user id makes it a DM even when a channel id
 * (the DM channel) comes along; otherwise a channel id makes it a channel. Null when neither is a
 * plausible id. `rootId` places the box in that thread.
 */
export function routeFromEvent(e: {
  channelId?: string;
  rootId?: string;
  dmUserId?: string;
  account?: string;
}): Conversation | null {
  const found = placeFromEvent(e);
  return found && e.account !== undefined ? { ...found, account: e.account } : found;
}

function placeFromEvent(e: { channelId?: string; rootId?: string; dmUserId?: string }): Conversation | null {
  const rootId = e.rootId !== undefined && isPlausibleId(e.rootId) ? e.rootId : undefined;
  if (e.rootId !== undefined && rootId === undefined) return null;
  if (e.dmUserId !== undefined) {
    return isPlausibleId(e.dmUserId) ? withRoot({ kind: "dm", userId: e.dmUserId }, rootId) : null;
  }
  if (e.channelId !== undefined) {
    return isPlausibleId(e.channelId) ? withRoot({ kind: "channel", channelId: e.channelId }, rootId) : null;
  }
  return null;
}

/**
 * An OpenClaw conversation target as the gateway writes it (delivery `to`, message ctx
 * `conversationId`, a spawn's `requester.to`): `channel:<id>`, or `user:<id>` for a DM. The id is
 * returned unchecked; undefined for any other form.
 */
export function conversationTarget(to: string): { kind: "channel" | "user"; id: string } | undefined {
  if (to.startsWith("channel:")) return { kind: "channel", id: to.slice("channel:".length) };
  if (to.startsWith("user:")) return { kind: "user", id: to.slice("user:".length) };
  return undefined;
}

/**
 * The conversation an OpenClaw stored delivery context (or a legacy `deliveryContext`) names:
 * `to` is `channel:<id>` or `user:<id>`, `threadId` the root post id. Null for anything else.
 * For a collapsed main session this is only the last inbound route: prefer per-run facts there.
 */
export function routeFromDelivery(d: { to?: string; threadId?: string | number }): Conversation | null {
  const target = conversationTarget(d.to ?? "");
  const id = target?.id;
  if (id === undefined || !isPlausibleId(id)) return null;
  let rootId: string | undefined;
  if (typeof d.threadId === "number") {
    if (!Number.isSafeInteger(d.threadId)) return null;
    rootId = String(d.threadId);
  } else if (d.threadId !== undefined && d.threadId !== "") {
    if (!isPlausibleId(d.threadId)) return null;
    rootId = d.threadId;
  }
  const base: Conversation =
    target?.kind === "user" ? { kind: "dm", userId: id } : { kind: "channel", channelId: id };
  return withRoot(base, rootId);
}

/**
 * Where a run of session `key` gets its box. An explicit route (from the run's `route` event or
 * the stored delivery) wins over what the key implies, with two guards: a DM session stays a DM
 * (an explicit channel route is ignored, so a private conversation never lands in a channel), and
 * an explicit route in the key's own channel without a thread keeps the key's thread. Collapsed and
 * unscoped keys route only by an explicit route; sub-agent, other-channel and malformed keys never.
 */
export function resolveRoute(
  key: string,
  explicit: Conversation | null,
): { conversation: Conversation } | { conversation: null; reason: string } {
  const route = resolvePlace(key, explicit);
  // Wherever the box goes, it goes through the account the run's message came in on.
  const account = explicit?.account;
  return route.conversation && account !== undefined
    ? { conversation: { ...route.conversation, account } }
    : route;
}

function resolvePlace(
  key: string,
  explicit: Conversation | null,
): { conversation: Conversation } | { conversation: null; reason: string } {
  const own = routeFromSessionKey(key);
  if (own.ok) {
    const implied = own.conversation;
    if (explicit === null) return { conversation: implied };
    if (implied.kind === "dm") return { conversation: explicit.kind === "dm" ? explicit : implied };
    const sameChannel = explicit.kind === "channel" && explicit.channelId === implied.channelId;
    if (sameChannel && explicit.rootId === undefined && implied.rootId !== undefined) {
      return { conversation: implied };
    }
    return { conversation: explicit };
  }
  switch (own.reason) {
    case "collapsed":
    case "unscoped":
      return explicit !== null
        ? { conversation: explicit }
        : { conversation: null, reason: `no per-run route: ${own.detail}` };
    case "subagent":
      return { conversation: null, reason: "sub-agent sessions nest in their parent's box" };
    case "other_channel":
      return { conversation: null, reason: `not a Mattermost session: ${own.detail}` };
    case "malformed":
      return { conversation: null, reason: `malformed session key: ${own.detail}` };
    default: {
      const never: never = own.reason;
      return never;
    }
  }
}
