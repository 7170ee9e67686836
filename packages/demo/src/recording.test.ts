import { describe, expect, it } from "vitest";
import type { LiveEvent } from "../../openclaw-plugin/src/core/events.ts";
import { parseRecordingRefs, RecordingError, sliceRecording } from "./recording.ts";

const TOWN = "c".repeat(26);
const ASK1 = "p".repeat(26);
const ASK2 = "q".repeat(26);
const S = `agent:main:mattermost:channel:${TOWN}`;
const CHILD = "agent:main:subagent:0b1c";
const refs = new Map([
  ["town", TOWN],
  ["ask-1", ASK1],
  ["ask-2", ASK2],
]);

// A recording as the plugin writes it: epoch times, real ids, two turns and a sub-agent in the first.
const recording: LiveEvent[] = [
  {
    v: 1,
    ts: 900,
    session: "agent:main:main",
    type: "run_start",
    runId: "hb",
    trigger: { kind: "heartbeat" },
  },
  { v: 1, ts: 1000, session: S, type: "route", runId: "r1", channelId: TOWN },
  { v: 1, ts: 1000, session: S, type: "run_start", runId: "r1", trigger: { kind: "user", postId: ASK1 } },
  { v: 1, ts: 1500, session: S, type: "subagent_start", runId: "r1", child: CHILD, label: "helper" },
  { v: 1, ts: 1600, session: CHILD, type: "run_start", runId: "k1", trigger: { kind: "subagent" } },
  { v: 1, ts: 1700, session: CHILD, type: "text", runId: "k1", text: "child says" },
  { v: 1, ts: 1800, session: CHILD, type: "run_end", runId: "k1", outcome: "ok" },
  { v: 1, ts: 2000, session: S, type: "text", runId: "r1", text: "Found" },
  { v: 1, ts: 1990, session: S, type: "text", runId: "r1", text: "Found it." },
  { v: 1, ts: 2100, session: S, type: "run_end", runId: "r1", outcome: "ok" },
  { v: 1, ts: 5000, session: S, type: "run_start", runId: "r2", trigger: { kind: "user", postId: ASK2 } },
  { v: 1, ts: 6000, session: S, type: "run_end", runId: "r2", outcome: "ok" },
];

describe("sliceRecording", () => {
  const [first, second] = sliceRecording(recording, refs, ["ask-1", "ask-2"]);

  it("gives each turn everything from its run's first event to the next turn's, sub-agent runs included", () => {
    expect(first?.events.map((e) => `${e.type}:${e.runId}`)).toEqual([
      "route:r1",
      "run_start:r1",
      "subagent_start:r1",
      "run_start:k1",
      "text:k1",
      "run_end:k1",
      "text:r1",
      "text:r1",
      "run_end:r1",
    ]);
    expect(second?.events.map((e) => e.type)).toEqual(["run_start", "run_end"]);
    expect([first?.runId, second?.runId]).toEqual(["r1", "r2"]);
  });

  it("leaves out what happened before the first turn", () => {
    expect(first?.events.some((e) => e.runId === "hb")).toBe(false);
  });

  it("names the recorded ids as refs, so the turn binds to the demo's own world", () => {
    expect(first?.events[0]).toMatchObject({
      session: "agent:main:mattermost:channel:{{town}}",
      channelId: "{{town}}",
    });
    expect(first?.events[1]).toMatchObject({ trigger: { kind: "user", postId: "{{ask-1}}" } });
    expect(JSON.stringify([first, second])).not.toMatch(/[cpq]{26}/);
  });

  it("makes times relative to the turn's start and never lets them go back", () => {
    expect(first?.events.map((e) => e.ts)).toEqual([0, 0, 500, 600, 700, 800, 1000, 1000, 1100]);
    expect(second?.events.map((e) => e.ts)).toEqual([0, 1000]);
  });

  it("takes the run's last assistant text as the answer, not a sub-agent's", () => {
    expect(first?.answer).toBe("Found it.");
    expect(second?.answer).toBeUndefined();
  });

  it.each([
    ["a message the refs do not name", ["ask-1", "ask-3"], /no id for the message "ask-3"/],
    [
      "a message that started no run",
      ["town"],
      new RegExp(`no run started by the message "town" \\(${TOWN}\\)`),
    ],
    ["turns out of the recording's order", ["ask-2", "ask-1"], /"ask-1" comes before the one of "ask-2"/],
  ])("refuses %s", (_, posts, message) => {
    expect(() => sliceRecording(recording, refs, posts)).toThrow(RecordingError);
    expect(() => sliceRecording(recording, refs, posts)).toThrow(message);
  });
});

describe("parseRecordingRefs", () => {
  it("reads ref → id pairs", () => {
    expect(parseRecordingRefs(`{"town":"${TOWN}","alice":"abcdefgh12"}`)).toEqual(
      new Map([
        ["town", TOWN],
        ["alice", "abcdefgh12"],
      ]),
    );
  });

  it.each([
    ["text that is not JSON", "{", /JSON/],
    ["a list", "[]", /must be an object/],
    ["an id that is not one", '{"town":"a b"}', /"town" must name an id/],
    ["two refs with one id", `{"a":"${TOWN}","b":"${TOWN}"}`, /"b" has the id of another ref/],
  ])("refuses %s", (_, text, message) => {
    expect(() => parseRecordingRefs(text)).toThrow(message);
  });
});
