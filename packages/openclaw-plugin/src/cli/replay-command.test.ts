import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { assertServedAccordingToSpec, startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serializeEvent } from "../core/event-parse.ts";
import type { LiveEvent } from "../core/events.ts";
import { main } from "./main.ts";

let fake: FakeMattermost;
let dir: string;

beforeEach(async () => {
  fake = await startFakeMattermost({ users: ["alice", "bob"] });
  dir = await mkdtemp(join(tmpdir(), "live-status-replay-"));
});

afterEach(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

async function replay(events: Array<LiveEvent | string>, ...extra: string[]) {
  const file = join(dir, `events-${Math.random().toString(36).slice(2)}.jsonl`);
  await writeFile(file, events.map((e) => (typeof e === "string" ? e : serializeEvent(e))).join("\n"));
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["replay", file, "--mattermost-url", fake.url, "--json", "--quiet", ...extra], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    env: { MATTERMOST_TOKEN: fake.botToken },
  });
  const stdout = out.join("");
  return { code, stdout, stderr: err.join(""), summary: stdout.startsWith("{") ? JSON.parse(stdout) : null };
}

const T = 1_789_000_000_000;
const ev = (session: string, ts: number, body: Record<string, unknown>) =>
  ({ v: 1, ts: T + ts, session, ...body }) as LiveEvent;

function toolTurn(session: string, runId: string, start: number, tools = 2): LiveEvent[] {
  const events: LiveEvent[] = [ev(session, start, { type: "run_start", runId, trigger: { kind: "user" } })];
  for (let i = 0; i < tools; i++) {
    events.push(
      ev(session, start + 100 + i * 500, {
        type: "tool_start",
        runId,
        callId: `${runId}-c${i}`,
        name: "exec",
        args: { command: `curl -H 'Authorization: Bearer sk-live-abcdefghijklmnopqrstuvwx' https://x/${i}` },
      }),
      ev(session, start + 400 + i * 500, { type: "tool_end", runId, callId: `${runId}-c${i}`, ok: true }),
    );
  }
  events.push(ev(session, start + 5_000, { type: "run_end", runId, outcome: "ok" }));
  return events;
}

const livePosts = (channelId: string) =>
  fake.postsIn(channelId).filter((p) => p.type === "custom_live_status");

describe("live-status replay", () => {
  it("words its summary in the singular for one event and one session", async () => {
    const channel = fake.addChannel("O", "town-square");
    const file = join(dir, "one.jsonl");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    await writeFile(
      file,
      serializeEvent(ev(session, 0, { type: "run_start", runId: "r1", trigger: { kind: "user" } })),
    );
    const out: string[] = [];
    const code = await main(["replay", file, "--mattermost-url", fake.url, "--quiet"], {
      stdout: (t) => out.push(t),
      stderr: () => {},
      env: { MATTERMOST_TOKEN: fake.botToken },
    });
    expect(code).toBe(0);
    expect(out.join("")).toMatch(/^1 event, 1 session with boxes\n/);
  });

  it("shows one turn as one box in its channel, finalized done, with secrets redacted", async () => {
    const channel = fake.addChannel("O", "town-square");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const { code, summary } = await replay(toolTurn(session, "r1", 0));

    expect(code).toBe(0);
    const [box, ...others] = livePosts(channel.id);
    expect(others).toEqual([]);
    expect(box?.props.live_status).toMatchObject({
      state: "done",
      session,
      tools: [{ name: "exec" }, { name: "exec" }],
    });
    expect(JSON.stringify(box)).not.toContain("sk-live-abcdefghijklmnopqrstuvwx");
    expect(summary.sessions[session]).toMatchObject({ boxesCreated: 1, boxesRemoved: 0, finalState: "done" });
    expect(summary.apiCalls.createPost).toBe(1);
    assertServedAccordingToSpec(fake);
  });

  it("moves a reactivated session to a fresh box at the bottom across runs that share a ledger", async () => {
    const channel = fake.addChannel("O", "dev");
    const session = `agent:main:mattermost:channel:${channel.id}:thread:root1`;
    const root = fake.userPost(channel.id, fake.user("alice")?.id ?? "", "please look");
    const threadSession = session.replace("root1", root.id);
    const ledger = join(dir, "ledger.sqlite");

    expect((await replay(toolTurn(threadSession, "r1", 0), "--ledger", ledger)).code).toBe(0);
    const [first] = livePosts(channel.id);
    fake.userPost(channel.id, fake.user("alice")?.id ?? "", "and this too", root.id);
    const second = await replay(
      [ev(threadSession, 60_000, { type: "transcript_changed" }), ...toolTurn(threadSession, "r2", 90_000)],
      "--ledger",
      ledger,
    );

    expect(second.code).toBe(0);
    const all = fake.postsIn(channel.id, { rootId: root.id, includeDeleted: true });
    const boxes = all.filter((p) => p.type === "custom_live_status");
    expect(boxes).toHaveLength(2);
    expect(boxes[0]?.id).toBe(first?.id);
    expect(boxes[0]?.delete_at).toBeGreaterThan(0);
    expect(boxes[1]?.delete_at).toBe(0);
    expect(all.at(-1)?.id).toBe(boxes[1]?.id);
    expect(second.summary.sessions[threadSession]).toMatchObject({ boxesCreated: 1, boxesRemoved: 1 });
  });

  it("finalizes sessions still running at the end of the input as interrupted", async () => {
    const channel = fake.addChannel("O", "ops");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const turn = toolTurn(session, "r1", 0).slice(0, -1);
    const { code, summary } = await replay(turn);
    expect(code).toBe(0);
    expect(livePosts(channel.id).map((p) => (p.props.live_status as { state: string }).state)).toEqual([
      "interrupted",
    ]);
    expect(summary.sessions[session].finalState).toBe("interrupted");
  });

  it("puts a DM on the shared main session in that user's DM only", async () => {
    const alice = fake.user("alice")?.id ?? "";
    const bob = fake.user("bob")?.id ?? "";
    const session = "agent:main:main";
    const events = [
      ev(session, 0, { type: "route", dmUserId: alice }),
      ...toolTurn(session, "a1", 10, 1),
      ev(session, 10_000, { type: "route", dmUserId: bob }),
      ...toolTurn(session, "b1", 10_010, 1),
    ];
    expect((await replay(events)).code).toBe(0);
    const boxes = fake.posts().filter((p) => p.type === "custom_live_status");
    expect(boxes).toHaveLength(2);
    const channels = boxes.map((b) => fake.channel(b.channel_id));
    expect(channels.map((c) => c?.type)).toEqual(["D", "D"]);
    expect(channels[0]?.id).not.toBe(channels[1]?.id);
    expect(boxes.every((b) => b.delete_at === 0)).toBe(true);
  });

  it("reports bad lines with their numbers, applies the rest and exits 3", async () => {
    const channel = fake.addChannel("O", "mixed");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const [start, ...rest] = toolTurn(session, "r1", 0, 1);
    const { code, stderr } = await replay([
      start as LiveEvent,
      "{not json",
      JSON.stringify({ v: 1, ts: T, type: "text", text: "no session" }),
      JSON.stringify({ v: 1, ts: T + 1, session, type: "checklist", steps: [] }),
      ...rest,
    ]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/^line 2: invalid JSON/m);
    expect(stderr).toMatch(/^line 3: missing "session"/m);
    expect(stderr).toMatch(/line 4: unknown event type "checklist", skipped/);
    expect(livePosts(channel.id).map((p) => (p.props.live_status as { state: string }).state)).toEqual([
      "done",
    ]);
  });

  it("names a session it cannot route and still exits 0", async () => {
    const { code, stderr } = await replay(toolTurn("agent:main:main", "r1", 0, 1));
    expect(code).toBe(0);
    expect(stderr).toMatch(/session agent:main:main gets no box: no per-run route/);
    expect(fake.posts()).toEqual([]);
  });

  it("keeps a tool-heavy turn to at most 12 post writes", async () => {
    const channel = fake.addChannel("O", "busy");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const events: LiveEvent[] = [ev(session, 0, { type: "run_start", runId: "r1" })];
    for (let i = 0; i < 199; i++) {
      events.push(
        ev(session, 25 * i + 5, { type: "tool_start", runId: "r1", callId: `c${i}`, name: "read" }),
      );
      events.push(ev(session, 25 * i + 15, { type: "tool_end", runId: "r1", callId: `c${i}`, ok: true }));
    }
    events.push(ev(session, 10_000, { type: "run_end", runId: "r1", outcome: "ok" }));
    const { code, summary } = await replay(events);
    expect(code).toBe(0);
    expect(events).toHaveLength(400);
    const writes = (summary.apiCalls.createPost ?? 0) + (summary.apiCalls.patchPost ?? 0);
    expect(writes).toBeGreaterThanOrEqual(2);
    expect(writes).toBeLessThanOrEqual(12);
  });
});

describe("live-status command line", () => {
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {} });
    return { code, stdout: out.join(""), stderr: err.join("") };
  };

  it("prints its version, the one in package.json", async () => {
    const { code, stdout } = await run("--version");
    expect(code).toBe(0);
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(stdout).toBe(`live-status ${version}\n`);
  });

  it("prints help and exits 0", async () => {
    const { code, stdout } = await run("replay", "--help");
    expect(code).toBe(0);
    expect(stdout).toContain("--speed max|FACTOR");
  });

  it("exits 2 with a clear message on usage errors", async () => {
    expect(await run("replay", "x.jsonl")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("missing --mattermost-url"),
    });
    expect(
      await run(
        "replay",
        "x.jsonl",
        "--mattermost-url",
        "http://127.0.0.1:1",
        "--token",
        "t",
        "--speed",
        "fast",
      ),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--speed must be "max" or a positive number'),
    });
    expect(
      await run(
        "replay",
        "x.jsonl",
        "--mattermost-url",
        "http://127.0.0.1:1",
        "--token",
        "t",
        "--rate-per-sec",
        "0",
      ),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--rate-per-sec must be a number from 0.1 to 100"),
    });
    expect(await run("frobnicate")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
  });

  it("exits 2 when the token is refused, without printing it", async () => {
    const file = join(dir, "e.jsonl");
    await writeFile(file, "");
    const { code, stderr } = await run(
      "replay",
      file,
      "--mattermost-url",
      fake.url,
      "--token",
      "not-the-token-xyz",
    );
    expect(code).toBe(2);
    expect(stderr).toContain("refused the token (401)");
    expect(stderr).not.toContain("not-the-token-xyz");
  });

  it("lists sessions, boxes and the last transition from a ledger", async () => {
    const channel = fake.addChannel("O", "status");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const ledger = join(dir, "l.sqlite");
    await replay(toolTurn(session, "r9", 0, 1), "--ledger", ledger);
    const { code, stdout } = await run("status", "--ledger", ledger);
    expect(code).toBe(0);
    expect(stdout).toContain(`${session}  [channel ${channel.id}]  completed_guarded run=r9`);
    expect(stdout).toMatch(/last: completing → completed_guarded: final state landed/);
    expect(stdout).toMatch(new RegExp(`box #1 done channel=${channel.id} post=[a-z0-9]{26}`));
  });
});
