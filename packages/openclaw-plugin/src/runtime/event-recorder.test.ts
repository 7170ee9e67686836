import { describe, expect, it } from "vitest";
import { parseEventStream } from "../core/event-parse.ts";
import type { LiveEvent } from "../core/events.ts";
import type { Logger } from "../ports/logger.ts";
import { EventRecorder, type LineSink, recordable } from "./event-recorder.ts";

const T = 1_790_000_000_000;
const S = "agent:main:mattermost:channel:chanA";
const ev = (body: Record<string, unknown>) =>
  ({ v: 1, ts: T, session: S, runId: "r1", ...body }) as LiveEvent;
const SECRET = "sk-abcdefghijklmnopqrstuvwxyz123456";

function memorySink(): LineSink & { text: () => string; closed: boolean } {
  const chunks: string[] = [];
  return {
    closed: false,
    write(text) {
      chunks.push(text);
      return 0;
    },
    async close() {
      this.closed = true;
    },
    text: () => chunks.join(""),
  };
}

function logs(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

const options = { redact: [/ticket-\d+/], showToolArgs: true };

describe("recordable", () => {
  it("drops thinking text", () => {
    expect(recordable(ev({ type: "thinking", text: "my plan" }), options)).not.toHaveProperty("text");
  });

  it("masks secrets in tool arguments, texts and errors, with the extra patterns too", () => {
    const events = [
      ev({
        type: "tool_start",
        callId: "c",
        name: "exec",
        args: { command: `curl -H "Authorization: Bearer ${SECRET}"`, apiKey: "k1234567" },
      }),
      ev({ type: "text", text: `the key is ${SECRET}, see ticket-42` }),
      ev({ type: "tool_end", callId: "c", ok: false, error: `denied for token=${SECRET}` }),
      ev({ type: "run_end", outcome: "error", error: `failed: ${SECRET}` }),
    ].map((e) => JSON.stringify(recordable(e, options)));
    for (const line of events) expect(line).not.toContain(SECRET);
    expect(events.join("\n")).not.toContain("ticket-42");
    expect(events.join("\n")).not.toContain("k1234567");
    expect(events[0]).toContain("curl");
  });

  it("records no tool arguments when the box shows none", () => {
    const e = ev({ type: "tool_start", callId: "c", name: "read", args: { path: "a" } });
    expect(recordable(e, { ...options, showToolArgs: false })).not.toHaveProperty("args");
  });

  it("leaves other events as they are", () => {
    const e = ev({ type: "run_start", trigger: { kind: "user", postId: "p1" } });
    expect(recordable(e, options)).toBe(e);
  });
});

describe("EventRecorder", () => {
  it("writes one line per event that the replay parser reads back without problems", async () => {
    const sink = memorySink();
    const recorder = new EventRecorder({ sink, log: logs(), ...options });
    recorder.record(ev({ type: "run_start", trigger: { kind: "user" } }));
    recorder.record(ev({ type: "thinking", text: "hmm" }));
    recorder.record(ev({ type: "run_end", outcome: "ok" }));
    await recorder.close();
    const parsed = parseEventStream(sink.text());
    expect(parsed.problems).toEqual([]);
    expect(parsed.events.map((e) => e.event.type)).toEqual(["run_start", "thinking", "run_end"]);
    expect(sink.closed).toBe(true);
  });

  it("drops and counts events while the sink is too far behind, logging once", () => {
    const log = logs();
    let queued = 0;
    const sink: LineSink = {
      write: (text) => {
        queued += text.length;
        return queued;
      },
      close: async () => {},
    };
    const recorder = new EventRecorder({ sink, log, ...options, maxQueuedBytes: 100 });
    for (let i = 0; i < 10; i++) recorder.record(ev({ type: "text", text: "x".repeat(50) }));
    expect(recorder.dropped).toBeGreaterThan(0);
    expect(log.lines.filter((l) => l.includes("falls behind"))).toHaveLength(1);
  });

  it("ignores events after close", async () => {
    const sink = memorySink();
    const recorder = new EventRecorder({ sink, log: logs(), ...options });
    await recorder.close();
    recorder.record(ev({ type: "run_end", outcome: "ok" }));
    expect(sink.text()).toBe("");
  });
});
