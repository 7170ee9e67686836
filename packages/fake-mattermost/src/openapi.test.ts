import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  assertServedAccordingToSpec,
  checkEventsAgainstSpec,
  checkRequestsAgainstSpec,
  loadMattermostSpec,
  MATTERMOST_API_DIR,
  SPEC_FRAGMENTS,
} from "./openapi-check.ts";
import { type FakeMattermost, startFakeMattermost } from "./server.ts";
import { api, connectWs } from "./test-client.ts";
import type { FakePost, LoggedRequest, PublishedEvent } from "./types.ts";

const packageRoot = join(import.meta.dirname, "..");

function logged(overrides: Partial<LoggedRequest>): LoggedRequest {
  return {
    seq: 0,
    method: "GET",
    path: "/api/v4/users/me",
    query: {},
    body: undefined,
    headers: {},
    status: 200,
    responseBody: { id: "x", username: "bot" },
    responseHeaders: { "content-type": "application/json" },
    faults: [],
    at: 0,
    ...overrides,
  };
}

describe("the spec", () => {
  it("is read from the fragments vendored in this package, in upstream order", () => {
    expect(MATTERMOST_API_DIR).toBe(join(packageRoot, "api"));
    const spec = loadMattermostSpec();
    expect(Object.keys(spec.paths)).toContain("/api/v4/posts/{post_id}/patch");
    expect(spec.components.schemas.Post).toBeDefined();
    expect(spec.components.schemas.PostInfo).toEqual({ type: "object" });
  });

  it("holds each vendored fragment byte for byte as listed in api/README.md", () => {
    const readme = readFileSync(join(MATTERMOST_API_DIR, "README.md"), "utf8");
    for (const file of SPEC_FRAGMENTS) {
      const bytes = readFileSync(join(MATTERMOST_API_DIR, file));
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${file}\``));
      expect(row, file).toContain(`| ${bytes.length} |`);
      expect(row, file).toContain(createHash("sha256").update(bytes).digest("hex"));
    }
  });
});

describe("the checker catches", () => {
  it.each<[string, Partial<LoggedRequest>, RegExp]>([
    ["an unknown route", { path: "/api/v4/nope" }, /no GET operation/],
    ["a wrong method", { method: "PATCH", path: "/api/v4/posts" }, /no PATCH operation/],
    ["an undeclared status", { status: 418 }, /status 418/],
    ["an undeclared query parameter", { query: { bogus: "1" } }, /query parameter "bogus"/],
    ["a body of the wrong shape", { responseBody: { id: 42 } }, /response body does not match/],
    [
      "a post with a wrongly typed field",
      { path: `/api/v4/posts/${"a".repeat(26)}`, responseBody: { id: "p", create_at: "yesterday" } },
      /\/create_at must be integer/,
    ],
    [
      "JSON where the spec says text",
      { status: 429, responseBody: { id: "x" } },
      /answered application\/json/,
    ],
    [
      "an accepted request body outside the spec",
      {
        method: "POST",
        path: "/api/v4/posts",
        status: 201,
        body: { message: "no channel" },
        responseBody: { id: "p" },
      },
      /request body accepted but not per spec/,
    ],
  ])("%s", (_name, overrides, problem) => {
    const violations = checkRequestsAgainstSpec([logged(overrides)]);
    expect(violations.map((v) => v.problem).join("\n")).toMatch(problem);
  });

  it("a WebSocket post that is not a Post", () => {
    const event: PublishedEvent = {
      event: "posted",
      data: { post: JSON.stringify({ id: 1 }) },
      broadcast: {
        omit_users: null,
        user_id: "",
        channel_id: "",
        team_id: "",
        connection_id: "",
        omit_connection_id: "",
      },
    };
    expect(checkEventsAgainstSpec([event])).toHaveLength(1);
  });

  it("and the assertion lists every violation", () => {
    const fake = { requests: () => [logged({ status: 418 }), logged({ path: "/api/v4/nope", seq: 1 })] };
    expect(() => assertServedAccordingToSpec(fake)).toThrow(
      /2 thing\(s\) outside the spec[\s\S]*#0[\s\S]*#1/,
    );
  });
});

describe("a scenario over every route, answer and fault", () => {
  let fake: FakeMattermost;
  beforeEach(async () => {
    fake = await startFakeMattermost();
  });
  afterEach(async () => {
    await fake.close();
  });

  it("is served according to the spec", async () => {
    const alice = fake.addUser("alice");
    const channel = fake.addChannel("O", "town", [alice.id]);
    const ws = await connectWs(fake, fake.botToken);
    const missing = "z".repeat(26);
    await api(fake, "GET", "/api/v4/users/me");
    await api(fake, "GET", `/api/v4/users/${alice.id}`);
    await api(fake, "GET", `/api/v4/users/${missing}`);
    await api(fake, "GET", "/api/v4/users/me", { token: "wrong" });
    await api(fake, "GET", "/api/v4/users/me", { token: null });
    const dm = await api(fake, "POST", "/api/v4/channels/direct", { body: [fake.botUserId, alice.id] });
    await api(fake, "POST", "/api/v4/channels/direct", { body: [fake.botUserId, missing] });
    await api(fake, "GET", `/api/v4/channels/${channel.id}`);
    await api(fake, "GET", `/api/v4/channels/${missing}`);
    await api(fake, "GET", "/api/v4/channels/not-an-id");
    await api(fake, "POST", "/api/v4/users/me/typing", { body: { channel_id: channel.id } });
    const root = (
      await api(fake, "POST", "/api/v4/posts?silent=true", {
        body: {
          channel_id: channel.id,
          message: "box",
          type: "custom_x",
          props: { v: 1 },
          pending_post_id: "p",
        },
      })
    ).json as FakePost;
    await api(fake, "POST", "/api/v4/posts", {
      body: { channel_id: channel.id, message: "x".repeat(16384) },
    });
    await api(fake, "POST", "/api/v4/posts", {
      body: { channel_id: (dm.json as { id: string }).id, message: "dm", root_id: "" },
    });
    await api(fake, "POST", "/api/v4/posts", {
      body: { channel_id: channel.id, message: "r", root_id: root.id },
    });
    await api(fake, "PUT", `/api/v4/posts/${root.id}/patch`, { body: { message: "box 2", props: { v: 2 } } });
    await api(fake, "PUT", `/api/v4/posts/${root.id}`, {
      body: { id: root.id, message: "box 3", props: { v: 3 } },
    });
    await api(fake, "GET", `/api/v4/posts/${root.id}`);
    await api(fake, "GET", `/api/v4/posts/${root.id}/thread`);
    await api(fake, "GET", `/api/v4/channels/${channel.id}/posts?page=0&per_page=10&skipFetchThreads=false`);
    await api(fake, "GET", `/api/v4/channels/${channel.id}/posts?since=1`);
    fake.faults.rateLimit({ retryAfterSec: 1 });
    await api(fake, "GET", `/api/v4/posts/${root.id}`);
    fake.faults.serverError({ status: 500 });
    await api(fake, "GET", `/api/v4/posts/${root.id}`);
    fake.faults.serverError({ status: 503 });
    await api(fake, "GET", `/api/v4/posts/${root.id}`);
    fake.faults.reset({ when: "before" });
    await api(fake, "GET", `/api/v4/posts/${root.id}`).catch(() => undefined);
    fake.faults.forbidChannel(channel.id);
    await api(fake, "GET", `/api/v4/channels/${channel.id}/posts`);
    fake.faults.allowChannel(channel.id);
    fake.userPost(channel.id, alice.id, "hi @live-status-bot");
    await api(fake, "DELETE", `/api/v4/posts/${root.id}`);
    await api(fake, "DELETE", `/api/v4/posts/${root.id}`);
    await api(fake, "PUT", `/api/v4/posts/${root.id}/patch`, { body: { message: "gone" } });
    await api(fake, "GET", `/api/v4/posts/${root.id}`);
    await api(fake, "GET", `/api/v4/posts/${root.id}/thread`);
    await ws.next((m) => m.event === "post_deleted");
    ws.close();

    const statuses = new Set(fake.requests().map((r) => r.status));
    expect([...statuses].sort()).toEqual([0, 200, 201, 400, 401, 403, 404, 429, 500, 503]);
    expect(() => assertServedAccordingToSpec(fake)).not.toThrow();
  });
});
