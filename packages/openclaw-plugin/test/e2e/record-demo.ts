/**
 * Records the demo's scene on the real OpenClaw gateway (issue 5). The scene's world (people,
 * channels, DMs, earlier messages) is seeded into the project's fake Mattermost, the real gateway
 * runs with Live Status and its `recordEvents` setting and the scripted model of demo-story.ts
 * (real `read`, `exec`, `write`, `sessions_spawn` in a seeded git workspace), and the scene's
 * people write their messages one turn at a time. What the plugin recorded is written beside
 * scene.json as the scene's `recording` (events + refs: scene ref → recorded id), which the demo
 * then cuts into turns (packages/demo/src/recording.ts).
 *
 * Run: `npx tsc -b && npx node packages/openclaw-plugin/test/e2e/record-demo.ts [--scene PATH]`
 * (one gateway, ~1.4 GB, about 2 minutes). Not a test: it rewrites committed files.
 * The install cache is `.tmp/e2e-record/` (`LIVE_STATUS_E2E_DIR` overrides), apart from the suite's.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FINAL_BOX_STATES, LIVE_STATUS_POST_TYPE, parseLiveStatus } from "@live-status/contract";
import { type FakeMattermost, type FakePost, startFakeMattermost } from "@live-status/fake-mattermost";
import { readSceneScript, type SceneScript, type TurnScript } from "../../../demo/src/scene.ts";
import { SeedClock, type SeededWorld, seedWorld } from "../../../demo/src/world.ts";
import { parseEventStream } from "../../src/core/event-parse.ts";
import type { LiveEvent } from "../../src/core/events.ts";
import { demoStory, STORY_BIN, STORY_FILES, STORY_SECRETS, VALUES_BEFORE } from "./demo-story.ts";
import { startFakeModel } from "./fake-model.ts";
import { sleep, waitFor } from "./world.ts";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const DEFAULT_SCENE = join(REPO_ROOT, "packages/demo/scenes/morning/scene.json");
// Its own install cache, so a recording never touches the state of a running e2e suite. The
// harness reads the variable when its modules load, hence the dynamic imports below.
process.env.LIVE_STATUS_E2E_DIR ??= join(REPO_ROOT, ".tmp", "e2e-record");
const { prepareInstall, restorePristine } = await import("./install.ts");
const { startGateway } = await import("./gateway.ts");

const TURN_TIMEOUT_MS = 120_000;
/** Quiet time after a turn, so late events (sub-agent end, transcript) land in that turn's slice. */
const SETTLE_MS = 2_500;

const log = (line: string) => process.stderr.write(`${line}\n`);

function readEvents(path: string): LiveEvent[] {
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return parseEventStream(text).events.map((l) => l.event);
}

/** The workspace as a git repository whose last commit broke staging; returns that commit's short hash. */
function seedWorkspace(dir: string): string {
  const git = (args: string[], env: Record<string, string> = {}) =>
    execFileSync("git", args, { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8" }).trim();
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const commit = (message: string, who: string, hoursAgo: number) => {
    const date = new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    git(["add", "-A"]);
    git(["commit", "-q", "-m", message], {
      GIT_AUTHOR_NAME: who,
      GIT_AUTHOR_EMAIL: `${who}@acme.dev`,
      GIT_COMMITTER_NAME: who,
      GIT_COMMITTER_EMAIL: `${who}@acme.dev`,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
  };
  const file = (path: string) => STORY_FILES[path] ?? "";
  const values = file("deploy/staging/values.yaml");
  const changelog = file("CHANGELOG.md");
  git(["init", "-q", "-b", "main"]);
  for (const [path, text] of Object.entries(STORY_FILES)) if (!path.includes("0042")) write(path, text);
  write("CHANGELOG.md", changelog.replace(/## 2\.4\.0[\s\S]*?(?=## 2\.3\.2)/, ""));
  write("deploy/staging/values.yaml", (VALUES_BEFORE ?? "").replace("2.4.0-rc.3", "2.4.0-rc.2"));
  commit("api: chart values for staging and production", "bob", 72);
  write("db/migrations/0042_orders_customer_index.sql", file("db/migrations/0042_orders_customer_index.sql"));
  commit("orders: index on customer_id for the account page (0042)", "alice", 30);
  write("CHANGELOG.md", changelog);
  commit("changelog: 2.4 so far", "alice", 26);
  write("deploy/staging/values.yaml", VALUES_BEFORE ?? "");
  commit("api: 2.4.0-rc.3", "bob", 15);
  write("deploy/staging/values.yaml", values);
  commit("staging: point api at the db replica for the load test", "carol", 10);
  return git(["rev-parse", "--short=7", "HEAD"]);
}

function placeOf(world: SeededWorld, turn: TurnScript): { channelId: string; rootId: string } {
  const id = (ref: string) => {
    const found = world.ids.get(ref);
    if (found === undefined) throw new Error(`no id for ${ref}`);
    return found;
  };
  return {
    channelId: id(turn.post.in),
    rootId: turn.post.thread === undefined ? "" : id(turn.post.thread),
  };
}

/** The run a message started, once it and every run begun since have ended. */
function finishedRun(events: readonly LiveEvent[], postId: string): string | undefined {
  const at = events.findIndex((e) => e.type === "run_start" && e.trigger?.postId === postId);
  const start = events[at];
  if (start?.runId === undefined) return undefined;
  const since = events.slice(at);
  const ended = new Set(since.filter((e) => e.type === "run_end").map((e) => e.runId));
  const open = since.filter((e) => e.type === "run_start" && !ended.has(e.runId));
  return open.length === 0 ? start.runId : undefined;
}

const isBox = (p: FakePost) => p.type === LIVE_STATUS_POST_TYPE;
const boxState = (p: FakePost) => parseLiveStatus(p.props.live_status)?.state ?? "unreadable";

/** The bot's answer in a conversation after a message, once no box there is running. */
function settledAnswer(fake: FakeMattermost, asked: FakePost): FakePost | undefined {
  const after = fake
    .postsIn(asked.channel_id, { rootId: asked.root_id })
    .filter((p) => p.user_id === fake.botUserId && p.create_at >= asked.create_at);
  if (after.filter(isBox).some((b) => !(FINAL_BOX_STATES as readonly string[]).includes(boxState(b))))
    return undefined;
  return after.find((p) => !isBox(p) && p.message.trim() !== "");
}

async function record(scenePath: string): Promise<void> {
  const script: SceneScript = await readSceneScript(scenePath);
  if (!script.recording) throw new Error(`${scenePath} names no recording to write`);
  for (const secret of Object.values(STORY_SECRETS))
    if (!script.secrets.includes(secret)) throw new Error(`the scene must list the story's secret ${secret}`);
  const outDir = dirname(scenePath);

  const clock = new SeedClock();
  const fake = await startFakeMattermost({
    botUsername: script.world.bot,
    users: script.world.users,
    now: clock.now,
  });
  const world = seedWorld(fake, script.world, clock);
  let stopGateway: (() => Promise<unknown>) | undefined;
  let closeModel: (() => Promise<void>) | undefined;
  try {
    const install = await prepareInstall("plugin");
    log(`install: ${install.cached ? "cached" : `${Math.round(install.ms / 1000)} s`}`);
    const home = restorePristine("plugin");
    const badCommit = seedWorkspace(home.workspace);
    const binDir = join(home.root, "story-bin");
    mkdirSync(binDir, { recursive: true });
    for (const [name, text] of Object.entries(STORY_BIN)) {
      writeFileSync(join(binDir, name), text);
      chmodSync(join(binDir, name), 0o755);
    }
    const story = demoStory({ badCommit });
    const model = await startFakeModel({ script: story.script, chunkDelayMs: 70 });
    closeModel = () => model.close();
    const recordPath = join(home.root, "events.jsonl");

    const gateway = await startGateway({
      home,
      modelBaseUrl: model.baseUrl,
      mattermost: { url: fake.url, botToken: fake.botToken },
      plugin: { enabled: true, config: { recordEvents: recordPath } },
      extra: { tools: { exec: { pathPrepend: [binDir] } } },
    });
    stopGateway = () => gateway.stop(60_000);
    log(`gateway ready in ${Math.round(gateway.readyMs / 1000)} s`);
    await waitFor("the bot's WebSocket", () => fake.webSocketClients() > 0, 60_000);

    const answers: string[] = [];
    const asks: FakePost[] = [];
    for (const [i, turn] of script.turns.entries()) {
      await sleep(1_500);
      const place = placeOf(world, turn);
      const user = world.ids.get(turn.post.from) ?? "";
      const asked = fake.userPost(place.channelId, user, turn.post.message, place.rootId || undefined);
      world.ids.set(turn.post.ref, asked.id);
      asks.push(asked);
      const started = performance.now();
      log(`turn ${i + 1}: ${turn.post.from}: ${turn.post.message}`);
      await waitFor(
        "the turn's runs to end",
        () => finishedRun(readEvents(recordPath), asked.id),
        TURN_TIMEOUT_MS,
      );
      const answer = await waitFor("the answer", () => settledAnswer(fake, asked), 30_000);
      await sleep(SETTLE_MS);
      answers.push(fake.post(answer.id)?.message ?? answer.message);
      log(`  done in ${Math.round((performance.now() - started) / 100) / 10} s`);
    }
    await sleep(1_500);
    const stopped = await gateway.stop(60_000);
    stopGateway = undefined;
    log(`gateway stopped${stopped.killed ? " (killed)" : ""}`);

    const text = readFileSync(recordPath, "utf8");
    for (const secret of script.secrets)
      if (text.includes(secret)) throw new Error("the recording holds a secret: not written");
    writeFileSync(join(outDir, script.recording.events), text);
    writeFileSync(
      join(outDir, script.recording.refs),
      `${JSON.stringify(Object.fromEntries(world.ids), null, 2)}\n`,
    );
    report(readEvents(recordPath), asks, answers, story.unknown);
  } finally {
    await stopGateway?.();
    await closeModel?.();
    await fake.close();
  }
}

/** What was recorded, per turn, for a look before committing it. */
function report(events: LiveEvent[], asks: FakePost[], answers: string[], unknown: string[]): void {
  log(`\n${events.length} events recorded`);
  for (const [i, asked] of asks.entries()) {
    const start = events.find((e) => e.type === "run_start" && e.trigger?.postId === asked.id);
    const run = events.filter((e) => e.runId === start?.runId);
    const tools = run.filter((e) => e.type === "tool_start").length;
    const ends = new Map(
      run.flatMap((e) =>
        e.type === "tool_end" ? [[e.callId, e.ok ? "ok" : `failed (${e.error ?? ""})`]] : [],
      ),
    );
    const text = run.filter((e) => e.type === "text").at(-1);
    // The gateway's reaction time: a fair `startMs` for the turn in scene.json.
    const reaction = start ? `${start.ts - asked.create_at} ms after the message` : "no run!";
    log(`turn ${i + 1} (${start?.session ?? "?"}), run started ${reaction}:`);
    for (const e of run)
      if (e.type === "tool_start")
        log(`  ${e.name} ${JSON.stringify(e.args)} → ${ends.get(e.callId) ?? "?"}`);
    for (const e of run)
      if (e.type === "subagent_start" || e.type === "subagent_end") log(`  ${e.type} ${e.label ?? ""}`);
    // A sub-agent that ends after its parent's run never shows as done in the box.
    const children = run.filter((e) => e.type === "subagent_start").length;
    const ended = run.slice(
      0,
      run.findIndex((e) => e.type === "run_end"),
    );
    if (ended.filter((e) => e.type === "subagent_end").length < children)
      log("  ! a sub-agent ended after its parent's run: record again (or give the parent more model time)");
    log(
      `  ${run.length} events, ${tools} tools, ${Math.round(((run.at(-1)?.ts ?? 0) - (run[0]?.ts ?? 0)) / 100) / 10} s`,
    );
    const said = text?.type === "text" ? text.text : "";
    if (said.trim() !== answers[i]?.trim())
      log(
        `  ! the posted answer differs from the last text:\n    posted: ${answers[i]}\n    text:   ${said}`,
      );
  }
  if (unknown.length > 0)
    log(`\nrequests the story did not know (answered NO_REPLY):\n${unknown.join("\n")}`);
}

const { values } = parseArgs({ options: { scene: { type: "string" } } });
await record(resolve(values.scene ?? DEFAULT_SCENE));
