import { assertServedAccordingToSpec } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWire, type Wire } from "../../../test/support/publisher-harness.ts";

let wire: Wire;

beforeEach(async () => {
  wire = await startWire();
});

afterEach(async () => {
  assertServedAccordingToSpec(wire.fake);
  await wire.close();
});

const box = (channelId: string) => ({
  channel_id: channelId,
  message: "running",
  type: "custom_live_status",
  props: { live_status: { v: 1, state: "running" } },
  pending_post_id: "box-1",
});

describe("Mattermost client", () => {
  it("reads the bot user with the bearer token", async () => {
    const me = await wire.client.getMe();
    expect(me.id).toBe(wire.fake.botUserId);
    const [req] = wire.fake.requests();
    expect(req).toMatchObject({ method: "GET", path: "/api/v4/users/me", userId: wire.fake.botUserId });
    expect(req?.headers.authorization).toBe("Bearer ***");
  });

  it("creates a post with its type, props and pending_post_id, silently when asked", async () => {
    const channel = wire.fake.addChannel("O", "town");
    const post = await wire.client.createPost(box(channel.id), { silent: true });
    expect(post).toMatchObject({ channel_id: channel.id, type: "custom_live_status", message: "running" });
    expect(wire.fake.postsIn(channel.id)).toHaveLength(1);
    expect(wire.fake.post(post.id)?.pending_post_id).toBe("box-1");
    expect(wire.fake.requests()[0]?.query).toEqual({ silent: "true" });
  });

  it("creates a reply in a thread", async () => {
    const channel = wire.fake.addChannel("O", "town");
    const root = wire.fake.userPost(channel.id, wire.fake.addUser("ann").id, "hello");
    const reply = await wire.client.createPost({ ...box(channel.id), root_id: root.id });
    expect(wire.fake.postsIn(channel.id, { rootId: root.id }).map((p) => p.id)).toEqual([reply.id]);
  });

  it("patches with the full message and replaces the props", async () => {
    const channel = wire.fake.addChannel("O", "town");
    const post = await wire.client.createPost(box(channel.id));
    await wire.client.patchPost(post.id, {
      message: "done",
      props: { live_status: { v: 1, state: "done" } },
    });
    const stored = wire.fake.post(post.id);
    expect(stored?.message).toBe("done");
    expect(stored?.props.live_status).toEqual({ v: 1, state: "done" });
    expect(wire.fake.requests().at(-1)).toMatchObject({
      method: "PUT",
      path: `/api/v4/posts/${post.id}/patch`,
    });
  });

  it("gets and deletes a post", async () => {
    const channel = wire.fake.addChannel("O", "town");
    const post = await wire.client.createPost(box(channel.id));
    expect((await wire.client.getPost(post.id)).id).toBe(post.id);
    await wire.client.deletePost(post.id);
    expect(wire.fake.post(post.id)?.delete_at).toBeGreaterThan(0);
  });

  it("opens the DM channel of two users and reads channels", async () => {
    const ann = wire.fake.addUser("ann");
    const dm = await wire.client.createDirectChannel(wire.fake.botUserId, ann.id);
    expect(dm.type).toBe("D");
    const again = await wire.client.createDirectChannel(ann.id, wire.fake.botUserId);
    expect(again.id).toBe(dm.id);
    expect((await wire.client.getChannel(dm.id)).id).toBe(dm.id);
  });

  it("sends each call as exactly one request", async () => {
    const channel = wire.fake.addChannel("O", "town");
    const post = await wire.client.createPost(box(channel.id));
    await wire.client.patchPost(post.id, { message: "x", props: {} });
    await wire.client.getPost(post.id);
    await wire.client.deletePost(post.id);
    expect(wire.fake.requests().map((r) => r.method)).toEqual(["POST", "PUT", "GET", "DELETE"]);
  });
});
