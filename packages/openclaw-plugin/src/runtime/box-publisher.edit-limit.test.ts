import { describe, expect, it } from "vitest";
import {
  render,
  testPublisher,
  usePublisherBench,
  useTownWire,
} from "../../test/support/publisher-harness.ts";

// A server whose admin set `ServiceSettings.PostEditTimeLimit`: a box older than this can no longer change its message.
const LIMIT_S = 300;

const wire = useTownWire({ checkSpec: true, settings: { postEditTimeLimit: LIMIT_S } });
const { log } = usePublisherBench(wire);
const channelId = () => wire.channelId;
const boxes = () => wire.fake.postsIn(channelId(), { includeDeleted: true });
const visible = () => wire.fake.postsIn(channelId());

describe("a box past the server's edit time limit", () => {
  it("is replaced by a fresh post at the bottom showing the new state, and the stale one is deleted", async () => {
    const posted: string[] = [];
    const box = testPublisher(wire, channelId(), { log, onPosted: (id) => posted.push(id) });
    box.show(render(1));
    await wire.run(box.idle());
    await wire.advance(LIMIT_S * 1000 + 1_000);
    box.show(render(2));
    await wire.run(box.idle());

    expect(visible().map((p) => p.message)).toEqual(["running · step 2"]);
    expect(boxes()).toHaveLength(2);
    expect(boxes()[0]?.delete_at).toBeGreaterThan(0);
    expect(posted).toEqual([boxes()[0]?.id, boxes()[1]?.id]);
    expect(box.currentPostId).toBe(visible()[0]?.id);
  });

  it("lands its final state on a fresh post instead of being left saying running", async () => {
    const box = testPublisher(wire, channelId(), { log });
    box.show(render(1));
    await wire.run(box.idle());
    await wire.advance(LIMIT_S * 1000 + 1_000);

    const result = await wire.run(box.finish(render(2, "done")));
    expect(result).toEqual({ landed: true, postId: visible()[0]?.id });
    expect(visible().map((p) => p.message)).toEqual(["done · step 2"]);
    expect(boxes().filter((p) => p.message.startsWith("running") && p.delete_at === 0)).toEqual([]);
  });

  it("is replaced again each time the limit passes in a long turn, never leaving two boxes", async () => {
    const box = testPublisher(wire, channelId(), { log });
    for (let step = 1; step <= 4; step++) {
      box.show(render(step));
      await wire.run(box.idle());
      await wire.advance(LIMIT_S * 1000 + 1_000);
    }
    await wire.run(box.finish(render(5, "done")));
    expect(visible().map((p) => p.message)).toEqual(["done · step 5"]);
    expect(boxes()).toHaveLength(5);
  });

  it("as a buried box under the receipt policy, is deleted since it can no longer become the receipt", async () => {
    const box = testPublisher(wire, channelId(), { log });
    box.show(render(1));
    await wire.run(box.idle());
    await wire.advance(LIMIT_S * 1000 + 1_000);
    await wire.run(box.remove({ receipt: render(9, "done") }));
    expect(visible()).toEqual([]);
  });

  it("keeps its message edits in place while within the limit", async () => {
    const box = testPublisher(wire, channelId(), { log });
    box.show(render(1));
    await wire.run(box.idle());
    await wire.advance(LIMIT_S * 1000 - 10_000);
    await wire.run(box.finish(render(2, "done")));
    expect(boxes().map((p) => p.message)).toEqual(["done · step 2"]);
  });
});
