/**
 * A multi-account gateway: each box goes through the account its conversation names (the account
 * the run's message came in on), never through another bot or server.
 */
import type { LiveStatusV1 } from "@live-status/contract";
import type { FakeMattermost } from "@live-status/fake-mattermost";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { RecordedLog, Wire } from "../../test/support/publisher-harness.ts";
import { recordingLogger, startWire } from "../../test/support/publisher-harness.ts";
import { createMattermostClient } from "../adapters/mattermost/client.ts";
import { openLedger } from "../adapters/storage/index.ts";
import type { LiveEvent } from "../core/events.ts";
import { DEFAULT_CORE_CONFIG } from "./defaults.ts";
import { RateBudget } from "./rate-budget.ts";
import { LiveStatusRuntime } from "./runtime.ts";

let wire: Wire;
let ops: FakeMattermost;
let log: RecordedLog;

beforeEach(async () => {
  wire = await startWire();
  ops = await startFakeMattermost({ botUsername: "ops-bot", users: ["carol"], now: () => wire.clock.now() });
  log = recordingLogger();
});

afterEach(async () => {
  await ops.close();
  await wire.close();
});

function runtime() {
  const opsClient = createMattermostClient({
    baseUrl: ops.url,
    token: ops.botToken,
    clock: wire.clock,
    budget: new RateBudget({ clock: wire.clock }),
  });
  return new LiveStatusRuntime({
    config: DEFAULT_CORE_CONFIG,
    ledger: openLedger(":memory:"),
    client: wire.client,
    botUserId: wire.fake.botUserId,
    accountClient: (id) =>
      id === "ops" ? { client: opsClient, botUserId: async () => ops.botUserId } : undefined,
    defaultAccount: "default",
    clock: wire.clock,
    log,
    random: () => 0.5,
  });
}

const at = (session: string, body: Record<string, unknown>) =>
  ({ v: 1, ts: wire.clock.now(), session, ...body }) as LiveEvent;
const boxesOf = (fake: FakeMattermost) => fake.posts().filter((p) => p.type === "custom_live_status");
const stateOf = (p: { props: Record<string, unknown> }) => (p.props.live_status as LiveStatusV1).state;

async function turn(rt: LiveStatusRuntime, session: string, route: Record<string, unknown>, runId: string) {
  rt.ingest(at(session, { type: "route", runId, ...route }));
  rt.ingest(at(session, { type: "run_start", runId, trigger: { kind: "user" } }));
  await wire.advance(1_500);
  rt.ingest(at(session, { type: "run_end", runId, outcome: "ok" }));
  for (let i = 0; i < 20; i++) await wire.advance(500);
}

describe("boxes of a multi-account gateway", () => {
  it("finds a lost create of another account's box as that account's bot's post, instead of posting a second box", async () => {
    const rt = runtime();
    const theirs = ops.addChannel("O", "ops-room");
    const session = `agent:main:mattermost:channel:${theirs.id}`;
    // The create lands but its answer is lost, and the server is away past its pending_post_id memory.
    ops.faults.reset({ when: "after", match: { method: "POST" } });
    const back = wire.clock.now() + 60_000;
    ops.faults.serverError({ status: 503, count: 1e9, match: () => wire.clock.now() < back });
    rt.ingest(at(session, { type: "route", runId: "r1", channelId: theirs.id, account: "ops" }));
    rt.ingest(at(session, { type: "run_start", runId: "r1", trigger: { kind: "user" } }));
    for (let i = 0; i < 140; i++) await wire.advance(500);
    rt.ingest(at(session, { type: "run_end", runId: "r1", outcome: "ok" }));
    await wire.run(rt.idle(), 500, 120_000);
    expect(boxesOf(ops).map((p) => [p.user_id, stateOf(p)])).toEqual([[ops.botUserId, "done"]]);
    expect(log.lines.some((l) => l.msg.startsWith("found the box's post"))).toBe(true);
  });

  it("puts a run that came in on another account in that account's server, as its bot", async () => {
    const rt = runtime();
    const mine = wire.fake.addChannel("O", "town");
    const theirs = ops.addChannel("O", "ops-room");
    await turn(
      rt,
      `agent:main:mattermost:channel:${mine.id}`,
      { channelId: mine.id, account: "default" },
      "r1",
    );
    await turn(
      rt,
      `agent:main:mattermost:channel:${theirs.id}`,
      { channelId: theirs.id, account: "ops" },
      "r2",
    );
    await vi.waitFor(() => expect(boxesOf(ops).map(stateOf)).toEqual(["done"]));
    expect(boxesOf(wire.fake).map((p) => [p.channel_id, stateOf(p), p.user_id])).toEqual([
      [mine.id, "done", wire.fake.botUserId],
    ]);
    expect(boxesOf(ops).map((p) => [p.channel_id, p.user_id])).toEqual([[theirs.id, ops.botUserId]]);
    await rt.stop("test");
  });

  it("opens a DM of another account with that account's bot", async () => {
    const rt = runtime();
    const carol = ops.user("carol")?.id as string;
    await turn(rt, `agent:main:direct:${carol}`, { dmUserId: carol, account: "ops" }, "r1");
    await vi.waitFor(() => expect(boxesOf(ops).map(stateOf)).toEqual(["done"]));
    const dm = ops.channel(boxesOf(ops)[0]?.channel_id ?? "");
    expect(dm?.type).toBe("D");
    expect(boxesOf(wire.fake)).toEqual([]);
    await rt.stop("test");
  });

  it("posts nothing for an account the gateway does not have, and says so", async () => {
    const rt = runtime();
    const channel = wire.fake.addChannel("O", "town");
    await turn(
      rt,
      `agent:main:mattermost:channel:${channel.id}`,
      { channelId: channel.id, account: "gone" },
      "r1",
    );
    expect(boxesOf(wire.fake)).toEqual([]);
    expect(boxesOf(ops)).toEqual([]);
    expect(
      log.lines.some((l) => l.level === "error" && l.msg === "cannot reach the conversation of a box"),
    ).toBe(true);
    await rt.stop("test");
  });
});
