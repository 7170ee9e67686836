import { describe, expect, it } from "vitest";
import { expectOneBox, stateOf, useOutageWorld } from "../../test/support/outage-world.ts";

const world = useOutageWorld();

const tool = (n: number) => ({ type: "tool_start", runId: "r1", callId: `c${n}`, name: "exec" });
const outages = [5_000, 30_000, 90_000];

describe("an outage of Mattermost", () => {
  it.each(outages)("of %i ms at the create still shows the box, then its final state", async (ms) => {
    const p = world.start();
    world.outage(ms);
    p.runtime.ingest(world.event({ type: "run_start", runId: "r1" }));
    await world.wire.advance(1_000);
    p.runtime.ingest(world.event(tool(1)));
    await world.wire.advance(ms + 20_000);
    expect(p.runtime.report()).toMatchObject({ boxesShown: 1, boxesNeverShown: 0 });
    p.runtime.ingest(world.event({ type: "run_end", runId: "r1", outcome: "ok" }));
    await world.settle(p);
    expectOneBox(world, "done");
    expect(p.runtime.report()).toMatchObject({ finalsLanded: 1, finalsPending: 0 });
    expect(p.ledger.listOutbox()).toEqual([]);
  });

  it.each(outages)("of %i ms mid-run loses no final state", async (ms) => {
    const p = world.start();
    p.runtime.ingest(world.event({ type: "run_start", runId: "r1" }));
    await world.settle(p);
    world.outage(ms, "reset");
    for (let i = 0; i < 5; i++) {
      await world.wire.advance(ms / 5);
      p.runtime.ingest(world.event(tool(i)));
    }
    await world.wire.advance(1_000);
    p.runtime.ingest(world.event({ type: "run_end", runId: "r1", outcome: "error", error: "boom" }));
    await world.settle(p);
    expectOneBox(world, "error");
  });

  it.each(outages)("of %i ms at the final lands it once Mattermost is back", async (ms) => {
    const p = world.start();
    p.runtime.ingest(world.event({ type: "run_start", runId: "r1" }));
    await world.settle(p);
    world.outage(ms);
    p.runtime.ingest(world.event({ type: "run_end", runId: "r1", outcome: "ok" }));
    await world.wire.advance(ms - 1_000);
    expect(stateOf(world.boxes()[0])).toBe("running");
    expect(p.ledger.listOutbox().map((e) => e.kind)).toEqual(["final"]);
    await world.settle(p);
    expectOneBox(world, "done");
    expect(p.ledger.listOutbox()).toEqual([]);
    expect(p.ledger.listBoxes()[0]?.state).toBe("done");
  });

  it.each(outages)(
    "of %i ms over a whole short run creates its box directly in the final state",
    async (ms) => {
      const p = world.start();
      world.outage(ms, "reset");
      p.runtime.ingest(world.event({ type: "run_start", runId: "r1" }));
      await world.wire.advance(500);
      p.runtime.ingest(world.event({ type: "run_end", runId: "r1", outcome: "ok" }));
      await world.settle(p);
      expectOneBox(world, "done");
      const creates = world.wire.fake.requests().filter((r) => r.method === "POST" && r.status === 201);
      expect(creates).toHaveLength(1);
      expect(p.runtime.report()).toMatchObject({ boxesShown: 1, finalsLanded: 1, finalsPending: 0 });
    },
  );

  it.each(outages)(
    "of %i ms at start: a restart lands the interrupted state once Mattermost is back",
    async (ms) => {
      const first = world.start();
      first.runtime.ingest(world.event({ type: "run_start", runId: "r1" }));
      await world.settle(first);
      world.kill(first);
      world.outage(ms);
      const second = world.start();
      await world.wire.advance(ms / 2);
      expect(stateOf(world.boxes()[0])).toBe("running");
      await world.settle(second);
      expectOneBox(world, "interrupted");
    },
  );
});

describe("a stop while Mattermost is down", () => {
  it("leaves the final state in the outbox, and the next start lands it on the same post", async () => {
    const first = world.start();
    first.runtime.ingest(world.event({ type: "run_start", runId: "r1" }));
    await world.settle(first);
    const postId = world.boxes()[0]?.id;
    world.outage(120_000);
    first.runtime.ingest(world.event({ type: "run_end", runId: "r1", outcome: "ok" }));
    const stopping = first.runtime.stop("gateway stopping");
    await world.wire.advance(10_000);
    expect(first.runtime.abandon()).toBe(1);
    await stopping;
    first.ledger.close();
    expect(stateOf(world.boxes()[0])).toBe("running");

    await world.wire.advance(120_000);
    const second = world.start();
    await world.settle(second);
    expectOneBox(world, "done");
    expect(world.boxes()[0]?.id).toBe(postId);
    expect(second.ledger.listOutbox()).toEqual([]);
  });
});
