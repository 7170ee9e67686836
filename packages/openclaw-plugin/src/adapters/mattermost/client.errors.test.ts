import { describe, expect, it } from "vitest";
import { useTownWire } from "../../../test/support/publisher-harness.ts";
import { MattermostApiError, MattermostNetworkError } from "../../ports/mattermost-errors.ts";
import { createMattermostClient } from "./client.ts";

const wire = useTownWire();

const create = () =>
  wire.client.createPost({
    channel_id: wire.channelId,
    message: "m",
    type: "custom_x",
    props: {},
    pending_post_id: "p1",
  });

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

describe("Mattermost client errors", () => {
  it("turns a 429 into a rate-limit error and blocks the token's budget until Retry-After passes", async () => {
    wire.fake.faults.rateLimit({ retryAfterSec: 3 });
    const error = await failure(create());
    expect(error).toBeInstanceOf(MattermostApiError);
    expect(error).toMatchObject({ status: 429, code: undefined, retryAfterMs: 3_000, method: "POST" });
    expect(wire.budget.blockedUntil()).toBe(wire.clock.now() + 3_000);
  });

  it("does not retry by itself", async () => {
    wire.fake.faults.serverError({ status: 503 });
    const error = await failure(create());
    expect(error).toMatchObject({ status: 503 });
    expect(wire.fake.requests()).toHaveLength(1);
  });

  it("reads the AppError id of a refused request", async () => {
    wire.fake.faults.forbidChannel(wire.channelId);
    const error = await failure(create());
    expect(error).toMatchObject({ status: 403, code: expect.stringMatching(/permissions/) });
    expect((error as MattermostApiError).requestId).toEqual(expect.any(String));
  });

  it("answers 403 for a patch of a deleted post and 404 for reading it", async () => {
    const post = await create();
    wire.fake.deletePostAsUser(post.id);
    expect(await failure(wire.client.patchPost(post.id, { message: "x", props: {} }))).toMatchObject({
      status: 403,
    });
    expect(await failure(wire.client.getPost(post.id))).toMatchObject({ status: 404 });
  });

  it("reports a reset before the write as a network error, and nothing is written", async () => {
    wire.fake.faults.reset({ when: "before" });
    const error = await failure(create());
    expect(error).toBeInstanceOf(MattermostNetworkError);
    expect(wire.fake.posts()).toHaveLength(0);
  });

  it("reports a reset after the write as a network error although the post exists", async () => {
    wire.fake.faults.reset({ when: "after" });
    expect(await failure(create())).toBeInstanceOf(MattermostNetworkError);
    expect(wire.fake.posts()).toHaveLength(1);
  });

  it("reports a refused connection as a network error", async () => {
    const url = wire.fake.url;
    await wire.fake.close();
    const client = createMattermostClient({ baseUrl: url, token: "t" });
    const error = await failure(client.getMe());
    expect(error).toBeInstanceOf(MattermostNetworkError);
    expect((error as MattermostNetworkError).errno).toBe("ECONNREFUSED");
  });

  it("reports a request that outlives the timeout as a timed-out network error", async () => {
    wire.fake.faults.latency({ ms: 2_000 });
    const client = createMattermostClient({
      baseUrl: wire.fake.url,
      token: wire.fake.botToken,
      requestTimeoutMs: 50,
    });
    const error = await failure(client.getMe());
    expect(error).toBeInstanceOf(MattermostNetworkError);
    expect(error).toMatchObject({ timedOut: true, message: "Mattermost GET /api/v4/users/me timed out" });
  });

  it("never puts the token in an error message", async () => {
    wire.fake.faults.serverError({ status: 502 });
    wire.fake.faults.reset({ when: "before" });
    wire.fake.faults.rateLimit({ retryAfterSec: 1 });
    const errors = [await failure(create()), await failure(create()), await failure(wire.client.getMe())];
    for (const error of errors) {
      expect(String(error)).not.toContain(wire.fake.botToken);
      expect(JSON.stringify(error)).not.toContain(wire.fake.botToken);
    }
  });
});
