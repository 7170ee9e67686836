/**
 * Test support for outages and restarts: the runtime on the real client over loopback to the fake
 * Mattermost, one ManualClock for everything, an SQLite ledger file that a "killed" process leaves
 * behind for the next one, and outages scripted on the fake's clock.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BoxState, LiveStatusV1 } from "@live-status/contract";
import { LIVE_STATUS_POST_TYPE } from "@live-status/contract";
import {
  assertServedAccordingToSpec,
  type FakeMattermostOptions,
  type FakePost,
} from "@live-status/fake-mattermost";
import { expect } from "vitest";
import { SqliteLedger } from "../../src/adapters/storage/sqlite-ledger.ts";
import type { LiveEvent } from "../../src/core/events.ts";
import { DEFAULT_CORE_CONFIG } from "../../src/runtime/defaults.ts";
import { LiveStatusRuntime } from "../../src/runtime/runtime.ts";
import { perTest } from "./per-test.ts";
import { type RecordedLog, recordingLogger, startWire, type Wire } from "./publisher-harness.ts";

export type OutageKind = "503" | "reset";

export interface Process {
  runtime: LiveStatusRuntime;
  ledger: SqliteLedger;
  log: RecordedLog;
}

export interface OutageWorld {
  wire: Wire;
  channelId: string;
  session: string;
  /** Starts a process on the ledger file and restores what the last one left. */
  start(): Process;
  /** Kill -9: the process writes nothing more and sends nothing more; what it sent still lands. */
  kill(p: Process): void;
  /** Mattermost fails every request for `ms` of clock time from now. */
  outage(ms: number, kind?: OutageKind): void;
  event(body: Record<string, unknown>): LiveEvent;
  /** Moves the clock until the runtime is idle. */
  settle(p: Process, maxMs?: number): Promise<void>;
  /** Every box post ever made in the channel, deleted ones included. */
  boxes(): FakePost[];
  close(): Promise<void>;
}

export async function startOutageWorld(
  settings: Omit<FakeMattermostOptions, "now"> = {},
): Promise<OutageWorld> {
  const wire = await startWire(settings);
  const dir = await mkdtemp(join(tmpdir(), "live-status-outage-"));
  const file = join(dir, "ledger.sqlite");
  const channelId = wire.fake.addChannel("O", "ops").id;
  const session = `agent:main:mattermost:channel:${channelId}`;
  const processes: Process[] = [];
  return {
    wire,
    channelId,
    session,
    start() {
      const ledger = new SqliteLedger(file);
      const log = recordingLogger();
      const runtime = new LiveStatusRuntime({
        config: DEFAULT_CORE_CONFIG,
        ledger,
        client: wire.client,
        botUserId: wire.fake.botUserId,
        clock: wire.clock,
        log,
        random: () => 0.5,
      });
      runtime.restore();
      const p = { runtime, ledger, log };
      processes.push(p);
      return p;
    },
    kill(p) {
      p.ledger.close();
      p.runtime.abandon();
    },
    outage(ms, kind = "503") {
      const end = wire.clock.now() + ms;
      const match = () => wire.clock.now() < end;
      if (kind === "503") wire.fake.faults.serverError({ status: 503, count: 1e9, match });
      else wire.fake.faults.reset({ when: "before", count: 1e9, match });
    },
    event: (body) => ({ v: 1, ts: wire.clock.now(), session, ...body }) as LiveEvent,
    async settle(p, maxMs = 600_000) {
      await wire.run(p.runtime.idle(), 500, maxMs);
    },
    boxes: () =>
      wire.fake
        .postsIn(channelId, { includeDeleted: true })
        .filter((post) => post.type === LIVE_STATUS_POST_TYPE),
    async close() {
      for (const p of processes) {
        p.runtime.abandon();
        p.ledger.close();
      }
      wire.fake.faults.clear();
      await wire.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh world for every test of the file; after each test every request, answer and WebSocket event
 * is held to the Mattermost API description, then the world is closed.
 */
export function useOutageWorld(
  settings: Omit<FakeMattermostOptions, "now"> = {},
): Omit<OutageWorld, "close"> {
  return perTest(
    () => startOutageWorld(settings),
    async (world) => {
      try {
        assertServedAccordingToSpec(world.wire.fake);
      } finally {
        await world.close();
      }
    },
  );
}

export function stateOf(post: FakePost | undefined): BoxState | undefined {
  return (post?.props.live_status as LiveStatusV1 | undefined)?.state;
}

/** The end state every fault case must reach: exactly one box for the run, in its conversation, showing `state`. */
export function expectOneBox(world: Pick<OutageWorld, "boxes" | "channelId">, state: BoxState): void {
  const boxes = world.boxes();
  expect(boxes).toHaveLength(1);
  expect(boxes[0]?.delete_at).toBe(0);
  expect(boxes[0]?.channel_id).toBe(world.channelId);
  expect(stateOf(boxes[0])).toBe(state);
}
