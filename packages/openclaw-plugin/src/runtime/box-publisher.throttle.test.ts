import { describe, expect, it } from "vitest";
import { render, testPublisher, useTownWire } from "../../test/support/publisher-harness.ts";
import type { BoxPublisherOptions } from "./box-publisher.ts";

const wire = useTownWire();

function publisher(extra: Partial<BoxPublisherOptions> = {}) {
  return testPublisher(wire, wire.channelId, extra);
}

const writes = () => wire.fake.requests().filter((r) => r.method === "POST" || r.method === "PUT");
const livePosts = () => wire.fake.postsIn(wire.channelId);

describe("box publisher throttling", () => {
  it("turns 400 updates over 10 s of clock time and a finish into at most 12 writes", async () => {
    const box = publisher();
    for (let i = 0; i < 400; i++) {
      box.show(render(i));
      await wire.advance(25);
    }
    await wire.run(box.idle());
    expect(livePosts()[0]?.message).toBe(render(399).message);
    expect((await wire.run(box.finish(render(400, "done")))).landed).toBe(true);
    expect(writes().length).toBeLessThanOrEqual(12);
    expect(livePosts()).toHaveLength(1);
    expect(livePosts()[0]?.message).toBe(render(400, "done").message);
  });

  it("renders lazily: of many states shown between writes, only the written ones are rendered", async () => {
    const box = publisher();
    let renders = 0;
    for (let i = 0; i < 400; i++) {
      box.show(() => {
        renders++;
        return render(i);
      });
      await wire.advance(25);
    }
    await wire.run(box.idle());
    expect(livePosts()[0]?.message).toBe(render(399).message);
    expect(renders).toBeLessThanOrEqual(2 * writes().length);
    expect(renders).toBeLessThan(40);
  });

  it("keeps writes of one box at least the minimum interval apart", async () => {
    const box = publisher({ minIntervalMs: 1_000 });
    for (let i = 0; i < 100; i++) {
      box.show(render(i));
      await wire.advance(37);
    }
    await wire.run(box.idle());
    const at = writes().map((r) => r.at);
    for (let i = 1; i < at.length; i++)
      expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(1_000);
  });

  it("creates the post on the first show without waiting", async () => {
    const posted: string[] = [];
    const box = publisher({ onPosted: (id) => posted.push(id) });
    box.show(render(1));
    await wire.settle();
    expect(livePosts().map((p) => p.id)).toEqual(posted);
    expect(livePosts()[0]).toMatchObject({ type: "custom_live_status", pending_post_id: "pending-1" });
    expect(box.currentPostId).toBe(posted[0]);
  });

  it("skips an update whose render equals the last landed one", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    box.show({ ...render(1), props: { live_status: { step: 1, state: "running", v: 1 } } });
    await wire.run(box.idle());
    expect(writes()).toHaveLength(1);
  });

  it("lands the final state right after an update, without waiting out the interval", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.settle();
    box.show(render(2));
    const finished = box.finish(render(3, "done"));
    await wire.settle();
    const result = await finished;
    expect(result).toEqual({ landed: true, postId: livePosts()[0]?.id });
    expect(livePosts()[0]?.message).toBe(render(3, "done").message);
    expect(wire.fake.requests().map((r) => r.at - wire.fake.requests()[0]!.at)).toEqual([0, 0]);
  });

  it("lands the final state even when finish() comes while a write is in flight", async () => {
    wire.fake.faults.latency({ ms: 50, match: { method: "PUT" } });
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    await wire.advance(1_000);
    box.show(render(2));
    await new Promise((r) => setTimeout(r, 10)); // the edit is now held by the fake
    const result = await wire.run(box.finish(render(3, "done")));
    expect(result.landed).toBe(true);
    expect(wire.fake.post(box.currentPostId as string)?.message).toBe(render(3, "done").message);
    expect(writes().map((r) => (r.body as { message: string }).message)).toEqual([
      render(1).message,
      render(2).message,
      render(3, "done").message,
    ]);
  });

  it("has at most one write in flight per box", async () => {
    wire.fake.faults.latency({ ms: 20, count: 100 });
    const box = publisher({ minIntervalMs: 0 });
    for (let i = 0; i < 30; i++) box.show(render(i));
    await wire.run(box.idle());
    expect(wire.maxInFlight()).toBe(1);
    expect(livePosts()[0]?.message).toBe(render(29).message);
    expect(writes().length).toBeLessThan(30);
  });

  it("adopts an existing post instead of creating one", async () => {
    const existing = await wire.client.createPost({
      channel_id: wire.channelId,
      message: "old",
      type: "custom_live_status",
      props: {},
      pending_post_id: "earlier",
    });
    const box = publisher({ existingPostId: existing.id });
    box.show(render(5));
    await wire.run(box.idle());
    expect(livePosts().map((p) => [p.id, p.message])).toEqual([[existing.id, render(5).message]]);
  });

  it("ignores updates after finish", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.finish(render(2, "done")));
    box.show(render(3));
    await wire.run(box.idle());
    expect(livePosts()[0]?.message).toBe(render(2, "done").message);
  });
});
