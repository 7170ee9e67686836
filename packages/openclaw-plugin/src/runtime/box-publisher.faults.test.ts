import { describe, expect, it } from "vitest";
import { render, usePublisherBench, useTownWire } from "../../test/support/publisher-harness.ts";

const wire = useTownWire({ checkSpec: true });
const { log, gone, publisher, livePosts } = usePublisherBench(wire);

describe("box publisher under faults", () => {
  it("sends nothing with the token before a 429's Retry-After has passed", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    const other = wire.fake.addChannel("O", "other").id;
    const neighbour = publisher({ target: { channelId: other }, boxId: "box-2", pendingPostId: "pending-2" });
    wire.fake.faults.rateLimit({ retryAfterSec: 3, match: { method: "PUT" } });
    await wire.advance(1_000);
    box.show(render(2));
    await wire.settle();
    const limited = wire.fake.requests().at(-1);
    expect(limited?.status).toBe(429);
    neighbour.show(render(1));
    const result = await wire.run(box.finish(render(3, "done")));
    await wire.run(neighbour.idle());
    expect(result.landed).toBe(true);
    const after = wire.fake.requests().filter((r) => r.seq > (limited?.seq ?? 0));
    expect(after.length).toBeGreaterThanOrEqual(2);
    for (const r of after) expect(r.at).toBeGreaterThanOrEqual((limited?.at ?? 0) + 3_000);
    expect(wire.fake.post(box.currentPostId as string)?.message).toBe(render(3, "done").message);
  });

  it.each([500, 502, 503] as const)(
    "retries a %i with back-off and lands the latest state",
    async (status) => {
      const box = publisher();
      box.show(render(1));
      await wire.run(box.idle());
      wire.fake.faults.serverError({ status, count: 2 });
      await wire.advance(1_000);
      box.show(render(2));
      await wire.settle();
      box.show(render(3));
      await wire.run(box.idle());
      const edits = wire.fake.requests().filter((r) => r.method === "PUT");
      expect(edits.map((r) => r.status)).toEqual([status, status, 200]);
      expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(375);
      expect(wire.fake.post(box.currentPostId as string)?.message).toBe(render(3).message);
      expect(log.lines.filter((l) => l.level === "warn")).toHaveLength(1);
    },
  );

  it("retries after a connection reset before the write", async () => {
    wire.fake.faults.reset({ when: "before", match: { method: "POST" } });
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    expect(livePosts()).toHaveLength(1);
    expect(wire.fake.requests().map((r) => r.status)).toEqual([0, 201]);
  });

  it("makes exactly one post when the answer to its create is lost after the write", async () => {
    wire.fake.faults.reset({ when: "after", match: { method: "POST" } });
    const posted: string[] = [];
    const box = publisher({ onPosted: (id) => posted.push(id) });
    box.show(render(1));
    await wire.settle();
    box.show(render(2));
    const result = await wire.run(box.finish(render(3, "done")));
    expect(livePosts()).toHaveLength(1);
    expect(wire.fake.posts()).toHaveLength(1);
    expect(result).toEqual({ landed: true, postId: livePosts()[0]?.id });
    expect(posted).toEqual([livePosts()[0]?.id]);
    expect(livePosts()[0]?.message).toBe(render(3, "done").message);
    const creates = wire.fake.requests().filter((r) => r.method === "POST");
    expect(creates.map((r) => (r.body as { pending_post_id: string }).pending_post_id)).toEqual([
      "pending-1",
      "pending-1",
    ]);
  });

  it("drops a routine edit the server keeps failing, and still lands the final state after it", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    wire.fake.faults.serverError({ status: 503, count: 5, match: { method: "PUT" } });
    await wire.advance(1_000);
    box.show(render(2));
    await wire.run(box.idle());
    expect(log.lines.some((l) => l.msg === "dropping a box update")).toBe(true);
    const result = await wire.run(box.finish(render(3, "done")));
    expect(result.landed).toBe(true);
    expect(gone).toEqual([]);
    expect(wire.fake.post(box.currentPostId as string)?.message).toBe(render(3, "done").message);
  });

  it("drops an update the server refuses for good and keeps the box alive", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    await wire.advance(1_000);
    box.show({ ...render(2), message: "x".repeat(20_000) });
    await wire.run(box.idle());
    expect(gone).toEqual([]);
    const result = await wire.run(box.finish(render(3, "done")));
    expect(result.landed).toBe(true);
    expect(
      wire.fake
        .requests()
        .filter((r) => r.method === "PUT")
        .map((r) => r.status),
    ).toEqual([400, 200]);
  });
});
