import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertServedAccordingToSpec } from "./openapi-check.ts";
import { type FakeMattermost, startFakeMattermost } from "./server.ts";
import { api, manualClock } from "./test-client.ts";
import type { FakeChannel, FakePost, FakeUser } from "./types.ts";

let fake: FakeMattermost;
let clock: ReturnType<typeof manualClock>;
let channel: FakeChannel;
let alice: FakeUser;

beforeEach(async () => {
  clock = manualClock();
  fake = await startFakeMattermost({ now: clock.now });
  alice = fake.addUser("alice");
  channel = fake.addChannel("O", "town-square", [alice.id]);
});

afterEach(async () => {
  assertServedAccordingToSpec(fake);
  await fake.close();
});

async function create(body: Record<string, unknown>, token?: string) {
  return api(fake, "POST", "/api/v4/posts", { body: { channel_id: channel.id, ...body }, token });
}

describe("creating posts", () => {
  it("creates a bot post with Mattermost's fields and answers 201", async () => {
    const res = await create({
      message: "hello",
      type: "custom_live_status",
      props: { a: 1 },
      pending_post_id: "p1",
    });
    expect(res.status).toBe(201);
    const post = res.json as FakePost;
    expect(post.id).toMatch(/^[a-z0-9]{26}$/);
    expect(post).toMatchObject({
      create_at: clock.now(),
      update_at: clock.now(),
      edit_at: 0,
      delete_at: 0,
      user_id: fake.botUserId,
      channel_id: channel.id,
      root_id: "",
      message: "hello",
      type: "custom_live_status",
      props: { a: 1, from_bot: "true" },
      pending_post_id: "p1",
      metadata: {},
    });
    expect(fake.posts()).toEqual([expect.objectContaining({ id: post.id, pending_post_id: "p1" })]);
  });

  it("accepts ?silent=true on create", async () => {
    const res = await api(fake, "POST", "/api/v4/posts?silent=true", {
      body: { channel_id: channel.id, message: "x" },
    });
    expect(res.status).toBe(201);
    expect(fake.requests()[0]?.query).toEqual({ silent: "true" });
  });

  it("returns the existing post for a repeated pending_post_id within 30 s and creates nothing", async () => {
    const first = await create({ message: "one", pending_post_id: "retry-1" });
    clock.advance(29_999);
    const again = await create({ message: "one", pending_post_id: "retry-1" });
    expect(again.status).toBe(201);
    expect((again.json as FakePost).id).toBe((first.json as FakePost).id);
    expect(fake.posts()).toHaveLength(1);
  });

  it("creates a new post for a repeated pending_post_id after 30 s", async () => {
    await create({ message: "one", pending_post_id: "retry-2" });
    clock.advance(30_000);
    await create({ message: "one", pending_post_id: "retry-2" });
    expect(fake.posts()).toHaveLength(2);
  });

  it("answers 500 failed_to_get when the de-duplicated post was deleted meanwhile", async () => {
    const first = await create({ message: "one", pending_post_id: "retry-3" });
    fake.deletePostAsUser((first.json as FakePost).id);
    const again = await create({ message: "one", pending_post_id: "retry-3" });
    expect(again.status).toBe(500);
    expect(again.json).toMatchObject({
      id: "api.post.deduplicate_create_post.failed_to_get",
      status_code: 500,
    });
  });

  it("counts the message limit in code points: 16383 emoji pass, 16384 are refused", async () => {
    const ok = await create({ message: "😀".repeat(16383) });
    expect(ok.status).toBe(201);
    const tooLong = await create({ message: "😀".repeat(16384) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json).toMatchObject({ id: "model.post.is_valid.msg.app_error", status_code: 400 });
    expect(fake.posts()).toHaveLength(1);
  });

  it.each([
    ["bogus", "model.post.is_valid.type.app_error"],
    ["system_join_channel", "api.context.invalid_param.app_error"],
  ])("refuses post type %s with 400 %s", async (type, id) => {
    const res = await create({ message: "x", type });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ id });
  });

  it("refuses a root that is missing, in another channel, or itself a reply", async () => {
    const other = fake.addChannel("O", "other");
    const root = (await create({ message: "root" })).json as FakePost;
    const reply = (await create({ message: "reply", root_id: root.id })).json as FakePost;
    const missing = await create({ message: "x", root_id: "a".repeat(26) });
    const elsewhere = await api(fake, "POST", "/api/v4/posts", {
      body: { channel_id: other.id, message: "x", root_id: root.id },
    });
    const nested = await create({ message: "x", root_id: reply.id });
    expect([missing.status, elsewhere.status, nested.status]).toEqual([400, 400, 400]);
    expect((missing.json as { id: string }).id).toBe("api.post.create_post.root_id.app_error");
    expect((elsewhere.json as { id: string }).id).toBe("api.post.create_post.channel_root_id.app_error");
    expect((nested.json as { id: string }).id).toBe("api.post.create_post.root_id.app_error");
  });

  it("forbids posting in a private channel the bot is not in", async () => {
    const bob = fake.addUser("bob");
    const res = await api(fake, "POST", "/api/v4/posts", {
      body: { channel_id: fake.addChannel("P", "secret").id, message: "x" },
      token: bob.token,
    });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ id: "api.context.permissions.app_error" });
  });

  it("refuses a body that is not a post object", async () => {
    const res = await api(fake, "POST", "/api/v4/posts", { rawBody: "{not json" });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ id: "api.context.invalid_body_param.app_error" });
  });
});

describe("editing posts", () => {
  it("replaces props entirely on patch and sets edit_at only when the message changes", async () => {
    const post = (await create({ message: "v1", props: { keep: 1, drop: 2 } })).json as FakePost;
    clock.advance(1000);
    const propsOnly = await api(fake, "PUT", `/api/v4/posts/${post.id}/patch`, {
      body: { props: { keep: 3 } },
    });
    expect(propsOnly.status).toBe(200);
    expect(propsOnly.json).toMatchObject({
      message: "v1",
      props: { keep: 3 },
      edit_at: 0,
      update_at: clock.now(),
    });
    expect((propsOnly.json as FakePost).props).not.toHaveProperty("drop");
    clock.advance(1000);
    const both = await api(fake, "PUT", `/api/v4/posts/${post.id}/patch`, { body: { message: "v2" } });
    expect(both.json).toMatchObject({ message: "v2", props: { keep: 3 }, edit_at: clock.now() });
  });

  it("answers 403, not 404, when patching or updating a missing or deleted post", async () => {
    const post = (await create({ message: "v1" })).json as FakePost;
    fake.deletePostAsUser(post.id);
    const deleted = await api(fake, "PUT", `/api/v4/posts/${post.id}/patch`, { body: { message: "v2" } });
    const missing = await api(fake, "PUT", `/api/v4/posts/${"b".repeat(26)}/patch`, {
      body: { message: "v2" },
    });
    const update = await api(fake, "PUT", `/api/v4/posts/${post.id}`, {
      body: { id: post.id, message: "v2" },
    });
    expect([deleted.status, missing.status, update.status]).toEqual([403, 403, 403]);
    expect(deleted.json).toMatchObject({ id: "api.context.permissions.app_error", status_code: 403 });
  });

  it("refuses to edit someone else's post", async () => {
    const theirs = fake.userPost(channel.id, alice.id, "mine");
    const res = await api(fake, "PUT", `/api/v4/posts/${theirs.id}/patch`, { body: { message: "hijack" } });
    expect(res.status).toBe(403);
    expect(fake.post(theirs.id)?.message).toBe("mine");
  });

  it("blanks omitted fields on a full update and checks the id in the body", async () => {
    const post = (await create({ message: "v1", props: { a: 1 } })).json as FakePost;
    const mismatch = await api(fake, "PUT", `/api/v4/posts/${post.id}`, {
      body: { id: "c".repeat(26), message: "x" },
    });
    expect(mismatch.status).toBe(400);
    const res = await api(fake, "PUT", `/api/v4/posts/${post.id}`, { body: { id: post.id } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ message: "", props: {} });
  });

  it("past PostEditTimeLimit refuses a new message (400) but still takes props and deletes", async () => {
    const limited = await startFakeMattermost({ now: clock.now, postEditTimeLimit: 300 });
    try {
      const ch = limited.addChannel("O", "ops");
      const post = (
        await api(limited, "POST", "/api/v4/posts", { body: { channel_id: ch.id, message: "v1" } })
      ).json as FakePost;
      clock.advance(300_000);
      const inTime = await api(limited, "PUT", `/api/v4/posts/${post.id}/patch`, { body: { message: "v2" } });
      expect(inTime.status).toBe(200);
      clock.advance(1);
      const late = await api(limited, "PUT", `/api/v4/posts/${post.id}/patch`, { body: { message: "v3" } });
      const lateUpdate = await api(limited, "PUT", `/api/v4/posts/${post.id}`, {
        body: { id: post.id, message: "v3" },
      });
      expect([late.status, lateUpdate.status]).toEqual([400, 400]);
      expect(late.json).toMatchObject({
        id: "api.post.update_post.permissions_time_limit.app_error",
        status_code: 400,
      });
      expect(limited.post(post.id)?.message).toBe("v2");
      const propsOnly = await api(limited, "PUT", `/api/v4/posts/${post.id}/patch`, {
        body: { props: { a: 1 } },
      });
      expect(propsOnly.status).toBe(200);
      const deleted = await api(limited, "DELETE", `/api/v4/posts/${post.id}`);
      expect(deleted.status).toBe(200);
      assertServedAccordingToSpec(limited);
    } finally {
      await limited.close();
    }
  });

  it("refuses an edit over the message limit and keeps the post", async () => {
    const post = (await create({ message: "v1" })).json as FakePost;
    const res = await api(fake, "PUT", `/api/v4/posts/${post.id}/patch`, {
      body: { message: "x".repeat(16384) },
    });
    expect(res.status).toBe(400);
    expect(fake.post(post.id)?.message).toBe("v1");
  });
});

describe("deleting and reading posts", () => {
  it("soft-deletes a root with its replies and then answers 404 for it", async () => {
    const root = (await create({ message: "root" })).json as FakePost;
    const reply = fake.userPost(channel.id, alice.id, "reply", root.id);
    clock.advance(5);
    const res = await api(fake, "DELETE", `/api/v4/posts/${root.id}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: "OK" });
    expect(fake.post(root.id)?.delete_at).toBe(clock.now());
    expect(fake.post(reply.id)?.delete_at).toBe(clock.now());
    expect(fake.postsIn(channel.id)).toEqual([]);
    expect(fake.postsIn(channel.id, { includeDeleted: true })).toHaveLength(2);
    expect((await api(fake, "GET", `/api/v4/posts/${root.id}`)).status).toBe(404);
    expect((await api(fake, "DELETE", `/api/v4/posts/${root.id}`)).status).toBe(404);
  });

  it("answers 403 for deleting a missing post when configured like older servers", async () => {
    const old = await startFakeMattermost({ deleteMissingPostStatus: 403 });
    try {
      expect((await api(old, "DELETE", `/api/v4/posts/${"d".repeat(26)}`)).status).toBe(403);
    } finally {
      await old.close();
    }
  });

  it("does not return pending_post_id on later reads, as the server does not store it", async () => {
    const post = (await create({ message: "x", pending_post_id: "p9" })).json as FakePost;
    const read = await api(fake, "GET", `/api/v4/posts/${post.id}`);
    expect(read.json).toMatchObject({ id: post.id, pending_post_id: "" });
  });

  it("lists a thread with the asked post first and counts replies", async () => {
    const root = (await create({ message: "root" })).json as FakePost;
    clock.advance(1);
    const r1 = fake.userPost(channel.id, alice.id, "r1", root.id);
    clock.advance(1);
    const r2 = (await create({ message: "r2", root_id: root.id })).json as FakePost;
    const res = await api(fake, "GET", `/api/v4/posts/${root.id}/thread`);
    const list = res.json as { order: string[]; posts: Record<string, FakePost> };
    expect(list.order).toEqual([root.id, r2.id, r1.id]);
    expect(list.posts[root.id]).toMatchObject({ reply_count: 2, last_reply_at: r2.create_at });
  });

  it("pages channel posts newest first, hides deleted ones, and shows them to `since`", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock.advance(10);
      ids.push(((await create({ message: `m${i}` })).json as FakePost).id);
    }
    const since = clock.now();
    clock.advance(10);
    await api(fake, "DELETE", `/api/v4/posts/${ids[4]}`);
    const page = await api(fake, "GET", `/api/v4/channels/${channel.id}/posts?page=0&per_page=2`);
    const list = page.json as { order: string[]; prev_post_id: string; next_post_id: string };
    expect(list.order).toEqual([ids[3], ids[2]]);
    expect(list.prev_post_id).toBe(ids[1]);
    expect(list.next_post_id).toBe("");
    const changed = await api(fake, "GET", `/api/v4/channels/${channel.id}/posts?since=${since}`);
    const changedList = changed.json as { order: string[]; posts: Record<string, FakePost> };
    expect(changedList.order).toEqual([ids[4]]);
    expect(changedList.posts[ids[4] ?? ""]?.delete_at).toBeGreaterThan(0);
  });

  it("filters postsIn by thread root, or to root posts with an empty root id", async () => {
    const root = fake.userPost(channel.id, alice.id, "root");
    const reply = fake.userPost(channel.id, alice.id, "reply", root.id);
    expect(fake.postsIn(channel.id, { rootId: root.id }).map((p) => p.id)).toEqual([reply.id]);
    expect(fake.postsIn(channel.id, { rootId: "" }).map((p) => p.id)).toEqual([root.id]);
  });
});
