/**
 * The plugin entry, registered as the gateway does (full, discovery, discovery), fed the signals
 * captured from the real gateway (test/fixtures/openclaw/) through the handlers it registered —
 * agent events to the full instance, agent-run hooks to the discovery one — against the fake
 * Mattermost. The boxes in the fake are the proof.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeChannel, FakeMattermost, FakePost } from "@live-status/fake-mattermost";
import { assertServedAccordingToSpec, startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fixtureId, loadCapture, play, TestHost } from "../test/support/openclaw-host.ts";
import { forgetProcessHub, processHub } from "./adapters/openclaw/hub.ts";
import entry from "./index.ts";

/** Real HTTP on a busy CI machine: give writes time to land. */
const WAIT = { timeout: 5_000 };

let fake: FakeMattermost;
let dir: string;
let host: TestHost;
let town: FakeChannel;
let ids: Record<string, string>;

beforeEach(async () => {
  fake = await startFakeMattermost({ users: ["alice", "bob"] });
  dir = await mkdtemp(join(tmpdir(), "live-status-entry-"));
  const alice = fake.user("alice")?.id ?? "";
  const bob = fake.user("bob")?.id ?? "";
  town = fake.addChannel("O", "town-square", [alice, bob]);
  const root = fake.userPost(town.id, alice, "@bot a thread");
  ids = {
    [fixtureId("townsquarechan")]: town.id,
    [fixtureId("aliceuser")]: alice,
    [fixtureId("bobuser")]: bob,
    [fixtureId("dmalicebotchan")]: fake.addChannel("D", undefined, [alice]).id,
    [fixtureId("dmbobbotchan")]: fake.addChannel("D", undefined, [bob]).id,
    [fixtureId("post0003")]: root.id,
  };
  host = await gateway();
});

afterEach(async () => {
  await host.stop(dir);
  forgetProcessHub();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function gateway(): Promise<TestHost> {
  const h = new TestHost({
    pluginConfig: { minEditIntervalMs: 200, rateLimitPerSec: 50 },
    config: {
      channels: { mattermost: { enabled: true, baseUrl: fake.url, botToken: fake.botToken } },
      plugins: { entries: { "live-status": { enabled: true, hooks: { allowConversationAccess: true } } } },
    },
  });
  h.register(entry, "full");
  h.register(entry, "discovery");
  h.register(entry, "discovery");
  await h.start(dir);
  return h;
}

const boxesIn = (channelId: string, opts: { rootId?: string; includeDeleted?: boolean } = {}) =>
  fake.postsIn(channelId, opts).filter((p) => p.type === "custom_live_status");
const status = (p: FakePost | undefined) =>
  p?.props.live_status as { state: string; tools: Array<{ name: string }>; session: string } | undefined;
const allBoxes = () => fake.posts().filter((p) => p.type === "custom_live_status");

describe("the plugin entry on captured gateway signals", () => {
  it("runs exactly one runtime for three registrations, fed by both kinds of instance", () => {
    expect(host.instances.map((i) => i.mode)).toEqual(["full", "discovery", "discovery"]);
    expect(host.services()).toHaveLength(1);
    expect(host.lines("info").filter((l) => l.includes("] started"))).toHaveLength(1);
    const hub = processHub(() => {
      throw new Error("the hub should exist already");
    });
    expect(hub.mode).toBe("attached");
  });

  it("shows a channel message with two tools as one box in that channel, finalized done", async () => {
    play(host, loadCapture("a-channel-two-tools.jsonl", ids));
    await vi.waitFor(() => expect(status(boxesIn(town.id)[0])?.state).toBe("done"), WAIT);
    const [box, ...others] = allBoxes();
    expect(others).toEqual([]);
    expect(box?.channel_id).toBe(town.id);
    expect(box?.root_id).toBe("");
    expect(status(box)?.tools.map((t) => t.name)).toEqual(["read", "exec"]);
    expect(fake.requests().filter((r) => r.method === "POST" && r.path === "/api/v4/posts")).toHaveLength(1);
    assertServedAccordingToSpec(fake);
  });

  it("puts each DM user's run of the shared agent:main:main session in that user's own DM", async () => {
    play(host, loadCapture("c-dm-two-users-main-scope.jsonl", ids));
    const dmAlice = ids[fixtureId("dmalicebotchan")] ?? "";
    const dmBob = ids[fixtureId("dmbobbotchan")] ?? "";
    await vi.waitFor(() => {
      expect(status(boxesIn(dmAlice)[0])?.state).toBe("done");
      expect(status(boxesIn(dmBob)[0])?.state).toBe("done");
    }, WAIT);
    expect(allBoxes()).toHaveLength(2);
    expect(boxesIn(dmAlice, { includeDeleted: true })).toHaveLength(1);
    expect(status(boxesIn(dmAlice)[0])?.session).toBe("agent:main:main");
    expect(boxesIn(town.id)).toEqual([]);
  });

  it("replaces the box of a thread's first turn by a fresh one at the bottom for the second", async () => {
    const root = ids[fixtureId("post0003")] ?? "";
    play(host, loadCapture("b-thread-two-turns.jsonl", ids));
    await vi.waitFor(() => {
      const live = boxesIn(town.id, { rootId: root });
      expect(live).toHaveLength(1);
      expect(status(live[0])?.state).toBe("done");
    }, WAIT);
    const all = boxesIn(town.id, { rootId: root, includeDeleted: true });
    expect(all).toHaveLength(2);
    expect(all[0]?.delete_at).toBeGreaterThan(0);
    expect(boxesIn(town.id, { rootId: "" })).toEqual([]);
  });

  it("learns a run's trigger from the hook only the discovery instance receives", async () => {
    // The same channel turn, but before_model_resolve (sent to the discovery instance) says cron.
    const asCron = loadCapture("a-channel-two-tools.jsonl", {
      ...ids,
      '"trigger":"user"': '"trigger":"cron"',
    });
    expect(asCron.some((r) => r.kind === "hook" && "mode" in r && r.mode === "discovery")).toBe(true);
    play(host, asCron);
    play(host, loadCapture("b-thread-two-turns.jsonl", ids));
    await vi.waitFor(
      () => expect(boxesIn(town.id, { rootId: ids[fixtureId("post0003")] ?? "" })).toHaveLength(1),
      WAIT,
    );
    expect(boxesIn(town.id, { rootId: "" })).toEqual([]);
  });

  it("gives a heartbeat run no box, while the user run after it gets one", async () => {
    play(host, loadCapture("e-heartbeat.jsonl", ids));
    play(host, loadCapture("a-channel-two-tools.jsonl", ids));
    await vi.waitFor(() => expect(status(boxesIn(town.id)[0])?.state).toBe("done"), WAIT);
    expect(allBoxes()).toHaveLength(1);
  });

  it("shows a sub-agent spawn in the parent's one box, with no box for the child or its announce run", async () => {
    play(host, loadCapture("d-subagent-spawn.jsonl", ids));
    await vi.waitFor(() => expect(status(boxesIn(town.id)[0])?.state).toBe("done"), WAIT);
    expect(allBoxes()).toHaveLength(1);
    expect(status(boxesIn(town.id)[0])?.tools.map((t) => t.name)).toEqual(["sessions_spawn"]);
  });

  it("ends a failed model call as error and a /stop as aborted", async () => {
    play(host, loadCapture("f-model-error.jsonl", ids));
    await vi.waitFor(() => expect(status(boxesIn(town.id)[0])?.state).toBe("error"), WAIT);
    play(host, loadCapture("g-abort-stop.jsonl", ids));
    const dmAlice = ids[fixtureId("dmalicebotchan")] ?? "";
    await vi.waitFor(() => expect(status(boxesIn(dmAlice)[0])?.state).toBe("aborted"), WAIT);
  });
});
