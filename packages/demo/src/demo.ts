/**
 * The demo, put together: the fake Mattermost seeded with the scene's world, the web view on one
 * port (which also forwards the API to the fake), a watcher that reports what happens to status
 * boxes, and plays of the scene through the real `live-status replay` command.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeMattermost, type FakePost, startFakeMattermost } from "@live-status/fake-mattermost";
import { type BoxSnapshot, boxSnapshots, diffBoxes } from "./box-watch.ts";
import { ensureBuilt, PLUGIN_BUNDLE } from "./ensure-built.ts";
import { pageAssets, type ReactBuild } from "./http/page-assets.ts";
import { startWebServer } from "./http/web-server.ts";
import { localTarget } from "./local-target.ts";
import { type PlayEvent, type PlayResult, playScene } from "./player.ts";
import { boxLine, playLine } from "./progress.ts";
import { RemoteRuns } from "./remote.ts";
import { REPO_ROOT } from "./replay-child.ts";
import { loadScene, type Scene } from "./scene.ts";
import { type Place, placeLabel, SeedClock, type SeededWorld, seedWorld, type WorldView } from "./world.ts";

export const DEFAULT_SCENE = join(REPO_ROOT, "packages/demo/scenes/morning/scene.json");
export const DEFAULT_PORT = 8065;

export interface DemoOptions {
  /** Default 8065; 0 = any free port. */
  port?: number;
  /** Fail when the port is taken instead of taking a free one. */
  strictPort?: boolean;
  /** 1 = recorded timing (default). */
  speed?: number;
  scenePath?: string;
  reactBuild?: ReactBuild;
  verbose?: boolean;
  /** Terminal lines. */
  log?: (line: string) => void;
  /** Ends a finished play's line with the "Play again" hint (default true; false with --once, whose page goes away). */
  replayHint?: boolean;
}

/** A post as the web view gets it. */
export type ViewPost = Pick<
  FakePost,
  "id" | "channel_id" | "root_id" | "user_id" | "message" | "type" | "props" | "create_at" | "edit_at"
>;

export interface PlayProgress {
  phase: "waiting" | "playing" | "done" | "stopped";
  plays: number;
  turn: { index: number; total: number; title: string; caption: string; place: Place } | null;
}

/** What `GET /demo/api/state` answers. */
export interface DemoState extends WorldView {
  title: string;
  posts: ViewPost[];
  play: PlayProgress;
  remote: { state: string };
}

export interface Demo {
  /** The web view, which is also the Mattermost API address. */
  url: string;
  fake: FakeMattermost;
  world: SeededWorld;
  scene: Scene;
  state(): DemoState;
  /**
   * Schedules the first play: when the page is first loaded, or after `waitForPageMs` (0: now).
   * Later plays come from the page's "Play again".
   */
  begin(waitForPageMs: number): void;
  /** The result of the play going on, or of the last one; before the first play, of that one. */
  played(): Promise<PlayResult>;
  /** Ids of the `live-status replay` processes started so far. */
  replayPids(): number[];
  stop(): Promise<void>;
}

const WATCH_MS = 150;
/** An open page polls every 400 ms: a second without a poll means no page is waiting for the end. */
const PAGE_POLL_GAP_MS = 1_000;

/** Counts the page's state requests, so stopping can wait until an open page has seen the end. */
class PagePolls {
  private lastAt = 0;
  private waiters = new Set<() => void>();

  served(): void {
    this.lastAt = Date.now();
    for (const w of [...this.waiters]) w();
  }

  /** Resolves after `count` more polls, or when none comes for `gapMs`; at once when no page polled lately. */
  async next(count: number, gapMs: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      if (Date.now() - this.lastAt > gapMs) return;
      let polled: () => void = () => {};
      const next = new Promise<void>((ok) => {
        polled = ok;
      });
      this.waiters.add(polled);
      const timer = setTimeout(polled, gapMs);
      await next;
      clearTimeout(timer);
      this.waiters.delete(polled);
    }
  }
}

function viewPost(p: FakePost): ViewPost {
  const { id, channel_id, root_id, user_id, message, type, props, create_at, edit_at } = p;
  return { id, channel_id, root_id, user_id, message, type, props, create_at, edit_at };
}

/** Starts everything and schedules the first play. Always `stop()` it. */
export async function startDemo(o: DemoOptions = {}): Promise<Demo> {
  const log = o.log ?? (() => {});
  const speed = o.speed ?? 1;
  const scene = await loadScene(o.scenePath ?? DEFAULT_SCENE);
  await ensureBuilt(log);

  const clock = new SeedClock();
  const fake = await startFakeMattermost({
    botUsername: scene.world.bot,
    users: scene.world.users,
    now: clock.now,
  });
  const cleanups: (() => Promise<void> | void)[] = [() => fake.close()];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const world = seedWorld(fake, scene.world, clock);
    const workRoot = await mkdtemp(join(tmpdir(), "live-status-demo-"));
    cleanups.push(() => rm(workRoot, { recursive: true, force: true }));
    const localDir = join(workRoot, "local");
    await mkdir(localDir);
    const name = (p: Place) => placeLabel(world.view, p);

    const stopping = new AbortController();
    const progress: PlayProgress = { phase: "waiting", plays: 0, turn: null };
    const pids: number[] = [];
    // Until the first play starts, `played()` waits for it.
    let firstStarted: (run: Promise<PlayResult>) => void = () => {};
    let current = new Promise<PlayResult>((ok) => {
      firstStarted = ok;
    });
    let playing = false;
    const remote = new RemoteRuns({ scene, speed, workRoot, log });
    cleanups.push(() => remote.stop());

    // The terminal hears about boxes from what Mattermost holds, as a person would see them.
    let seen = new Map<string, BoxSnapshot>();
    const watch = () => {
      const boxes = boxSnapshots(fake.posts());
      for (const change of diffBoxes(seen, boxes)) log(boxLine(change, name));
      seen = new Map(boxes.map((b) => [b.id, b]));
    };
    const watcher = setInterval(watch, WATCH_MS);
    cleanups.push(() => clearInterval(watcher));

    const state = (): DemoState => ({
      ...world.view,
      title: scene.title,
      posts: fake
        .posts()
        .filter((p) => p.delete_at === 0)
        .map(viewPost),
      play: structuredClone(progress),
      remote: { state: remote.status().state },
    });

    const onEvent = (e: PlayEvent) => {
      if (e.kind === "pid") pids.push(e.pid);
      if (e.kind === "turn") {
        const ch = world.ids.get(e.turn.post.in) ?? "";
        const root = e.turn.post.thread === undefined ? undefined : world.ids.get(e.turn.post.thread);
        progress.turn = {
          index: e.index,
          total: e.total,
          title: e.turn.title,
          caption: e.turn.caption,
          place: root === undefined ? { channelId: ch } : { channelId: ch, rootId: root },
        };
      }
      if (e.kind === "replayed") watch();
      const line = playLine(e, name, { verbose: o.verbose ?? false });
      if (line !== undefined) log(line);
    };

    const web = await startWebServer({
      port: o.port ?? DEFAULT_PORT,
      strictPort: o.strictPort ?? false,
      ...(await pageAssets({
        pluginBundle: PLUGIN_BUNDLE,
        reactBuild: o.reactBuild ?? "production",
        title: scene.title,
      })),
      upstream: new URL(fake.url),
      state: () => {
        pageSeen();
        pagePolls.served();
        return state();
      },
      playAgain: () =>
        play() ? { ok: true } : { ok: false, status: 409, error: "The scene is already playing." },
      startRemote: (body) => remote.start(body),
      remoteStatus: () => remote.status(),
    });
    cleanups.push(() => web.close());
    const target = localTarget(fake, world, web.url);

    function play(): boolean {
      if (playing || stopping.signal.aborted) return false;
      playing = true;
      progress.phase = "playing";
      progress.plays++;
      const started = Date.now();
      const run = playScene({
        scene,
        target,
        speed,
        workDir: localDir,
        signal: stopping.signal,
        onEvent,
      }).then(
        (result) => {
          watch();
          playing = false;
          progress.phase = result.stopped ? "stopped" : "done";
          if (!result.stopped)
            log(
              `\n■ Scene played in ${Math.round((Date.now() - started) / 1000)} s${
                result.failedTurns > 0 ? `, ${result.failedTurns} turn(s) failed` : ""
              }.${o.replayHint === false ? "" : ' Use "Play again" in the page to replay it.'}`,
            );
          return result;
        },
        (error: unknown) => {
          playing = false;
          progress.phase = "stopped";
          throw error;
        },
      );
      if (progress.plays === 1) firstStarted(run);
      current = run;
      return true;
    }

    // The first play waits for someone to look, so nobody misses the beginning.
    let firstPlay: NodeJS.Timeout | undefined;
    let begun = false;
    const pageSeen = () => {
      if (begun && progress.plays === 0) {
        clearTimeout(firstPlay);
        play();
      }
    };
    cleanups.push(() => clearTimeout(firstPlay));

    let stopped: Promise<void> | undefined;
    const pagePolls = new PagePolls();
    return {
      url: web.url,
      fake,
      world,
      scene,
      state,
      begin: (waitForPageMs) => {
        if (begun) return;
        begun = true;
        if (waitForPageMs <= 0) play();
        else firstPlay = setTimeout(() => play(), waitForPageMs);
      },
      played: () => current,
      replayPids: () => [...pids],
      stop: () => {
        stopped ??= (async () => {
          clearInterval(watcher);
          stopping.abort();
          if (playing) await current.catch(() => undefined);
          watch();
          // An open page gets the final boxes (interrupted, not running) before the server goes.
          await pagePolls.next(2, PAGE_POLL_GAP_MS);
          await cleanup();
        })();
        return stopped;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
