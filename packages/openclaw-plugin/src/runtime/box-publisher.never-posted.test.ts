import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { render, startWire, testPublisher, type Wire } from "../../test/support/publisher-harness.ts";

let wire: Wire;
let channelId: string;

beforeEach(async () => {
  wire = await startWire();
  channelId = wire.fake.addChannel("O", "town").id;
});

afterEach(async () => {
  await wire.close();
});

const writes = () => wire.fake.requests().filter((r) => r.method === "POST" || r.method === "PUT");

describe("a box whose run ends before its create could leave", () => {
  it("is never posted when finished with unlessNeverPosted while its create waits for the budget", async () => {
    wire.budget.blockUntil(wire.clock.now() + 5_000);
    const box = testPublisher(wire, channelId);
    box.show(render(1));
    await wire.advance(1_000);
    const result = await wire.run(box.finish(render(2, "done"), { unlessNeverPosted: true }));
    expect(result).toEqual({ landed: false, reason: "never_posted" });
    await wire.advance(10_000);
    await wire.run(box.idle());
    expect(writes()).toHaveLength(0);
    expect(wire.fake.postsIn(channelId)).toHaveLength(0);
  });

  it("is posted with its final state when finished without the option", async () => {
    wire.budget.blockUntil(wire.clock.now() + 5_000);
    const box = testPublisher(wire, channelId);
    box.show(render(1));
    await wire.advance(1_000);
    const result = await wire.run(box.finish(render(2, "done")));
    expect(result.landed).toBe(true);
    expect(writes().map((r) => (r.body as { message: string }).message)).toEqual([render(2, "done").message]);
  });

  it("gets its final state when its create already left, even with the option", async () => {
    wire.fake.faults.latency({ ms: 200, match: { method: "POST" } });
    const box = testPublisher(wire, channelId);
    box.show(render(1));
    await new Promise((r) => setTimeout(r, 20)); // the create is now held by the fake
    const result = await wire.run(box.finish(render(2, "done"), { unlessNeverPosted: true }));
    expect(result.landed).toBe(true);
    expect(wire.fake.postsIn(channelId).map((p) => p.message)).toEqual([render(2, "done").message]);
  });
});
