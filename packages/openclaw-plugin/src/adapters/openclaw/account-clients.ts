/**
 * The other Mattermost accounts of a multi-account gateway (`channels.mattermost.accounts`), for
 * the boxes of runs whose message came in on one of them. Each connects (`GET /users/me`, its own
 * request budget) on its first box, not at start, and again after a failed attempt.
 */
import type { MattermostAccount } from "../../config/mattermost-account.ts";
import type { MattermostClient } from "../../ports/mattermost.ts";
import type { AccountClient } from "../../runtime/runtime.ts";
import type { ConnectResult } from "../../runtime/service.ts";

type Connected = Extract<ConnectResult, { ok: true }>;

export function accountClients(
  accounts: readonly MattermostAccount[],
  connect: (account: MattermostAccount) => Promise<ConnectResult>,
): (accountId: string) => AccountClient | undefined {
  const byId = new Map(accounts.map((a) => [a.accountId, lazyAccount(a, connect)]));
  return (accountId) => byId.get(accountId);
}

function lazyAccount(
  account: MattermostAccount,
  connect: (account: MattermostAccount) => Promise<ConnectResult>,
): AccountClient {
  let connection: Promise<Connected> | null = null;
  const connected = (): Promise<Connected> => {
    connection ??= connect(account).then((r) => {
      if (r.ok) return r;
      connection = null;
      throw new Error(r.reason);
    });
    return connection;
  };
  const client: MattermostClient = {
    getMe: async () => (await connected()).client.getMe(),
    createPost: async (input, options) => (await connected()).client.createPost(input, options),
    patchPost: async (postId, patch, request) => (await connected()).client.patchPost(postId, patch, request),
    deletePost: async (postId, request) => (await connected()).client.deletePost(postId, request),
    getPost: async (postId) => (await connected()).client.getPost(postId),
    createDirectChannel: async (a, b) => (await connected()).client.createDirectChannel(a, b),
    getChannel: async (channelId) => (await connected()).client.getChannel(channelId),
    getChannelPostsSince: async (channelId, since, request) =>
      (await connected()).client.getChannelPostsSince(channelId, since, request),
  };
  return { client, botUserId: async () => (await connected()).botUserId };
}
