/**
 * Synthetic agent turns for the benchmarks: deterministic, tool-heavy, and with content that lets a
 * benchmark tell from a stored post which events it already shows (see `progressOf`).
 */
import type { LiveStatusV1 } from "@live-status/contract";
import type { LiveEvent } from "../../packages/openclaw-plugin/src/core/events.ts";

/** The OpenClaw session key of an agent talking in a Mattermost channel. */
export function channelSession(channelId: string): string {
  return `agent:main:mattermost:channel:${channelId}`;
}

/** Content kinds whose effect on a box can be counted from the post. */
export type ProgressKind = "tool_start" | "tool_end" | "text" | "usage";

/** Six content events per cycle, four of them tool events: a tool-heavy turn. */
const CYCLE: readonly ProgressKind[] = ["tool_start", "tool_end", "tool_start", "tool_end", "text", "usage"];

/** The k-th content event (k ≥ 0) of a turn, with its ordinal (1-based) among events of its kind. */
export function contentEvent(
  session: string,
  runId: string,
  k: number,
  ts: number,
): { event: LiveEvent; kind: ProgressKind; ordinal: number } {
  const kind = CYCLE[k % CYCLE.length] as ProgressKind;
  const cycle = Math.floor(k / CYCLE.length);
  const base = { v: 1 as const, ts, session, runId };
  switch (kind) {
    case "tool_start":
    case "tool_end": {
      const call = cycle * 2 + (k % CYCLE.length >= 2 ? 1 : 0);
      const callId = `${runId}-c${call}`;
      const event: LiveEvent =
        kind === "tool_start"
          ? {
              ...base,
              type: "tool_start",
              callId,
              name: call % 3 === 0 ? "read" : "exec",
              args:
                call % 3 === 0 ? { path: `src/module-${call}.ts` } : { command: `npm test -- part-${call}` },
            }
          : { ...base, type: "tool_end", callId, ok: call % 7 !== 6 };
      return { event, kind, ordinal: call + 1 };
    }
    case "text":
      // Trailing space: a streaming preview shows a word once it is complete.
      return { event: { ...base, type: "text", text: `step ${cycle + 1} ` }, kind, ordinal: cycle + 1 };
    case "usage":
      return { event: { ...base, type: "usage", input: 1_000, output: 1 }, kind, ordinal: cycle + 1 };
  }
}

/** How many events of each kind a box shows (tools end one at a time, so omitted tools have ended). */
export function progressOf(status: LiveStatusV1): Record<ProgressKind, number> {
  const ended = status.tools.filter((t) => t.state !== "running").length;
  const text = /^step (\d+)$/.exec(status.preview ?? "");
  return {
    tool_start: status.tools.length + status.toolsOmitted,
    tool_end: ended + status.toolsOmitted,
    text: text ? Number(text[1]) : 0,
    usage: status.tokens.output,
  };
}

export interface TurnOptions {
  session: string;
  runId: string;
  startMs: number;
  /** Events in the turn, run_start and run_end included (≥ 2). */
  events: number;
  /** Event time from run_start to run_end. */
  durationMs: number;
}

/** One turn: run_start, evenly spaced tool-heavy content, run_end `durationMs` later. */
export function toolHeavyTurn(o: TurnOptions): LiveEvent[] {
  const base = { v: 1 as const, session: o.session, runId: o.runId };
  const gap = o.durationMs / Math.max(1, o.events - 1);
  const out: LiveEvent[] = [
    { ...base, ts: o.startMs, type: "run_start", trigger: { kind: "user", postId: `${o.runId}-post` } },
  ];
  for (let k = 0; k < o.events - 2; k++) {
    out.push(contentEvent(o.session, o.runId, k, Math.round(o.startMs + (k + 1) * gap)).event);
  }
  out.push({ ...base, ts: o.startMs + o.durationMs, type: "run_end", outcome: "ok" });
  return out;
}

/** A small seeded PRNG (mulberry32), uniform in [0, 1): runs are repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
