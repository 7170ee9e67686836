import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { corruptTable, freeBytes, makeReadOnly, mountTmpfs } from "../../test/support/storage-faults.ts";
import { openLedger } from "../adapters/storage/index.ts";
import { serializeEvent } from "../core/event-parse.ts";
import type { LiveEvent } from "../core/events.ts";
import { main } from "./main.ts";

let fake: FakeMattermost;
let dir: string;
const undo: Array<() => void> = [];

beforeEach(async () => {
  fake = await startFakeMattermost();
  dir = await mkdtemp(join(tmpdir(), "live-status-storage-"));
});

afterEach(async () => {
  for (const fn of undo.splice(0).reverse()) fn();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const T = 1_789_000_000_000;
const stateOf = (post: { props: Record<string, unknown> } | undefined) =>
  (post?.props.live_status as { state?: string } | undefined)?.state;

/** `sessions` channels, each with one turn of `tools` tool calls, interleaved. */
async function turns(sessions: number, tools: number): Promise<string> {
  const events: LiveEvent[] = [];
  for (let i = 0; i < sessions; i++) {
    const session = `agent:main:mattermost:channel:${fake.addChannel("O", `c${i}`).id}`;
    const at = T + i * 1_000;
    events.push({ v: 1, ts: at, session, type: "run_start", runId: `r${i}`, trigger: { kind: "user" } });
    for (let k = 0; k < tools; k++)
      events.push({
        v: 1,
        ts: at + 100 + k * 10,
        session,
        type: "tool_start",
        runId: `r${i}`,
        callId: `c${k}`,
        name: "exec",
        args: { command: `step ${k} ${"x".repeat(200)}` },
      });
    events.push({ v: 1, ts: at + 900_000, session, type: "run_end", runId: `r${i}`, outcome: "ok" });
  }
  events.sort((a, b) => a.ts - b.ts);
  const file = join(dir, `events-${sessions}.jsonl`);
  await writeFile(file, events.map(serializeEvent).join("\n"));
  return file;
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { MATTERMOST_TOKEN: fake.botToken },
  });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

const replay = (events: string, ledger: string) =>
  run("replay", events, "--mattermost-url", fake.url, "--ledger", ledger, "--quiet");

describe("replay on a failing disk", () => {
  it("on a disk that fills mid-run: one line saying what to do, no box left running, exit 1", async (ctx) => {
    const mount = join(dir, "small-disk");
    await mkdir(mount);
    const unmount = mountTmpfs(mount, 1024 * 1024);
    if (!unmount) return ctx.skip();
    undo.push(unmount);
    const ledger = join(mount, "ledger.sqlite");
    openLedger(ledger).close();
    // Leave the ledger about 150 KiB to grow into.
    await writeFile(join(mount, "filler"), Buffer.alloc(Math.max(0, freeBytes(mount) - 150 * 1024)));

    const result = await replay(await turns(40, 6), ledger);

    expect(result.stderr).toBe(
      `live-status replay: the disk holding the ledger ${ledger} is full: free space there, then start Live Status again; live boxes end as interrupted\n`,
    );
    expect(result.code).toBe(1);
    const states = fake.posts().map((p) => stateOf(p));
    expect(states.length).toBeGreaterThan(0);
    expect(states).not.toContain("running");
    expect(states).toContain("interrupted");
  });

  it("on a read-only ledger: one line saying what to do, nothing posted, exit 1", async (ctx) => {
    const ledger = join(dir, "ledger.sqlite");
    openLedger(ledger).close();
    const restore = makeReadOnly(ledger);
    if (!restore) return ctx.skip();
    undo.push(restore);

    const result = await replay(await turns(2, 1), ledger);

    expect(result.stderr).toBe(
      `live-status replay: the ledger ${ledger} or its directory is read-only: make both writable by this user, then start Live Status again\n`,
    );
    expect(result.code).toBe(1);
    expect(fake.posts()).toEqual([]);
  });

  it("on a corrupted ledger: one line saying what to do, and status shows what it can still read", async () => {
    const ledger = join(dir, "ledger.sqlite");
    expect((await replay(await turns(3, 1), ledger)).code).toBe(0);
    corruptTable(ledger, "boxes");

    const again = await replay(await turns(1, 1), ledger);
    const status = await run("status", "--ledger", ledger);

    expect(again.stderr).toMatch(/^live-status replay: the ledger .* is corrupted: move it aside .*\n$/);
    expect(again.code).toBe(1);
    expect(status.code).toBe(1);
    expect(status.stdout.match(/^agent:main:mattermost:channel:/gm)).toHaveLength(3);
    expect(status.stderr).toMatch(/^live-status status: cannot read the boxes: the ledger .* is corrupted/);
    expect(`${again.stderr}${status.stderr}`).not.toMatch(/\n\s+at /);
  });
});
