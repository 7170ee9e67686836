import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultScript } from "./faults.ts";
import { Holds } from "./holds.ts";
import { type LoopbackServer, listenOnLoopback } from "./http-server.ts";
import { Recording } from "./recording.ts";
import { type Exchange, handleRequest } from "./request-handler.ts";
import { MattermostState, type StoredUser } from "./state.ts";
import { api } from "./test-client.ts";

let ex: Exchange;
let bot: StoredUser;
let server: LoopbackServer;
let fake: { url: string; botToken: string };

beforeEach(async () => {
  const state = new MattermostState(() => 7_000, 16383);
  bot = state.addUser("bot", { isBot: true });
  ex = {
    state,
    version: "10.11.0",
    deleteMissingPostStatus: 404,
    recording: new Recording(() => 7_000),
    script: new FaultScript(),
    holds: new Holds(),
  };
  server = await listenOnLoopback(
    0,
    (req, res) => handleRequest(ex, req, res),
    (_req, socket) => socket.destroy(),
  );
  fake = { url: `http://127.0.0.1:${server.port}`, botToken: bot.token };
});

afterEach(async () => {
  ex.holds.close();
  await server.close();
});

const channelPost = (channelId: string) =>
  api(fake, "POST", "/api/v4/posts", { body: { channel_id: channelId, message: "m" } });

describe("one HTTP exchange", () => {
  it("answers an authenticated request from the routes and logs who asked and what was answered", async () => {
    const res = await api(fake, "GET", "/api/v4/users/me");
    expect(res.status).toBe(200);
    const [logged] = ex.recording.requests();
    expect(logged).toMatchObject({ status: 200, userId: bot.id, faults: [], responseBody: { id: bot.id } });
    expect(logged?.responseHeaders["x-request-id"]).toBe(res.headers.get("x-request-id"));
  });

  it("answers 401 to a request nobody signed, without a user in the log", async () => {
    const res = await api(fake, "GET", "/api/v4/users/me", { token: null });
    expect(res.status).toBe(401);
    expect(ex.recording.requests()[0]).toMatchObject({ status: 401, faults: [] });
    expect(ex.recording.requests()[0]?.userId).toBeUndefined();
  });

  it("answers a scripted fault instead of the route, before authentication", async () => {
    ex.script.addAnswer({ kind: "server-error", status: 503 }, 1, undefined);
    const res = await api(fake, "GET", "/api/v4/users/me", { token: null });
    expect(res.status).toBe(503);
    expect(ex.recording.requests()[0]).toMatchObject({ status: 503, faults: ["server-error"] });
  });

  it("applies the write and then cuts the socket for a reset after", async () => {
    const channel = ex.state.addChannel("O", bot.id, "town");
    ex.script.addAnswer({ kind: "reset", when: "after" }, 1, { method: "POST" });
    await expect(channelPost(channel.id)).rejects.toThrow();
    expect(ex.state.posts).toHaveLength(1);
    expect(ex.recording.requests()[0]).toMatchObject({ status: 0, faults: ["reset-after"] });
  });

  it("cuts the socket before anything is written for a reset before", async () => {
    const channel = ex.state.addChannel("O", bot.id, "town");
    ex.script.addAnswer({ kind: "reset", when: "before" }, 1, undefined);
    await expect(channelPost(channel.id)).rejects.toThrow();
    expect(ex.state.posts).toHaveLength(0);
    expect(ex.recording.requests()[0]).toMatchObject({ status: 0, faults: ["reset-before"] });
  });

  it("drops a request held by latency when the server closes, unanswered", async () => {
    ex.script.addLatency(60_000, 1, undefined);
    const pending = api(fake, "GET", "/api/v4/users/me");
    while (ex.recording.requests().length === 0) await new Promise((r) => setImmediate(r));
    ex.holds.close();
    await expect(pending).rejects.toThrow();
    expect(ex.recording.requests()[0]).toMatchObject({ status: 0, faults: ["latency"] });
  });
});
