import { describe, expect, it } from "vitest";
import { expectOneBox, stateOf, useOutageWorld } from "../../test/support/outage-world.ts";

const world = useOutageWorld();

const start = () => world.event({ type: "run_start", runId: "r1" });
const end = () => world.event({ type: "run_end", runId: "r1", outcome: "ok" });

describe("kill -9 and a restart on the same ledger", () => {
  it("before the create: the next start creates the box, interrupted", async () => {
    const first = world.start();
    world.outage(60_000, "reset");
    first.runtime.ingest(start());
    await world.wire.advance(2_000);
    expect(world.boxes()).toHaveLength(0);
    world.kill(first);
    await world.wire.advance(60_000);
    const second = world.start();
    await world.settle(second);
    expectOneBox(world, "interrupted");
  });

  it("with the create in flight (its answer lost): the next start finds that post instead of making a second", async () => {
    const first = world.start();
    world.wire.fake.faults.reset({ when: "after", match: { method: "POST" } });
    first.runtime.ingest(start());
    await world.wire.settle();
    // The create landed, its answer was lost, and the process died before it could retry.
    world.kill(first);
    expect(world.boxes()).toHaveLength(1);
    // Past the server's pending_post_id memory, a plain repeat would make a second post.
    await world.wire.advance(60_000);
    const second = world.start();
    await world.settle(second);
    expectOneBox(world, "interrupted");
    expect(second.log.lines.some((l) => l.msg.startsWith("found the box's post"))).toBe(true);
  });

  it("mid-run: the next start ends the box as interrupted on the same post", async () => {
    const first = world.start();
    first.runtime.ingest(start());
    await world.settle(first);
    const postId = world.boxes()[0]?.id;
    first.runtime.ingest(world.event({ type: "tool_start", runId: "r1", callId: "c1", name: "exec" }));
    await world.wire.advance(2_000);
    world.kill(first);
    const second = world.start();
    await world.settle(second);
    expectOneBox(world, "interrupted");
    expect(world.boxes()[0]?.id).toBe(postId);
  });

  it("with the final in flight (its answer lost): the next start writes it again on the same post", async () => {
    const first = world.start();
    first.runtime.ingest(start());
    await world.settle(first);
    world.wire.fake.faults.reset({ when: "after", match: { method: "PUT" } });
    world.outage(30_000);
    await world.wire.advance(1_000);
    first.runtime.ingest(end());
    await world.wire.settle();
    world.kill(first);
    await world.wire.advance(30_000);
    const second = world.start();
    expect(second.ledger.listOutbox().map((e) => [e.kind, e.status.state])).toEqual([["final", "done"]]);
    await world.settle(second);
    expectOneBox(world, "done");
    expect(second.ledger.listOutbox()).toEqual([]);
  });

  it("with the final owed through an outage: a start while Mattermost is still down lands it when it returns", async () => {
    const first = world.start();
    first.runtime.ingest(start());
    await world.settle(first);
    world.outage(90_000, "reset");
    first.runtime.ingest(end());
    await world.wire.advance(20_000);
    world.kill(first);
    const second = world.start();
    await world.wire.advance(30_000);
    expect(stateOf(world.boxes()[0])).toBe("running");
    await world.settle(second);
    expectOneBox(world, "done");
  });

  it("twice in a row, the second time before anything landed: still one box, interrupted", async () => {
    const first = world.start();
    first.runtime.ingest(start());
    await world.settle(first);
    world.kill(first);
    world.outage(30_000);
    const second = world.start();
    await world.wire.advance(5_000);
    world.kill(second);
    const third = world.start();
    await world.settle(third);
    expectOneBox(world, "interrupted");
  });
});
