import { describe, expect, it } from "vitest";
import { render, usePublisherBench, useTownWire } from "../../test/support/publisher-harness.ts";
import type { GoneReason } from "./box-publisher.ts";

const wire = useTownWire();
const { log, gone, publisher, livePosts } = usePublisherBench(wire);

describe("a box deleted by a person", () => {
  it("is recreated once at the bottom with the latest state", async () => {
    const posted: string[] = [];
    const box = publisher({ onPosted: (id) => posted.push(id) });
    box.show(render(1));
    await wire.run(box.idle());
    const first = box.currentPostId as string;
    wire.fake.deletePostAsUser(first);
    const ann = wire.fake.addUser("ann");
    wire.fake.userPost(wire.channelId, ann.id, "what happened?");
    await wire.advance(1_000);
    box.show(render(2));
    await wire.run(box.idle());
    const posts = livePosts();
    expect(posts.map((p) => p.message)).toEqual(["what happened?", render(2).message]);
    expect(posted).toEqual([first, posts[1]?.id]);
    expect(posts[1]?.pending_post_id).not.toBe("pending-1");
    expect(gone).toEqual([]);
    expect((await wire.run(box.finish(render(3, "done")))).landed).toBe(true);
    expect(livePosts().at(-1)?.message).toBe(render(3, "done").message);
  });

  it("is recreated with the final state when the deletion shows up on finish", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    wire.fake.deletePostAsUser(box.currentPostId as string);
    const result = await wire.run(box.finish(render(2, "done")));
    expect(result).toEqual({ landed: true, postId: livePosts()[0]?.id });
    expect(livePosts().map((p) => p.message)).toEqual([render(2, "done").message]);
  });

  it("stops being shown after a second deletion, logging it once", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    wire.fake.deletePostAsUser(box.currentPostId as string);
    await wire.advance(1_000);
    box.show(render(2));
    await wire.run(box.idle());
    wire.fake.deletePostAsUser(box.currentPostId as string);
    await wire.advance(1_000);
    box.show(render(3));
    await wire.run(box.idle());
    box.show(render(4));
    const result = await wire.run(box.finish(render(5, "done")));
    expect(result).toEqual({ landed: false, reason: "deleted_twice" });
    expect(gone).toEqual(["deleted_twice"]);
    expect(livePosts()).toHaveLength(0);
    expect(wire.fake.requests().filter((r) => r.method === "POST")).toHaveLength(2);
    expect(log.lines.filter((l) => l.msg.includes("deleted again"))).toHaveLength(1);
    expect(box.goneReason).toBe("deleted_twice");
  });
});

describe("a box the bot may not post", () => {
  it("is gone as forbidden with one clear log line, and a box in another channel is unaffected", async () => {
    const otherId = wire.fake.addChannel("O", "other").id;
    wire.fake.faults.forbidChannel(wire.channelId);
    const box = publisher();
    const neighbourGone: GoneReason[] = [];
    const neighbour = publisher({
      target: { channelId: otherId },
      boxId: "box-2",
      pendingPostId: "pending-2",
      onGone: (r) => neighbourGone.push(r),
    });
    box.show(render(1));
    neighbour.show(render(1));
    await wire.run(Promise.all([box.idle(), neighbour.idle()]));
    await wire.advance(1_000);
    box.show(render(2));
    neighbour.show(render(2));
    const [result, neighbourResult] = await wire.run(
      Promise.all([box.finish(render(3, "done")), neighbour.finish(render(3, "done"))]),
    );
    expect(result).toEqual({ landed: false, reason: "forbidden" });
    expect(gone).toEqual(["forbidden"]);
    expect(log.lines.filter((l) => l.level === "error")).toEqual([
      expect.objectContaining({
        msg: expect.stringContaining("no access"),
        fields: expect.objectContaining({ status: 403 }),
      }),
    ]);
    expect(
      wire.fake
        .requests()
        .filter((r) => r.body && (r.body as { channel_id?: string }).channel_id === wire.channelId),
    ).toHaveLength(1);
    expect(neighbourResult.landed).toBe(true);
    expect(neighbourGone).toEqual([]);
    expect(livePosts(otherId).map((p) => p.message)).toEqual([render(3, "done").message]);
  });
});

describe("removing a box", () => {
  it("deletes its post after the write in flight", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.remove("delete"));
    expect(wire.fake.posts().map((p) => p.delete_at > 0)).toEqual([true]);
    box.show(render(2));
    await wire.run(box.idle());
    expect(wire.fake.requests().map((r) => r.method)).toEqual(["POST", "DELETE"]);
  });

  it("edits its post into a receipt, dropping pending updates", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    box.show(render(2));
    await wire.run(box.remove({ receipt: render(9, "done") }));
    expect(livePosts().map((p) => p.message)).toEqual([render(9, "done").message]);
    expect(wire.fake.requests().filter((r) => r.method === "PUT")).toHaveLength(1);
    expect(await box.finish(render(10, "done"))).toEqual({ landed: false, reason: "removed" });
  });

  it("counts a post someone already deleted as removed", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    wire.fake.deletePostAsUser(box.currentPostId as string);
    await wire.run(box.remove("delete"));
    expect(wire.fake.requests().filter((r) => r.method === "DELETE")).toHaveLength(1);
    expect(livePosts()).toHaveLength(0);
  });

  it("does nothing when no post was made", async () => {
    const box = publisher();
    await box.remove("delete");
    expect(wire.fake.requests()).toHaveLength(0);
  });
});
