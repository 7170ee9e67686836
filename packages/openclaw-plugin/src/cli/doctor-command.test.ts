import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { assertServedAccordingToSpec, startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openLedger } from "../adapters/storage/index.ts";
import { main } from "./main.ts";

/** node_modules/.bin of the repository: the real `openclaw` package and Node 24. */
const BIN = resolve(import.meta.dirname, "../../../../node_modules/.bin");

let fake: FakeMattermost;
let home: string;

beforeEach(async () => {
  fake = await startFakeMattermost({ webappPlugins: [{ id: "live-status", version: "0.1.0" }] });
  home = await mkdtemp(join(tmpdir(), "live-status-doctor-"));
  await mkdir(join(home, "extensions", "live-status"), { recursive: true });
  await writeFile(join(home, "extensions", "live-status", "openclaw.plugin.json"), '{ "id": "live-status" }');
});

afterEach(async () => {
  assertServedAccordingToSpec(fake);
  await fake.close();
  await rm(home, { recursive: true, force: true });
});

/** A config as an installed and configured gateway has it; `patch` is merged over it. */
// biome-ignore lint/suspicious/noExplicitAny: a config object patched freely by each test
type Config = Record<string, any>;

async function writeConfig(patch: (c: Config) => void = () => {}) {
  const config: Config = {
    channels: {
      mattermost: { enabled: true, baseUrl: fake.url, botToken: fake.botToken, streaming: { mode: "off" } },
    },
    plugins: { entries: { "live-status": { enabled: true, hooks: { allowConversationAccess: true } } } },
    meta: { lastTouchedVersion: "2026.9.6" },
  };
  patch(config);
  await writeFile(join(home, "openclaw.json"), JSON.stringify(config));
}

async function doctor(...extra: string[]) {
  const out: string[] = [];
  const code = await main(["doctor", "--openclaw-home", home, "--json", ...extra], {
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
    env: { PATH: `${BIN}:/usr/bin:/bin`, HOME: home },
  });
  const report = JSON.parse(out.join("")) as {
    ok: boolean;
    checks: Array<{ id: string; status: string; summary: string; fix?: string }>;
  };
  const check = (id: string) => report.checks.find((c) => c.id === id);
  return { code, report, check };
}

function ownLedger(owner: { pid: number; host?: string }) {
  const ledger = openLedger(join(home, "live-status", "ledger.sqlite"));
  const now = Date.now();
  ledger.acquireLease(
    {
      owner: `gateway:${owner.pid}@h`,
      pid: owner.pid,
      host: owner.host ?? hostname(),
      acquiredAt: now,
      expiresAt: now + 600_000,
    },
    now,
  );
  ledger.close();
}

describe("live-status doctor", () => {
  it("passes a complete install, naming OpenClaw, Node, the bot, the server version and the webapp plugin", async () => {
    await writeConfig();
    ownLedger({ pid: process.pid });
    const { code, report, check } = await doctor();
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ["openclaw", "ok"],
      ["plugin", "ok"],
      ["hooks", "ok"],
      ["account default", "ok"],
      [`webapp ${fake.url}`, "ok"],
      ["preview", "ok"],
      ["ledger", "ok"],
    ]);
    expect(check("openclaw")?.summary).toMatch(/^OpenClaw 2026\.9\.\d+ on Node 24\.\d+\.\d+$/);
    expect(check("account default")?.summary).toContain(
      "token accepted as @live-status-bot (a bot), Mattermost 10.11.0",
    );
    expect(check("ledger")?.summary).toContain(`owned by gateway:${process.pid}@h, running`);
  });

  it("warns when the conversation hooks are not allowed, with the one config command as the fix", async () => {
    await writeConfig((c) => delete c.plugins.entries["live-status"].hooks);
    const { code, check } = await doctor();
    expect(code).toBe(0);
    expect(check("hooks")).toMatchObject({
      status: "warn",
      fix: "openclaw config set plugins.entries.live-status.hooks.allowConversationAccess true",
    });
  });

  it("says what people see with OpenClaw's default preview and how to turn it off", async () => {
    await writeConfig((c) => delete c.channels.mattermost.streaming);
    const { check } = await doctor();
    expect(check("preview")).toMatchObject({
      status: "warn",
      summary: expect.stringContaining("streaming.mode is partial: people see a second, growing draft"),
      fix: "openclaw config set channels.mattermost.streaming.mode off",
    });
  });

  it("fails with exit 1 when the plugin is not installed or is disabled", async () => {
    await writeConfig((c) => {
      c.plugins.entries["live-status"].enabled = false;
    });
    expect((await doctor()).check("plugin")).toMatchObject({
      status: "fail",
      fix: "openclaw plugins enable live-status",
    });
    await rm(join(home, "extensions"), { recursive: true });
    const { code, check } = await doctor();
    expect(code).toBe(1);
    expect(check("plugin")).toMatchObject({
      status: "fail",
      summary: expect.stringContaining("not installed"),
    });
  });

  it("fails when Mattermost refuses the token, without printing it", async () => {
    await writeConfig((c) => {
      c.channels.mattermost.botToken = "wrong-token-123456";
    });
    const { code, report, check } = await doctor();
    expect(code).toBe(1);
    expect(check("account default")).toMatchObject({
      status: "fail",
      summary: expect.stringContaining("refused the bot token (HTTP 401)"),
    });
    expect(JSON.stringify(report)).not.toContain("wrong-token-123456");
  });

  it("warns when the webapp plugin is not active, and when the server has plugins disabled", async () => {
    await writeConfig();
    fake.setWebappPlugins([{ id: "com.example.other", version: "1.0.0" }]);
    expect((await doctor()).check(`webapp ${fake.url}`)).toMatchObject({
      status: "warn",
      fix: expect.stringContaining("live-status-webapp.tar.gz"),
    });
    fake.setWebappPlugins("disabled");
    expect((await doctor()).check(`webapp ${fake.url}`)?.summary).toContain("plugins are disabled");
  });

  it("warns about a ledger whose owner's process is gone", async () => {
    await writeConfig();
    ownLedger({ pid: 2 ** 22 + 12345 });
    const { check } = await doctor();
    expect(check("ledger")).toMatchObject({
      status: "warn",
      summary: expect.stringContaining("whose process is gone"),
    });
  });

  it("lists every account of a multi-account gateway, each against its own server", async () => {
    const second = await startFakeMattermost({ botUsername: "ops-bot" });
    try {
      await writeConfig((c) => {
        c.channels.mattermost = {
          enabled: true,
          streaming: { mode: "off" },
          accounts: {
            default: { baseUrl: fake.url, botToken: fake.botToken },
            ops: { baseUrl: second.url, botToken: second.botToken },
          },
        };
      });
      const { code, report, check } = await doctor();
      expect(code).toBe(0);
      const accounts = report.checks.filter((c) => c.id.startsWith("account "));
      expect(accounts.map((c) => [c.id, c.status])).toEqual([
        ["account default", "ok"],
        ["account ops", "ok"],
      ]);
      expect(accounts[1]?.summary).toContain("@ops-bot");
      expect(check("accounts")).toMatchObject({
        status: "ok",
        summary:
          "2 accounts (default, ops): each run's box goes through the account its message came in on; other runs use default",
      });
      expect(report.checks.filter((c) => c.id.startsWith("webapp ")).map((c) => [c.id, c.status])).toEqual([
        [`webapp ${fake.url}`, "ok"],
        [`webapp ${second.url}`, "warn"],
      ]);
    } finally {
      await second.close();
    }
  });

  it("prints one line per finding, with the fix, without --json", async () => {
    await writeConfig((c) => delete c.channels.mattermost.streaming);
    const out: string[] = [];
    await main(["doctor", "--openclaw-home", home, "--offline"], {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      env: { PATH: `${BIN}:/usr/bin:/bin`, HOME: home },
    });
    const lines = out.join("").trimEnd().split("\n");
    expect(lines).toContain(
      "warn preview: channels.mattermost.streaming.mode is partial: people see a second, growing draft of the answer beside the box (OpenClaw's default preview). Fix: openclaw config set channels.mattermost.streaming.mode off",
    );
    expect(lines.every((l) => /^(ok|warn|FAIL) +\S/.test(l))).toBe(true);
  });
});
