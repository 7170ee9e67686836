/**
 * The entry's service through the test host: events before start, stop finalizing live boxes,
 * a second owner standing down, invalid settings, and `recordEvents`.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeChannel, FakeMattermost, FakePost } from "@live-status/fake-mattermost";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import type { OpenClawConfig } from "openclaw/plugin-sdk/plugin-entry";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Captured, fixtureId, loadCapture, play, TestHost } from "../test/support/openclaw-host.ts";
import { connectBot } from "./adapters/openclaw/connect-bot.ts";
import { forgetProcessHub, OpenClawHub, processHub } from "./adapters/openclaw/hub.ts";
import { registerLiveStatus } from "./adapters/openclaw/plugin.ts";
import { openRecordFile } from "./adapters/openclaw/record-file.ts";
import { openLedger } from "./adapters/storage/index.ts";
import { main } from "./cli/main.ts";
import { parseEventStream } from "./core/event-parse.ts";
import entry from "./index.ts";
import { systemClock } from "./runtime/clock.ts";

/** Real HTTP on a busy CI machine: give writes time to land. */
const WAIT = { timeout: 5_000 };

let fake: FakeMattermost;
let dir: string;
let town: FakeChannel;
let ids: Record<string, string>;
const hosts: TestHost[] = [];

beforeEach(async () => {
  fake = await startFakeMattermost({ users: ["alice"] });
  dir = await mkdtemp(join(tmpdir(), "live-status-entry-service-"));
  town = fake.addChannel("O", "town-square", [fake.user("alice")?.id ?? ""]);
  ids = { [fixtureId("townsquarechan")]: town.id, [fixtureId("aliceuser")]: fake.user("alice")?.id ?? "" };
});

afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop(dir);
  forgetProcessHub();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const openclawConfig = (): OpenClawConfig => ({
  channels: { mattermost: { enabled: true, baseUrl: fake.url, botToken: fake.botToken } },
  plugins: { entries: { "live-status": { enabled: true, hooks: { allowConversationAccess: true } } } },
});

function gateway(pluginConfig: Record<string, unknown> = {}, config: OpenClawConfig = openclawConfig()) {
  const host = new TestHost({ pluginConfig: { minEditIntervalMs: 200, ...pluginConfig }, config });
  hosts.push(host);
  host.register(entry, "full");
  host.register(entry, "discovery");
  host.register(entry, "discovery");
  return host;
}

const boxes = () => fake.posts().filter((p) => p.type === "custom_live_status");
const stateOf = (p: FakePost | undefined) => (p?.props.live_status as { state?: string } | undefined)?.state;
const isRunEnd = (r: Captured) =>
  r.kind === "agent_event" && "event" in r && r.event.stream === "lifecycle" && r.event.data.phase === "end";

describe("the entry's service", () => {
  it("applies the events that arrived before it started", async () => {
    const host = gateway();
    play(host, loadCapture("a-channel-two-tools.jsonl", ids));
    expect(boxes()).toEqual([]);
    await host.start(dir);
    await vi.waitFor(() => expect(stateOf(boxes()[0])).toBe("done"), WAIT);
    expect(host.lines("info")).toContain("[live-status] applying 15 events that arrived before start");
  });

  it("finalizes a live box as interrupted when the gateway stops, within about 2 s", async () => {
    const host = gateway();
    await host.start(dir);
    play(host, loadCapture("a-channel-two-tools.jsonl", ids), isRunEnd);
    await vi.waitFor(() => expect(stateOf(boxes()[0])).toBe("running"), WAIT);
    const started = Date.now();
    await host.stop(dir);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(boxes()).toHaveLength(1);
    expect(stateOf(boxes()[0])).toBe("interrupted");
    expect(host.lines("info")).toContain("[live-status] stopped (gateway stopping)");
  });

  it("makes a second owner of the same state directory stand down with one log line", async () => {
    const first = gateway();
    await first.start(dir);

    const second = new TestHost({ pluginConfig: { minEditIntervalMs: 200 }, config: openclawConfig() });
    hosts.push(second);
    const otherHub = new OpenClawHub({ clock: systemClock, log: { info() {}, warn() {}, error() {} } });
    for (const mode of ["full", "discovery"] as const)
      registerLiveStatus(second.instance(mode).api, {
        clock: systemClock,
        env: {},
        homeDir: dir,
        identity: { owner: "gateway:99999@other-host", pid: 99999, host: "other-host" },
        connect: (account, ratePerSec) => connectBot(account, { clock: systemClock, ratePerSec }),
        openLedger: (path) => openLedger(path),
        openRecordFile,
        hub: otherHub,
      });
    await second.start(dir);

    const standDown = second.lines().filter((l) => l.includes("standing down"));
    expect(standDown).toHaveLength(1);
    expect(standDown[0]).toMatch(
      new RegExp(`ledger ${dir}/live-status/ledger.sqlite is owned by gateway:${process.pid}@`),
    );
    expect(otherHub.mode).toBe("dropping");
    play(second, loadCapture("a-channel-two-tools.jsonl", ids));
    play(first, loadCapture("a-channel-two-tools.jsonl", ids));
    await vi.waitFor(() => expect(stateOf(boxes()[0])).toBe("done"), WAIT);
    expect(boxes()).toHaveLength(1);
  });

  it("logs invalid settings, stays off and never throws", async () => {
    const host = gateway({ previousBox: "keep", redact: ["("] });
    await expect(host.start(dir)).resolves.toBeUndefined();
    const [error, ...more] = host.lines("error");
    expect(more).toEqual([]);
    expect(error).toMatch(/^\[live-status\] invalid settings in plugins\.entries\.live-status\.config: /);
    expect(error).toContain('previousBox: "keep" is not allowed');
    expect(error).toContain("redact[0]:");
    play(host, loadCapture("a-channel-two-tools.jsonl", ids));
    expect(processHub(() => new OpenClawHub({ clock: systemClock, log: console })).mode).toBe("dropping");
    expect(fake.requests()).toEqual([]);
  });

  it("says where to set the Mattermost server when there is none, and stays off", async () => {
    const host = gateway({}, {});
    await host.start(dir);
    expect(host.lines("error")).toEqual([
      '[live-status] no Mattermost base URL for account "default": set channels.mattermost.baseUrl and botToken, or plugins.entries.live-status.config.mattermost. Live Status stays off',
    ]);
  });

  it("warns when conversation hooks are not allowed, since triggers are then unknown", async () => {
    const config = openclawConfig();
    const host = gateway({}, { channels: config.channels });
    await host.start(dir);
    expect(
      host.lines("warn").filter((l) => l.includes("hooks.allowConversationAccess is not true")),
    ).toHaveLength(1);
  });

  it("logs doctor's warnings once at start: OpenClaw's own preview and the webapp plugin missing", async () => {
    const host = gateway();
    await host.start(dir);
    await vi.waitFor(() => expect(host.lines("warn").some((l) => l.includes("webapp"))).toBe(true), WAIT);
    expect(host.lines("warn")).toEqual([
      "[live-status] preview: channels.mattermost.streaming.mode is partial: people see a second, growing draft of the answer beside the box (OpenClaw's default preview). Fix: openclaw config set channels.mattermost.streaming.mode off",
      `[live-status] webapp ${fake.url}: the Live Status webapp plugin is not active: clients show the box as a compact markdown summary. Fix: npm run build, then upload packages/webapp/dist/live-status-webapp.tar.gz in System Console → Plugins and enable it`,
    ]);
  });

  it("logs no warning for an install doctor passes", async () => {
    fake.setWebappPlugins([{ id: "live-status", version: "0.1.0" }]);
    const config = openclawConfig();
    const host = gateway(
      {},
      { ...config, channels: { mattermost: { ...config.channels?.mattermost, streaming: { mode: "off" } } } },
    );
    await host.start(dir);
    await vi.waitFor(
      () => expect(fake.requests().some((r) => r.path === "/api/v4/plugins/webapp")).toBe(true),
      WAIT,
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(host.lines("warn")).toEqual([]);
  });

  it("records the events as a file that live-status replay accepts, with no secret in it", async () => {
    const secret = "sk-live-abcdefghijklmnopqrstuvwx";
    const host = gateway({ recordEvents: "recordings/events.jsonl" });
    await host.start(dir);
    const withSecret = loadCapture("a-channel-two-tools.jsonl", {
      ...ids,
      '"command":"echo hi"': `"command":"curl -H 'Authorization: Bearer ${secret}' https://x"`,
    });
    play(host, withSecret);
    await vi.waitFor(() => expect(stateOf(boxes()[0])).toBe("done"), WAIT);
    await host.stop(dir);

    const file = join(dir, "recordings", "events.jsonl");
    const text = await readFile(file, "utf8");
    const parsed = parseEventStream(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.events.map((e) => e.event.type)).toContain("tool_start");
    expect(text).toContain("curl");
    for (const leak of [secret, fake.botToken, "I should look at the file first."])
      expect(text).not.toContain(leak);

    const out: string[] = [];
    const code = await main(["replay", file, "--mattermost-url", fake.url, "--json", "--quiet"], {
      stdout: (t) => out.push(t),
      stderr: () => {},
      env: { MATTERMOST_TOKEN: fake.botToken },
    });
    expect(code).toBe(0);
    expect(JSON.parse(out.join(""))).toMatchObject({ badLines: 0, totals: { boxesCreated: 1 } });
  });
});
