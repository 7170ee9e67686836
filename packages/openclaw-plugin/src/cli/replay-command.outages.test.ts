import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { assertServedAccordingToSpec, startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SwitchableProxy, startSwitchableProxy } from "../../test/support/switchable-proxy.ts";
import { main } from "./main.ts";

const BIN = fileURLToPath(new URL("../../bin/live-status.js", import.meta.url));

let fake: FakeMattermost;
let proxy: SwitchableProxy;
let dir: string;
let channelId: string;
let session: string;

beforeEach(async () => {
  fake = await startFakeMattermost();
  proxy = await startSwitchableProxy(fake.url);
  dir = await mkdtemp(join(tmpdir(), "live-status-replay-outage-"));
  channelId = fake.addChannel("O", "ops").id;
  session = `agent:main:mattermost:channel:${channelId}`;
});

afterEach(async () => {
  fake.faults.clear();
  await proxy.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const T = 1_789_000_000_000;

async function eventsFile(lines: Array<Record<string, unknown>>): Promise<string> {
  const file = join(dir, `events-${Math.random().toString(36).slice(2)}.jsonl`);
  await writeFile(file, lines.map((l) => JSON.stringify({ v: 1, session, ...l })).join("\n"));
  return file;
}

const turn = (end = 1_000) => [
  { ts: T, type: "run_start", runId: "r1" },
  { ts: T + end, type: "run_end", runId: "r1", outcome: "ok" },
];

async function replay(file: string, ...extra: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["replay", file, "--mattermost-url", proxy.url, "--json", "--quiet", ...extra], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { MATTERMOST_TOKEN: fake.botToken },
  });
  return { code, stderr: err.join(""), totals: JSON.parse(out.join("")).totals };
}

const boxes = () =>
  fake.postsIn(channelId, { includeDeleted: true }).filter((p) => p.type === "custom_live_status");
const stateOf = (i: number) => (boxes()[i]?.props.live_status as { state: string } | undefined)?.state;

describe("live-status replay against a Mattermost that fails", () => {
  it("counts a shown box and a landed final, and exits 0", async () => {
    const result = await replay(await eventsFile(turn()));
    expect(result.code).toBe(0);
    expect(result.totals).toMatchObject({
      boxesShown: 1,
      boxesNeverShown: 0,
      finalsLanded: 1,
      finalsPending: 0,
      finalsNotLanded: 0,
    });
  });

  it("exits 4 with the final still owed when Mattermost refuses it past --final-wait, and the next run on the ledger lands it on the same post", async () => {
    const ledger = join(dir, "ledger.sqlite");
    fake.faults.serverError({ status: 503, count: 1e9, match: { method: "PUT" } });
    const first = await replay(await eventsFile(turn()), "--ledger", ledger, "--final-wait", "1");
    expect(first.code).toBe(4);
    expect(first.totals).toMatchObject({ boxesShown: 1, finalsLanded: 0, finalsPending: 1 });
    expect(first.stderr).toContain(`they stay in ${ledger}`);
    expect(stateOf(0)).toBe("running");
    const out: string[] = [];
    await main(["status", "--ledger", ledger], { stdout: (t) => out.push(t), stderr: () => {}, env: {} });
    expect(out.join("")).toMatch(/box #1 running .* post=[a-z0-9]{26} {2}owes final done since /);

    fake.faults.clear();
    const second = await replay(await eventsFile([]), "--ledger", ledger);
    expect(second.code).toBe(0);
    expect(second.totals).toMatchObject({ finalsLanded: 1, finalsPending: 0 });
    expect(boxes()).toHaveLength(1);
    expect(stateOf(0)).toBe("done");
    assertServedAccordingToSpec(fake);
  });

  it("exits 4 and counts a box that never appeared", async () => {
    fake.faults.serverError({ status: 503, count: 1e9, match: { method: "POST" } });
    const result = await replay(await eventsFile(turn()), "--final-wait", "1");
    expect(result.code).toBe(4);
    expect(result.totals).toMatchObject({ boxesShown: 0, boxesNeverShown: 1, finalsPending: 1 });
    expect(boxes()).toHaveLength(0);
  });

  it("waits out a real outage at the final and lands it once Mattermost is back", async () => {
    const file = await eventsFile(turn(1_500));
    const done = replay(file, "--speed", "1");
    for (let i = 0; i < 200 && boxes().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    proxy.takeDown();
    await new Promise((r) => setTimeout(r, 3_500));
    expect(stateOf(0)).toBe("running");
    proxy.bringUp();
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.totals).toMatchObject({ boxesShown: 1, finalsLanded: 1, finalsPending: 0 });
    expect(boxes()).toHaveLength(1);
    expect(stateOf(0)).toBe("done");
  });

  it("on SIGINT while Mattermost is down, waits the bounded time, says the finals stay in the ledger, and exits 130", async () => {
    const ledger = join(dir, "ledger.sqlite");
    const file = await eventsFile(turn(600_000));
    const child = spawn(
      process.execPath,
      [
        BIN,
        "replay",
        file,
        "--mattermost-url",
        proxy.url,
        "--speed",
        "1",
        "--ledger",
        ledger,
        "--final-wait",
        "1",
      ],
      { env: { ...process.env, MATTERMOST_TOKEN: fake.botToken }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 400 && boxes().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(boxes()).toHaveLength(1);
    proxy.takeDown();
    child.kill("SIGINT");
    const code = await Promise.race([
      exited,
      new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 15_000)),
    ]);
    if (code === "timeout") child.kill("SIGKILL");
    expect(code).toBe(130);
    expect(stderr).toContain(`did not take 1 final state(s) within 1 s; they stay in ${ledger}`);
    expect(stateOf(0)).toBe("running");

    proxy.bringUp();
    const next = await replay(await eventsFile([]), "--ledger", ledger);
    expect(next.code).toBe(0);
    expect(boxes()).toHaveLength(1);
    expect(stateOf(0)).toBe("interrupted");
  });
});
