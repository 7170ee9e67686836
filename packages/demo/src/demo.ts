/**
 * The demo, put together: the fake Mattermost seeded with the scene's world, the web view on one
 * port (which also forwards the API to the fake), a watcher that reports what happens to status
 * boxes (box-reporter.ts), and plays of the scene through the real `live-status replay` command
 * (plays.ts). Each part is its own module with its own tests; this file only wires them.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { BoxReporter } from "./box-watch.ts";
import { Cleanups } from "./cleanups.ts";
import { type DemoState, demoState } from "./demo-state.ts";
import { ensureBuilt, PLUGIN_BUNDLE } from "./ensure-built.ts";
import { pageAssets, type ReactBuild } from "./http/page-assets.ts";
import { startWebServer } from "./http/web-server.ts";
import { localTarget, turnPlace } from "./local-target.ts";
import { PagePolls } from "./page-polls.ts";
import { type PlayResult, playScene } from "./player.ts";
import { Plays } from "./plays.ts";
import { boxLine, playLine } from "./progress.ts";
import { RemoteRuns } from "./remote.ts";
import { REPO_ROOT } from "./replay-child.ts";
import { loadScene, type Scene } from "./scene.ts";
import { type Place, placeLabel, type SeededWorld, startSeededFake } from "./world.ts";

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

/** Starts everything and schedules the first play. Always `stop()` it. */
export async function startDemo(o: DemoOptions = {}): Promise<Demo> {
  const log = o.log ?? (() => {});
  const speed = o.speed ?? 1;
  const scene = await loadScene(o.scenePath ?? DEFAULT_SCENE);
  await ensureBuilt(log);

  const { fake, seeded: world } = await startSeededFake(scene.world);
  const cleanups = new Cleanups();
  cleanups.add(() => fake.close());
  try {
    const workRoot = await mkdtemp(join(tmpdir(), "live-status-demo-"));
    cleanups.add(() => rm(workRoot, { recursive: true, force: true }));
    const localDir = join(workRoot, "local");
    await mkdir(localDir);
    const name = (p: Place) => placeLabel(world.view, p);
    const remote = new RemoteRuns({ scene, speed, workRoot, log });
    cleanups.add(() => remote.stop());

    // The terminal hears about boxes from what Mattermost holds, as a person would see them.
    const boxes = new BoxReporter(
      () => fake.posts(),
      (change) => log(boxLine(change, name)),
    );
    const watcher = setInterval(() => boxes.check(), WATCH_MS);
    cleanups.add(() => clearInterval(watcher));

    const plays = new Plays({
      // `target` needs the web server's address; it exists before any play starts.
      playOnce: (signal, onEvent) => playScene({ scene, target, speed, workDir: localDir, signal, onEvent }),
      placeOf: (turn) => turnPlace(turn, world.ids),
      onEvent: (e) => {
        if (e.kind === "replayed") boxes.check();
        const line = playLine(e, name, { verbose: o.verbose ?? false });
        if (line !== undefined) log(line);
      },
      onEnded: () => boxes.check(),
      log,
      replayHint: o.replayHint !== false,
    });
    cleanups.add(() => plays.stop());

    const state = (): DemoState =>
      demoState({
        view: world.view,
        title: scene.title,
        posts: fake.posts(),
        progress: plays.progress,
        remoteState: remote.status().state,
      });
    const pagePolls = new PagePolls();
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
        plays.pageSeen();
        pagePolls.served();
        return state();
      },
      playAgain: () =>
        plays.play() ? { ok: true } : { ok: false, status: 409, error: "The scene is already playing." },
      startRemote: (body) => remote.start(body),
      remoteStatus: () => remote.status(),
    });
    cleanups.add(() => web.close());
    const target = localTarget(fake, world, web.url);

    const stop = once(async () => {
      clearInterval(watcher);
      await plays.stop();
      boxes.check();
      // An open page gets the final boxes (interrupted, not running) before the server goes.
      await pagePolls.next(2, PAGE_POLL_GAP_MS);
      await cleanups.run();
    });
    return {
      url: web.url,
      fake,
      world,
      scene,
      state,
      begin: (waitForPageMs) => plays.begin(waitForPageMs),
      played: () => plays.played(),
      replayPids: () => plays.replayPids(),
      stop,
    };
  } catch (error) {
    await cleanups.run();
    throw error;
  }
}

/** The first call runs `f`; every call gets its promise. */
function once(f: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= f();
    return running;
  };
}
