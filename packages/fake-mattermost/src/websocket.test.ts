import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertServedAccordingToSpec } from "./openapi-check.ts";
import { type FakeMattermost, startFakeMattermost } from "./server.ts";
import { api, connectWs, type WsClient } from "./test-client.ts";
import type { FakePost } from "./types.ts";

let fake: FakeMattermost;
const clients: WsClient[] = [];

async function client(headerToken?: string): Promise<WsClient> {
  const c = await connectWs(fake, headerToken);
  clients.push(c);
  return c;
}

async function authenticated(token: string): Promise<WsClient> {
  const c = await client();
  c.ws.send(JSON.stringify({ seq: 1, action: "authentication_challenge", data: { token } }));
  await c.next((m) => m.seq_reply === 1);
  return c;
}

beforeEach(async () => {
  fake = await startFakeMattermost();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  assertServedAccordingToSpec(fake);
  await fake.close();
});

describe("authentication", () => {
  it("answers the challenge with OK and seq_reply after a hello event", async () => {
    const c = await client();
    c.ws.send(JSON.stringify({ seq: 1, action: "authentication_challenge", data: { token: fake.botToken } }));
    const ok = await c.next((m) => m.seq_reply === 1);
    expect(ok).toEqual({ status: "OK", seq_reply: 1 });
    expect(c.messages[0]).toMatchObject({
      event: "hello",
      seq: 0,
      data: { server_version: expect.any(String), connection_id: expect.any(String) },
      broadcast: { user_id: fake.botUserId },
    });
    expect(fake.webSocketClients()).toBe(1);
  });

  it("authenticates from the Authorization header at upgrade and says hello at once", async () => {
    const c = await client(fake.botToken);
    expect(await c.next((m) => m.event === "hello")).toMatchObject({ seq: 0 });
  });

  it("closes the socket on a bad challenge token", async () => {
    const c = await client();
    c.ws.send(JSON.stringify({ seq: 1, action: "authentication_challenge", data: { token: "nope" } }));
    await c.closed;
    expect(c.messages).toEqual([]);
  });

  it("refuses other actions before authentication", async () => {
    const c = await client();
    c.ws.send(JSON.stringify({ seq: 1, action: "ping" }));
    expect(await c.next((m) => m.seq_reply === 1)).toMatchObject({
      status: "FAIL",
      error: { id: "api.web_socket_router.not_authenticated.app_error" },
    });
  });

  it("answers ping with pong once authenticated", async () => {
    const c = await authenticated(fake.botToken);
    c.ws.send(JSON.stringify({ seq: 2, action: "ping" }));
    expect(await c.next((m) => m.seq_reply === 2)).toMatchObject({ status: "OK", data: { text: "pong" } });
  });
});

describe("events", () => {
  it("broadcasts posted for API posts with the post as a JSON string and channel facts", async () => {
    const channel = fake.addChannel("O", "town");
    const c = await authenticated(fake.botToken);
    const res = await api(fake, "POST", "/api/v4/posts", {
      body: { channel_id: channel.id, message: "hi", pending_post_id: "pp" },
    });
    const event = await c.next((m) => m.event === "posted");
    const data = event.data as Record<string, unknown>;
    expect(JSON.parse(data.post as string)).toMatchObject({
      id: (res.json as FakePost).id,
      pending_post_id: "pp",
    });
    expect(data).toMatchObject({
      channel_type: "O",
      channel_name: "town",
      channel_display_name: "town",
      sender_name: "@live-status-bot",
    });
    expect(event.broadcast).toMatchObject({ channel_id: channel.id });
    expect(event.seq).toBe(1);
  });

  it("delivers a person's post to the bot with channel type, mentions and increasing seq", async () => {
    const alice = fake.addUser("alice");
    const dm = fake.addChannel("D", undefined, [alice.id]);
    const group = fake.addChannel("P", "team-private", [alice.id]);
    const c = await authenticated(fake.botToken);
    fake.userPost(dm.id, alice.id, "hello bot");
    fake.userPost(group.id, alice.id, "hey @live-status-bot");
    await c.next((m) => m.event === "posted" && (m.data as { channel_type: string }).channel_type === "P");
    const posted = c.messages.filter((m) => m.event === "posted");
    expect(posted.map((m) => m.seq)).toEqual([1, 2]);
    expect(posted.map((m) => (m.data as { channel_type: string }).channel_type)).toEqual(["D", "P"]);
    expect(posted.map((m) => (m.data as { mentions?: string }).mentions)).toEqual([
      JSON.stringify([fake.botUserId]),
      JSON.stringify([fake.botUserId]),
    ]);
    expect(JSON.parse((posted[0]?.data as { post: string }).post)).toMatchObject({
      type: "",
      user_id: alice.id,
    });
  });

  it("sends channel events only to channel members", async () => {
    const alice = fake.addUser("alice");
    const bob = fake.addUser("bob");
    const secret = fake.addChannel("P", "secret", [alice.id]);
    const bobWs = await authenticated(bob.token);
    const botWs = await authenticated(fake.botToken);
    fake.userPost(secret.id, alice.id, "psst");
    await botWs.next((m) => m.event === "posted");
    expect(bobWs.messages.filter((m) => m.event === "posted")).toEqual([]);
  });

  it("broadcasts post_edited and post_deleted; the deleted post is sent as read before deletion", async () => {
    const channel = fake.addChannel("O", "town");
    const c = await authenticated(fake.botToken);
    const post = (
      await api(fake, "POST", "/api/v4/posts", { body: { channel_id: channel.id, message: "v1" } })
    ).json as FakePost;
    await api(fake, "PUT", `/api/v4/posts/${post.id}/patch`, { body: { message: "v2" } });
    fake.deletePostAsUser(post.id);
    const edited = await c.next((m) => m.event === "post_edited");
    const deleted = await c.next((m) => m.event === "post_deleted");
    expect(JSON.parse((edited.data as { post: string }).post)).toMatchObject({ id: post.id, message: "v2" });
    expect(JSON.parse((deleted.data as { post: string }).post)).toMatchObject({ id: post.id, delete_at: 0 });
    expect(fake.post(post.id)?.props).toMatchObject({ deleteBy: fake.user("sysadmin")?.id });
  });

  it("sends typing to other members, not to the typist", async () => {
    const alice = fake.addUser("alice");
    const channel = fake.addChannel("O", "town", [alice.id]);
    const aliceWs = await authenticated(alice.token);
    const botWs = await authenticated(fake.botToken);
    const res = await api(fake, "POST", "/api/v4/users/me/typing", { body: { channel_id: channel.id } });
    expect(res.status).toBe(200);
    expect(await aliceWs.next((m) => m.event === "typing")).toMatchObject({
      data: { user_id: fake.botUserId, parent_id: "" },
    });
    expect(botWs.messages.some((m) => m.event === "typing")).toBe(false);
  });

  it("records published events even with nobody connected", async () => {
    const channel = fake.addChannel("O", "town");
    await api(fake, "POST", "/api/v4/posts", { body: { channel_id: channel.id, message: "x" } });
    expect(fake.events().map((e) => e.event)).toEqual(["posted"]);
  });

  it("cuts every connection on disconnectWebSockets", async () => {
    const c = await authenticated(fake.botToken);
    fake.disconnectWebSockets();
    await c.closed;
    expect(fake.webSocketClients()).toBe(0);
  });
});
