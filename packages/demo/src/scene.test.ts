import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEventStream } from "../../openclaw-plugin/src/core/event-parse.ts";
import { resolveRoute, routeFromEvent } from "../../openclaw-plugin/src/core/routing.ts";
import { bindEvents } from "./bind.ts";
import { DEFAULT_SCENE } from "./demo.ts";
import { loadScene, parseScene, SceneError, sceneDurationMs } from "./scene.ts";

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

  it("keeps each turn's events as a valid normalized events v1 file", async () => {
    const scene = await loadScene(DEFAULT_SCENE);
    for (const turn of scene.turns) {
      const stream = parseEventStream(await readFile(join(SCENE_DIR, turn.eventsFile), "utf8"));
      expect(stream.problems).toEqual([]);
      expect(stream.events.map((e) => e.event.type)).toContain("run_start");
      expect(
        stream.events.at(-1)?.event.type === "run_end" || stream.events.at(-2)?.event.type === "run_end",
      ).toBe(true);
    }
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
      const route = events.find((e) => e.type === "route");
      const start = events.find((e) => e.type === "run_start");
      if (!start) throw new Error("no run_start");
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

  it("carries each declared secret in a tool call, so the redaction is put to the test", async () => {
    const scene = await loadScene(DEFAULT_SCENE);
    const args = JSON.stringify(scene.turns.flatMap((t) => t.events.filter((e) => e.type === "tool_start")));
    expect(scene.secrets.length).toBeGreaterThan(0);
    for (const secret of scene.secrets) expect(args).toContain(secret);
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
      /no events file "other\.jsonl"/,
    ],
  ])("refuses %s, naming where", (_, value, eventFiles, message) => {
    expect(() => parseScene(value, eventFiles)).toThrow(SceneError);
    expect(() => parseScene(value, eventFiles)).toThrow(message);
  });
});
