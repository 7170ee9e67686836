import { describe, expect, it } from "vitest";
import { runEditLatency } from "./edit-latency.ts";
import { runManySessions } from "./many-sessions.ts";
import { runOutageRecovery } from "./outage-recovery.ts";
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

  it("lands every owed final once Mattermost is back after an outage, one post per run", async () => {
    const result = await runOutageRecovery({ sessions: 3, outageSeconds: 0.5 });
    expect(result).toMatchObject({ notFinal: 0, extraPosts: 0 });
    expect(result.recoveryToFinalMs.n).toBe(3);
  }, 60_000);
});
