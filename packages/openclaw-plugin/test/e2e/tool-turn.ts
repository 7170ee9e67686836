/**
 * Measures of a tool-heavy turn (the `[many]` turn: 12 `exec` calls in 6 model steps) for the
 * comparison in docs/comparison.md: writes of each way of showing progress, when each tool call
 * became visible, and how long the final display took after the model's answer. Times are epoch ms
 * on one machine (the fakes and the gateway share its clock).
 */
import { LIVE_STATUS_POST_TYPE } from "@live-status/contract";
import type { TurnMeasure, VisibleWrite } from "./measure.ts";

/** One streamed model answer: when its last frame left, and the tool calls it made. */
export interface ModelAnswer {
  at: number;
  callIds: string[];
}

export interface ToolTurnMeasure {
  /** Writes of our box (delete of the previous box, create, edits) in the turn. */
  boxWrites: number;
  /** Writes of OpenClaw's own posts (its draft and its answer) in the turn. */
  openclawWrites: number;
  toolCalls: number;
  /** Calls that some write showed. */
  toolsVisible: number;
  /** Per call: ms from the tool's start to the first write showing it (absent: never shown). */
  toolLagMs: number[];
  /** ms from the model's final answer leaving the model to the final display. */
  finalLagMs: number | null;
}

/**
 * Reads a `[many]` turn. For the box, a call is visible in the first box write whose props list it,
 * from the tool's `startedAt` there. For OpenClaw's draft, whose text has one line per tool (`Exec`),
 * the k-th call of the turn is visible in the first draft write after the model asked for it that
 * shows at least k tool lines, from when the model's answer asking for it left. The final display
 * is the first box write in a final state (box variants) or the first post write carrying `answer`.
 */
export function measureToolTurn(
  m: TurnMeasure,
  userPostAt: number,
  answers: readonly ModelAnswer[],
  answer: string,
): ToolTurnMeasure {
  const inTurn = answers.filter((a) => a.at >= userPostAt);
  const calls = inTurn.flatMap((a) => a.callIds.map((callId) => ({ callId, askedAt: a.at })));
  const at = (w: VisibleWrite) => userPostAt + w.t;
  const box = m.writes.filter((w) => w.type === LIVE_STATUS_POST_TYPE);
  const own = m.writes.filter((w) => w.type !== LIVE_STATUS_POST_TYPE);
  const lags: number[] = [];
  if (box.length > 0) {
    for (const { callId } of calls) {
      const first = box.find((w) => w.tools?.some((t) => t.callId === callId));
      const tool = first?.tools?.find((t) => t.callId === callId);
      if (first && tool) lags.push(at(first) - tool.startedAt);
    }
  } else {
    calls.forEach(({ askedAt }, k) => {
      const first = own.find((w) => at(w) >= askedAt && toolLines(w.message) >= k + 1);
      if (first) lags.push(at(first) - askedAt);
    });
  }
  const lastAnswer = inTurn.at(-1)?.at;
  const finalWrite =
    box.length > 0
      ? box.find((w) => w.kind !== "delete" && / · (done|failed|aborted|interrupted)\b/.test(firstLine(w)))
      : own.find((w) => w.message.includes(answer));
  return {
    boxWrites: box.length,
    openclawWrites: own.length,
    toolCalls: calls.length,
    toolsVisible: lags.length,
    toolLagMs: lags,
    finalLagMs: finalWrite && lastAnswer !== undefined ? at(finalWrite) - lastAnswer : null,
  };
}

/** Tool lines of an OpenClaw draft: one per call, naming the tool (`🛠️ Exec …`). */
export function toolLines(message: string): number {
  return message.split("\n").filter((line) => /\bexec\b/i.test(line)).length;
}

function firstLine(w: VisibleWrite): string {
  return w.message.split("\n")[0] ?? "";
}
