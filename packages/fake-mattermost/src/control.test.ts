import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ControlApi, controlApi } from "./control.ts";
import { FaultScript } from "./faults.ts";
import { Recording } from "./recording.ts";
import { seedState } from "./seed.ts";
import type { MattermostState } from "./state.ts";
import { WebSocketHub } from "./websocket.ts";

let state: MattermostState;
let script: FaultScript;
let hub: WebSocketHub;
let fake: ControlApi;

beforeEach(() => {
  const now = () => 5_000;
  const seeded = seedState({ botToken: "bot-token", users: ["alice", "bob"] }, now);
  state = seeded.state;
  script = new FaultScript();
  hub = new WebSocketHub((token) => state.userByToken(token), "10.11.0", now);
  fake = controlApi({ state, bot: seeded.bot, recording: new Recording(now), script, hub });
});

afterEach(async () => {
  await hub.close();
});

const id = (username: string) => fake.user(username)?.id as string;

describe("the control API", () => {
  it("shows the bot and users with their tokens, without stored timestamps", () => {
    expect(fake.botToken).toBe("bot-token");
    expect(fake.bot).toEqual({
      id: fake.botUserId,
      username: "live-status-bot",
      token: "bot-token",
      csrf: expect.any(String),
      isBot: true,
    });
    expect(Object.keys(fake.addUser("carol")).sort()).toEqual(["csrf", "id", "isBot", "token", "username"]);
    expect(fake.user("nobody")).toBeUndefined();
  });

  it("adds channels with the bot as a member and finds them by id and name", () => {
    const town = fake.addChannel("O", "town", [id("alice")]);
    expect(town.members).toEqual([fake.botUserId, id("alice")]);
    expect(fake.channel(town.id)).toEqual(town);
    expect(fake.channelByName("town")).toEqual(town);
    expect(fake.channel("missing")).toBeUndefined();
  });

  it("refuses a direct channel with more than one member besides the bot", () => {
    expect(() => fake.addChannel("D", undefined, [id("alice"), id("bob")])).toThrow(
      "a direct channel has the bot and at most one other member",
    );
    expect(fake.addChannel("D", undefined, [id("alice")]).type).toBe("D");
  });

  it("deletes a post as one sysadmin, created on first need, and refuses a post that is not live", () => {
    const town = fake.addChannel("O", "town");
    const first = fake.userPost(town.id, id("alice"), "one");
    const second = fake.userPost(town.id, id("alice"), "two");
    fake.deletePostAsUser(first.id);
    fake.deletePostAsUser(second.id);
    const admin = fake.user("sysadmin");
    expect([...state.users.values()].filter((u) => u.username === "sysadmin")).toHaveLength(1);
    expect(fake.post(first.id)?.props.deleteBy).toBe(admin?.id);
    expect(fake.post(second.id)?.props.deleteBy).toBe(admin?.id);
    expect(() => fake.deletePostAsUser(first.id)).toThrow(`no live post ${first.id}`);
  });

  it("deletes a post as the person named", () => {
    const town = fake.addChannel("O", "town");
    const post = fake.userPost(town.id, id("alice"), "mine");
    fake.deletePostAsUser(post.id, id("bob"));
    expect(fake.post(post.id)?.props.deleteBy).toBe(id("bob"));
    expect(fake.user("sysadmin")).toBeUndefined();
  });

  it("hands out copies of the stored posts", () => {
    const town = fake.addChannel("O", "town");
    const post = fake.userPost(town.id, id("alice"), "kept");
    const copy = fake.posts()[0];
    if (copy) copy.message = "changed";
    expect(fake.post(post.id)?.message).toBe("kept");
  });

  it("scripts faults into the fault script, and forbidden channels and revoked tokens into the state", () => {
    fake.faults.rateLimit({ retryAfterSec: 1 });
    fake.faults.serverError({ count: 2 });
    fake.faults.latency({ ms: 10 });
    expect(fake.faults.pending()).toBe(3);
    expect(script.takeAnswer({ method: "GET", path: "/", query: {}, body: undefined })).toEqual({
      kind: "rate-limit",
      retryAfterSec: 1,
    });
    fake.faults.clear();
    expect(fake.faults.pending()).toBe(0);
    fake.faults.forbidChannel("c1");
    expect(state.forbiddenChannels.has("c1")).toBe(true);
    fake.faults.allowChannel("c1");
    expect(state.forbiddenChannels.has("c1")).toBe(false);
    fake.faults.revokeToken("bot-token");
    expect(state.userByToken("bot-token")).toBeUndefined();
    fake.faults.restoreToken("bot-token");
    expect(state.userByToken("bot-token")?.id).toBe(fake.botUserId);
  });

  it("switches the webapp plugins on its own copy", () => {
    const plugins = [{ id: "live-status", version: "1.0.0" }];
    fake.setWebappPlugins(plugins);
    plugins.length = 0;
    expect(state.webappPlugins).toEqual([{ id: "live-status", version: "1.0.0" }]);
  });
});
