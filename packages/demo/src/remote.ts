/**
 * Plays the scene into a real Mattermost from the web view's form: the person gives a server URL,
 * a bot token and a channel id; the scene's turns are replayed through the same pipeline into
 * that channel. The token lives only in memory for the run and is never logged or sent back.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { retargetEvents } from "./bind.ts";
import { createPost, getChannel, getMe, type RestConnection, RestError } from "./mattermost-rest.ts";
import { type PlayEvent, playScene, type TurnTarget } from "./player.ts";
import { playLine } from "./progress.ts";
import type { Scene, SceneTurn } from "./scene.ts";
import type { Place } from "./world.ts";

export interface RemoteInput {
  url: string;
  token: string;
  channelId: string;
}

const MATTERMOST_ID = /^[a-z0-9]{26}$/;

/** Checks the form's fields; the error never repeats the token. */
export function parseRemoteInput(body: unknown): RemoteInput | { error: string } {
  const o = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const url = typeof o.url === "string" ? o.url.trim() : "";
  const token = typeof o.token === "string" ? o.token.trim() : "";
  const channelId = typeof o.channelId === "string" ? o.channelId.trim() : "";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: "The server URL is not a URL (e.g. https://chat.example.com)." };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    return { error: "The server URL must start with http:// or https://." };
  if (!token || /\s/.test(token) || token.length > 256)
    return { error: "The token is missing or malformed." };
  if (!MATTERMOST_ID.test(channelId))
    return { error: "The channel id must be a Mattermost id: 26 lowercase letters and digits." };
  return { url: parsed.origin + parsed.pathname.replace(/\/+$/, ""), token, channelId };
}

/** Mentions in quoted messages go in code spans so nobody on the real server gets notified. */
function defuse(message: string): string {
  return message.replace(/(^|\s)(@[A-Za-z0-9._-]+)/g, "$1`$2`");
}

/**
 * The real server as a target. The scene's people and DMs do not exist there, so every
 * conversation of the scene gets a place in the one channel: channel messages stay in it, each
 * thread and each DM becomes a thread. The bot writes the people's messages quoted, then the
 * pipeline plays each turn's session into that place under the channel's or thread's session key.
 */
export async function remoteTarget(
  input: RemoteInput,
  scene: Scene,
): Promise<{ target: TurnTarget; channelName: string }> {
  const c: RestConnection = { url: input.url, token: input.token };
  await getMe(c);
  const channel = await getChannel(c, input.channelId);
  const ids = new Map<string, string>();
  for (const ch of [...scene.world.channels, ...scene.world.dms]) ids.set(ch.ref, input.channelId);
  const places = new Map<string, Place>();
  const dmWith = new Map(scene.world.dms.map((d) => [d.ref, d.with]));

  async function placeFor(turn: SceneTurn): Promise<Place> {
    const key = `${turn.post.in}|${turn.post.thread ?? ""}`;
    const known = places.get(key);
    if (known) return known;
    let place: Place = { channelId: input.channelId };
    const other = dmWith.get(turn.post.in);
    const threadRef = turn.post.thread;
    if (other !== undefined) {
      const root = await createPost(c, {
        channelId: input.channelId,
        message: `*A direct message from **${other}** to the bot in the scene, replayed here as a thread.*`,
      });
      place = { channelId: input.channelId, rootId: root.id };
    } else if (threadRef !== undefined) {
      const rootId = ids.get(threadRef);
      const original = scene.world.history.find((h) => h.ref === threadRef);
      place = {
        channelId: input.channelId,
        rootId:
          rootId ??
          (
            await createPost(c, {
              channelId: input.channelId,
              message: `**${original?.from ?? "someone"}** (from the scene):\n${defuse(original?.message ?? "")}`,
            })
          ).id,
      };
    }
    places.set(key, place);
    return place;
  }

  await createPost(c, {
    channelId: input.channelId,
    message: `**Live Status demo**: replaying the recorded scene *${scene.title}* (${scene.turns.length} turns). The people's messages are quoted by the bot; the status boxes are written by the live-status pipeline.`,
  });
  const target: TurnTarget = {
    url: input.url,
    token: input.token,
    async say(turn) {
      const place = await placeFor(turn);
      const post = await createPost(c, {
        channelId: place.channelId,
        message: `**${turn.post.from}**: ${defuse(turn.post.message)}`,
        ...(place.rootId && { rootId: place.rootId }),
      });
      ids.set(turn.post.ref, post.id);
      return { postId: post.id, place };
    },
    events(turn, clock) {
      const place = places.get(`${turn.post.in}|${turn.post.thread ?? ""}`);
      if (!place) throw new Error("a turn's events were asked for before its message was written");
      return retargetEvents(turn.events, place, ids, clock);
    },
    async answer(turn, place) {
      await createPost(c, {
        channelId: place.channelId,
        message: turn.answer.message,
        ...(place.rootId && { rootId: place.rootId }),
      });
    },
  };
  return { target, channelName: channel.name };
}

export interface RemoteStatus {
  state: "idle" | "running" | "done" | "failed";
  lines: string[];
}

const MAX_LINES = 300;

/**
 * At most one run into a real server at a time, with its progress lines for the web view. Every
 * line is scrubbed of the token before it is kept, whatever produced it.
 */
export class RemoteRuns {
  readonly #o: { scene: Scene; speed: number; workRoot: string; log: (line: string) => void };
  #status: RemoteStatus = { state: "idle", lines: [] };
  #abort: AbortController | undefined;
  #running: Promise<void> | undefined;

  constructor(o: { scene: Scene; speed: number; workRoot: string; log: (line: string) => void }) {
    this.#o = o;
  }

  status(): RemoteStatus {
    return { state: this.#status.state, lines: [...this.#status.lines] };
  }

  /** Starts a run unless one is going; the answer is for the form. */
  start(body: unknown): { ok: true } | { ok: false; status: number; error: string } {
    if (this.#status.state === "running") return { ok: false, status: 409, error: "A run is already going." };
    const input = parseRemoteInput(body);
    if ("error" in input) return { ok: false, status: 400, error: input.error };
    this.#status = { state: "running", lines: [] };
    this.#abort = new AbortController();
    this.#running = this.#run(input, this.#abort.signal);
    return { ok: true };
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#running;
  }

  async #run(input: RemoteInput, signal: AbortSignal): Promise<void> {
    const scrub = (line: string) => line.split(input.token).join("[redacted]");
    const say = (line: string) => {
      const clean = scrub(line);
      this.#status.lines.push(clean);
      if (this.#status.lines.length > MAX_LINES) this.#status.lines.shift();
      this.#o.log(`[your Mattermost] ${clean.trimStart()}`);
    };
    const host = new URL(input.url).host;
    say(`Connecting to ${host}…`);
    const workDir = await mkdtemp(join(this.#o.workRoot, "remote-"));
    try {
      const { target, channelName } = await remoteTarget(input, this.#o.scene);
      say(`Playing "${this.#o.scene.title}" into ~${channelName}.`);
      const name = (p: Place) => (p.rootId ? `a thread in ~${channelName}` : `~${channelName}`);
      const result = await playScene({
        scene: this.#o.scene,
        target,
        speed: this.#o.speed,
        workDir,
        signal,
        onEvent: (e: PlayEvent) => {
          const line = playLine(e, name);
          if (line !== undefined) say(line.trim());
          if (e.kind === "replayed" && e.code === 0)
            say(`  boxes written (${e.summary.split("\n")[0] ?? ""})`);
        },
      });
      const ok = result.failedTurns === 0 && !result.stopped;
      say(ok ? "Done: open the channel to see the boxes." : "Finished with problems (see above).");
      this.#status.state = ok ? "done" : "failed";
    } catch (error) {
      say(`Failed: ${error instanceof RestError || error instanceof Error ? error.message : String(error)}`);
      this.#status.state = "failed";
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }
}
