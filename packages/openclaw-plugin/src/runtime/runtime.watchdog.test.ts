import type { LiveStatusV1 } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import { stateOf, useOutageWorld } from "../../test/support/outage-world.ts";
import { DEFAULT_CORE_CONFIG } from "./defaults.ts";

const world = useOutageWorld();

const visible = () => world.boxes().filter((post) => post.delete_at === 0);
const props = () => visible()[0]?.props.live_status as LiveStatusV1 | undefined;

describe("the watchdog's interrupted is provisional", () => {
  it("a run that went silent past the watchdog and then ends gets its real final state on the same post", async () => {
    const p = world.start();
    p.runtime.ingest(world.event({ type: "run_start", runId: "r1" }));
    p.runtime.ingest(world.event({ type: "text", runId: "r1", text: "Thinking hard." }));
    await world.settle(p);
    const postId = visible()[0]?.id;

    await world.wire.advance(DEFAULT_CORE_CONFIG.staleAfterMs + 1_000);
    p.runtime.tick();
    await world.settle(p);
    expect(stateOf(visible()[0])).toBe("interrupted");

    // The run was alive after all: its tool and end arrive late, and change nothing visible until the end.
    p.runtime.ingest(
      world.event({ type: "tool_start", runId: "r1", callId: "c1", name: "exec", args: { command: "make" } }),
    );
    p.runtime.ingest(world.event({ type: "tool_end", runId: "r1", callId: "c1", ok: true }));
    await world.settle(p);
    expect(stateOf(visible()[0])).toBe("interrupted");

    p.runtime.ingest(world.event({ type: "run_end", runId: "r1", outcome: "ok" }));
    await world.settle(p);
    expect(visible()).toHaveLength(1);
    expect(visible()[0]?.id).toBe(postId);
    expect(props()?.state).toBe("done");
    expect(props()?.tools.map((t) => [t.name, t.state])).toEqual([["exec", "ok"]]);
    expect(p.ledger.listOutbox()).toEqual([]);
  });

  it("a new run after a presumed-lost one gets a fresh box and the old one leaves, still interrupted", async () => {
    const p = world.start();
    p.runtime.ingest(world.event({ type: "run_start", runId: "r1" }));
    await world.settle(p);
    await world.wire.advance(DEFAULT_CORE_CONFIG.staleAfterMs + 1_000);
    p.runtime.tick();
    await world.settle(p);
    p.runtime.ingest(world.event({ type: "run_start", runId: "r2" }));
    p.runtime.ingest(world.event({ type: "run_end", runId: "r1", outcome: "ok" }));
    await world.settle(p);
    expect(visible()).toHaveLength(1);
    expect(stateOf(visible()[0])).toBe("running");
    expect(world.boxes()[0]?.delete_at).toBeGreaterThan(0);
  });

  it("after a restart, a presumed-lost box stays interrupted and the next run still replaces it", async () => {
    const first = world.start();
    first.runtime.ingest(world.event({ type: "run_start", runId: "r1" }));
    await world.settle(first);
    await world.wire.advance(DEFAULT_CORE_CONFIG.staleAfterMs + 1_000);
    first.runtime.tick();
    await world.settle(first);
    world.kill(first);

    const second = world.start();
    await world.settle(second);
    expect(visible().map((post) => stateOf(post))).toEqual(["interrupted"]);
    expect(second.log.lines.filter((l) => l.level === "error")).toEqual([]);
    second.runtime.ingest(world.event({ type: "run_start", runId: "r2" }));
    await world.settle(second);
    expect(visible().map((post) => stateOf(post))).toEqual(["running"]);
    expect(world.boxes()).toHaveLength(2);
  });
});
