import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Wire } from "../../test/support/publisher-harness.ts";
import { startWire } from "../../test/support/publisher-harness.ts";
import { openLedger } from "../adapters/storage/index.ts";
import type { LiveEvent } from "../core/events.ts";
import { DEFAULT_CORE_CONFIG } from "./defaults.ts";
import { LiveStatusRuntime } from "./runtime.ts";

let wire: Wire;
let dir: string;

beforeEach(async () => {
  wire = await startWire();
  dir = await mkdtemp(join(tmpdir(), "live-status-runtime-controls-"));
});

afterEach(async () => {
  await wire.close();
  await rm(dir, { recursive: true, force: true });
});

it("names the bot in a waiting box's answer hint, and drops the hint once the run ends", async () => {
  const channel = wire.fake.addChannel("O", "ops");
  const session = `agent:main:mattermost:channel:${channel.id}`;
  const ledger = openLedger(join(dir, "ledger.sqlite"));
  const rt = new LiveStatusRuntime({
    config: DEFAULT_CORE_CONFIG,
    ledger,
    client: wire.client,
    botUserId: wire.fake.botUserId,
    botUsername: "livebot",
    clock: wire.clock,
    log: { info: () => {}, warn: () => {}, error: () => {} },
    random: () => 0.5,
  });
  const event = (body: Record<string, unknown>) =>
    ({ v: 1, ts: wire.clock.now(), session, runId: "r1", ...body }) as LiveEvent;
  rt.ingest(event({ type: "run_start" }));
  rt.ingest(event({ type: "tool_start", callId: "c1", name: "exec", args: { command: "npm publish" } }));
  rt.ingest(event({ type: "approval", phase: "waiting", approvalId: "c81e2f4a-5b6d", callId: "c1" }));
  await wire.run(rt.idle());
  const box = () => wire.fake.postsIn(channel.id).find((p) => p.type === "custom_live_status");
  expect(box()?.message).toContain("`@livebot /approve c81e2f4a allow-once`");

  rt.ingest(event({ type: "approval", phase: "resolved", approvalId: "c81e2f4a-5b6d" }));
  rt.ingest(event({ type: "tool_end", callId: "c1", ok: true }));
  rt.ingest(event({ type: "run_end", outcome: "ok" }));
  await wire.run(rt.idle());
  expect(box()?.message).not.toContain("/approve");
  expect(box()?.props.live_status).not.toHaveProperty("waiting");
  ledger.close();
});
