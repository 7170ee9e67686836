import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertServedAccordingToSpec } from "./openapi-check.ts";
import { type FakeMattermost, startFakeMattermost } from "./server.ts";
import { api, connectWs } from "./test-client.ts";
import type { FakeChannel, FakePost } from "./types.ts";

let fake: FakeMattermost;
let channel: FakeChannel;

beforeEach(async () => {
  fake = await startFakeMattermost();
  channel = fake.addChannel("O", "town");
});

afterEach(async () => {
  assertServedAccordingToSpec(fake);
  await fake.close();
});

const createBox = (message = "box") =>
  api(fake, "POST", "/api/v4/posts", { body: { channel_id: channel.id, message, type: "custom_x" } });

describe("rate limiting", () => {
  it("answers 429 text/plain with Retry-After and X-Ratelimit headers, then recovers", async () => {
    fake.faults.rateLimit({ retryAfterSec: 3 });
    const limited = await createBox();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(limited.text).toBe("limit exceeded\n");
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("x-ratelimit-reset")).toBe("3");
    expect(fake.posts()).toHaveLength(0);
    expect((await createBox()).status).toBe(201);
  });

  it("applies only to matching requests and for `count` of them", async () => {
    const post = (await createBox()).json as FakePost;
    fake.faults.rateLimit({
      retryAfterSec: 1,
      count: 2,
      match: { method: "PUT", path: "/api/v4/posts/{post_id}/patch" },
    });
    expect((await api(fake, "GET", "/api/v4/users/me")).status).toBe(200);
    const patch = () => api(fake, "PUT", `/api/v4/posts/${post.id}/patch`, { body: { message: "v2" } });
    expect([(await patch()).status, (await patch()).status, (await patch()).status]).toEqual([429, 429, 200]);
    expect(fake.faults.pending()).toBe(0);
    expect(fake.requests().filter((r) => r.faults.includes("rate-limit"))).toHaveLength(2);
  });

  it("matches with a RegExp or a predicate", async () => {
    fake.faults.rateLimit({ retryAfterSec: 1, match: /\/users\// });
    fake.faults.rateLimit({ retryAfterSec: 1, match: (req) => req.method === "POST" });
    expect((await api(fake, "GET", "/api/v4/users/me")).status).toBe(429);
    expect((await createBox()).status).toBe(429);
  });
});

describe("server errors", () => {
  it("answers 500 with an AppError body", async () => {
    fake.faults.serverError({});
    const res = await createBox();
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ status_code: 500, id: expect.any(String) });
  });

  it.each([502, 503] as const)("answers %i with a proxy's HTML page", async (status) => {
    fake.faults.serverError({ status });
    const res = await createBox();
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(res.json).toBeUndefined();
  });
});

describe("connection resets", () => {
  it("before handling: the client sees a network error and nothing is written", async () => {
    fake.faults.reset({ when: "before" });
    await expect(createBox()).rejects.toThrow();
    expect(fake.posts()).toHaveLength(0);
    expect(fake.requests()[0]).toMatchObject({ status: 0, faults: ["reset-before"] });
  });

  it("after handling: the client sees a network error but the post exists and was broadcast", async () => {
    const ws = await connectWs(fake, fake.botToken);
    fake.faults.reset({ when: "after", match: { method: "POST" } });
    await expect(createBox("written")).rejects.toThrow();
    expect(fake.posts().map((p) => p.message)).toEqual(["written"]);
    await ws.next((m) => m.event === "posted");
    ws.close();
  });
});

describe("latency", () => {
  it("holds the answer for the given time", async () => {
    fake.faults.latency({ ms: 150 });
    const started = performance.now();
    expect((await api(fake, "GET", "/api/v4/users/me")).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("stacks with an answering fault on the same request", async () => {
    fake.faults.latency({ ms: 50 });
    fake.faults.rateLimit({ retryAfterSec: 1 });
    const res = await api(fake, "GET", "/api/v4/users/me");
    expect(res.status).toBe(429);
    expect(fake.requests()[0]?.faults).toEqual(["latency", "rate-limit"]);
  });

  it("survives a client that gives up while its request is held", async () => {
    fake.faults.latency({ ms: 200 });
    const aborted = fetch(`${fake.url}/api/v4/users/me`, {
      headers: { authorization: `Bearer ${fake.botToken}` },
      signal: AbortSignal.timeout(30),
    });
    await expect(aborted).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 250));
    expect((await api(fake, "GET", "/api/v4/users/me")).status).toBe(200);
  });

  it("does not keep close() waiting: a held request is dropped", async () => {
    fake.faults.latency({ ms: 60_000 });
    const pending = api(fake, "GET", "/api/v4/users/me");
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await fake.close();
    await expect(pending).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("forbidden channels", () => {
  it("answers 403 AppError for posting, reading and editing until allowed again", async () => {
    const post = (await createBox()).json as FakePost;
    fake.faults.forbidChannel(channel.id);
    const answers = await Promise.all([
      createBox(),
      api(fake, "GET", `/api/v4/channels/${channel.id}`),
      api(fake, "GET", `/api/v4/channels/${channel.id}/posts`),
      api(fake, "GET", `/api/v4/posts/${post.id}`),
      api(fake, "PUT", `/api/v4/posts/${post.id}/patch`, { body: { message: "x" } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403]);
    expect(answers[0]?.json).toMatchObject({ id: "api.context.permissions.app_error", status_code: 403 });
    fake.faults.allowChannel(channel.id);
    expect((await createBox()).status).toBe(201);
  });
});

describe("request log", () => {
  it("records method, path, query, parsed body, status, masked authorization and the answer", async () => {
    await api(fake, "POST", "/api/v4/posts?silent=true", { body: { channel_id: channel.id, message: "m" } });
    const [req] = fake.requests();
    expect(req).toMatchObject({
      method: "POST",
      path: "/api/v4/posts",
      query: { silent: "true" },
      body: { channel_id: channel.id, message: "m" },
      status: 201,
      userId: fake.botUserId,
      responseBody: { message: "m" },
    });
    expect(req?.headers.authorization).toBe("Bearer ***");
    expect(JSON.stringify(fake.requests())).not.toContain(fake.botToken);
    fake.clearRequests();
    expect(fake.requests()).toEqual([]);
  });
});
