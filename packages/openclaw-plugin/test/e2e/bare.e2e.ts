// The harness itself, without Live Status: the real gateway and the real @openclaw/mattermost against the
// project's fake Mattermost and fake model. Proves the fake serves what the channel plugin needs, per spec.
// Opt-in (one more gateway start, ~25 s): LIVE_STATUS_E2E_BARE=1 npm run test:e2e. gateway.e2e.ts checks
// the same traffic against the spec with the plugin installed.
import { assertServedAccordingToSpec } from "@live-status/fake-mattermost";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boxes } from "./boxes.ts";
import { type Gateway, startGateway } from "./gateway.ts";
import { prepareInstall, restorePristine } from "./install.ts";
import { BOT_USERNAME, startWorld, TOOLS_ANSWER, type World, waitFor } from "./world.ts";

let world: World;
let gateway: Gateway | undefined;

const answerIn = (channelId: string, rootId: string, text: string) =>
  world.mm
    .postsIn(channelId, { rootId })
    .find((p) => p.user_id === world.mm.botUserId && p.type === "" && p.message.includes(text));

describe.skipIf(process.env.LIVE_STATUS_E2E_BARE !== "1")(
  "the real gateway against the fakes, without Live Status",
  () => {
    beforeAll(async () => {
      await prepareInstall("bare");
      world = await startWorld();
      gateway = await startGateway({
        home: restorePristine("bare"),
        modelBaseUrl: world.model.baseUrl,
        mattermost: { url: world.mm.url, botToken: world.mm.botToken },
        workspaceFiles: { "NOTES.md": "hello from the notes\n" },
      });
      await world.botConnected(true);
    });

    afterAll(async () => {
      await gateway?.stop(30_000);
      await world?.close();
    });

    it("answers a channel mention after two tool calls, through its own preview post", async () => {
      const asked = world.say(
        world.town,
        world.alice,
        `@${BOT_USERNAME} [tools] read the notes and run echo`,
      );
      const answer = await waitFor("the answer", () => answerIn(world.town.id, "", TOOLS_ANSWER), 60_000);
      expect(answer.create_at).toBeGreaterThan(asked.create_at);
      const edits = world.mm
        .requests()
        .filter((r) => r.method === "PUT" && r.path === `/api/v4/posts/${answer.id}`);
      expect(edits.length).toBeGreaterThan(0);
      expect(world.model.requests.some((r) => r.messages.some((m) => m.role === "tool"))).toBe(true);
    });

    it("answers a DM without a mention", async () => {
      const dm = world.dm(world.bob);
      world.say(dm, world.bob, "hello there");
      await waitFor("the DM answer", () => answerIn(dm.id, "", "Noted."), 60_000);
    });

    it("answers in the thread it was asked in", async () => {
      const root = world.say(world.town, world.bob, "a thread about the deploy");
      world.say(world.town, world.alice, `@${BOT_USERNAME} what about it?`, root.id);
      await waitFor("the thread answer", () => answerIn(world.town.id, root.id, "Noted."), 60_000);
    });

    it("was served every request and WebSocket event according to the Mattermost spec, and posted no box", () => {
      const unknown = world.mm.requests().filter((r) => r.status === 404);
      expect(unknown.map((r) => `${r.method} ${r.path}`)).toEqual([]);
      expect(world.mm.webSocketClients()).toBeGreaterThan(0);
      assertServedAccordingToSpec(world.mm);
      expect(boxes(world.mm)).toEqual([]);
    });
  },
);
