import { type ApiError, CHANNEL_NOT_FOUND, permissionError } from "./app-error.ts";
import { idFromKey, newId } from "./ids.ts";
import type { ChannelType, FakeChannel, FakePost, FakeUser, PublishedEvent } from "./types.ts";

/** An operation's outcome: a value, or the API error the server would answer. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(error: ApiError): Result<T> {
  return { ok: false, error };
}

/** A user with the timestamps the API shows. */
export interface StoredUser extends FakeUser {
  createAt: number;
  updateAt: number;
}

/** A channel with its members and the counters the API shows. */
export interface StoredChannel {
  id: string;
  type: ChannelType;
  name: string;
  displayName: string;
  teamId: string;
  creatorId: string;
  members: Set<string>;
  createAt: number;
  updateAt: number;
  lastPostAt: number;
  lastRootPostAt: number;
  totalMsgCount: number;
  totalMsgCountRoot: number;
}

/** The persisted part of a post plus its creation sequence; reply counts and metadata are computed when serialized. */
export type StoredPost = Omit<FakePost, "reply_count" | "last_reply_at" | "participants" | "metadata"> & {
  seq: number;
};

/** Receives every event with the user ids that may see it (channel members). */
export type EventSink = (event: PublishedEvent, audience: ReadonlySet<string>) => void;

/** Everything the fake server knows: users, one team, channels, posts and the create de-duplication cache. */
export class MattermostState {
  readonly users = new Map<string, StoredUser>();
  readonly channels = new Map<string, StoredChannel>();
  readonly posts: StoredPost[] = [];
  readonly postsById = new Map<string, StoredPost>();
  /** pending_post_id → created post and when it was saved (the server's 30 s cache). */
  readonly pendingPostIds = new Map<string, { postId: string; savedAt: number }>();
  readonly forbiddenChannels = new Set<string>();
  readonly teamId = newId();
  readonly now: () => number;
  readonly maxPostSize: number;
  sink: EventSink = () => {};
  /** Active webapp plugins (`GET /plugins/webapp`), or `disabled` when the server has plugins off. */
  webappPlugins: Array<{ id: string; version: string }> | "disabled" = [];
  /** Tokens an admin revoked: every request with one answers 401 as an unknown token would. */
  readonly revokedTokens = new Set<string>();
  /** `ServiceSettings.PostEditTimeLimit` in seconds; -1 (the server default) is no limit. */
  postEditTimeLimit = -1;
  private channelCounter = 0;

  constructor(now: () => number, maxPostSize: number) {
    this.now = now;
    this.maxPostSize = maxPostSize;
  }

  addUser(username: string, opts: { token?: string; isBot?: boolean } = {}): StoredUser {
    for (const u of this.users.values()) {
      if (u.username === username) throw new Error(`fake-mattermost: username ${username} already exists`);
    }
    const at = this.now();
    const user: StoredUser = {
      id: newId(),
      username,
      token: opts.token ?? newId(),
      csrf: newId(),
      isBot: opts.isBot ?? false,
      createAt: at,
      updateAt: at,
    };
    this.users.set(user.id, user);
    return user;
  }

  userByToken(token: string): StoredUser | undefined {
    if (this.revokedTokens.has(token)) return undefined;
    for (const u of this.users.values()) if (u.token === token) return u;
    return undefined;
  }

  userByName(username: string): StoredUser | undefined {
    for (const u of this.users.values()) if (u.username === username) return u;
    return undefined;
  }

  addChannel(type: ChannelType, creatorId: string, name?: string, memberIds: string[] = []): StoredChannel {
    const members = new Set([creatorId, ...memberIds]);
    for (const id of members) {
      if (!this.users.has(id)) throw new Error(`fake-mattermost: unknown user id ${id}`);
    }
    if (type === "D") return this.directChannel([...members]);
    const sorted = [...members].sort();
    this.channelCounter++;
    const channelName =
      name ?? (type === "G" ? idFromKey(sorted.join(",")).slice(0, 20) : `channel-${this.channelCounter}`);
    const displayName =
      type === "G"
        ? sorted.map((id) => this.users.get(id)?.username ?? id).join(", ")
        : (name ?? `Channel ${this.channelCounter}`);
    return this.storeChannel({
      id: newId(),
      type,
      name: channelName,
      displayName,
      teamId: type === "O" || type === "P" ? this.teamId : "",
      creatorId,
      members,
    });
  }

  /** Gets or creates the DM channel of a pair; its name is `<a>__<b>` (sorted) and its id is derived from it. */
  directChannel(pair: string[]): StoredChannel {
    const sorted = [...pair].sort();
    const a = sorted[0] ?? "";
    const b = sorted[sorted.length - 1] ?? a;
    const name = `${a}__${b}`;
    const id = idFromKey(`dm:${name}`);
    const existing = this.channels.get(id);
    if (existing) return existing;
    return this.storeChannel({
      id,
      type: "D",
      name,
      displayName: "",
      teamId: "",
      creatorId: a,
      members: new Set([a, b]),
    });
  }

  /** Stores a new channel, created now and with no posts yet. */
  private storeChannel(
    fields: Pick<StoredChannel, "id" | "type" | "name" | "displayName" | "teamId" | "creatorId" | "members">,
  ): StoredChannel {
    const at = this.now();
    const channel: StoredChannel = {
      ...fields,
      createAt: at,
      updateAt: at,
      lastPostAt: at,
      lastRootPostAt: at,
      totalMsgCount: 0,
      totalMsgCountRoot: 0,
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** Read access: members, anyone on the team for public channels; never for a channel forbidden by a fault. */
  canRead(userId: string, channel: StoredChannel): boolean {
    if (this.forbiddenChannels.has(channel.id)) return false;
    return channel.type === "O" || channel.members.has(userId);
  }

  /** `create_post`, or `create_post_public` for public channels the user has not joined. */
  canPost(userId: string, channel: StoredChannel): boolean {
    return this.canRead(userId, channel);
  }

  /** The channel if the user may read it: 404 when missing, 403 without permission (as GET /channels/{id}). */
  readableChannel(userId: string, channelId: string, permission = "read_channel"): Result<StoredChannel> {
    const channel = this.channels.get(channelId);
    if (!channel) return fail(CHANNEL_NOT_FOUND);
    if (!this.canRead(userId, channel)) return fail(permissionError(userId, permission));
    return ok(channel);
  }

  publish(event: string, channel: StoredChannel, data: Record<string, unknown>, omitUserId?: string): void {
    this.sink(
      {
        event,
        data,
        broadcast: {
          omit_users: omitUserId ? { [omitUserId]: true } : null,
          user_id: "",
          channel_id: channel.id,
          team_id: "",
          connection_id: "",
          omit_connection_id: "",
        },
      },
      channel.members,
    );
  }

  userJson(user: StoredUser, self: boolean): Record<string, unknown> {
    return {
      id: user.id,
      create_at: user.createAt,
      update_at: user.updateAt,
      delete_at: 0,
      username: user.username,
      auth_data: "",
      auth_service: "",
      email: `${user.username}@example.invalid`,
      email_verified: true,
      nickname: "",
      first_name: "",
      last_name: "",
      position: "",
      roles: "system_user",
      ...(self
        ? {
            notify_props: {
              channel: "true",
              comments: "never",
              desktop: "mention",
              desktop_sound: "true",
              email: "true",
              first_name: "false",
              mention_keys: "",
              push: "mention",
              push_status: "away",
            },
            last_password_update: user.createAt,
          }
        : {}),
      locale: "en",
      // Mattermost serializes the timezone as a string map.
      timezone: { automaticTimezone: "", manualTimezone: "", useAutomaticTimezone: "true" },
      ...(user.isBot ? { is_bot: true, bot_description: "" } : {}),
      disable_welcome_email: false,
    };
  }

  channelJson(channel: StoredChannel): Record<string, unknown> {
    return {
      id: channel.id,
      create_at: channel.createAt,
      update_at: channel.updateAt,
      delete_at: 0,
      team_id: channel.teamId,
      type: channel.type,
      display_name: channel.displayName,
      name: channel.name,
      header: "",
      purpose: "",
      last_post_at: channel.lastPostAt,
      total_msg_count: channel.totalMsgCount,
      extra_update_at: 0,
      creator_id: channel.creatorId,
      scheme_id: null,
      props: null,
      group_constrained: null,
      shared: null,
      total_msg_count_root: channel.totalMsgCountRoot,
      policy_id: null,
      last_root_post_at: channel.lastRootPostAt,
    };
  }

  /**
   * A post as the API serializes it. `pending_post_id` is not stored by the server, so only the create
   * answer and the `posted` event carry it.
   */
  postJson(post: StoredPost, opts: { keepPendingId?: boolean } = {}): FakePost {
    const rootId = post.root_id || post.id;
    let replyCount = 0;
    let lastReplyAt = 0;
    for (const p of this.posts) {
      if (p.root_id !== rootId || p.delete_at > 0) continue;
      replyCount++;
      lastReplyAt = Math.max(lastReplyAt, p.create_at);
    }
    const { seq: _seq, ...fields } = post;
    return {
      ...structuredClone(fields),
      pending_post_id: opts.keepPendingId ? post.pending_post_id : "",
      reply_count: replyCount,
      last_reply_at: lastReplyAt,
      participants: null,
      metadata: {},
    };
  }

  channelSnapshot(channel: StoredChannel): FakeChannel {
    return {
      id: channel.id,
      type: channel.type,
      name: channel.name,
      display_name: channel.displayName,
      team_id: channel.teamId,
      members: [...channel.members],
    };
  }
}
