import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEventStream } from "../../openclaw-plugin/src/core/event-parse.ts";
import { resolveRoute, routeFromEvent } from "../../openclaw-plugin/src/core/routing.ts";
import { bindEvents } from "./bind.ts";
import { DEFAULT_SCENE } from "./demo.ts";
import { parseRecordingRefs } from "./recording.ts";
import { loadScene, parseScene, parseSceneScript, SceneError, sceneDurationMs } from "./scene.ts";

const SCENE_DIR = join(DEFAULT_SCENE, "..");

describe("the shipped scene", () => {
  it("is four turns: a channel question, a thread question, a follow-up in that thread, a DM", async () => {
    const scene = await loadScene(DEFAULT_SCENE);
    expect(scene.turns.map((t) => [t.post.from, t.post.in, t.post.thread ?? null])).toEqual([
      ["alice", "town", null],
      ["bob", "town", "release"],
      ["alice", "town", "release"],
      ["bob", "dm-bob", null],
    ]);
    // Realistic timing: the whole scene takes about a minute at recorded speed.
    expect(sceneDurationMs(scene)).toBeGreaterThan(40_000);
    expect(sceneDurationMs(scene)).toBeLessThan(90_000);
  });

  it("plays the session recorded on the real gateway: every turn is cut from it, from the run its message started", async () => {
    const scene = await loadScene(DEFAULT_SCENE);
    expect(scene.recording).toEqual({ events: "recording.jsonl", refs: "recording.refs.json" });
    const text = await readFile(join(SCENE_DIR, "recording.jsonl"), "utf8");
    const stream = parseEventStream(text);
    expect(stream.problems).toEqual([]);
    // Gateway run ids are UUIDs, unlike the hand-written `run-…` of a scene file.
    const runIds = new Set(stream.events.map((l) => l.event.runId).filter((r) => r !== undefined));
    for (const turn of scene.turns) {
      expect(turn.eventsFile).toBe("recording.jsonl");
      const start = turn.events.find((e) => e.type === "run_start");
      expect(start).toMatchObject({ trigger: { kind: "user", postId: `{{${turn.post.ref}}}` } });
      expect(start?.runId).toMatch(/^[0-9a-f-]{36}$/);
      expect(runIds.has(start?.runId ?? "")).toBe(true);
      expect(turn.events.find((e) => e.type === "run_end" && e.runId === start?.runId)).toMatchObject({
        outcome: "ok",
      });
    }
  });

  it("names in its refs file only the scene's people, channels, DMs and posts", async () => {
    const scene = await loadScene(DEFAULT_SCENE);
    const refs = parseRecordingRefs(await readFile(join(SCENE_DIR, "recording.refs.json"), "utf8"));
    const known = new Set<string>([
      scene.world.bot,
      ...scene.world.users,
      ...scene.world.channels.map((c) => c.ref),
      ...scene.world.dms.map((d) => d.ref),
      ...scene.world.history.flatMap((h) => (h.ref ? [h.ref] : [])),
      ...scene.turns.map((t) => t.post.ref),
    ]);
    for (const [ref, id] of refs) {
      expect(known.has(ref)).toBe(true);
      expect(id).toMatch(/^[a-z0-9]{26}$/);
    }
    // No recorded id is left in a turn: each one was named by its ref.
    for (const turn of scene.turns)
      for (const id of refs.values()) expect(JSON.stringify(turn.events)).not.toContain(id);
  });

  it("routes every turn's run to the conversation its message was written in", async () => {
    const scene = await loadScene(DEFAULT_SCENE);
    const ids = new Map<string, string>();
    for (const name of [scene.world.bot, ...scene.world.users]) ids.set(name, `user-${name}`);
    for (const c of [...scene.world.channels, ...scene.world.dms]) ids.set(c.ref, `channel-${c.ref}`);
    for (const h of scene.world.history) if (h.ref) ids.set(h.ref, `post-${h.ref}`);
    for (const turn of scene.turns) {
      ids.set(turn.post.ref, `post-${turn.post.ref}`);
      const events = bindEvents(turn.events, ids, { t0: 0, speed: 1, runTag: "t" });
      const start = events.find((e) => e.type === "run_start");
      if (!start) throw new Error("no run_start");
      const route = events.find((e) => e.type === "route" && e.session === start.session);
      const resolved = resolveRoute(start.session, route?.type === "route" ? routeFromEvent(route) : null);
      const dm = scene.world.dms.find((d) => d.ref === turn.post.in);
      const expected = dm
        ? { kind: "dm", userId: `user-${dm.with}` }
        : {
            kind: "channel",
            channelId: `channel-${turn.post.in}`,
            ...(turn.post.thread && { rootId: `post-${turn.post.thread}` }),
          };
      expect(resolved.conversation).toEqual(expected);
      expect(start.type === "run_start" && start.trigger?.postId).toBe(`post-${turn.post.ref}`);
    }
  });

  it("shows a sub-agent at work inside the first turn: its start, its own tool calls, its end", async () => {
    const [first] = (await loadScene(DEFAULT_SCENE)).turns;
    const spawned = first?.events.find((e) => e.type === "subagent_start");
    expect(spawned).toMatchObject({ label: "log digger" });
    const child = spawned?.type === "subagent_start" ? spawned.child : "";
    expect(child).toMatch(/^agent:main:subagent:/);
    const childTools = first?.events.filter((e) => e.session === child && e.type === "tool_start") ?? [];
    expect(childTools.length).toBeGreaterThan(0);
    expect(first?.events.some((e) => e.type === "subagent_end" && e.child === child)).toBe(true);
  });

  it("keeps the secrets the story typed out of the recording: the plugin redacted them where they stood", async () => {
    const scene = await loadScene(DEFAULT_SCENE);
    const text = await readFile(join(SCENE_DIR, "recording.jsonl"), "utf8");
    expect(scene.secrets.length).toBeGreaterThan(0);
    for (const secret of scene.secrets) expect(text).not.toContain(secret);
    const args = JSON.stringify(scene.turns.flatMap((t) => t.events.filter((e) => e.type === "tool_start")));
    expect(args).toContain("Authorization: Bearer [redacted]");
    expect(args).toContain("postgres://deploy:[redacted]@db.staging.acme.dev");
  });

  it("answers each turn with what the bot said in the recording: its run's last text", async () => {
    const scene = await loadScene(DEFAULT_SCENE);
    expect(scene.turns.map((t) => t.answer.message.split(/[.:]/)[0])).toEqual([
      "Found it",
      "Yes, with one change",
      "Draft rollout note (also in `docs/releases/2",
      "Three things today",
    ]);
    for (const turn of scene.turns) {
      const runId = turn.events.find((e) => e.type === "run_start")?.runId;
      const said = turn.events.findLast((e) => e.type === "text" && e.runId === runId);
      expect(said?.type === "text" && said.text).toBe(turn.answer.message);
    }
  });
});

describe("parseScene", () => {
  const world = {
    team: "T",
    bot: "bot",
    users: ["ann"],
    channels: [{ ref: "ch", name: "general", displayName: "General", members: ["ann"] }],
    dms: [{ ref: "dm", with: "ann" }],
    history: [{ ref: "root", in: "ch", from: "ann", minutesAgo: 5, message: "hi" }],
  };
  const start =
    '{"v":1,"ts":0,"session":"agent:main:mattermost:channel:{{ch}}","type":"run_start","runId":"r"}';
  const end =
    '{"v":1,"ts":10,"session":"agent:main:mattermost:channel:{{ch}}","type":"run_end","runId":"r","outcome":"ok"}';
  const turn = {
    title: "t",
    caption: "c",
    pauseMs: 0,
    startMs: 0,
    post: { ref: "ask", in: "ch", from: "ann", message: "@bot hi" },
    events: "t.jsonl",
    answer: { afterMs: 0, message: "hello" },
  };
  const scene = (over: Record<string, unknown> = {}) => ({ title: "S", world, turns: [turn], ...over });
  const files = (text = `${start}\n${end}\n`) => new Map([["t.jsonl", text]]);

  it("accepts a small, consistent scene", () => {
    const parsed = parseScene(scene(), files());
    expect(parsed.turns[0]?.events.map((e) => e.type)).toEqual(["run_start", "run_end"]);
  });

  it.each([
    [
      "an event line that is not a normalized event",
      scene(),
      files(`${start}\n{"v":1,"ts":5}\n`),
      /t\.jsonl:2: missing "session"/,
    ],
    [
      "a placeholder naming no ref",
      scene(),
      files(`${start.replace("{{ch}}", "{{nope}}")}\n${end}\n`),
      /t\.jsonl:1: unknown placeholder \{\{nope\}\}/,
    ],
    [
      "events going back in time",
      scene(),
      files(`${start.replace('"ts":0', '"ts":20')}\n${end}\n`),
      /never go back/,
    ],
    [
      "a reply in a thread that is not in that channel",
      scene({ turns: [{ ...turn, post: { ...turn.post, in: "dm", thread: "root" } }] }),
      files(),
      /is not an earlier post in "dm"/,
    ],
    [
      "a message by someone outside the conversation",
      scene({ turns: [{ ...turn, post: { ...turn.post, from: "zed" } }] }),
      files(),
      /"zed" is not a member/,
    ],
    [
      "a ref defined twice",
      scene({ turns: [{ ...turn, post: { ...turn.post, ref: "root" } }] }),
      files(),
      /ref "root" is already used/,
    ],
    [
      "a missing events file",
      scene({ turns: [{ ...turn, events: "other.jsonl" }] }),
      files(),
      /turns\[0\]\.events: no file "other\.jsonl"/,
    ],
  ])("refuses %s, naming where", (_, value, eventFiles, message) => {
    expect(() => parseScene(value, eventFiles)).toThrow(SceneError);
    expect(() => parseScene(value, eventFiles)).toThrow(message);
  });
});

describe("a scene with a recording", () => {
  const world = {
    team: "T",
    bot: "bot",
    users: ["ann"],
    channels: [{ ref: "ch", name: "general", displayName: "General", members: ["ann"] }],
    dms: [],
    history: [],
  };
  const CH = "c".repeat(26);
  const ASK = "a".repeat(26);
  const GHOST = "g".repeat(26);
  const S = `agent:main:mattermost:channel:${CH}`;
  const turn = {
    title: "t",
    caption: "c",
    pauseMs: 0,
    startMs: 0,
    post: { ref: "ask", in: "ch", from: "ann", message: "@bot hi" },
    answer: { afterMs: 0 },
  };
  const scene = (over: Record<string, unknown> = {}) => ({
    title: "S",
    recording: { events: "rec.jsonl", refs: "rec.refs.json" },
    world,
    turns: [turn],
    ...over,
  });
  const line = (e: Record<string, unknown>) => JSON.stringify({ v: 1, session: S, runId: "r", ...e });
  const recording = [
    line({ ts: 1000, type: "run_start", trigger: { kind: "user", postId: ASK } }),
    line({ ts: 1400, type: "text", text: "hello from the gateway" }),
    line({ ts: 1500, type: "run_end", outcome: "ok" }),
  ];
  const files = (lines = recording, refs: Record<string, string> = { ch: CH, ask: ASK }) =>
    new Map([
      ["rec.jsonl", `${lines.join("\n")}\n`],
      ["rec.refs.json", JSON.stringify(refs)],
    ]);

  it("takes a turn's events and answer from the recording when the turn names no events file", () => {
    const [parsed] = parseScene(scene(), files()).turns;
    expect(parsed?.eventsFile).toBe("rec.jsonl");
    expect(parsed?.events.map((e) => [e.ts, e.type, e.session])).toEqual([
      [0, "run_start", "agent:main:mattermost:channel:{{ch}}"],
      [400, "text", "agent:main:mattermost:channel:{{ch}}"],
      [500, "run_end", "agent:main:mattermost:channel:{{ch}}"],
    ]);
    expect(parsed?.answer).toEqual({ afterMs: 0, message: "hello from the gateway" });
  });

  it("lets an answer written in scene.json win over the recorded one", () => {
    const written = { ...turn, answer: { afterMs: 5, message: "written" } };
    expect(parseScene(scene({ turns: [written] }), files()).turns[0]?.answer).toEqual({
      afterMs: 5,
      message: "written",
    });
  });

  it("checks scene.json alone, before any recording exists, for the recorder", () => {
    const script = parseSceneScript(scene());
    expect(script.recording).toEqual({ events: "rec.jsonl", refs: "rec.refs.json" });
    expect(script.turns[0]).toMatchObject({ post: { ref: "ask" }, answer: { afterMs: 0 } });
    expect(script.turns[0]?.events).toBeUndefined();
  });

  it.each([
    [
      "a turn without events in a scene without a recording",
      scene({ recording: undefined }),
      files(),
      /turns\[0\]\.events: needs an events file/,
    ],
    [
      "a hand-written turn without its answer",
      scene({ turns: [{ ...turn, events: "t.jsonl" }] }),
      files(),
      /a turn with its own events file needs its answer written out/,
    ],
    [
      "a recording that is not a plain name beside scene.json",
      scene({ recording: { events: "../x.jsonl", refs: "rec.refs.json" } }),
      files(),
      /recording\.events: "\.\.\/x\.jsonl" must be a \.jsonl name/,
    ],
    [
      "a missing refs file",
      scene(),
      new Map([["rec.jsonl", recording.join("\n")]]),
      /no file "rec\.refs\.json"/,
    ],
    [
      "a recording without a run for the turn's message",
      scene(),
      files(recording, { ch: CH, ask: GHOST }),
      /rec\.jsonl: no run started by the message "ask"/,
    ],
    [
      "a recorded id named by a ref the scene does not know",
      scene(),
      files([...recording, line({ ts: 1600, type: "route", channelId: GHOST })], {
        ch: CH,
        ask: ASK,
        ghost: GHOST,
      }),
      /unknown placeholder \{\{ghost\}\}/,
    ],
    [
      "a recorded run that said nothing, with no answer written",
      scene(),
      files(recording.filter((l) => !l.includes('"text"'))),
      /turns\[0\]\.answer\.message: the recording has no answer/,
    ],
  ])("refuses %s, naming where", (_, value, eventFiles, message) => {
    expect(() => parseScene(value, eventFiles)).toThrow(SceneError);
    expect(() => parseScene(value, eventFiles)).toThrow(message);
  });
});
