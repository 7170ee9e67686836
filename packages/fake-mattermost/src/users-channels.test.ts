import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertServedAccordingToSpec } from "./openapi-check.ts";
import { type FakeMattermost, startFakeMattermost } from "./server.ts";
import { api } from "./test-client.ts";

let fake: FakeMattermost;

beforeEach(async () => {
  fake = await startFakeMattermost({
    botUsername: "openclaw",
    users: ["carol"],
    channels: [{ type: "P", name: "ops", members: ["carol"] }],
  });
});

afterEach(async () => {
  assertServedAccordingToSpec(fake);
  await fake.close();
});

describe("authentication", () => {
  it.each([
    ["no token", null],
    ["an unknown token", "not-a-token"],
  ])("answers 401 AppError with %s", async (_name, token) => {
    const res = await api(fake, "GET", "/api/v4/users/me", { token });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ id: "api.context.session_expired.app_error", status_code: 401 });
  });

  it("answers 401 to a revoked token until it is restored", async () => {
    fake.faults.revokeToken(fake.botToken);
    const revoked = await api(fake, "GET", "/api/v4/users/me");
    expect(revoked.status).toBe(401);
    expect(revoked.json).toMatchObject({ id: "api.context.session_expired.app_error" });
    fake.faults.restoreToken(fake.botToken);
    expect((await api(fake, "GET", "/api/v4/users/me")).status).toBe(200);
  });

  it("answers 404 AppError for a route it does not serve", async () => {
    const res = await api(fake, "GET", "/api/v4/system/ping");
    expect(res.status).toBe(404);
    expect(() => assertServedAccordingToSpec(fake)).toThrow(/no GET operation/);
    fake.clearRequests();
  });
});

describe("users", () => {
  it("returns the bot for /users/me with id, username, update_at and is_bot", async () => {
    const res = await api(fake, "GET", "/api/v4/users/me");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: fake.botUserId,
      username: "openclaw",
      update_at: expect.any(Number),
      is_bot: true,
    });
    expect(res.headers.get("x-request-id")).toMatch(/^[a-z0-9]{26}$/);
  });

  it("returns other users by id, 404 for unknown ones and 400 for malformed ids", async () => {
    const carol = fake.user("carol");
    expect((await api(fake, "GET", `/api/v4/users/${carol?.id}`)).json).toMatchObject({ username: "carol" });
    expect((await api(fake, "GET", `/api/v4/users/${"u".repeat(26)}`)).status).toBe(404);
    expect((await api(fake, "GET", "/api/v4/users/nobody")).status).toBe(400);
  });

  it("finds users by username and answers 404 for unknown names", async () => {
    expect((await api(fake, "GET", "/api/v4/users/username/carol")).json).toMatchObject({
      username: "carol",
    });
    expect((await api(fake, "GET", "/api/v4/users/username/nobody")).status).toBe(404);
  });
});

describe("channels", () => {
  it("creates a DM with 201 both times, with the same deterministic id and a sorted name", async () => {
    const carol = fake.user("carol");
    const first = await api(fake, "POST", "/api/v4/channels/direct", { body: [fake.botUserId, carol?.id] });
    const again = await api(fake, "POST", "/api/v4/channels/direct", { body: [carol?.id, fake.botUserId] });
    expect([first.status, again.status]).toEqual([201, 201]);
    const channel = first.json as { id: string; name: string; type: string; team_id: string };
    expect((again.json as { id: string }).id).toBe(channel.id);
    expect(channel).toMatchObject({
      type: "D",
      team_id: "",
      name: [fake.botUserId, carol?.id].sort().join("__"),
    });
    expect(fake.addChannel("D", undefined, [carol?.id ?? ""]).id).toBe(channel.id);
  });

  it("refuses a DM for an unknown user (400) or one the caller is not part of (403)", async () => {
    const carol = fake.user("carol");
    const dave = fake.addUser("dave");
    const unknown = await api(fake, "POST", "/api/v4/channels/direct", {
      body: [fake.botUserId, "x".repeat(26)],
    });
    const others = await api(fake, "POST", "/api/v4/channels/direct", { body: [carol?.id, dave.id] });
    expect([unknown.status, others.status]).toEqual([400, 403]);
  });

  it("gets a channel, 404 when missing, 403 for a private one the caller is not in", async () => {
    const ops = fake.channelByName("ops");
    const dave = fake.addUser("dave");
    expect((await api(fake, "GET", `/api/v4/channels/${ops?.id}`)).json).toMatchObject({
      type: "P",
      name: "ops",
    });
    expect((await api(fake, "GET", `/api/v4/channels/${"c".repeat(26)}`)).status).toBe(404);
    expect((await api(fake, "GET", `/api/v4/channels/${ops?.id}`, { token: dave.token })).status).toBe(403);
  });

  it("seeds channels with the bot and the named members", () => {
    expect(fake.channelByName("ops")?.members.sort()).toEqual(
      [fake.botUserId, fake.user("carol")?.id].sort(),
    );
  });
});
