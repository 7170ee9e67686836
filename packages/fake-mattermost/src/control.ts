import { type FaultScript, faultControls } from "./faults.ts";
import { createUserPost, softDelete } from "./posts.ts";
import type { Recording } from "./recording.ts";
import type { MattermostState, StoredUser } from "./state.ts";
import type { FakeMattermost, FakeUser } from "./types.ts";
import type { WebSocketHub } from "./websocket.ts";

/** The part of a running fake that tests drive and inspect directly, beside the HTTP API. */
export type ControlApi = Omit<FakeMattermost, "url" | "close">;

/** What the control API reaches into. */
export interface Controlled {
  state: MattermostState;
  bot: StoredUser;
  recording: Recording;
  script: FaultScript;
  hub: WebSocketHub;
}

/** A user as tests see it: without the stored timestamps. */
function publicUser(u: StoredUser): FakeUser {
  return { id: u.id, username: u.username, token: u.token, csrf: u.csrf, isBot: u.isBot };
}

/**
 * Seeds, inspects and steers the fake the way people and admins would, without the HTTP API:
 * users and channels, posts as stored, the request and event records, faults, WebSocket cuts.
 */
export function controlApi({ state, bot, recording, script, hub }: Controlled): ControlApi {
  const postsOf = () => state.posts.map((p) => state.postJson(p, { keepPendingId: true }));
  let admin: StoredUser | undefined;
  return {
    botToken: bot.token,
    botUserId: bot.id,
    bot: publicUser(bot),
    addUser: (username) => publicUser(state.addUser(username)),
    user: (username) => {
      const u = state.userByName(username);
      return u && publicUser(u);
    },
    addChannel: (type, name, members = []) => {
      if (type === "D" && new Set([bot.id, ...members]).size > 2) {
        throw new Error("fake-mattermost: a direct channel has the bot and at most one other member");
      }
      return state.channelSnapshot(state.addChannel(type, bot.id, name, members));
    },
    channel: (id) => {
      const c = state.channels.get(id);
      return c && state.channelSnapshot(c);
    },
    channelByName: (name) => {
      const c = [...state.channels.values()].find((ch) => ch.name === name);
      return c && state.channelSnapshot(c);
    },
    posts: postsOf,
    postsIn: (channelId, o = {}) =>
      postsOf().filter(
        (p) =>
          p.channel_id === channelId &&
          (o.includeDeleted || p.delete_at === 0) &&
          (o.rootId === undefined || p.root_id === o.rootId),
      ),
    post: (id) => {
      const p = state.postsById.get(id);
      return p && state.postJson(p, { keepPendingId: true });
    },
    requests: () => recording.requests(),
    clearRequests: () => recording.clearRequests(),
    events: () => recording.events(),
    webSocketClients: () => hub.authenticatedCount(),
    disconnectWebSockets: () => hub.disconnectAll(),
    faults: faultControls(script, state),
    setWebappPlugins: (plugins) => {
      state.webappPlugins = structuredClone(plugins);
    },
    deletePostAsUser: (postId, byUserId) => {
      const post = state.postsById.get(postId);
      if (!post || post.delete_at > 0) throw new Error(`fake-mattermost: no live post ${postId}`);
      let deleter = byUserId;
      if (deleter === undefined) {
        admin ??= state.userByName("sysadmin") ?? state.addUser("sysadmin");
        deleter = admin.id;
      }
      softDelete(state, post, deleter);
    },
    userPost: (channelId, userId, message, rootId) =>
      createUserPost(state, channelId, userId, message, rootId),
  };
}
