import { readFile, rename, stat, writeFile } from "node:fs/promises";
import type { LiveStatusV1 } from "@live-status/contract";
import { assertServedAccordingToSpec } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { finishedTurn, LegacyState, line } from "../../../test/fixtures/legacy/legacy-state.ts";
import type { RecordedLog, Wire } from "../../../test/support/publisher-harness.ts";
import { recordingLogger, startWire } from "../../../test/support/publisher-harness.ts";
import { DEFAULT_CORE_CONFIG } from "../../runtime/defaults.ts";
import { LiveStatusRuntime } from "../../runtime/runtime.ts";
import { openLedger } from "../storage/index.ts";
import { LegacySource } from "./legacy-source.ts";

let wire: Wire;
let state: LegacyState;
let log: RecordedLog;

beforeEach(async () => {
  wire = await startWire();
  state = await LegacyState.create();
  log = recordingLogger();
});

afterEach(async () => {
  await wire.close();
  await state.remove();
});

async function start() {
  const runtime = new LiveStatusRuntime({
    config: DEFAULT_CORE_CONFIG,
    ledger: openLedger(":memory:"),
    client: wire.client,
    botUserId: wire.fake.botUserId,
    clock: wire.clock,
    log,
    random: () => 0.5,
  });
  const source = new LegacySource({
    home: state.home,
    clock: wire.clock,
    log,
    emit: (e) => runtime.ingest(e),
    watch: false,
    mainSessionLastRoute: true,
  });
  await source.start();
  /** Time moves, the source takes one look, and every write it caused lands. */
  const look = async (ms = 1_500) => {
    await wire.advance(ms);
    await source.pass();
    await wire.run(runtime.idle());
  };
  return { runtime, source, look };
}

const boxes = (channelId: string) =>
  wire.fake.postsIn(channelId, { includeDeleted: true }).filter((p) => p.type === "custom_live_status");
const stateOf = (p: { props: Record<string, unknown> } | undefined) =>
  (p?.props.live_status as LiveStatusV1).state;
const activations = () => log.lines.filter((l) => / → active: /.test(l.msg)).length;

async function channelWithHistory() {
  const channel = wire.fake.addChannel("O", "town-square");
  const session = `agent:main:mattermost:channel:${channel.id}`;
  await state.writeIndex({ [session]: { sessionId: "s1", to: `channel:${channel.id}` } });
  await state.append("s1", [
    line.header("s1", Date.now() - 60_000),
    ...finishedTurn("yesterday's question", "c0", Date.now() - 50_000),
  ]);
  return { channel, session };
}

describe("legacy source against Mattermost", () => {
  it("keeps a completed session asleep through everything its files do after 'Lock file deleted — turn complete'", async () => {
    const { channel, session } = await channelWithHistory();
    const { runtime, look } = await start();
    await look();
    expect(boxes(channel.id)).toEqual([]);

    // One real turn: the writer takes the lock, writes the turn, lets the lock go.
    await state.lock("s1", { createdAt: wire.clock.now() });
    await state.append("s1", [line.user("is the deploy green?")]);
    await look();
    expect(boxes(channel.id).map(stateOf)).toEqual(["running"]);
    await state.append("s1", [
      line.assistant({ tools: [{ id: "c1", name: "exec", args: { command: "make check" } }] }),
      line.toolResult("c1"),
    ]);
    await look();
    await state.append("s1", [line.assistant({ text: "Green.", usage: { input: 10, output: 2 } })]);
    await look();
    await state.unlock("s1"); // "Lock file deleted — turn complete"
    await look();
    expect(boxes(channel.id).map(stateOf)).toEqual(["done"]);
    const requestsAfterTurn = wire.fake.requests().length;

    // What the earlier system took for activity, again and again.
    const file = state.transcript("s1");
    const oldUserLine = finishedTurn("yesterday's question", "c0", Date.now() - 50_000)[0] ?? "";
    const noise: Array<() => Promise<void>> = [
      ...Array.from({ length: 50 }, () => () => state.touch("s1")),
      () => state.append("s1", [line.custom()]),
      () => state.append("s1", [{ type: "compaction", summary: "…", timestamp: new Date().toISOString() }]),
      () => state.append("s1", [line.assistant({ text: "(mirrored reply)" }), line.toolResult("c1")]),
      () => state.append("s1", [oldUserLine]),
      async () => {
        const text = await readFile(file, "utf8");
        await writeFile(`${file}.tmp`, `${text}${JSON.stringify(line.custom())}\n`);
        await rename(`${file}.tmp`, file);
      },
      async () => state.truncateTo("s1", (await stat(file)).size - 10),
      () => state.appendRaw("s1", "garbage without a newline"),
      () => state.appendRaw("s1", "\n{not json}\n"),
      () => state.lock("s1", { createdAt: wire.clock.now() }),
      () => state.unlock("s1"),
      () => state.writeIndex({ [session]: { sessionId: "s1", to: `channel:${channel.id}` } }),
    ];
    for (const act of noise) {
      await act();
      await look(200);
    }
    for (let i = 0; i < 20; i++) await look(60_000); // watchdog ticks and polls for 20 minutes
    runtime.tick();
    await wire.run(runtime.idle());

    const [box, ...others] = boxes(channel.id);
    expect(others).toEqual([]);
    expect(stateOf(box)).toBe("done");
    expect(box?.delete_at).toBe(0);
    expect(runtime.summary()[session]).toMatchObject({
      boxesCreated: 1,
      boxesRemoved: 0,
      finalState: "done",
    });
    expect(activations()).toBe(1);
    const later = wire.fake.requests().slice(requestsAfterTurn);
    expect(later.filter((r) => r.method === "POST" || r.method === "DELETE")).toEqual([]);
    assertServedAccordingToSpec(wire.fake);
  });

  it("reactivates on a real new user message with a fresh box at the bottom, the old one removed", async () => {
    const { channel, session } = await channelWithHistory();
    const { runtime, look } = await start();
    await state.append("s1", finishedTurn("first", "c1"));
    await look();
    await state.touch("s1");
    await look();
    expect(boxes(channel.id).map(stateOf)).toEqual(["done"]);

    wire.fake.userPost(channel.id, wire.fake.addUser("alice").id, "@bot one more thing");
    await state.append("s1", [line.user("one more thing")]);
    await look();
    const all = boxes(channel.id);
    expect(all.map((p) => p.delete_at > 0)).toEqual([true, false]);
    expect(stateOf(all[1])).toBe("running");
    const visible = wire.fake.postsIn(channel.id);
    expect(visible.at(-1)?.id).toBe(all[1]?.id);
    expect(runtime.summary()[session]).toMatchObject({ boxesCreated: 2, boxesRemoved: 1 });
  });

  it("puts each run of the shared main session in the DM its message came from", async () => {
    const alice = wire.fake.addUser("alice");
    const bob = wire.fake.addUser("bob");
    await state.writeIndex({ "agent:main:main": { sessionId: "m1", to: `user:${alice.id}` } });
    await state.append("m1", [line.header("m1")]);
    const { look } = await start();
    await state.append("m1", finishedTurn("from alice", "a1"));
    await look();
    await state.writeIndex({ "agent:main:main": { sessionId: "m1", to: `user:${bob.id}` } });
    await state.append("m1", [line.user("from bob")]);
    await look();

    const live = wire.fake.posts().filter((p) => p.type === "custom_live_status");
    expect(live.map((p) => [stateOf(p), p.delete_at])).toEqual([
      ["done", 0],
      ["running", 0],
    ]);
    expect(new Set(live.map((p) => p.channel_id)).size).toBe(2);
  });
});
