import { describe, expect, it } from "vitest";
import { render, T0, testPublisher, useTownWire } from "../../test/support/publisher-harness.ts";
import type { PostContent } from "../ports/mattermost.ts";

const wire = useTownWire();

const writeTimes = () =>
  wire.fake
    .requests()
    .filter((r) => r.method === "POST" || r.method === "PUT")
    .map((r) => r.at - T0);
const shownMessage = () => wire.fake.postsIn(wire.channelId)[0]?.message;

describe("box publisher with an injected write time", () => {
  it("waits until the time writeDue names, measured from the last write", async () => {
    const box = testPublisher(wire, wire.channelId, { writeDue: (_shown, last) => last + 5_000 });
    box.show(render(1));
    await wire.settle();
    box.show(render(2));
    await wire.advance(4_900);
    expect(shownMessage()).toBe(render(1).message);
    await wire.run(box.idle());
    expect(writeTimes()).toEqual([0, 5_000]);
    expect(shownMessage()).toBe(render(2).message);
  });

  it("wakes early when a newer state is due sooner than the one it waits for", async () => {
    // Step numbers stand in for how much a person would notice: 3 is urgent, the rest can wait.
    let pendingStep = 0;
    const box = testPublisher(wire, wire.channelId, {
      writeDue: (_shown, last) => last + (pendingStep === 3 ? 1_000 : 30_000),
    });
    const show = (n: number) => {
      pendingStep = n;
      box.show(render(n));
    };
    show(1);
    await wire.settle();
    show(2);
    await wire.advance(2_000);
    expect(shownMessage()).toBe(render(1).message);
    show(3);
    await wire.advance(50);
    await wire.settle();
    expect(writeTimes()).toEqual([0, 2_000]);
    expect(shownMessage()).toBe(render(3).message);
  });

  it("passes what the box shows, so an unchanged state can go at once and be skipped", async () => {
    const seen: Array<PostContent | undefined> = [];
    const box = testPublisher(wire, wire.channelId, {
      writeDue: (shown, last) => {
        seen.push(shown);
        return last;
      },
    });
    box.show(render(1));
    await wire.settle();
    box.show(render(1));
    await wire.run(box.idle());
    expect(writeTimes()).toEqual([0]);
    expect(seen.at(-1)?.message).toBe(render(1).message);
  });

  it("never holds back the final state", async () => {
    const box = testPublisher(wire, wire.channelId, { writeDue: (_shown, last) => last + 60_000 });
    box.show(render(1));
    await wire.settle();
    box.show(render(2));
    await wire.advance(100);
    const result = await wire.run(box.finish(render(3, "done")));
    expect(result.landed).toBe(true);
    expect(writeTimes()).toEqual([0, 100]);
  });
});
