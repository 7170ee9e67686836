import { afterEach, describe, expect, it } from "vitest";
import { sendJson, startScriptedServer } from "../../../test/support/publisher-harness.ts";
import { createMattermostClient } from "./client.ts";

const input = { channel_id: "c1", message: "m", type: "custom_x", props: {}, pending_post_id: "p1" };
const post = { id: "post1", channel_id: "c1", message: "m", type: "custom_x", props: {} };

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** A server that refuses `?silent=true` with `status` and records the URLs it saw. */
async function serverWithoutSilent(status: number) {
  const urls: string[] = [];
  const server = await startScriptedServer((req, _body, res) => {
    urls.push(req.url ?? "");
    if (req.url?.includes("silent=true"))
      sendJson(res, status, { id: "api.context.invalid_url_param.app_error", status_code: status });
    else sendJson(res, 201, post);
  });
  close = server.close;
  return { ...server, urls };
}

describe("silent creates", () => {
  it.each([400, 501])(
    "falls back to a normal create when the server answers %i, and remembers it",
    async (status) => {
      const server = await serverWithoutSilent(status);
      const client = createMattermostClient({ baseUrl: server.url, token: "t" });
      expect((await client.createPost(input, { silent: true })).id).toBe("post1");
      expect((await client.createPost(input, { silent: true })).id).toBe("post1");
      expect(server.urls).toEqual(["/api/v4/posts?silent=true", "/api/v4/posts", "/api/v4/posts"]);
    },
  );

  it("keeps asking for silence when the refusal was about something else", async () => {
    const urls: string[] = [];
    const server = await startScriptedServer((req, _body, res) => {
      urls.push(req.url ?? "");
      sendJson(res, 400, { id: "api.post.create_post.message_too_long.app_error", status_code: 400 });
    });
    close = server.close;
    const client = createMattermostClient({ baseUrl: server.url, token: "t" });
    await expect(client.createPost(input, { silent: true })).rejects.toMatchObject({ status: 400 });
    await expect(client.createPost(input, { silent: true })).rejects.toMatchObject({ status: 400 });
    expect(urls.filter((u) => u.includes("silent=true"))).toHaveLength(2);
  });

  it("does not ask for silence unless told to", async () => {
    const server = await serverWithoutSilent(400);
    const client = createMattermostClient({ baseUrl: server.url, token: "t" });
    await client.createPost(input);
    expect(server.urls).toEqual(["/api/v4/posts"]);
  });
});
