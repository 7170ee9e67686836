/** A post as Mattermost serializes it (`model.Post`), as the fake stores and serves it. */
export interface FakePost {
  id: string;
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
  is_pinned: boolean;
  user_id: string;
  channel_id: string;
  root_id: string;
  original_id: string;
  message: string;
  type: string;
  props: Record<string, unknown>;
  hashtags: string;
  pending_post_id: string;
  reply_count: number;
  last_reply_at: number;
  participants: null;
  has_reactions?: boolean;
  metadata: Record<string, unknown>;
}

/** A user the fake knows, with the personal access token that authenticates as them. */
export interface FakeUser {
  id: string;
  username: string;
  token: string;
  /**
   * The CSRF token of the user's browser session: a browser signed in with the `MMAUTHTOKEN` cookie
   * (= `token`) sends it back as `X-CSRF-Token` (Mattermost sets it as the `MMCSRF` cookie).
   */
  csrf: string;
  isBot: boolean;
}

export type ChannelType = "O" | "P" | "D" | "G";

/** A channel snapshot: Mattermost's identifying fields plus the member user ids. */
export interface FakeChannel {
  id: string;
  type: ChannelType;
  name: string;
  display_name: string;
  team_id: string;
  members: string[];
}

/** What a fault matcher sees of a request. */
export interface MatchableRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/**
 * Selects requests for a scripted fault. `path` is an exact path, a route template such as
 * `/api/v4/posts/{post_id}/patch`, or a RegExp; a bare RegExp tests the path; a function decides by itself.
 */
export type RequestMatcher =
  | { method?: string; path?: string | RegExp }
  | RegExp
  | ((req: MatchableRequest) => boolean);

export type FaultKind = "rate-limit" | "server-error" | "reset-before" | "reset-after" | "latency";

/** One HTTP request as the fake received and answered it. `status` 0 means no answer (socket reset). */
export interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, the raw text if it was not JSON, undefined if empty. */
  body: unknown;
  /** Lower-cased names; `authorization` is masked. */
  headers: Record<string, string>;
  status: number;
  /** Parsed JSON response, or the text for non-JSON answers; undefined when not answered. */
  responseBody: unknown;
  responseHeaders: Record<string, string>;
  /** The authenticated user, when the token was valid. */
  userId?: string;
  /** Faults that shaped this request. */
  faults: FaultKind[];
  /** The fake's clock (`now()`) when the request arrived. */
  at: number;
}

/** One WebSocket event the fake published (before per-connection sequence numbers). */
export interface PublishedEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: {
    omit_users: Record<string, boolean> | null;
    user_id: string;
    channel_id: string;
    team_id: string;
    connection_id: string;
    omit_connection_id: string;
  };
}

export interface FakeMattermostOptions {
  /** Token for the bot user; random by default. */
  botToken?: string;
  botUsername?: string;
  /** Extra people to create at start (usernames). */
  users?: string[];
  /** Extra channels to create at start; members are usernames (the bot is always a member). */
  channels?: Array<{ type: ChannelType; name?: string; members?: string[] }>;
  /** Clock for timestamps and the 30 s `pending_post_id` window; `Date.now` by default. */
  now?: () => number;
  /** `MaxPostSize` in code points; 16383 on current servers. */
  maxPostSize?: number;
  /**
   * Status for deleting a missing or already deleted post: current servers answer 404
   * (`app.post.get.app_error`), older ones 403 (permission error).
   */
  deleteMissingPostStatus?: 403 | 404;
  /** Server version reported in the WebSocket `hello` and `X-Version-Id`. */
  serverVersion?: string;
  /** Active webapp plugins listed by `GET /plugins/webapp`; `disabled`: plugins off (501). Default none. */
  webappPlugins?: Array<{ id: string; version: string }> | "disabled";
  /** `ServiceSettings.PostEditTimeLimit`, seconds: edits that change an older post's message get 400. Default -1 (none). */
  postEditTimeLimit?: number;
  /** Port on 127.0.0.1; 0 (any free port) by default. A fixed one lets a test start the server late. */
  port?: number;
}

/** Scripted faults; each applies to the next matching request(s), `count` defaults to 1. */
export interface FakeFaults {
  /** 429 `text/plain` "limit exceeded" with `Retry-After` and `X-Ratelimit-*`, as the server's limiter answers. */
  rateLimit(opts: { retryAfterSec: number; count?: number; match?: RequestMatcher }): void;
  /** 500 answers with an AppError body; 502/503 with a proxy's HTML page. */
  serverError(opts: { status?: 500 | 502 | 503; count?: number; match?: RequestMatcher }): void;
  /** Destroys the socket before handling, or after applying the write but before answering. */
  reset(opts: { when: "before" | "after"; count?: number; match?: RequestMatcher }): void;
  /** Holds the request this long before handling it (stacks with one answering fault). */
  latency(opts: { ms: number; count?: number; match?: RequestMatcher }): void;
  /** Every read or write touching the channel answers 403 until `allowChannel`. */
  forbidChannel(channelId: string): void;
  allowChannel(channelId: string): void;
  /** An admin revokes the token: every request with it answers 401 until `restoreToken`. */
  revokeToken(token: string): void;
  restoreToken(token: string): void;
  /** Scripted faults not used up yet. */
  pending(): number;
  clear(): void;
}

/** A running fake Mattermost server; see `startFakeMattermost`. */
export interface FakeMattermost {
  url: string;
  botToken: string;
  botUserId: string;
  bot: FakeUser;
  addUser(username: string): FakeUser;
  user(username: string): FakeUser | undefined;
  /** Creates a channel; the bot is always a member. A "D" channel takes exactly one other member. */
  addChannel(type: ChannelType, name?: string, members?: string[]): FakeChannel;
  channel(id: string): FakeChannel | undefined;
  channelByName(name: string): FakeChannel | undefined;
  /** Every post including deleted ones (delete_at > 0), in creation order; `pending_post_id` as sent. */
  posts(): FakePost[];
  /**
   * Posts of a channel in creation order. `rootId` keeps only replies to that root (the root itself
   * excluded); `rootId: ""` keeps only root posts. Deleted posts only with `includeDeleted`.
   */
  postsIn(channelId: string, opts?: { rootId?: string; includeDeleted?: boolean }): FakePost[];
  post(id: string): FakePost | undefined;
  /** Every HTTP request in arrival order (WebSocket upgrades excluded). */
  requests(): LoggedRequest[];
  clearRequests(): void;
  /** Every WebSocket event published, in order, whether or not a client was connected. */
  events(): PublishedEvent[];
  /** Authenticated WebSocket connections now open. */
  webSocketClients(): number;
  /** Cuts every WebSocket connection, as a server restart would. */
  disconnectWebSockets(): void;
  faults: FakeFaults;
  /** What `GET /plugins/webapp` lists from now on, as an admin enabling or disabling plugins would. */
  setWebappPlugins(plugins: Array<{ id: string; version: string }> | "disabled"): void;
  /** A person (an admin unless `byUserId` is given) deletes a post; replies go with a root. */
  deletePostAsUser(postId: string, byUserId?: string): void;
  /** A person writes (joining the channel if needed); broadcast as `posted`. */
  userPost(channelId: string, userId: string, message: string, rootId?: string): FakePost;
  close(): Promise<void>;
}
