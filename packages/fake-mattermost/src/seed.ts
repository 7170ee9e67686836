import { MattermostState, type StoredUser } from "./state.ts";
import type { FakeMattermostOptions } from "./types.ts";

/** The state a fake starts with: the bot, the extra users, the seeded channels and the server settings. */
export function seedState(
  opts: FakeMattermostOptions,
  now: () => number,
): { state: MattermostState; bot: StoredUser } {
  const state = new MattermostState(now, opts.maxPostSize ?? 16383);
  const bot = state.addUser(opts.botUsername ?? "live-status-bot", { token: opts.botToken, isBot: true });
  for (const username of opts.users ?? []) state.addUser(username);
  if (opts.webappPlugins !== undefined) state.webappPlugins = structuredClone(opts.webappPlugins);
  if (opts.postEditTimeLimit !== undefined) state.postEditTimeLimit = opts.postEditTimeLimit;
  for (const seed of opts.channels ?? []) {
    const ids = (seed.members ?? []).map((name) => {
      const user = state.userByName(name);
      if (!user) throw new Error(`fake-mattermost: channel seed names unknown user ${name}`);
      return user.id;
    });
    state.addChannel(seed.type, bot.id, seed.name, ids);
  }
  return { state, bot };
}
