import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { activate, slotIn, T0, testConfig } from "../../test/support/lifecycle.ts";
import type { SlotEvent } from "./lifecycle.ts";
import { PHASES, transition } from "./lifecycle.ts";
import type { EventCase } from "./lifecycle-table.ts";
import { EVENT_CASE_NAMES, renderTransitionTable, TRANSITION_TABLE } from "./lifecycle-table.ts";

const LATER = T0 + 1_000;
const STALE = T0 + testConfig.staleAfterMs + 1;

/** One concrete event (and the time it arrives) for each documented case; the slot's run is `r1`, box 1. */
const CASES: Record<EventCase, { event: SlotEvent; at: number }> = {
  activate_new: { event: activate("r2"), at: LATER },
  activate_same: { event: activate("r1"), at: LATER },
  content_current: { event: { type: "content", runId: "r1", event: text("working.") }, at: LATER },
  content_stale: { event: { type: "content", runId: "r0", event: text("late") }, at: LATER },
  transcript_changed: { event: { type: "transcript_changed" }, at: LATER },
  run_end_current: { event: { type: "run_end", runId: "r1", outcome: "ok" }, at: LATER },
  run_end_stale: { event: { type: "run_end", runId: "r0", outcome: "ok" }, at: LATER },
  final_landed_current: { event: { type: "final_landed", generation: 1 }, at: LATER },
  final_landed_stale: { event: { type: "final_landed", generation: 0 }, at: LATER },
  box_gone_current: { event: { type: "box_gone", generation: 1, reason: "forbidden" }, at: LATER },
  box_gone_stale: { event: { type: "box_gone", generation: 0, reason: "forbidden" }, at: LATER },
  interrupt: { event: { type: "interrupt", reason: "service stop" }, at: LATER },
  restore: { event: { type: "restore" }, at: LATER },
  tick_stale: { event: { type: "tick" }, at: STALE },
  tick_fresh: { event: { type: "tick" }, at: LATER },
};

function text(t: string) {
  return {
    v: 1 as const,
    ts: LATER,
    session: "agent:main:mattermost:channel:chan1",
    type: "text" as const,
    text: t,
  };
}

const pairs = PHASES.flatMap((phase) => EVENT_CASE_NAMES.map((name) => [phase, name] as const));

describe("lifecycle transition table", () => {
  it.each(pairs)("in %s, on %s, does what the table says", (phase, name) => {
    const expected = TRANSITION_TABLE[phase][name];
    const { event, at } = CASES[name];
    const result = transition(slotIn(phase), event, at, testConfig);
    expect(result.state.phase).toBe(expected.to);
    expect(result.effects.map((e) => e.kind)).toEqual(expected.effects);
  });

  it("covers every phase against every event case", () => {
    expect(pairs).toHaveLength(PHASES.length * EVENT_CASE_NAMES.length);
    for (const phase of PHASES)
      expect(Object.keys(TRANSITION_TABLE[phase]).sort()).toEqual([...EVENT_CASE_NAMES].sort());
  });

  it("is the table published in docs/design/lifecycle.md", () => {
    const doc = readFileSync(new URL("../../../../docs/design/lifecycle.md", import.meta.url), "utf8");
    expect(doc).toContain(renderTransitionTable());
  });

  it("names the signal that caused every phase change", () => {
    for (const [phase, name] of pairs) {
      const { event, at } = CASES[name];
      const result = transition(slotIn(phase), event, at, testConfig);
      if (result.state.phase !== phase) expect(result.transition?.reason).toMatch(/\w/);
    }
  });
});
