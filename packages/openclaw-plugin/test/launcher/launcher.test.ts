/**
 * The `live-status` bin on the machine's older Node (a legacy gateway host on Node 20): it runs the
 * command on the Node 24 of the `node` npm package and passes a service manager's signals on.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LiveStatusV1 } from "@live-status/contract";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LegacyState, line } from "../fixtures/legacy/legacy-state.ts";

const BIN = fileURLToPath(new URL("../../bin/live-status.js", import.meta.url));

/** The first `node` on PATH older than 24.16, outside node_modules (the machine's own). */
function olderNode(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir.includes("node_modules")) continue;
    const path = join(dir, "node");
    if (!existsSync(path)) continue;
    const r = spawnSync(path, ["-p", "process.versions.node"], { encoding: "utf8" });
    const [major = 0, minor = 0] = r.stdout.trim().split(".").map(Number);
    if (r.status === 0 && (major < 24 || (major === 24 && minor < 16))) return path;
  }
  return undefined;
}

const OLD_NODE = olderNode();
if (!OLD_NODE) {
  if (process.env.CI) throw new Error("CI needs a Node older than 24.16 on PATH to prove the launcher");
  console.warn("launcher tests skipped: no Node older than 24.16 on PATH");
}

let fake: FakeMattermost;
let state: LegacyState;

beforeEach(async () => {
  fake = await startFakeMattermost({ users: ["alice"] });
  state = await LegacyState.create("live-status-launcher-");
});

afterEach(async () => {
  await fake.close();
  await state.remove();
});

function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(OLD_NODE as string, [BIN, ...args], {
    env: { ...process.env, PATH: "/usr/bin:/bin", MATTERMOST_TOKEN: fake.botToken, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exit, stdout: () => stdout, stderr: () => stderr };
}

async function until(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function exitWithin(run: { child: ChildProcess; exit: Promise<number | null> }, ms = 15_000) {
  const code = await Promise.race([
    run.exit,
    new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms)),
  ]);
  if (code === "timeout") run.child.kill("SIGKILL");
  return code;
}

const liveState = (channelId: string) =>
  fake
    .postsIn(channelId)
    .filter((p) => p.type === "custom_live_status")
    .map((p) => (p.props.live_status as LiveStatusV1).state);

describe.runIf(OLD_NODE)("the live-status bin on an older Node", () => {
  it("runs the command on the Node 24 of the node package", async () => {
    const run = start(["--version"]);
    expect(await exitWithin(run)).toBe(0);
    expect(run.stdout()).toMatch(/^live-status \d+\.\d+\.\d+\n$/);
  });

  it.each(["SIGTERM", "SIGINT"] as const)(
    "passes %s on to watch, which ends the live box as interrupted and exits 0",
    async (signal) => {
      const channel = fake.addChannel("O", "ops");
      const session = `agent:main:mattermost:channel:${channel.id}`;
      await state.writeIndex({ [session]: { sessionId: "s1", to: `channel:${channel.id}` } });
      await state.append("s1", [line.header("s1", Date.now() - 60_000)]);
      const run = start([
        "watch",
        "--openclaw-home",
        state.home,
        "--mattermost-url",
        fake.url,
        "--ledger",
        join(state.home, "ledger.sqlite"),
        "--poll-interval",
        "20",
      ]);
      await until("the watch to start", () => run.stderr().includes("live-status info: watching"));
      await state.append("s1", [
        line.user("deploy please"),
        line.assistant({ tools: [{ id: "c1", name: "exec" }] }),
      ]);
      await until("a running box", () => liveState(channel.id)[0] === "running");

      run.child.kill(signal);
      expect(await exitWithin(run)).toBe(0);
      expect(liveState(channel.id)).toEqual(["interrupted"]);
      expect(run.stderr()).toContain(`live-status watch stopped (${signal})`);
    },
  );

  it("exits 2 naming what it tried when no Node 24 is beside it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "live-status-bin-"));
    try {
      const lonely = join(dir, "live-status.js");
      await copyFile(BIN, lonely);
      const child = spawnSync(OLD_NODE as string, [lonely, "--version"], {
        encoding: "utf8",
        env: { PATH: "/usr/bin:/bin", LIVE_STATUS_NODE: OLD_NODE as string },
      });
      expect(child.status).toBe(2);
      expect(child.stderr).toContain("live-status needs Node >= 24.16");
      expect(child.stderr).toContain(`${OLD_NODE} (v`);
      expect(child.stderr).toContain("the `node` npm package (not installed)");
      expect(child.stderr).toContain("LIVE_STATUS_NODE");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
