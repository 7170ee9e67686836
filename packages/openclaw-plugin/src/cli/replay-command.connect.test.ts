import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../test/support/free-port.ts";
import { serializeEvent } from "../core/event-parse.ts";
import type { LiveEvent } from "../core/events.ts";
import { main } from "./main.ts";

const T = 1_789_000_000_000;
const TOKEN = "bot-token-for-the-late-server";
let dir: string;
const servers: FakeMattermost[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "live-status-connect-"));
});

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  await rm(dir, { recursive: true, force: true });
});

async function fakeOn(port?: number): Promise<FakeMattermost> {
  const fake = await startFakeMattermost({ botToken: TOKEN, ...(port !== undefined && { port }) });
  servers.push(fake);
  return fake;
}

/** One finished turn in a channel of `fake`. */
async function turnIn(fake: FakeMattermost): Promise<string> {
  const session = `agent:main:mattermost:channel:${fake.addChannel("O", "town").id}`;
  const events: LiveEvent[] = [
    { v: 1, ts: T, session, type: "run_start", runId: "r1", trigger: { kind: "user" } },
    { v: 1, ts: T + 5_000, session, type: "run_end", runId: "r1", outcome: "ok" },
  ];
  const file = join(dir, "events.jsonl");
  await writeFile(file, events.map(serializeEvent).join("\n"));
  return file;
}

function replay(file: string, url: string, ...extra: string[]) {
  const err: string[] = [];
  const exit = main(["replay", file, "--mattermost-url", url, ...extra], {
    stdout: () => {},
    stderr: (t) => err.push(t),
    env: { MATTERMOST_TOKEN: TOKEN },
  });
  return { exit, stderr: () => err.join("") };
}

const finalStates = (fake: FakeMattermost) =>
  fake.posts().map((p) => (p.props.live_status as { state?: string } | undefined)?.state);

describe("replay reaching Mattermost", () => {
  it("goes on after a connection reset on its first request", async () => {
    const fake = await fakeOn();
    const file = await turnIn(fake);
    fake.faults.reset({ when: "before", match: { method: "GET", path: "/api/v4/users/me" } });

    const run = replay(file, fake.url);

    expect(await run.exit).toBe(0);
    expect(finalStates(fake)).toEqual(["done"]);
    expect(
      fake
        .requests()
        .filter((r) => r.path === "/api/v4/users/me")
        .map((r) => r.status),
    ).toEqual([0, 200]);
    expect(run.stderr().match(/cannot reach Mattermost/g)).toHaveLength(1);
  });

  it("waits for a server started late, saying so once", async () => {
    const port = await freePort();
    const file = join(dir, "nothing-yet.jsonl");
    await writeFile(file, "");
    const run = replay(file, `http://127.0.0.1:${port}`, "--wait-for-server", "30");
    await new Promise((r) => setTimeout(r, 1_500));
    const fake = await fakeOn(port);

    expect(await run.exit).toBe(0);
    expect(fake.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      "GET /api/v4/users/me 200",
    ]);
    expect(
      run
        .stderr()
        .split("\n")
        .filter((l) => /Mattermost at/.test(l)),
    ).toEqual([
      expect.stringMatching(
        /^live-status warn: cannot reach Mattermost at .*trying again .* for up to 30 s$/,
      ),
      expect.stringMatching(/^live-status info: Mattermost at .* answered after [\d.]+ s; going on$/),
    ]);
  });

  it("gives up on a server that never answers after the wait it was given, with exit 1", async () => {
    const port = await freePort();
    const file = join(dir, "never.jsonl");
    await writeFile(file, "");

    const run = replay(file, `http://127.0.0.1:${port}`, "--wait-for-server", "2");

    expect(await run.exit).toBe(1);
    const lines = run.stderr().trim().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^live-status warn: cannot reach Mattermost at .*trying again .* for up to 2 s$/),
      expect.stringMatching(
        /^live-status replay: cannot reach Mattermost at http:\/\/127\.0\.0\.1:\d+ after [\d.]+ s: /,
      ),
    ]);
  });

  it("does not wait when the token is refused", async () => {
    const fake = await fakeOn();
    const file = await turnIn(fake);
    const err: string[] = [];
    const code = await main(["replay", file, "--mattermost-url", fake.url, "--wait-for-server", "600"], {
      stdout: () => {},
      stderr: (t) => err.push(t),
      env: { MATTERMOST_TOKEN: "wrong" },
    });

    expect(code).toBe(2);
    expect(err.join("")).toMatch(/refused the token \(401\)/);
  });
});
