import { stat, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LegacyState } from "../../../test/fixtures/legacy/legacy-state.ts";
import { finishedTurn, line, LegacyState as State } from "../../../test/fixtures/legacy/legacy-state.ts";
import { recordingLogger } from "../../../test/support/publisher-harness.ts";
import type { LiveEvent } from "../../core/events.ts";
import { ManualClock } from "../../runtime/clock.ts";
import type { LegacySourceOptions } from "./legacy-source.ts";
import { LegacySource } from "./legacy-source.ts";

const CH = "agent:main:mattermost:channel:chan1";
const MAIN = "agent:main:main";
let state: LegacyState;

beforeEach(async () => {
  state = await State.create();
});

afterEach(async () => {
  await state.remove();
});

async function startSource(o: Partial<LegacySourceOptions> = {}) {
  const events: LiveEvent[] = [];
  const log = recordingLogger();
  const clock = new ManualClock(Date.now());
  const source = new LegacySource({
    home: state.home,
    clock,
    log,
    emit: (e) => events.push(e),
    watch: false,
    mainSessionLastRoute: true,
    ...o,
  });
  await source.start();
  /** Events since the last call. */
  const take = () => events.splice(0);
  const types = () => take().map((e) => e.type);
  const pass = async (advanceMs = 100) => {
    await clock.advance(advanceMs);
    await source.pass();
  };
  return { source, log, clock, take, types, pass };
}

async function channelSession(history = true) {
  await state.writeIndex({ [CH]: { sessionId: "s1", to: "channel:chan1" } });
  await state.append("s1", [
    line.header("s1", Date.now() - 60_000),
    ...(history ? finishedTurn("old question", "c0", Date.now() - 50_000) : []),
  ]);
}

describe("legacy source: positions and turns", () => {
  it("starts at the end of history: past turns of idle sessions emit nothing", async () => {
    await channelSession();
    const { types, pass, source } = await startSource();
    await pass();
    expect(types()).toEqual([]);
    expect(source.sessions()).toMatchObject([{ key: CH, live: false }]);
  });

  it("starts one run on a new user message, route first, and ends it on the terminal line", async () => {
    await channelSession();
    const { take, pass } = await startSource();
    await state.append("s1", finishedTurn("is it green?", "c1"));
    await pass();
    const events = take();
    expect(events.map((e) => e.type)).toEqual([
      "route",
      "run_start",
      "thinking",
      "tool_start",
      "usage",
      "tool_end",
      "text",
      "usage",
      "run_end",
    ]);
    expect(events[0]).toMatchObject({ session: CH, channelId: "chan1" });
    expect(events[1]).toMatchObject({ trigger: { kind: "user" } });
    expect(events.at(-1)).toMatchObject({ outcome: "ok" });
  });

  it("resumes the current turn of a session that is busy at start", async () => {
    await channelSession();
    const lockedAt = Date.now();
    await state.lock("s1", { createdAt: lockedAt });
    await state.append("s1", [
      line.user("still working?", lockedAt + 5),
      line.assistant({ tools: [{ id: "c9", name: "exec" }] }, lockedAt + 6),
    ]);
    const { types } = await startSource();
    expect(types()).toEqual(["route", "run_start", "tool_start", "usage"]);
  });

  it("starts a run when a lock newly appears and stands on a channel session, never on the shared main session", async () => {
    await state.writeIndex({
      [CH]: { sessionId: "s1", to: "channel:chan1" },
      [MAIN]: { sessionId: "m1", to: "user:alice" },
    });
    await state.append("s1", [line.header("s1")]);
    await state.append("m1", [line.header("m1")]);
    const { types, pass, clock } = await startSource();
    await clock.advance(10_000);
    await state.lock("s1", { createdAt: clock.now() });
    await state.lock("m1", { createdAt: clock.now() });
    await pass();
    expect(types()).toEqual([]);
    await pass(2_000);
    expect(types()).toEqual(["route", "run_start"]);
    await pass(60_000);
    expect(types()).toEqual([]);
  });

  it("marks a heartbeat prompt as a heartbeat run", async () => {
    await state.writeIndex({ [MAIN]: { sessionId: "m1", to: "user:alice" } });
    await state.append("m1", [line.header("m1")]);
    const { take, pass } = await startSource();
    await state.append("m1", [
      line.user("Read HEARTBEAT.md if it exists. If nothing needs attention, reply HEARTBEAT_OK."),
    ]);
    await pass();
    expect(take()).toMatchObject([
      { type: "route", dmUserId: "alice" },
      { type: "run_start", trigger: { kind: "heartbeat" } },
    ]);
  });
});

describe("legacy source: damaged input", () => {
  it("skips a corrupt line with a warning that does not quote it, and keeps the lines around it", async () => {
    await channelSession();
    const { types, pass, log } = await startSource();
    await state.append("s1", [
      line.user("hi"),
      '{"type":"message","message":{"role":"assistant","token":"sk-live-SECRET',
      line.assistant({ text: "hello" }),
    ]);
    await pass();
    expect(types()).toEqual(["route", "run_start", "transcript_changed", "text", "usage", "run_end"]);
    const warning = log.lines.find((l) => l.msg.startsWith("unreadable transcript lines"));
    expect(warning?.fields).toMatchObject({
      session: CH,
      file: "s1.jsonl",
      lines: 1,
      reason: expect.stringMatching(/^invalid JSON/),
    });
    expect(JSON.stringify(log.lines)).not.toContain("SECRET");
  });

  it("reads a line caught mid-write once, when its newline lands", async () => {
    await channelSession();
    const { types, pass } = await startSource();
    const text = JSON.stringify(line.user("split in two"));
    await state.appendRaw("s1", text.slice(0, 30));
    await pass();
    expect(types()).toEqual([]);
    await state.appendRaw("s1", `${text.slice(30)}\n`);
    await pass();
    expect(types()).toEqual(["route", "run_start"]);
    await pass();
    expect(types()).toEqual([]);
  });

  it("reads a 5 MB tool result once, reading about as many bytes as were appended", async () => {
    await channelSession();
    const { types, pass, source } = await startSource();
    await state.append("s1", [
      line.user("dump it"),
      line.assistant({ tools: [{ id: "big", name: "read" }] }),
    ]);
    await pass();
    types();
    const before = source.counters().bytesRead;
    const size = (await stat(state.transcript("s1"))).size;
    await state.append("s1", [line.toolResult("big", { text: "x".repeat(5 * 1024 * 1024) })]);
    const appended = (await stat(state.transcript("s1"))).size - size;
    await pass();
    expect(types()).toEqual(["tool_end"]);
    expect(source.counters().bytesRead - before).toBe(appended + 1);
  });

  it("skips a garbled sessions.json with context, keeps the last good index, and takes the next good one", async () => {
    await channelSession();
    const { types, pass, log } = await startSource();
    const garbled = '{"agent:main:main": {"sessionId": "m1", ';
    await state.writeIndexRaw(garbled);
    await pass();
    const warning = log.lines.find((l) => l.msg.startsWith("sessions.json is unreadable"));
    expect(warning?.fields).toMatchObject({
      path: expect.stringMatching(/sessions\.json$/),
      reason: expect.stringMatching(/^invalid JSON/),
      bytes: Buffer.byteLength(garbled),
      keptSessions: 1,
    });
    await state.append("s1", [line.user("still followed?")]);
    await pass();
    expect(types()).toEqual(["route", "run_start"]);
    await pass();
    expect(log.lines.filter((l) => l.msg.startsWith("sessions.json is unreadable"))).toHaveLength(1);

    await state.writeIndex({
      [CH]: { sessionId: "s1", to: "channel:chan1" },
      [MAIN]: { sessionId: "m1", to: "user:bob" },
    });
    await state.append("m1", [line.header("m1"), line.user("hello from bob")]);
    await pass();
    expect(types()).toEqual(["transcript_changed", "route", "run_start"]);
  });

  it("gives the shared main session no route unless its last route is trusted", async () => {
    await state.writeIndex({ [MAIN]: { sessionId: "m1", to: "user:alice" } });
    await state.append("m1", [line.header("m1")]);
    const { take, pass } = await startSource({ mainSessionLastRoute: false });
    await state.append("m1", finishedTurn("from alice", "a1"));
    await pass();
    const events = take();
    expect(events.map((e) => e.type)).toContain("run_start");
    expect(events.filter((e) => e.type === "route")).toEqual([]);
  });

  it("routes each run of the shared main session by the route stored when its message came", async () => {
    await state.writeIndex({ [MAIN]: { sessionId: "m1", to: "user:alice" } });
    await state.append("m1", [line.header("m1")]);
    const { take, pass } = await startSource();
    await state.append("m1", finishedTurn("from alice", "a1"));
    await pass();
    expect(take()[0]).toMatchObject({ type: "route", dmUserId: "alice" });
    await state.writeIndex({ [MAIN]: { sessionId: "m1", to: "user:bob" } });
    await state.append("m1", [line.user("from bob")]);
    await pass();
    expect(take()[0]).toMatchObject({ type: "route", dmUserId: "bob" });
  });

  it("reports a transcript that disappears; when it comes back only lines newer than what it had count", async () => {
    await channelSession();
    const { types, pass, log } = await startSource();
    await state.append("s1", [line.user("first")]);
    await pass();
    expect(types()).toEqual(["route", "run_start"]);
    const old = Date.now() - 30_000;
    await state.remove();
    await state.writeIndex({ [CH]: { sessionId: "s1", to: "channel:chan1" } });
    await pass();
    expect(log.lines.some((l) => l.msg === "transcript is gone")).toBe(true);
    await state.append("s1", [
      line.header("s1", old),
      line.user("an old message", old),
      line.assistant({ text: "new answer" }, Date.now() + 1_000),
    ]);
    await pass();
    expect(types()).toEqual(["text", "usage", "run_end"]);
  });

  it("never starts a run from a stale lock, and ends a live turn whose writer died", async () => {
    await channelSession();
    const { types, pass, clock } = await startSource({ pidProbe: () => "dead" });
    await clock.advance(10_000);
    await state.lock("s1", { createdAt: clock.now() - 31 * 60_000 });
    await pass();
    await pass(5_000);
    expect(types()).toEqual([]);

    await state.unlock("s1");
    await pass();
    await state.lock("s1", { createdAt: clock.now(), pid: 999_999 });
    await state.append("s1", [
      line.user("run please"),
      line.assistant({ tools: [{ id: "c1", name: "exec" }] }),
    ]);
    await pass();
    expect(types()).toEqual(["route", "run_start", "tool_start", "usage"]);
    await pass(60_000);
    expect(types()).toEqual([]);
    await pass(2 * 60_000);
    const end = types();
    expect(end).toEqual(["run_end"]);
  });
});

describe("legacy source: files that move", () => {
  it("follows /new to the new transcript: its turn starts once and the archive is not a session", async () => {
    await channelSession();
    const { types, pass } = await startSource();
    await state.archive("s1");
    await state.writeIndex({ [CH]: { sessionId: "s2", to: "channel:chan1" } });
    await state.append("s2", [line.header("s2"), line.user("A new session was started via /new.")]);
    await pass();
    expect(types()).toEqual(["transcript_changed", "route", "run_start"]);
    await pass();
    expect(types()).toEqual([]);
  });

  it("does not read history again after a heartbeat prune truncates the transcript", async () => {
    await channelSession();
    const { types, pass } = await startSource();
    const size = (await stat(state.transcript("s1"))).size;
    await state.append("s1", [
      line.user("Read HEARTBEAT.md. Reply HEARTBEAT_OK."),
      line.assistant({ text: "HEARTBEAT_OK" }),
    ]);
    await pass();
    expect(types()).toEqual(["route", "run_start", "text", "usage", "run_end"]);
    await state.truncateTo("s1", size);
    await pass();
    expect(types()).toEqual([]);
    await state.append("s1", [line.user("real question")]);
    await pass();
    expect(types()).toEqual(["route", "run_start"]);
  });

  it("takes only the new turn from a transcript replaced by rename with its history", async () => {
    await channelSession();
    const { types, pass } = await startSource();
    const { readFile } = await import("node:fs/promises");
    const history = await readFile(state.transcript("s1"), "utf8");
    const tmp = `${state.transcript("s1")}.repair.tmp`;
    await writeFile(tmp, `${history}${JSON.stringify(line.user("after the repair", Date.now() + 1_000))}\n`);
    const { rename } = await import("node:fs/promises");
    await rename(tmp, state.transcript("s1"));
    await pass();
    expect(types()).toEqual(["route", "run_start"]);
  });
});
