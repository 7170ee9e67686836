import { describe, expect, it } from "vitest";
import { runEditLatency } from "./edit-latency.ts";
import { runLongTurns } from "./long-turns.ts";
import { runManySessions } from "./many-sessions.ts";
import { runRedaction } from "./redaction.ts";
import { runSoak } from "./soak.ts";
import { runTurnWrites } from "./turn-writes.ts";

// Tiny runs so the benchmark scripts keep working; no timing is asserted, only counts.
describe("publisher benchmarks (smoke size)", () => {
  it("replays one tool-heavy turn at both speeds into one box that ends done", async () => {
    const runs = await runTurnWrites({ events: 40, seconds: 1 });
    expect(runs.map((r) => r.speed)).toEqual(["1", "max"]);
    for (const run of runs) {
      expect(run).toMatchObject({ exitCode: 0, creates: 1, finalState: "done", events: 40 });
      expect(run.writes).toBeLessThanOrEqual(4);
    }
  }, 30_000);

  it("shows every event in a stored post before the box ends", async () => {
    const result = await runEditLatency({ events: 12, minGapMs: 5, maxGapMs: 20 });
    expect(result.neverShown).toBe(0);
    expect(result.latencyMs.n).toBe(12);
    expect(result.writes).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it("ends every box of concurrent sessions final in the fake, with no lost finals", async () => {
    const result = await runManySessions({ sessions: 6, seconds: 2, ledger: "memory" });
    expect(result.lostFinals).toBe(0);
    expect(result.finalsNotLanded).toBe(0);
    expect(result.requests.creates).toBe(6);
    expect(result.requests.finalCreates + result.requests.finalEdits).toBe(6);
    expect(result.events).toBe(6 * (2 * 5 + 1));
    // The pipeline never sends more than the budget allows (burst + rate × window).
    expect(result.requests.max1s.sent).toBeLessThanOrEqual(result.requests.max1s.bound);
  }, 60_000);

  it("replays a short tool-heavy turn with every tool shown, in fewer writes than model steps plus two", async () => {
    const [run] = await runLongTurns(["tool-heavy-10s"]);
    expect(run?.replay.finalState).toBe("done");
    expect(run?.eventTime.toolsVisible).toBe(run?.tools);
    expect(run?.tools).toBe(12);
    expect(run?.replay.writes).toBeLessThanOrEqual(8);
  }, 60_000);

  it("soaks runs over more sessions than are kept in memory, forgetting finished boxes and slots", async () => {
    const result = await runSoak({ runs: 1_200, sessions: 1_100, every: 600 });
    expect(result.points.map((p) => [p.runs, p.slotsInMemory, p.boxesInMemory])).toEqual([
      [600, 600, 0],
      [1_200, 1_000, 0],
    ]);
    expect(result.posts).toMatchObject({ created: 1_200, edited: 1_200 });
    // Sessions 0..99 came back after being forgotten: each buried box was removed.
    expect(result.posts.deleted).toBe(100);
    expect(result.errors).toBe(0);
  }, 60_000);
});

describe("redaction benchmark (smoke size)", () => {
  it("generates mostly streamed text with tool calls and measures every round", () => {
    const result = runRedaction({ events: 600, rounds: 1 });
    expect(result.events).toBe(600);
    expect(result.mix.text ?? 0).toBeGreaterThan(result.events / 2);
    expect(result.mix.tool_start ?? 0).toBeGreaterThan(0);
    expect(result.redactionMsPer1000Events).toBeGreaterThan(0);
  });
});
