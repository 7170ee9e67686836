// A multi-account gateway on the real OpenClaw: `channels.mattermost.accounts` with two bots on two
// fake Mattermost servers. Each run's box goes through the account its message came in on: the
// gateway's message_received hook names it (ctx.accountId), the plugin posts with that account's bot.
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { assertServedAccordingToSpec, startFakeMattermost } from "@live-status/fake-mattermost";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boxes, liveBoxesIn } from "./boxes.ts";
import { type Gateway, startGateway } from "./gateway.ts";
import { prepareInstall, restorePristine } from "./install.ts";
import { BOT_USERNAME, startWorld, TOOLS_ANSWER, type World, waitFor } from "./world.ts";

const OPS_BOT = "opsbot";

let world: World;
let ops: FakeMattermost;
let gateway: Gateway | undefined;

beforeAll(async () => {
  await prepareInstall("plugin");
  world = await startWorld();
  ops = await startFakeMattermost({
    botUsername: OPS_BOT,
    users: ["carol"],
    channels: [{ type: "O", name: "ops", members: ["carol"] }],
  });
  gateway = await startGateway({
    home: restorePristine("plugin"),
    modelBaseUrl: world.model.baseUrl,
    mattermost: { url: world.mm.url, botToken: world.mm.botToken },
    workspaceFiles: { "NOTES.md": "hello from the notes\n" },
    plugin: { enabled: true },
    streaming: { mode: "off" },
    extra: {
      channels: {
        mattermost: {
          accounts: {
            default: { name: "Primary" },
            ops: { name: "Ops", baseUrl: ops.url, botToken: ops.botToken },
          },
        },
      },
    },
  });
  await world.botConnected(true);
  await waitFor("the ops bot's WebSocket", () => ops.webSocketClients() > 0, 60_000);
}, 600_000);

afterAll(async () => {
  await gateway?.stop(30_000);
  await Promise.allSettled([world?.close(), ops?.close()]);
});

const answered = (mm: FakeMattermost, channelId: string, since: number) =>
  mm
    .postsIn(channelId)
    .find(
      (p) =>
        p.user_id === mm.botUserId &&
        p.type === "" &&
        p.create_at >= since &&
        p.message.includes(TOOLS_ANSWER),
    );

describe("a gateway with two Mattermost accounts on two servers", () => {
  it("gives a message on the second account's server its box there, posted by that account's bot", async () => {
    const channel = ops.channelByName("ops");
    const carol = ops.user("carol");
    if (!channel || !carol) throw new Error("ops world not seeded");
    const asked = ops.userPost(
      channel.id,
      carol.id,
      `@${OPS_BOT} [tools] please read the notes and run echo`,
    );
    await waitFor("the ops answer", () => answered(ops, channel.id, asked.create_at), 120_000);
    const box = await waitFor(
      "a final box on the ops server",
      () => liveBoxesIn(ops, channel.id).find((b) => b.status?.state === "done"),
      60_000,
    );
    expect(box.status?.session).toBe(`agent:main:mattermost:channel:${channel.id}`);
    expect(ops.post(box.id)?.user_id).toBe(ops.botUserId);
    expect(boxes(world.mm)).toEqual([]);
  }, 240_000);

  it("gives a message on the default account its box on the default server, and nothing on the other", async () => {
    const before = boxes(ops).length;
    const asked = world.say(
      world.town,
      world.alice,
      `@${BOT_USERNAME} [tools] please read the notes and run echo`,
    );
    await waitFor("the answer", () => answered(world.mm, world.town.id, asked.create_at), 120_000);
    const box = await waitFor(
      "a final box on the default server",
      () => liveBoxesIn(world.mm, world.town.id).find((b) => b.status?.state === "done"),
      60_000,
    );
    expect(world.mm.post(box.id)?.user_id).toBe(world.mm.botUserId);
    expect(boxes(ops)).toHaveLength(before);
    assertServedAccordingToSpec(world.mm);
    assertServedAccordingToSpec(ops);
  }, 240_000);
});
