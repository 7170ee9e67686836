// The README's install story for OpenClaw 2026.9.x users, followed literally on the real gateway in a
// clean state directory (only the Mattermost channel plugin in it): `npm run build`, `openclaw plugins
// install <tarball>`, the one config line for the hooks (and the preview off), start, a person asks,
// a box appears and ends done; then `live-status doctor` finds nothing to fix.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { assertServedAccordingToSpec } from "@live-status/fake-mattermost";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveBoxesIn } from "./boxes.ts";
import { type Gateway, startGateway } from "./gateway.ts";
import { type GatewayHome, openclawEnv, prepareInstall, restorePristine } from "./install.ts";
import { OPENCLAW_BIN, PLUGIN_DIR, REPO_ROOT } from "./paths.ts";
import { runToEnd } from "./processes.ts";
import { BOT_USERNAME, startWorld, TOOLS_ANSWER, type World, waitFor } from "./world.ts";

const LIVE_STATUS_BIN = join(PLUGIN_DIR, "bin", "live-status.js");

let world: World;
let home: GatewayHome;
let gateway: Gateway | undefined;
const said: string[] = [];

/** Runs a README command as a user would: `openclaw …` on PATH, in the isolated state directory. */
async function openclaw(...args: string[]): Promise<string> {
  said.push(`openclaw ${args.join(" ")}`);
  const r = await runToEnd(OPENCLAW_BIN, args, {
    env: openclawEnv(home),
    cwd: home.root,
    timeoutMs: 180_000,
  });
  return r.stdout + r.stderr;
}

beforeAll(async () => {
  await prepareInstall("bare");
  home = restorePristine("bare");
  world = await startWorld();
  world.mm.setWebappPlugins([{ id: "live-status", version: "0.1.0" }]);
}, 600_000);

afterAll(async () => {
  await gateway?.stop(30_000);
  await world?.close();
});

describe("installing Live Status the way the README says", () => {
  let tarball: string;

  it("npm run build makes the plugin tarball and the webapp bundle", async () => {
    const r = await runToEnd("npm", ["run", "build"], {
      cwd: REPO_ROOT,
      env: process.env,
      timeoutMs: 180_000,
    });
    const packed = /packed (\S+live-status-[\d.]+\.tgz)/.exec(r.stdout)?.[1];
    expect(packed, r.stdout + r.stderr).toBeDefined();
    tarball = packed as string;
    expect(r.stdout).toMatch(/packed \S+packages\/webapp\/dist\/live-status-webapp\.tar\.gz/);
    const files = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).split("\n");
    expect(files).toContain("package/node_modules/@live-status/contract/dist/index.js");
    expect(files).toContain("package/openclaw.plugin.json");
  }, 200_000);

  it("installs from the tarball into a clean state directory, with the hooks allowed and OpenClaw's preview off", async () => {
    expect(existsSync(join(home.stateDir, "extensions", "live-status"))).toBe(false);
    const installed = await openclaw("plugins", "install", tarball, "--force", "--accept-capabilities");
    expect(installed).toContain("Installed plugin: live-status");
    await openclaw("config", "set", "plugins.entries.live-status.hooks.allowConversationAccess", "true");
    await openclaw("config", "set", "channels.mattermost.streaming.mode", "off");
    const config = JSON.parse(readFileSync(home.configPath, "utf8"));
    expect(config.plugins.entries["live-status"]).toMatchObject({
      enabled: true,
      hooks: { allowConversationAccess: true },
    });
    expect(config.channels.mattermost.streaming).toEqual({ mode: "off" });
    const doctor = await openclaw("plugins", "doctor");
    expect(doctor).not.toContain("blocked");
  }, 300_000);

  it("gives a person's message one box after the gateway starts, finalized done, with no other progress post", async () => {
    gateway = await startGateway({
      home,
      modelBaseUrl: world.model.baseUrl,
      mattermost: { url: world.mm.url, botToken: world.mm.botToken },
      workspaceFiles: { "NOTES.md": "hello from the notes\n" },
    });
    await world.botConnected(true);
    const asked = world.say(
      world.town,
      world.alice,
      `@${BOT_USERNAME} [tools] please read the notes and run echo`,
    );
    await waitFor(
      "the answer",
      () =>
        world.mm
          .postsIn(world.town.id)
          .find((p) => p.user_id === world.mm.botUserId && p.type === "" && p.message.includes(TOOLS_ANSWER)),
      90_000,
    );
    const box = await waitFor(
      "a final box",
      () =>
        liveBoxesIn(world.mm, world.town.id).find(
          (b) => b.status?.state === "done" && b.createAt >= asked.create_at,
        ),
      30_000,
    );
    expect(box.status?.tools.map((t) => t.name)).toEqual(["read", "exec"]);
    // With the preview off, the bot's only other post is its answer.
    const botPosts = world.mm
      .postsIn(world.town.id)
      .filter((p) => p.user_id === world.mm.botUserId && p.create_at >= asked.create_at);
    expect(botPosts.map((p) => p.type).sort()).toEqual(["", "custom_live_status"]);
    expect(gateway.output()).not.toMatch(/\[live-status\].*(preview:|hooks:|webapp )/);
    assertServedAccordingToSpec(world.mm);
  }, 240_000);

  it("live-status doctor then finds nothing to fix", async () => {
    const r = await runToEnd(LIVE_STATUS_BIN, ["doctor", "--json"], {
      env: openclawEnv(home),
      cwd: home.root,
      timeoutMs: 60_000,
    });
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: Array<{ id: string; status: string; summary: string }>;
    };
    expect(report.checks.filter((c) => c.status !== "ok")).toEqual([]);
    expect(report.checks.map((c) => c.id)).toEqual([
      "openclaw",
      "plugin",
      "hooks",
      "account default",
      `webapp ${world.mm.url}`,
      "preview",
      "ledger",
    ]);
    expect(report.checks.find((c) => c.id === "ledger")?.summary).toMatch(
      /owned by gateway:\d+@\S+, running/,
    );
    expect(said).toEqual([
      `openclaw plugins install ${tarball} --force --accept-capabilities`,
      "openclaw config set plugins.entries.live-status.hooks.allowConversationAccess true",
      "openclaw config set channels.mattermost.streaming.mode off",
      "openclaw plugins doctor",
    ]);
  }, 120_000);
});
