import { describe, expect, it } from "vitest";
import { seedState } from "./seed.ts";

const now = () => 1_000;

describe("the seeded state", () => {
  it("has a bot named live-status-bot with a random token by default", () => {
    const { state, bot } = seedState({}, now);
    expect(bot).toMatchObject({ username: "live-status-bot", isBot: true, createAt: 1_000 });
    expect(bot.token).toMatch(/^[a-z0-9]{26}$/);
    expect([...state.users.values()]).toEqual([bot]);
    expect(state.maxPostSize).toBe(16383);
    expect(state.postEditTimeLimit).toBe(-1);
  });

  it("takes the bot's name and token, the extra users and the post size and edit time limits from the options", () => {
    const { state, bot } = seedState(
      {
        botUsername: "openclaw",
        botToken: "t0k",
        users: ["alice", "bob"],
        maxPostSize: 10,
        postEditTimeLimit: 300,
      },
      now,
    );
    expect([bot.username, bot.token]).toEqual(["openclaw", "t0k"]);
    expect(state.userByName("alice")?.isBot).toBe(false);
    expect(state.userByName("bob")).toBeDefined();
    expect(state.maxPostSize).toBe(10);
    expect(state.postEditTimeLimit).toBe(300);
  });

  it("seeds channels with the bot and the named members", () => {
    const { state, bot } = seedState(
      { users: ["carol"], channels: [{ type: "P", name: "ops", members: ["carol"] }, { type: "O" }] },
      now,
    );
    const carol = state.userByName("carol")?.id;
    const channels = [...state.channels.values()].map((c) => state.channelSnapshot(c));
    expect(channels).toMatchObject([
      { type: "P", name: "ops", members: [bot.id, carol] },
      { type: "O", members: [bot.id] },
    ]);
  });

  it("refuses a channel seed that names an unknown user", () => {
    expect(() => seedState({ channels: [{ type: "O", members: ["nobody"] }] }, now)).toThrow(
      "channel seed names unknown user nobody",
    );
  });

  it("keeps its own copy of the webapp plugins", () => {
    const plugins = [{ id: "live-status", version: "1.0.0" }];
    const { state } = seedState({ webappPlugins: plugins }, now);
    plugins.push({ id: "other", version: "2.0.0" });
    expect(state.webappPlugins).toEqual([{ id: "live-status", version: "1.0.0" }]);
    expect(seedState({ webappPlugins: "disabled" }, now).state.webappPlugins).toBe("disabled");
  });
});
