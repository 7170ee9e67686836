import { describe, expect, it } from "vitest";
import type { TurnMeasure, VisibleWrite } from "./measure.ts";
import { measureToolTurn, toolLines } from "./tool-turn.ts";

const AT = 1_767_000_000_000;
const BOX = "custom_live_status";
const answers = [
  { at: AT + 1_000, callIds: ["call_1", "call_2"] },
  { at: AT + 3_000, callIds: ["call_3"] },
  { at: AT + 5_000, callIds: [] },
];
const STARTED: Record<string, number> = { call_1: AT + 1_050, call_2: AT + 1_060, call_3: AT + 3_050 };
const turn = (writes: VisibleWrite[]): TurnMeasure => ({
  firstStatusMs: writes[0]?.t ?? null,
  firstBoxMs: null,
  lastWriteMs: null,
  calls: {},
  boxCalls: {},
  writes,
  finalPosts: [],
});
const boxWrite = (t: number, message: string, callIds: string[]): VisibleWrite => ({
  t,
  kind: "edit",
  postId: "box",
  type: BOX,
  message,
  tools: callIds.map((callId) => ({ callId, startedAt: STARTED[callId] ?? 0 })),
});

describe("measures of a tool-heavy turn", () => {
  it("times each call of the box from its start to the first write listing it, and the final from the answer", () => {
    const m = measureToolTurn(
      turn([
        { t: 100, kind: "delete", postId: "old", type: BOX, message: "✅ **main** · done" },
        boxWrite(200, "⏳ **main** · running", []),
        boxWrite(2_550, "⏳ **main** · running · 2 tools", ["call_1", "call_2"]),
        boxWrite(5_300, "✅ **main** · done · 5s · 3 tools", ["call_1", "call_2", "call_3"]),
        { t: 5_400, kind: "create", postId: "answer", type: "", message: "Done." },
      ]),
      AT,
      answers,
      "Done.",
    );
    expect(m).toEqual({
      boxWrites: 4,
      openclawWrites: 1,
      toolCalls: 3,
      toolsVisible: 3,
      toolLagMs: [1_500, 1_490, 2_250],
      finalLagMs: 300,
    });
  });

  it("times OpenClaw's draft by its tool lines, from when the model asked, and leaves unshown calls out", () => {
    const draft = (t: number, message: string): VisibleWrite => ({
      t,
      kind: "edit",
      postId: "d",
      type: "",
      message,
    });
    const m = measureToolTurn(
      turn([draft(1_400, "Step 1\n\n🛠️ Exec\n🛠️ Exec"), draft(5_600, "Done.")]),
      AT,
      answers,
      "Done.",
    );
    expect(m).toMatchObject({
      boxWrites: 0,
      openclawWrites: 2,
      toolCalls: 3,
      toolsVisible: 2,
      finalLagMs: 600,
    });
    expect(m.toolLagMs).toEqual([400, 400]);
  });

  it("counts one tool line per exec call", () => {
    expect(toolLines("Step 3\n\n🛠️ Exec\n🛠️ Exec: running\n📖 Read")).toBe(2);
  });
});
