import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertServedAccordingToSpec } from "./openapi-check.ts";
import { type FakeMattermost, startFakeMattermost } from "./server.ts";
import type { FakeChannel, FakeUser } from "./types.ts";

let fake: FakeMattermost;
let carol: FakeUser;
let ops: FakeChannel;

beforeEach(async () => {
  fake = await startFakeMattermost({
    users: ["carol"],
    channels: [{ type: "O", name: "ops", members: ["carol"] }],
  });
  carol = fake.user("carol") as FakeUser;
  ops = fake.channelByName("ops") as FakeChannel;
});

afterEach(async () => {
  assertServedAccordingToSpec(fake);
  await fake.close();
});

/** A request as a signed-in browser sends it: the session cookie, and the headers it chooses. */
function browserPost(headers: Record<string, string>) {
  return fetch(`${fake.url}/api/v4/posts`, {
    method: "POST",
    headers: {
      cookie: `MMAUTHTOKEN=${carol.token}; MMCSRF=${carol.csrf}`,
      "content-type": "application/json",
      ...headers,
    },
    body: JSON.stringify({ channel_id: ops.id, message: "hello" }),
  });
}

describe("browser sessions (the MMAUTHTOKEN cookie)", () => {
  it("creates a post as the signed-in person when the request says XMLHttpRequest and carries the CSRF token", async () => {
    const res = await browserPost({ "x-requested-with": "XMLHttpRequest", "x-csrf-token": carol.csrf });
    expect(res.status).toBe(201);
    expect(fake.postsIn(ops.id).map((p) => [p.user_id, p.message])).toEqual([[carol.id, "hello"]]);
  });

  it.each([
    ["without X-Requested-With", { "x-csrf-token": "" }],
    ["without the CSRF token", { "x-requested-with": "XMLHttpRequest" }],
    ["with another CSRF token", { "x-requested-with": "XMLHttpRequest", "x-csrf-token": "forged" }],
  ])("refuses a write %s", async (_name, headers) => {
    const res = await browserPost(headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(fake.postsIn(ops.id)).toEqual([]);
  });

  it("reads with the cookie and X-Requested-With alone", async () => {
    const res = await fetch(`${fake.url}/api/v4/users/me`, {
      headers: { cookie: `MMAUTHTOKEN=${carol.token}`, "x-requested-with": "XMLHttpRequest" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(carol.id);
  });
});
