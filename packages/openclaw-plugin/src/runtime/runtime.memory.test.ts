import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LiveStatusV1 } from "@live-status/contract";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Wire } from "../../test/support/publisher-harness.ts";
import { startWire } from "../../test/support/publisher-harness.ts";
import { testRuntime } from "../../test/support/runtime-harness.ts";
import { openLedger } from "../adapters/storage/index.ts";
import type { LiveEvent } from "../core/events.ts";
import { slotKey } from "../core/keys.ts";
import { DEFAULT_CORE_CONFIG } from "./defaults.ts";
import type { Ledger } from "./ledger.ts";

let wire: Wire;
let dir: string;
let ledger: Ledger;

beforeEach(async () => {
  wire = await startWire();
  dir = await mkdtemp(join(tmpdir(), "live-status-memory-"));
  ledger = openLedger(join(dir, "ledger.sqlite"));
});

afterEach(async () => {
  ledger.close();
  await wire.close();
  await rm(dir, { recursive: true, force: true });
});

const runtime = (maxIdleSlots: number) => testRuntime(wire, ledger, { maxIdleSlots });

const ev = (session: string, body: Record<string, unknown>) =>
  ({ v: 1, ts: wire.clock.now(), session, ...body }) as LiveEvent;
const boxes = (channelId: string) =>
  wire.fake.postsIn(channelId, { includeDeleted: true }).filter((p) => p.type === "custom_live_status");
const stateOf = (p: { props: Record<string, unknown> } | undefined) =>
  (p?.props.live_status as LiveStatusV1).state;

/** Four channels, one finished run each; the runtime keeps at most two finished slots in memory. */
async function fourFinishedRuns(rt = runtime(2)) {
  const channels = ["a", "b", "c", "d"].map((name) => wire.fake.addChannel("O", name));
  const sessions = channels.map((c) => `agent:main:mattermost:channel:${c.id}`);
  for (const [i, session] of sessions.entries()) {
    rt.ingest(ev(session, { type: "run_start", runId: `r${i}`, trigger: { kind: "user", postId: `p${i}` } }));
    rt.ingest(ev(session, { type: "run_end", runId: `r${i}`, outcome: "ok" }));
  }
  await wire.run(rt.idle());
  return { rt, channels, sessions };
}

describe("runtime memory", () => {
  it("keeps only the most recently finished slots and no writer of a finished box", async () => {
    const { rt, channels } = await fourFinishedRuns();

    expect(rt.slotsInMemory()).toBe(2);
    expect(rt.boxesInMemory()).toBe(0);
    expect(channels.map((c) => boxes(c.id).map(stateOf))).toEqual([["done"], ["done"], ["done"], ["done"]]);
  });

  it("still corrects a presumed-lost box whose slot memory forgot, when its run's own end arrives", async () => {
    const rt = runtime(1);
    const lost = wire.fake.addChannel("O", "lost");
    const session = `agent:main:mattermost:channel:${lost.id}`;
    rt.ingest(ev(session, { type: "run_start", runId: "slow", trigger: { kind: "user", postId: "p-slow" } }));
    await wire.run(rt.idle());
    await wire.advance(DEFAULT_CORE_CONFIG.staleAfterMs + 1_000);
    rt.tick();
    await wire.run(rt.idle());
    expect(boxes(lost.id).map(stateOf)).toEqual(["interrupted"]);
    // Two runs elsewhere finish after it, so memory lets go of its slot.
    await fourFinishedRuns(rt);
    expect(rt.slotsInMemory()).toBe(1);

    rt.ingest(ev(session, { type: "run_end", runId: "slow", outcome: "ok" }));
    await wire.run(rt.idle());
    expect(boxes(lost.id).map(stateOf)).toEqual(["done"]);
  });

  it("gives a forgotten session a fresh box at the bottom and removes its buried one", async () => {
    const { rt, channels, sessions } = await fourFinishedRuns();
    const [first] = boxes(channels[0]!.id);

    rt.ingest(ev(sessions[0]!, { type: "run_start", runId: "r9", trigger: { kind: "user" } }));
    await wire.run(rt.idle());

    const after = boxes(channels[0]!.id);
    expect(after.map((p) => [p.id === first!.id, p.delete_at > 0, stateOf(p)])).toEqual([
      [true, true, "done"],
      [false, false, "running"],
    ]);
    const slot = slotKey(sessions[0]!, { kind: "channel", channelId: channels[0]!.id });
    expect(ledger.listBoxes({ slot }).map((b) => [b.generation, b.state])).toEqual([
      [1, "removed"],
      [2, "running"],
    ]);
  });

  it("keeps a forgotten slot guarded: transcript changes and repeated starts of its run wake nothing", async () => {
    const { rt, channels, sessions } = await fourFinishedRuns();
    const requests = wire.fake.requests().length;

    rt.ingest(ev(sessions[0]!, { type: "transcript_changed" }));
    rt.ingest(ev(sessions[0]!, { type: "run_start", runId: "r0", trigger: { kind: "user" } }));
    rt.ingest(ev(sessions[1]!, { type: "run_start", trigger: { kind: "user", postId: "p1" } }));
    await wire.run(rt.idle());

    expect(wire.fake.requests().length).toBe(requests);
    expect(boxes(channels[0]!.id).map(stateOf)).toEqual(["done"]);
    expect(boxes(channels[1]!.id).map(stateOf)).toEqual(["done"]);
  });
});
