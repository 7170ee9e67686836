/**
 * A scene is the demo's script, kept as data (`scenes/<name>/scene.json`): a small team world
 * (people, channels, DMs, earlier messages) and a list of turns. A turn is a person's message, the
 * agent session it caused as a file of normalized events v1 (docs/events.md, one `.jsonl` per
 * turn, times relative to the turn's start) and the bot's answer. Ids are written as `{{ref}}`
 * placeholders and bound when played.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseEventStream } from "../../openclaw-plugin/src/core/event-parse.ts";
import type { LiveEvent } from "../../openclaw-plugin/src/core/events.ts";
import { placeholdersIn } from "./placeholders.ts";

export interface SceneChannel {
  ref: string;
  /** Channel handle, e.g. `town-square`. */
  name: string;
  displayName: string;
  purpose: string;
  /** Usernames; the bot is always a member. */
  members: string[];
}

/** A direct message channel between the bot and one person. */
export interface SceneDm {
  ref: string;
  with: string;
}

/** A message by a person (or the bot) in a channel or DM, optionally a reply in a thread. */
export interface ScenePost {
  ref?: string;
  /** Channel or DM ref. */
  in: string;
  /** Ref of the thread's root post. */
  thread?: string;
  /** Username (the bot's name for the bot). */
  from: string;
  message: string;
}

export interface HistoryPost extends ScenePost {
  minutesAgo: number;
}

export interface SceneWorld {
  team: string;
  bot: string;
  users: string[];
  channels: SceneChannel[];
  dms: SceneDm[];
  history: HistoryPost[];
}

export interface SceneTurn {
  title: string;
  /** One sentence for the viewer: what to watch for in this turn. */
  caption: string;
  /** Quiet time before the person writes. */
  pauseMs: number;
  post: ScenePost & { ref: string };
  /** Time from the person's message to the first event. */
  startMs: number;
  /** The events file, relative to scene.json. */
  eventsFile: string;
  /** Normalized events v1 with `ts` relative to the turn's start (ms) and `{{ref}}` ids. */
  events: LiveEvent[];
  answer: { afterMs: number; message: string };
}

export interface Scene {
  title: string;
  /** Secret strings the events carry in tool arguments; none may ever reach a post. */
  secrets: string[];
  world: SceneWorld;
  turns: SceneTurn[];
}

/** A scene file that does not hold together; the message names the field. */
export class SceneError extends Error {
  override name = "SceneError";
}

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new SceneError(`${path}: ${what}`);
}

function obj(v: unknown, path: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "must be an object");
  return v as Obj;
}

function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, "must be an array");
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== "string" || v.trim() === "") fail(path, "must be a non-empty string");
  return v;
}

function ms(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) fail(path, "must be a number ≥ 0");
  return v;
}

const REF = /^[A-Za-z0-9_.-]+$/;

function ref(v: unknown, path: string): string {
  const s = str(v, path);
  if (!REF.test(s)) fail(path, `"${s}" must use only letters, digits, "_", "." and "-"`);
  return s;
}

/**
 * Checks a parsed scene file and returns it typed. Every ref must be defined once and before use,
 * every post must be written by a member of its conversation, and every line of a turn's events
 * file (`eventFiles` maps its name to its text) must be a valid normalized event v1 whose
 * placeholders name refs known at that turn.
 */
export function parseScene(value: unknown, eventFiles: ReadonlyMap<string, string>): Scene {
  const root = obj(value, "scene");
  const w = obj(root.world, "world");
  const bot = ref(w.bot, "world.bot");
  const users = arr(w.users, "world.users").map((u, i) => ref(u, `world.users[${i}]`));
  const people = new Set([bot, ...users]);
  if (people.size !== users.length + 1)
    fail("world.users", "usernames must be unique and differ from the bot");

  const refs = new Map<string, "channel" | "dm" | "post">();
  const define = (r: string, kind: "channel" | "dm" | "post", path: string) => {
    if (refs.has(r) || people.has(r)) fail(path, `ref "${r}" is already used`);
    refs.set(r, kind);
  };
  const members = new Map<string, Set<string>>();

  const channels = arr(w.channels, "world.channels").map((c, i): SceneChannel => {
    const p = `world.channels[${i}]`;
    const o = obj(c, p);
    const r = ref(o.ref, `${p}.ref`);
    define(r, "channel", `${p}.ref`);
    const list = arr(o.members, `${p}.members`).map((m, j) => {
      const name = ref(m, `${p}.members[${j}]`);
      if (!people.has(name)) fail(`${p}.members[${j}]`, `unknown user "${name}"`);
      return name;
    });
    members.set(r, new Set([bot, ...list]));
    return {
      ref: r,
      name: ref(o.name, `${p}.name`),
      displayName: str(o.displayName, `${p}.displayName`),
      purpose: typeof o.purpose === "string" ? o.purpose : "",
      members: list,
    };
  });
  const dms = arr(w.dms, "world.dms").map((d, i): SceneDm => {
    const p = `world.dms[${i}]`;
    const o = obj(d, p);
    const r = ref(o.ref, `${p}.ref`);
    define(r, "dm", `${p}.ref`);
    const other = ref(o.with, `${p}.with`);
    if (!users.includes(other)) fail(`${p}.with`, `unknown user "${other}"`);
    members.set(r, new Set([bot, other]));
    return { ref: r, with: other };
  });

  // Thread roots: post ref → the conversation it was written in.
  const roots = new Map<string, string>();
  const post = (v: unknown, p: string): ScenePost => {
    const o = obj(v, p);
    const inRef = ref(o.in, `${p}.in`);
    const kind = refs.get(inRef);
    if (kind !== "channel" && kind !== "dm") fail(`${p}.in`, `"${inRef}" is not a channel or DM ref`);
    const from = ref(o.from, `${p}.from`);
    if (!members.get(inRef)?.has(from)) fail(`${p}.from`, `"${from}" is not a member of "${inRef}"`);
    const out: ScenePost = { in: inRef, from, message: str(o.message, `${p}.message`) };
    if (o.thread !== undefined) {
      const t = ref(o.thread, `${p}.thread`);
      if (roots.get(t) !== inRef) fail(`${p}.thread`, `"${t}" is not an earlier post in "${inRef}"`);
      out.thread = t;
    }
    if (o.ref !== undefined) {
      out.ref = ref(o.ref, `${p}.ref`);
      define(out.ref, "post", `${p}.ref`);
      if (out.thread === undefined) roots.set(out.ref, inRef);
    }
    return out;
  };

  const history = arr(w.history, "world.history").map((h, i): HistoryPost => {
    const p = `world.history[${i}]`;
    return { ...post(h, p), minutesAgo: ms(obj(h, p).minutesAgo, `${p}.minutesAgo`) };
  });
  history.forEach((h, i) => {
    const root = history.find((r) => r.ref !== undefined && r.ref === h.thread);
    if (root && h.minutesAgo > root.minutesAgo)
      fail(`world.history[${i}].minutesAgo`, "a reply cannot be older than its thread's root");
  });

  const turns = arr(root.turns, "turns").map((t, i): SceneTurn => {
    const p = `turns[${i}]`;
    const o = obj(t, p);
    const first = post(o.post, `${p}.post`);
    if (first.ref === undefined) fail(`${p}.post.ref`, "a turn's message needs a ref");
    const file = str(o.events, `${p}.events`);
    const text = eventFiles.get(file);
    if (text === undefined) fail(`${p}.events`, `no events file "${file}"`);
    const stream = parseEventStream(text);
    const bad = stream.problems[0];
    if (bad) fail(`${file}:${bad.line}`, bad.reason);
    const events = stream.events.map(({ line, event }) => {
      for (const name of placeholdersIn(event))
        if (!refs.has(name) && !people.has(name)) fail(`${file}:${line}`, `unknown placeholder {{${name}}}`);
      return event;
    });
    if (events.length === 0) fail(file, "a turn needs events");
    stream.events.forEach(({ line, event }, j) => {
      const before = events[j - 1];
      if (event.ts < 0 || (before !== undefined && event.ts < before.ts))
        fail(`${file}:${line}`, "times must start at 0 or later and never go back");
    });
    const answer = obj(o.answer, `${p}.answer`);
    return {
      title: str(o.title, `${p}.title`),
      caption: str(o.caption, `${p}.caption`),
      pauseMs: ms(o.pauseMs, `${p}.pauseMs`),
      post: { ...first, ref: first.ref },
      startMs: ms(o.startMs, `${p}.startMs`),
      eventsFile: file,
      events,
      answer: {
        afterMs: ms(answer.afterMs, `${p}.answer.afterMs`),
        message: str(answer.message, `${p}.answer.message`),
      },
    };
  });
  if (turns.length === 0) fail("turns", "a scene needs at least one turn");

  return {
    title: str(root.title, "title"),
    secrets: arr(root.secrets ?? [], "secrets").map((s, i) => str(s, `secrets[${i}]`)),
    world: { team: str(w.team, "world.team"), bot, users, channels, dms, history },
    turns,
  };
}

/** Total recorded time of a scene at speed 1, in ms: pauses, reaction times, runs and answers. */
export function sceneDurationMs(scene: Scene): number {
  return scene.turns.reduce((sum, t) => {
    const first = t.events[0]?.ts ?? 0;
    const last = t.events.at(-1)?.ts ?? first;
    return sum + t.pauseMs + t.startMs + (last - first) + t.answer.afterMs;
  }, 0);
}

/** Reads `scene.json` and the events files it names. */
export async function loadScene(path: string): Promise<Scene> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new SceneError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const files = new Map<string, string>();
  const turns = typeof value === "object" && value !== null ? (value as Obj).turns : undefined;
  for (const turn of Array.isArray(turns) ? turns : []) {
    const file = typeof turn === "object" && turn !== null ? (turn as Obj).events : undefined;
    if (typeof file !== "string" || files.has(file)) continue;
    // Only plain names next to scene.json: a scene cannot make the demo read elsewhere.
    if (!/^[\w.-]+\.jsonl$/.test(file))
      throw new SceneError(`${path}: events file "${file}" must be a .jsonl name`);
    files.set(file, await readFile(join(dirname(path), file), "utf8"));
  }
  return parseScene(value, files);
}
