import { LIVE_STATUS_BOX_PROP } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import { render, T0, usePublisherBench, useTownWire } from "../../test/support/publisher-harness.ts";
import { RecoveryBeacon } from "./box-publisher.ts";
import { ManualClock } from "./clock.ts";

const wire = useTownWire({ checkSpec: true });
const { log, gone, publisher, livePosts } = usePublisherBench(wire);

/** Every request fails the given way for `n` requests. */
function failNext(kind: "500" | "429" | "reset", n: number) {
  if (kind === "500") wire.fake.faults.serverError({ status: 500, count: n });
  else if (kind === "429") wire.fake.faults.rateLimit({ retryAfterSec: 2, count: n });
  else wire.fake.faults.reset({ when: "before", count: n });
}

const kinds = ["500", "429", "reset"] as const;
const counts = [1, 5, 12, 20];
const matrix = kinds.flatMap((kind) => counts.map((n) => [kind, n] as const));

describe("a box's final state is an obligation", () => {
  it.each(matrix)("lands after %s failures × %i in a row, on the same post", async (kind, n) => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    const postId = box.currentPostId;
    failNext(kind, n);
    const result = await wire.run(box.finish(render(2, "done")), 500, 3_600_000);
    expect(result).toEqual({ landed: true, postId });
    expect(gone).toEqual([]);
    expect(livePosts()).toHaveLength(1);
    expect(livePosts()[0]?.message).toBe(render(2, "done").message);
  });

  it("waits out a Retry-After of an hour and then lands", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    wire.fake.faults.rateLimit({ retryAfterSec: 3_600, match: { method: "PUT" } });
    const done = box.finish(render(2, "done"));
    await wire.advance(3_599_000);
    expect(livePosts()[0]?.message).toBe(render(1).message);
    const result = await wire.run(done, 500, 10_000);
    expect(result.landed).toBe(true);
    expect(livePosts()[0]?.message).toBe(render(2, "done").message);
  });

  it("lands on the same post once a revoked bot token is restored, however long that takes", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    const postId = box.currentPostId;
    wire.fake.faults.revokeToken(wire.fake.botToken);
    const done = box.finish(render(2, "done"));
    await wire.advance(600_000);
    expect(livePosts()[0]?.message).toBe(render(1).message);
    expect(gone).toEqual([]);
    expect(log.lines.filter((l) => l.msg.startsWith("Mattermost refused the bot token"))).toHaveLength(1);
    wire.fake.faults.restoreToken(wire.fake.botToken);
    const result = await wire.run(done, 500, 60_000);
    expect(result).toEqual({ landed: true, postId });
    expect(livePosts().map((p) => p.message)).toEqual([render(2, "done").message]);
  });

  it("creates the box directly in its final state when the run ended before any write", async () => {
    failNext("reset", 3);
    const box = publisher();
    const result = await wire.run(box.finish(render(7, "done")), 500, 600_000);
    expect(result.landed).toBe(true);
    expect(livePosts()).toHaveLength(1);
    expect(livePosts()[0]?.message).toBe(render(7, "done").message);
  });

  it("backs off on the retry clock, not on the event clock", async () => {
    const eventClock = new ManualClock(T0);
    const box = publisher({ clock: eventClock, retryClock: wire.clock });
    box.show(render(1));
    await wire.run(box.idle());
    failNext("500", 6);
    const result = await wire.run(box.finish(render(2, "done")), 500, 600_000);
    expect(result.landed).toBe(true);
    expect(eventClock.now()).toBe(T0);
    const puts = wire.fake.requests().filter((r) => r.method === "PUT");
    expect(puts.at(-1)!.at - puts[0]!.at).toBeGreaterThanOrEqual(250 + 500 + 1_000 + 2_000 + 4_000);
  });

  it("gives up only when it is provably impossible: the channel is forbidden", async () => {
    wire.fake.faults.forbidChannel(wire.channelId);
    const result = await wire.run(publisher().finish(render(1, "done")));
    expect(result).toEqual({ landed: false, reason: "forbidden" });
    expect(gone).toEqual(["forbidden"]);
  });

  it("lets go without touching the post when abandoned, answering finish() as abandoned", async () => {
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle());
    failNext("500", 1_000);
    const done = box.finish(render(2, "done"));
    await wire.advance(30_000);
    box.abandon();
    expect(await done).toEqual({ landed: false, reason: "abandoned" });
    await wire.run(box.idle());
    const before = wire.fake.requests().length;
    await wire.advance(60_000);
    expect(wire.fake.requests()).toHaveLength(before);
    expect(gone).toEqual([]);
    wire.fake.faults.clear();
  });
});

describe("a box's first appearance is an obligation", () => {
  it.each(matrix)("appears once after %s failures × %i in a row of its create", async (kind, n) => {
    failNext(kind, n);
    const box = publisher();
    box.show(render(1));
    await wire.run(box.idle(), 500, 3_600_000);
    expect(livePosts()).toHaveLength(1);
    expect(livePosts()[0]?.props[LIVE_STATUS_BOX_PROP]).toBe("pending-1");
  });

  it("finds its own post instead of making a second one when a create's answer was lost past the dedupe window", async () => {
    wire.fake.faults.reset({ when: "after", match: { method: "POST" } });
    wire.fake.faults.serverError({ status: 503, count: 12 });
    const posted: string[] = [];
    const box = publisher({ onPosted: (id) => posted.push(id) });
    box.show(render(1));
    const result = await wire.run(box.finish(render(2, "done")), 500, 600_000);
    expect(result.landed).toBe(true);
    expect(wire.fake.posts()).toHaveLength(1);
    expect(livePosts()[0]?.message).toBe(render(2, "done").message);
    expect(posted).toEqual([livePosts()[0]?.id]);
    const lookups = wire.fake.requests().filter((r) => r.method === "GET" && r.status === 200);
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(log.lines.some((l) => l.msg.startsWith("found the box's post"))).toBe(true);
  });

  it("after a restart adopts the post an earlier process made, and edits it to the final state", async () => {
    const first = publisher();
    first.show(render(1));
    await wire.run(first.idle());
    const made = livePosts()[0]?.id;
    // A new process that never learnt the post id: it knows only that a create may have landed.
    const second = publisher({ mayExist: { since: T0 } });
    const result = await wire.run(second.finish(render(2, "interrupted")));
    expect(result).toEqual({ landed: true, postId: made });
    expect(wire.fake.posts()).toHaveLength(1);
    expect(livePosts()[0]?.message).toBe(render(2, "interrupted").message);
  });

  it("after a restart creates the box when no earlier create had landed", async () => {
    const box = publisher({ mayExist: { since: T0 } });
    const result = await wire.run(box.finish(render(2, "interrupted")));
    expect(result.landed).toBe(true);
    expect(livePosts()).toHaveLength(1);
  });
});

describe("recovery", () => {
  it("wakes every box waiting out a back-off as soon as one write gets through", async () => {
    const beacon = new RecoveryBeacon();
    const other = wire.fake.addChannel("O", "other").id;
    const early = publisher({ beacon, random: () => 0 });
    const late = publisher({
      beacon,
      random: () => 0.999,
      target: { channelId: other },
      boxId: "box-2",
      pendingPostId: "pending-2",
    });
    early.show(render(1));
    late.show(render(1));
    await wire.run(Promise.all([early.idle(), late.idle()]));
    const end = wire.clock.now() + 110_000;
    wire.fake.faults.serverError({ status: 503, count: 1e9, match: () => wire.clock.now() < end });
    const landed: Record<string, number> = {};
    const done = Promise.all(
      [early, late].map((box, i) =>
        box.finish(render(2, "done")).then(() => {
          landed[i] = wire.clock.now();
        }),
      ),
    );
    await wire.run(done, 100, 600_000);
    // The late box's own back-off had up to 15 s left; the early box's success woke it.
    expect((landed[1] ?? 0) - (landed[0] ?? 0)).toBeLessThanOrEqual(200);
    expect(landed[0]).toBeLessThanOrEqual(end + 7_500);
    wire.fake.faults.clear();
  });
});
