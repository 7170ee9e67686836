import type { LiveStatusV1 } from "@live-status/contract";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordingLogger, startWire, type Wire } from "../../test/support/publisher-harness.ts";
import { openLedger } from "../adapters/storage/index.ts";
import type { LiveEvent } from "../core/events.ts";
import { DEFAULT_CORE_CONFIG } from "./defaults.ts";
import { LiveStatusRuntime } from "./runtime.ts";

let wire: Wire;

beforeEach(async () => {
  wire = await startWire();
});

afterEach(async () => {
  await wire.close();
});

function runtime() {
  return new LiveStatusRuntime({
    config: DEFAULT_CORE_CONFIG,
    ledger: openLedger(":memory:"),
    client: wire.client,
    botUserId: wire.fake.botUserId,
    clock: wire.clock,
    log: recordingLogger(),
    random: () => 0.5,
  });
}

const event = (session: string, body: Record<string, unknown>) =>
  ({ v: 1, ts: wire.clock.now(), session, runId: "r1", ...body }) as LiveEvent;

/** A run that starts and ends while the token's budget is held (as after a 429). */
async function runWhileHeld(outcome: "ok" | "error") {
  const channel = wire.fake.addChannel("O", `busy-${outcome}`);
  const session = `agent:main:mattermost:channel:${channel.id}`;
  const rt = runtime();
  wire.budget.blockUntil(wire.clock.now() + 10_000);
  rt.ingest(event(session, { type: "run_start", trigger: { kind: "user" } }));
  await wire.advance(2_000);
  rt.ingest(
    event(session, { type: "run_end", outcome, ...(outcome === "error" && { error: "model down" }) }),
  );
  await wire.run(rt.idle());
  const boxes = wire.fake.postsIn(channel.id).filter((p) => p.type === "custom_live_status");
  return { rt, boxes };
}

describe("runtime, a run that ends before its box could be posted", () => {
  it("posts the box of a done run directly in its final state: the record of the work is the product", async () => {
    const { rt, boxes } = await runWhileHeld("ok");
    expect(boxes.map((b) => (b.props.live_status as LiveStatusV1).state)).toEqual(["done"]);
    expect(rt.finalsNotLanded()).toBe(0);
    expect(rt.slots().map((s) => s.phase)).toEqual(["completed_guarded"]);
  });

  it("posts the box of a failed run directly in its final state", async () => {
    const { rt, boxes } = await runWhileHeld("error");
    expect(boxes.map((b) => (b.props.live_status as LiveStatusV1).state)).toEqual(["error"]);
    expect(rt.finalsNotLanded()).toBe(0);
  });
});
