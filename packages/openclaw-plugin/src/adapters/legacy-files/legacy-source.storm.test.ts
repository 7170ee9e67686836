import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { finishedTurn, LegacyState, line } from "../../../test/fixtures/legacy/legacy-state.ts";
import { recordingLogger } from "../../../test/support/publisher-harness.ts";
import type { LiveEvent } from "../../core/events.ts";
import { ManualClock } from "../../runtime/clock.ts";
import type { LegacySourceOptions, SourceCounters } from "./legacy-source.ts";
import { LegacySource } from "./legacy-source.ts";

const CH = "agent:main:mattermost:channel:chan1";
let state: LegacyState;
let stop: AbortController;

beforeEach(async () => {
  state = await LegacyState.create();
  stop = new AbortController();
  const sessions: Record<string, { sessionId: string; to: string }> = {
    [CH]: { sessionId: "s1", to: "channel:chan1" },
  };
  for (let i = 0; i < 20; i++)
    sessions[`agent:main:mattermost:channel:other${i}`] = { sessionId: `o${i}`, to: `channel:other${i}` };
  await state.writeIndex(sessions);
  await state.append("s1", [line.header("s1"), ...finishedTurn("done already", "c0")]);
  for (let i = 0; i < 20; i++) await state.append(`o${i}`, [line.header(`o${i}`)]);
});

afterEach(async () => {
  stop.abort();
  await state.remove();
});

/** Waits (bounded) until the loop has finished `n` passes: the loop runs real file I/O. */
async function passesReach(source: LegacySource, n: number): Promise<void> {
  for (let i = 0; i < 10_000 && source.counters().passes < n; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(source.counters().passes).toBeGreaterThanOrEqual(n);
}

async function running(o: Partial<LegacySourceOptions>) {
  const events: LiveEvent[] = [];
  const clock = new ManualClock(Date.now());
  const source = new LegacySource({
    home: state.home,
    clock,
    log: recordingLogger(),
    emit: (e) => events.push(e),
    pollIntervalMs: 60_000,
    hintDelayMs: 100,
    ...o,
  });
  await source.start();
  const loop = source.run(stop.signal);
  return { source, clock, events, loop };
}

const delta = (a: SourceCounters, b: SourceCounters) => ({
  passes: b.passes - a.passes,
  stats: b.stats - a.stats,
  bytesRead: b.bytesRead - a.bytesRead,
  linesParsed: b.linesParsed - a.linesParsed,
  indexReads: b.indexReads - a.indexReads,
});

describe("legacy source under an fs.watch storm", () => {
  it("turns ten thousand duplicate, unknown and late events into one cheap look", async () => {
    let fire: (name: string | null) => void = () => {};
    const { source, clock, events } = await running({
      watch: (_dir, onChange) => {
        fire = onChange;
        return { close: () => {} };
      },
    });
    const before = source.counters();
    const names = [
      "s1.jsonl",
      "s1.jsonl.lock",
      "sessions.json",
      "sessions.json.123.tmp",
      "gone.jsonl.reset.2026",
      "notes.txt",
      null,
    ];
    for (let i = 0; i < 10_000; i++) fire(names[i % names.length] ?? null);
    await clock.advance(100);
    await passesReach(source, before.passes + 1);
    await clock.advance(1_000);

    const work = delta(before, source.counters());
    expect(source.counters().hints - before.hints).toBe(10_000);
    expect(work.passes).toBe(1);
    expect(work.bytesRead).toBe(0);
    expect(work.linesParsed).toBe(0);
    expect(work.indexReads).toBe(0);
    // One stat per followed transcript and lock (a null name means "anything") plus the index.
    expect(work.stats).toBeLessThanOrEqual(2 * 21 + 1);
    expect(events).toEqual([]);
  });

  it("spends no reads on thousands of real touches of a completed session", async () => {
    const { source, clock, events } = await running({});
    const before = source.counters();
    for (let i = 0; i < 2_000; i++) await state.touch("s1");
    for (let i = 0; i < 10_000 && source.counters().hints === before.hints; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let round = 1; round <= 5; round++) {
      await clock.advance(100);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await clock.advance(60_000); // and one full poll
    await passesReach(source, before.passes + 1);

    const work = delta(before, source.counters());
    expect(source.counters().hints - before.hints).toBeGreaterThan(0);
    expect(work.bytesRead).toBe(0);
    expect(work.linesParsed).toBe(0);
    expect(work.passes).toBeLessThanOrEqual(7);
    expect(work.stats).toBeLessThanOrEqual(work.passes * (2 * 21 + 1));
    expect(events).toEqual([]);
  });
});
