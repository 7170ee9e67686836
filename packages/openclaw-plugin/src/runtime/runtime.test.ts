import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LiveStatusV1 } from "@live-status/contract";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Wire } from "../../test/support/publisher-harness.ts";
import { startWire } from "../../test/support/publisher-harness.ts";
import { testRuntime } from "../../test/support/runtime-harness.ts";
import { openLedger } from "../adapters/storage/index.ts";
import type { CoreConfig } from "../core/dispatcher.ts";
import type { LiveEvent } from "../core/events.ts";
import type { Logger } from "../ports/logger.ts";
import { DEFAULT_CORE_CONFIG } from "./defaults.ts";
import type { Ledger } from "./ledger.ts";

let wire: Wire;
let dir: string;
let lines: string[];

const log: Logger = {
  info: (m) => lines.push(`info ${m}`),
  warn: (m) => lines.push(`warn ${m}`),
  error: (m) => lines.push(`error ${m}`),
};

beforeEach(async () => {
  wire = await startWire();
  dir = await mkdtemp(join(tmpdir(), "live-status-runtime-"));
  lines = [];
});

afterEach(async () => {
  await wire.close();
  await rm(dir, { recursive: true, force: true });
});

function runtime(ledger: Ledger, config: CoreConfig = DEFAULT_CORE_CONFIG) {
  return testRuntime(wire, ledger, { config, log });
}

function event(session: string, body: Record<string, unknown>): LiveEvent {
  return { v: 1, ts: wire.clock.now(), session, ...body } as LiveEvent;
}

const boxes = (channelId: string) =>
  wire.fake.postsIn(channelId, { includeDeleted: true }).filter((p) => p.type === "custom_live_status");
const stateOf = (p: { props: Record<string, unknown> } | undefined) =>
  (p?.props.live_status as LiveStatusV1).state;

describe("runtime restart", () => {
  it("finalizes a box left running by a dead process as interrupted, on the same post", async () => {
    const channel = wire.fake.addChannel("O", "ops");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const path = join(dir, "ledger.sqlite");

    const before = openLedger(path);
    const first = runtime(before);
    first.ingest(event(session, { type: "run_start", runId: "r1" }));
    await wire.advance(1_500);
    first.ingest(
      event(session, {
        type: "tool_start",
        runId: "r1",
        callId: "c1",
        name: "exec",
        args: { command: "make" },
      }),
    );
    await wire.advance(1_500);
    before.close(); // the process dies: no stop(), no final write

    expect(boxes(channel.id).map(stateOf)).toEqual(["running"]);
    const after = openLedger(path);
    const second = runtime(after);
    second.restore();
    await wire.run(second.idle());

    const [box, ...others] = boxes(channel.id);
    expect(others).toEqual([]);
    expect(stateOf(box)).toBe("interrupted");
    expect((box?.props.live_status as LiveStatusV1).tools.map((t) => t.name)).toEqual(["exec"]);
    expect(after.listBoxes().map((b) => b.state)).toEqual(["interrupted"]);
    expect(lines).toContain("info active → completing: restore: the process stopped while the run was live");
    after.close();
  });

  it("continues a completed session after a restart with a fresh box at the bottom", async () => {
    const channel = wire.fake.addChannel("O", "dev");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const path = join(dir, "ledger.sqlite");
    const before = openLedger(path);
    const first = runtime(before);
    first.ingest(event(session, { type: "run_start", runId: "r1" }));
    first.ingest(event(session, { type: "run_end", runId: "r1", outcome: "ok" }));
    await wire.run(first.idle());
    before.close();

    const after = openLedger(path);
    const second = runtime(after);
    second.restore();
    second.ingest(event(session, { type: "transcript_changed" }));
    await wire.run(second.idle());
    expect(boxes(channel.id).map((b) => b.delete_at)).toEqual([0]);

    second.ingest(event(session, { type: "run_start", runId: "r2" }));
    second.ingest(
      event(session, { type: "run_end", runId: "r2", outcome: "error", error: "model unavailable" }),
    );
    await wire.run(second.idle());
    const [old, fresh] = boxes(channel.id);
    expect(old?.delete_at).toBeGreaterThan(0);
    expect(fresh?.delete_at).toBe(0);
    expect(stateOf(fresh)).toBe("error");
    after.close();
  });
});

describe("runtime faults", () => {
  it("gives up on a forbidden channel once and keeps other sessions going", async () => {
    const closed = wire.fake.addChannel("O", "closed");
    const open = wire.fake.addChannel("O", "open");
    wire.fake.faults.forbidChannel(closed.id);
    const rt = runtime(openLedger(":memory:"));
    for (const [ch, run] of [
      [closed.id, "a"],
      [open.id, "b"],
      [closed.id, "c"],
    ] as const) {
      const s = `agent:main:mattermost:channel:${ch}`;
      rt.ingest(event(s, { type: "run_start", runId: run }));
      await wire.run(rt.idle());
      rt.ingest(event(s, { type: "run_end", runId: run, outcome: "ok" }));
      await wire.run(rt.idle());
    }
    expect(boxes(open.id).map(stateOf)).toEqual(["done"]);
    expect(boxes(closed.id)).toEqual([]);
    const creates = wire.fake.requests().filter((r) => r.method === "POST" && r.path === "/api/v4/posts");
    expect(creates.filter((r) => r.status === 403)).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("error"))).toHaveLength(1);
  });

  it("keeps the old box as a receipt when configured to", async () => {
    const channel = wire.fake.addChannel("O", "receipts");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const rt = runtime(openLedger(":memory:"), { ...DEFAULT_CORE_CONFIG, previousBox: "receipt" });
    for (const run of ["r1", "r2"]) {
      rt.ingest(event(session, { type: "run_start", runId: run }));
      rt.ingest(event(session, { type: "run_end", runId: run, outcome: "ok" }));
      await wire.run(rt.idle());
    }
    const [receipt, fresh] = boxes(channel.id);
    expect(receipt?.delete_at).toBe(0);
    expect(receipt?.message).toMatch(/^✅ .*done/);
    expect(receipt?.message.split("\n")).toHaveLength(1);
    expect(stateOf(fresh)).toBe("done");
  });

  it("stops showing a run whose box people delete twice, and still ends the session", async () => {
    const channel = wire.fake.addChannel("O", "deleters");
    const session = `agent:main:mattermost:channel:${channel.id}`;
    const rt = runtime(openLedger(":memory:"));
    rt.ingest(event(session, { type: "run_start", runId: "r1" }));
    await wire.run(rt.idle());
    for (let i = 0; i < 2; i++) {
      const live = boxes(channel.id).find((b) => b.delete_at === 0);
      wire.fake.deletePostAsUser(live?.id ?? "");
      await wire.advance(1_500);
      // A tool start is edited within seconds; the edit finds the post gone.
      rt.ingest(event(session, { type: "tool_start", runId: "r1", callId: `c${i}`, name: "exec" }));
      await wire.advance(2_500);
    }
    rt.ingest(event(session, { type: "run_end", runId: "r1", outcome: "ok" }));
    await wire.run(rt.idle());
    expect(boxes(channel.id).every((b) => b.delete_at > 0)).toBe(true);
    expect(boxes(channel.id)).toHaveLength(2);
    expect(rt.slots().map((s) => s.phase)).toEqual(["completed_guarded"]);
  });
});
