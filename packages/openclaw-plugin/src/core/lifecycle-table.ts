/**
 * The documented transition table: every phase against every kind of slot event. The table test
 * checks `transition()` against it row by row, and docs/design/lifecycle.md embeds its rendering,
 * so the code, the test and the docs cannot drift apart.
 */
import type { EffectKind } from "./effects.ts";
import type { Phase } from "./lifecycle.ts";
import { PHASES } from "./lifecycle.ts";

export const EVENT_CASES = {
  activate_new: "real activation for a new run (run start / new user message)",
  activate_same: "the start signal of the run the slot already shows",
  content_current: "thinking, text, tool, usage or sub-agent event of the slot's run",
  content_stale: "content of another (superseded or unknown) run",
  transcript_changed: "a transcript or file changed",
  run_end_current: "the slot's run ended (ok / error / aborted)",
  run_end_stale: "another run ended",
  final_landed_current: "the final write of the latest box landed",
  final_landed_stale: "the final write of an older box landed",
  box_gone_current: "the publisher gave up on the latest box (deleted twice, forbidden, edit limit)",
  box_gone_stale: "the publisher gave up on an older box",
  interrupt: "the process is stopping",
  restore: "the process restarted and restored the slot from the ledger",
  tick_stale: "watchdog tick after `staleAfterMs` without a signal",
  tick_fresh: "watchdog tick with recent signals",
} as const;

export type EventCase = keyof typeof EVENT_CASES;
export const EVENT_CASE_NAMES = Object.keys(EVENT_CASES) as EventCase[];

export interface TableRow {
  to: Phase;
  effects: EffectKind[];
}

const stay = (phase: Phase): TableRow => ({ to: phase, effects: [] });
const go = (to: Phase, ...effects: EffectKind[]): TableRow => ({ to, effects });

function quiet(phase: Phase, rows: Partial<Record<EventCase, TableRow>>): Record<EventCase, TableRow> {
  const all = {} as Record<EventCase, TableRow>;
  for (const name of EVENT_CASE_NAMES) all[name] = rows[name] ?? stay(phase);
  return all;
}

export const TRANSITION_TABLE: Record<Phase, Record<EventCase, TableRow>> = {
  inactive: quiet("inactive", {
    activate_new: go("active", "create_box"),
    activate_same: go("active", "create_box"),
  }),
  active: quiet("active", {
    activate_new: go("active", "remove_box", "create_box"),
    content_current: go("active", "update_box"),
    run_end_current: go("completing", "finalize_box"),
    box_gone_current: go("detached"),
    interrupt: go("completing", "finalize_box"),
    restore: go("completing", "finalize_box"),
    tick_stale: go("presumed_lost", "finalize_box"),
  }),
  completing: quiet("completing", {
    activate_new: go("active", "remove_box", "create_box"),
    final_landed_current: go("completed_guarded"),
    box_gone_current: go("completed_guarded"),
    restore: go("completing", "finalize_box"),
  }),
  completed_guarded: quiet("completed_guarded", {
    activate_new: go("active", "remove_box", "create_box"),
  }),
  detached: quiet("detached", {
    activate_new: go("active", "create_box"),
    run_end_current: go("completed_guarded"),
    interrupt: go("completed_guarded"),
    restore: go("completed_guarded"),
    tick_stale: go("completed_guarded"),
  }),
  presumed_lost: quiet("presumed_lost", {
    activate_new: go("active", "remove_box", "create_box"),
    run_end_current: go("completing", "finalize_box"),
    box_gone_current: go("completed_guarded"),
    interrupt: go("completed_guarded"),
    restore: go("completed_guarded"),
  }),
};

/** The table as markdown: one row per event case, one column per phase. */
export function renderTransitionTable(): string {
  const header = `| event | ${PHASES.map((p) => `\`${p}\``).join(" | ")} |`;
  const rule = `|---|${PHASES.map(() => "---").join("|")}|`;
  const rows = EVENT_CASE_NAMES.map((name) => {
    const cells = PHASES.map((phase) => {
      const row = TRANSITION_TABLE[phase][name];
      const target = row.to === phase ? "·" : `→ \`${row.to}\``;
      return row.effects.length ? `${target} ${row.effects.join(", ")}` : target;
    });
    return `| \`${name}\` | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}
