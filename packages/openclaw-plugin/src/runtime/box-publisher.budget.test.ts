import { describe, expect, it } from "vitest";
import { render, testPublisher, useTownWire } from "../../test/support/publisher-harness.ts";
import type { BoxPublisher } from "./box-publisher.ts";

const wire = useTownWire();

function publisher(name: string) {
  return testPublisher(wire, wire.channelId, { boxId: name, pendingPostId: `pending-${name}` });
}

/** Messages the fake received in creates and edits, in arrival order. */
const sent = () =>
  wire.fake
    .requests()
    .filter((r) => r.method === "POST" || r.method === "PUT")
    .map((r) => (r.body as { message: string }).message);

/** Boxes already shown, then the budget held (as after a 429) so that new writes must wait in line. */
async function shownThenHeld(names: string[], holdMs: number): Promise<BoxPublisher[]> {
  const boxes = names.map(publisher);
  for (const box of boxes) box.show(render(1));
  await wire.run(Promise.all(boxes.map((b) => b.idle())));
  await wire.advance(1_000);
  wire.fake.clearRequests();
  wire.budget.blockUntil(wire.clock.now() + holdMs);
  return boxes;
}

describe("box publisher under a short rate budget", () => {
  it("sends a final state before the routine edits of other boxes that waited longer", async () => {
    const [a, b, c] = (await shownThenHeld(["a", "b", "c"], 2_000)) as [
      BoxPublisher,
      BoxPublisher,
      BoxPublisher,
    ];
    a.show(render(2));
    b.show(render(2));
    await wire.settle();
    const finished = c.finish(render(2, "done"));
    await wire.run(finished);
    await wire.run(Promise.all([a.idle(), b.idle()]));
    expect(sent()).toEqual([render(2, "done").message, render(2).message, render(2).message]);
    expect((await finished).landed).toBe(true);
  });

  it("sends only the newest state when newer ones replace an edit still waiting for the budget", async () => {
    const [box] = (await shownThenHeld(["a"], 3_000)) as [BoxPublisher];
    for (let step = 2; step <= 6; step++) {
      box.show(render(step));
      await wire.advance(200);
    }
    await wire.run(box.idle());
    expect(sent()).toEqual([render(6).message]);
    expect(wire.fake.post(box.currentPostId as string)?.message).toBe(render(6).message);
  });

  it("creates a box whose run ended while its create waited with the final state, in one request", async () => {
    wire.budget.blockUntil(wire.clock.now() + 2_000);
    const box = publisher("late");
    box.show(render(1));
    await wire.advance(500);
    box.show(render(2));
    const result = await wire.run(box.finish(render(3, "done")));
    expect(result.landed).toBe(true);
    expect(sent()).toEqual([render(3, "done").message]);
    expect(wire.fake.postsIn(wire.channelId).map((p) => p.message)).toEqual([render(3, "done").message]);
  });

  it("creates new boxes before routine edits of boxes already shown", async () => {
    const [old] = (await shownThenHeld(["old"], 2_000)) as [BoxPublisher];
    old.show(render(2, "running"));
    await wire.advance(100);
    const fresh = publisher("fresh");
    fresh.show(render(7));
    await wire.run(Promise.all([old.idle(), fresh.idle()]));
    expect(sent()).toEqual([render(7).message, render(2).message]);
  });

  it("keeps a box's place in line while newer states replace its waiting edit", async () => {
    const [a, b] = (await shownThenHeld(["a", "b"], 2_000)) as [BoxPublisher, BoxPublisher];
    a.show(render(2));
    await wire.advance(100);
    b.show(render(20));
    await wire.advance(100);
    a.show(render(3)); // replaces a's waiting edit; a asked first, so it still goes first
    await wire.run(Promise.all([a.idle(), b.idle()]));
    expect(sent()).toEqual([render(3).message, render(20).message]);
  });
});
