import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LiveStatusV1 } from "@live-status/contract";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LegacyState, line } from "../../test/fixtures/legacy/legacy-state.ts";
import { openLedger } from "../adapters/storage/index.ts";
import { main } from "./main.ts";

let fake: FakeMattermost;
let state: LegacyState;
let ledgerPath: string;

beforeEach(async () => {
  fake = await startFakeMattermost({ users: ["alice"] });
  state = await LegacyState.create("live-status-watch-");
  ledgerPath = join(state.home, "ledger.sqlite");
});

afterEach(async () => {
  await fake.close();
  await state.remove();
});

/** Starts `live-status watch` as the bin would, with a stop signal the test controls. */
function watch(args: string[], env: Record<string, string> = { MATTERMOST_TOKEN: fake.botToken }) {
  const stop = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  const exit = main(["watch", ...args], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env,
    signal: stop.signal,
  });
  return { stop, exit, stderr: () => err.join("") };
}

/** Waits for a condition on real time (the command runs on the system clock), bounded. */
async function until(what: string, cond: () => boolean, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const boxes = (channelId: string) => fake.postsIn(channelId).filter((p) => p.type === "custom_live_status");
const stateOf = (p: { props: Record<string, unknown> } | undefined) =>
  (p?.props.live_status as LiveStatusV1 | undefined)?.state;

async function channelSession() {
  const channel = fake.addChannel("O", "ops");
  const session = `agent:main:mattermost:channel:${channel.id}`;
  await state.writeIndex({ [session]: { sessionId: "s1", to: `channel:${channel.id}` } });
  await state.append("s1", [line.header("s1", Date.now() - 60_000)]);
  return channel;
}

const baseArgs = () => [
  "--openclaw-home",
  state.home,
  "--mattermost-url",
  fake.url,
  "--ledger",
  ledgerPath,
  "--poll-interval",
  "20",
];

describe("live-status watch", () => {
  it("shows a legacy turn live and, on SIGTERM, ends the live box as interrupted and exits 0", async () => {
    const channel = await channelSession();
    const run = watch(baseArgs());
    await until("the watch to start", () => run.stderr().includes("live-status info: watching"));
    await state.append("s1", [
      line.user("deploy please"),
      line.assistant({ tools: [{ id: "c1", name: "exec" }] }),
    ]);
    await until("a running box", () => stateOf(boxes(channel.id)[0]) === "running");

    run.stop.abort("SIGTERM");
    expect(await run.exit).toBe(0);
    const [box, ...others] = boxes(channel.id);
    expect(others).toEqual([]);
    expect(stateOf(box)).toBe("interrupted");
    expect(run.stderr()).toContain("live-status watch stopped (SIGTERM)");

    const ledger = openLedger(ledgerPath);
    expect(
      ledger.acquireLease(
        { owner: "next", pid: 1, host: "h", acquiredAt: 0, expiresAt: Date.now() + 1_000 },
        Date.now(),
      ).ok,
    ).toBe(true);
    ledger.close();
  });

  it("stands down with a clear line and exit 2 when another owner holds the ledger", async () => {
    await channelSession();
    const ledger = openLedger(ledgerPath);
    ledger.acquireLease(
      {
        owner: "plugin:42@gateway",
        pid: 42,
        host: "gateway",
        acquiredAt: Date.now(),
        expiresAt: Date.now() + 60_000,
      },
      Date.now(),
    );
    ledger.close();
    const run = watch(baseArgs());
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(
      /^live-status watch: the ledger .* is owned by plugin:42@gateway \(pid 42 on gateway\) until .*; standing down\n$/m,
    );
  });

  it("takes the Mattermost settings from the OpenClaw config and never prints the token", async () => {
    await channelSession();
    await writeFile(
      join(state.home, "openclaw.json"),
      `{
  // legacy install
  channels: { mattermost: { enabled: true, baseUrl: "${fake.url}", botToken: "${fake.botToken}", }, },
}`,
    );
    const run = watch(["--openclaw-home", state.home, "--ledger", ledgerPath], {});
    await until("the watch to start", () => run.stderr().includes("live-status info: watching"));
    run.stop.abort("SIGINT");
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toContain("Mattermost settings from the OpenClaw config");
    expect(run.stderr()).not.toContain(fake.botToken);
  });

  it("finds the state dir through $OPENCLAW_STATE_DIR", async () => {
    await channelSession();
    const run = watch(["--mattermost-url", fake.url, "--ledger", ledgerPath], {
      MATTERMOST_TOKEN: fake.botToken,
      OPENCLAW_STATE_DIR: state.home,
    });
    await until("the watch to start", () => run.stderr().includes("live-status info: watching"));
    run.stop.abort("SIGINT");
    expect(await run.exit).toBe(0);
  });

  it.each([
    [
      "a directory without agents/",
      (home: string) => ["--openclaw-home", join(home, "nope")],
      /not an OpenClaw state directory/,
    ],
    [
      "no token anywhere",
      (home: string) => ["--openclaw-home", home, "--mattermost-url", "http://127.0.0.1:1"],
      /no bot token: .*openclaw\.json \(not found\)/,
    ],
    [
      "a bad poll interval",
      (home: string) => [
        "--openclaw-home",
        home,
        "--token",
        "t",
        "--mattermost-url",
        "http://x",
        "--poll-interval",
        "0",
      ],
      /--poll-interval/,
    ],
  ])("refuses %s with exit 2", async (_what, args, message) => {
    await mkdir(join(state.home, "agents"), { recursive: true });
    const run = watch(args(state.home), {});
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(message);
  });

  it("is listed in the command's help, with its own usage", async () => {
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: () => {}, env: {} };
    expect(await main(["--help"], io)).toBe(0);
    expect(await main(["watch", "--help"], io)).toBe(0);
    expect(out.join("")).toContain("watch [--openclaw-home DIR]");
    expect(out.join("")).toContain("npx, which does not pass");
  });
});
