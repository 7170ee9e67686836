import { describe, expect, it } from "vitest";
import { type Process, stateOf, useOutageWorld } from "../../test/support/outage-world.ts";

const world = useOutageWorld();

const start = (runId: string) => world.event({ type: "run_start", runId });
const end = (runId: string) => world.event({ type: "run_end", runId, outcome: "ok" });
const visible = () => world.boxes().filter((post) => post.delete_at === 0);

/** Kills `first` while the buried box's removal is owed, restarts after the outage and checks only the fresh box is left. */
async function restartAndExpectOnlyFreshBox(
  first: Process,
  buried: string | undefined,
  outageLeftMs: number,
) {
  world.kill(first);
  await world.wire.advance(outageLeftMs);
  const second = world.start();
  await world.settle(second);
  expect(visible().map((post) => post.id)).not.toContain(buried);
  expect(visible()).toHaveLength(1);
  expect(second.ledger.listOutbox()).toEqual([]);
  return second;
}

describe("the removal of a buried box is an obligation kept across restarts", () => {
  it("a delete cut short by kill -9 is done by the next start: only the fresh box is left", async () => {
    const first = world.start();
    first.runtime.ingest(start("r1"));
    first.runtime.ingest(end("r1"));
    await world.settle(first);
    const buried = world.boxes()[0]?.id;
    expect(stateOf(world.boxes()[0])).toBe("done");

    world.outage(60_000);
    first.runtime.ingest(start("r2"));
    await world.wire.advance(3_000);
    expect(first.ledger.listOutbox().map((e) => e.kind)).toContain("delete");
    const second = await restartAndExpectOnlyFreshBox(first, buried, 60_000);
    expect(stateOf(visible()[0])).toBe("interrupted");
    expect(second.ledger.getBox(`${world.session}|channel:${world.channelId}#1`)?.state).toBe("removed");
  });

  it("a buried box still running when the process died is deleted, not left saying interrupted above the fresh box", async () => {
    const first = world.start();
    first.runtime.ingest(start("r1"));
    await world.settle(first);
    const buried = world.boxes()[0]?.id;

    world.outage(60_000, "reset");
    first.runtime.ingest(start("r2"));
    await world.wire.advance(3_000);
    await restartAndExpectOnlyFreshBox(first, buried, 60_000);
  });

  it("a buried box whose final was still owed is removed by the next start, not finished", async () => {
    const first = world.start();
    first.runtime.ingest(start("r1"));
    await world.settle(first);
    const buried = world.boxes()[0]?.id;
    world.outage(90_000);
    first.runtime.ingest(end("r1"));
    first.runtime.ingest(start("r2"));
    await world.wire.advance(40_000);
    expect(first.ledger.listOutbox().map((e) => e.kind)).toContain("delete");
    await restartAndExpectOnlyFreshBox(first, buried, 60_000);
  });
});
