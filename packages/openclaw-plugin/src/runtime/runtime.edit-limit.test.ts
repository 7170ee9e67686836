import { describe, expect, it } from "vitest";
import { stateOf, useOutageWorld } from "../../test/support/outage-world.ts";

// An admin set `ServiceSettings.PostEditTimeLimit`: after 300 s a box's message can no longer change.
const LIMIT_S = 300;
const world = useOutageWorld({ postEditTimeLimit: LIMIT_S });

const visible = () => world.boxes().filter((post) => post.delete_at === 0);

describe("a long turn on a server with an edit time limit, across a restart", () => {
  it("kill -9 while the edit-limited box waits to be replaced: the next start leaves one box, final, at the bottom", async () => {
    const first = world.start();
    first.runtime.ingest(world.event({ type: "run_start", runId: "r1" }));
    await world.settle(first);
    const stale = visible()[0]?.id;
    await world.wire.advance(LIMIT_S * 1_000 + 1_000);

    // The run ends: its final edit is refused for the limit, and then Mattermost goes away, so neither
    // the stale post's delete nor the fresh post lands before the process dies.
    const back = world.wire.clock.now() + 65_000;
    world.wire.fake.faults.serverError({
      status: 503,
      count: 1e9,
      match: (req) => req.method !== "PUT" && world.wire.clock.now() < back,
    });
    first.runtime.ingest(world.event({ type: "run_end", runId: "r1", outcome: "ok" }));
    await world.wire.advance(5_000);
    expect(visible().map((post) => [post.id === stale, stateOf(post)])).toEqual([[true, "running"]]);
    world.kill(first);
    await world.wire.advance(60_000);

    const second = world.start();
    await world.settle(second);
    expect(visible()).toHaveLength(1);
    expect(visible()[0]?.id).not.toBe(stale);
    expect(stateOf(visible()[0])).toBe("done");
    expect(second.ledger.listOutbox()).toEqual([]);
  });
});
