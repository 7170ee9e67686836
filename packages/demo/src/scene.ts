/**
 * A scene is the demo's script, kept as data (`scenes/<name>/scene.json`): a small team world
 * (people, channels, DMs, earlier messages) and a list of turns. A turn is a person's message, the
 * agent session it caused as normalized events v1 (docs/events.md) and the bot's answer. The
 * events come either from the turn's own `.jsonl` file (times relative to the turn's start, ids as
 * `{{ref}}` placeholders) or from the scene's `recording` of a real gateway session, cut into
 * turns by recording.ts; the answer then defaults to what the bot said in the recording.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseEventStream } from "../../openclaw-plugin/src/core/event-parse.ts";
import type { LiveEvent } from "../../openclaw-plugin/src/core/events.ts";
import { placeholdersIn } from "./placeholders.ts";
import { parseRecordingRefs, type RecordedTurn, RecordingError, sliceRecording } from "./recording.ts";

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

/** A recorded gateway session and its refs file (see recording.ts), both beside scene.json. */
export interface SceneRecording {
  events: string;
  refs: string;
}

/** A turn as scene.json writes it, before any events are read. */
export interface TurnScript {
  title: string;
  /** One sentence for the viewer: what to watch for in this turn. */
  caption: string;
  /** Quiet time before the person writes. */
  pauseMs: number;
  post: ScenePost & { ref: string };
  /** Time from the person's message to the first event. */
  startMs: number;
  /** The turn's own events file; without one, its events come from the scene's recording. */
  events?: string;
  /** Without a message, the answer is the bot's last text in the recording. */
  answer: { afterMs: number; message?: string };
}

/** scene.json checked, without its events: what a recording of the scene needs. */
export interface SceneScript {
  title: string;
  secrets: string[];
  world: SceneWorld;
  recording?: SceneRecording;
  turns: TurnScript[];
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
  /** Where the events were read: the turn's file or the recording, relative to scene.json. */
  eventsFile: string;
  /** Normalized events v1 with `ts` relative to the turn's start (ms) and `{{ref}}` ids. */
  events: LiveEvent[];
  answer: { afterMs: number; message: string };
}

export interface Scene {
  title: string;
  /** Secret strings the story puts in tool arguments; none may ever reach a post (or a recording). */
  secrets: string[];
  world: SceneWorld;
  recording?: SceneRecording;
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

const FILE_NAME = /^[\w.-]+\.(jsonl|json)$/;

function fileName(v: unknown, path: string, ext: "jsonl" | "json"): string {
  const name = str(v, path);
  // Only plain names next to scene.json: a scene cannot make the demo read elsewhere.
  if (FILE_NAME.exec(name)?.[1] !== ext) fail(path, `"${name}" must be a .${ext} name beside scene.json`);
  return name;
}

interface Checked {
  script: SceneScript;
  /** Per turn: every ref and username a placeholder of that turn's events may name. */
  knownAt: ReadonlySet<string>[];
}

function checkScript(value: unknown): Checked {
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

  let recording: SceneRecording | undefined;
  if (root.recording !== undefined) {
    const r = obj(root.recording, "recording");
    recording = {
      events: fileName(r.events, "recording.events", "jsonl"),
      refs: fileName(r.refs, "recording.refs", "json"),
    };
  }

  const knownAt: ReadonlySet<string>[] = [];
  const turns = arr(root.turns, "turns").map((t, i): TurnScript => {
    const p = `turns[${i}]`;
    const o = obj(t, p);
    const first = post(o.post, `${p}.post`);
    if (first.ref === undefined) fail(`${p}.post.ref`, "a turn's message needs a ref");
    knownAt.push(new Set([...refs.keys(), ...people]));
    const events = o.events === undefined ? undefined : fileName(o.events, `${p}.events`, "jsonl");
    if (events === undefined && !recording)
      fail(`${p}.events`, "needs an events file (or the scene a recording)");
    const answer = obj(o.answer, `${p}.answer`);
    const message = answer.message === undefined ? undefined : str(answer.message, `${p}.answer.message`);
    if (message === undefined && events !== undefined)
      fail(`${p}.answer.message`, "a turn with its own events file needs its answer written out");
    return {
      title: str(o.title, `${p}.title`),
      caption: str(o.caption, `${p}.caption`),
      pauseMs: ms(o.pauseMs, `${p}.pauseMs`),
      post: { ...first, ref: first.ref },
      startMs: ms(o.startMs, `${p}.startMs`),
      ...(events !== undefined && { events }),
      answer: {
        afterMs: ms(answer.afterMs, `${p}.answer.afterMs`),
        ...(message !== undefined && { message }),
      },
    };
  });
  if (turns.length === 0) fail("turns", "a scene needs at least one turn");

  return {
    script: {
      title: str(root.title, "title"),
      secrets: arr(root.secrets ?? [], "secrets").map((s, i) => str(s, `secrets[${i}]`)),
      world: { team: str(w.team, "world.team"), bot, users, channels, dms, history },
      ...(recording && { recording }),
      turns,
    },
    knownAt,
  };
}

/**
 * Checks a parsed scene file without reading any events: every ref must be defined once and
 * before use, every post must be written by a member of its conversation, every file named must
 * be a plain name beside scene.json.
 */
export function parseSceneScript(value: unknown): SceneScript {
  return checkScript(value).script;
}

/** A turn's events must be valid, start at 0 or later, never go back and name only known refs. */
function checkEvents(file: string, lines: { line: number; event: LiveEvent }[], known: ReadonlySet<string>) {
  if (lines.length === 0) fail(file, "a turn needs events");
  lines.forEach(({ line, event }, j) => {
    for (const name of placeholdersIn(event))
      if (!known.has(name)) fail(`${file}:${line}`, `unknown placeholder {{${name}}}`);
    const before = lines[j - 1]?.event;
    if (event.ts < 0 || (before !== undefined && event.ts < before.ts))
      fail(`${file}:${line}`, "times must start at 0 or later and never go back");
  });
}

/**
 * Checks a parsed scene file (see {@link parseSceneScript}) and returns it typed with each turn's
 * events: from its own file (`files` maps each file name to its text), or cut from the scene's
 * recording by the refs file. Every event must be a valid normalized event v1 whose placeholders
 * name refs known at that turn; a recorded turn without a written answer takes the recording's.
 */
export function parseScene(value: unknown, files: ReadonlyMap<string, string>): Scene {
  const { script, knownAt } = checkScript(value);
  const read = (file: string, path: string): string => {
    const text = files.get(file);
    if (text === undefined) fail(path, `no file "${file}"`);
    return text;
  };
  const parse = (file: string, path: string) => {
    const stream = parseEventStream(read(file, path));
    const bad = stream.problems[0];
    if (bad) fail(`${file}:${bad.line}`, bad.reason);
    return stream.events;
  };

  let recorded = new Map<string, RecordedTurn>();
  const rec = script.recording;
  if (rec) {
    const recordedTurns = script.turns.filter((t) => t.events === undefined);
    const events = parse(rec.events, "recording.events").map((l) => l.event);
    try {
      const refs = parseRecordingRefs(read(rec.refs, "recording.refs"));
      const slices = sliceRecording(
        events,
        refs,
        recordedTurns.map((t) => t.post.ref),
      );
      recorded = new Map(recordedTurns.map((t, i) => [t.post.ref, slices[i] as RecordedTurn]));
    } catch (error) {
      if (error instanceof RecordingError) fail(rec.events, error.message);
      throw error;
    }
  }

  const turns = script.turns.map((t, i): SceneTurn => {
    const p = `turns[${i}]`;
    const own = t.events;
    const slice = recorded.get(t.post.ref);
    const file = own ?? rec?.events ?? "";
    const lines =
      own !== undefined
        ? parse(own, `${p}.events`)
        : (slice?.events ?? []).map((event, j) => ({ line: j + 1, event }));
    checkEvents(own ?? `${file} (turn ${i + 1})`, lines, knownAt[i] ?? new Set());
    const message = t.answer.message ?? slice?.answer;
    if (message === undefined) fail(`${p}.answer.message`, "the recording has no answer for this turn");
    const { events: _file, ...rest } = t;
    return {
      ...rest,
      eventsFile: file,
      events: lines.map((l) => l.event),
      answer: { afterMs: t.answer.afterMs, message },
    };
  });

  return { ...script, turns };
}

/** Total recorded time of a scene at speed 1, in ms: pauses, reaction times, runs and answers. */
export function sceneDurationMs(scene: Scene): number {
  return scene.turns.reduce((sum, t) => {
    const first = t.events[0]?.ts ?? 0;
    const last = t.events.at(-1)?.ts ?? first;
    return sum + t.pauseMs + t.startMs + (last - first) + t.answer.afterMs;
  }, 0);
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new SceneError(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Reads and checks `scene.json` alone (see {@link parseSceneScript}). */
export async function readSceneScript(path: string): Promise<SceneScript> {
  return parseSceneScript(await readJson(path));
}

/** Reads `scene.json` and the events, recording and refs files it names. */
export async function loadScene(path: string): Promise<Scene> {
  const value = await readJson(path);
  const script = parseSceneScript(value);
  const names = new Set<string>();
  for (const turn of script.turns) if (turn.events !== undefined) names.add(turn.events);
  if (script.recording) names.add(script.recording.events).add(script.recording.refs);
  const files = new Map<string, string>();
  for (const name of names) {
    try {
      files.set(name, await readFile(join(dirname(path), name), "utf8"));
    } catch (error) {
      throw new SceneError(
        `${path}: cannot read "${name}": ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return parseScene(value, files);
}
