/**
 * Benchmark 4: Mattermost recovery → final landed. N sessions each start a run (box shown), then
 * Mattermost goes away (a proxy in front of the fake resets every connection), every run ends while
 * it is away, and after `outage` seconds it comes back. We time, on the real clock, from the moment
 * it is back to the moment the fake stored each box's final state, and check every box is final.
 * Run: `npx node bench/outage-recovery.ts [--sessions 20] [--outage 5 --outage 30]`.
 */
import { parseArgs } from "node:util";
import type { LiveStatusV1 } from "@live-status/contract";
import { startFakeMattermost } from "@live-status/fake-mattermost";
import { createMattermostClient } from "../packages/openclaw-plugin/src/adapters/mattermost/client.ts";
import { openLedger } from "../packages/openclaw-plugin/src/adapters/storage/index.ts";
import type { LiveEvent } from "../packages/openclaw-plugin/src/core/events.ts";
import { systemClock } from "../packages/openclaw-plugin/src/runtime/clock.ts";
import { DEFAULT_CORE_CONFIG } from "../packages/openclaw-plugin/src/runtime/defaults.ts";
import { RateBudget } from "../packages/openclaw-plugin/src/runtime/rate-budget.ts";
import { LiveStatusRuntime } from "../packages/openclaw-plugin/src/runtime/runtime.ts";
import { startSwitchableProxy } from "../packages/openclaw-plugin/test/support/switchable-proxy.ts";
import { countingLogger } from "./lib/log.ts";
import { type Distribution, distribution, round } from "./lib/stats.ts";

export interface OutageRecoveryResult {
  sessions: number;
  outageSeconds: number;
  /** Mattermost back → final stored, ms, one value per box. */
  recoveryToFinalMs: Distribution;
  /** Boxes not showing their final state at the end (expected 0), and posts beyond one per run. */
  notFinal: number;
  extraPosts: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runOutageRecovery(o: {
  sessions?: number;
  outageSeconds: number;
}): Promise<OutageRecoveryResult> {
  const sessions = o.sessions ?? 20;
  const fake = await startFakeMattermost();
  const proxy = await startSwitchableProxy(fake.url);
  const ledger = openLedger(":memory:");
  const clock = systemClock;
  const client = createMattermostClient({
    baseUrl: proxy.url,
    token: fake.botToken,
    budget: new RateBudget({ clock }),
    clock,
  });
  const runtime = new LiveStatusRuntime({
    config: DEFAULT_CORE_CONFIG,
    ledger,
    client,
    botUserId: fake.botUserId,
    clock,
    log: countingLogger(),
  });
  const channels = Array.from({ length: sessions }, (_, i) => fake.addChannel("O", `c${i}`).id);
  const event = (i: number, body: Record<string, unknown>) =>
    ({
      v: 1,
      ts: clock.now(),
      session: `agent:main:mattermost:channel:${channels[i]}`,
      ...body,
    }) as LiveEvent;
  try {
    channels.forEach((_, i) => {
      runtime.ingest(event(i, { type: "run_start", runId: `r${i}` }));
    });
    await runtime.idle();
    proxy.takeDown();
    channels.forEach((_, i) => {
      runtime.ingest(event(i, { type: "run_end", runId: `r${i}`, outcome: "ok" }));
    });
    await sleep(o.outageSeconds * 1000);
    const recoveredAt = Date.now();
    proxy.bringUp();
    await runtime.idle();
    const landed: number[] = [];
    let notFinal = 0;
    let extraPosts = 0;
    for (const channel of channels) {
      const posts = fake.postsIn(channel);
      extraPosts += Math.max(0, posts.length - 1);
      const post = posts[0];
      if ((post?.props.live_status as LiveStatusV1 | undefined)?.state !== "done" || !post) notFinal++;
      else landed.push(post.update_at - recoveredAt);
    }
    return {
      sessions,
      outageSeconds: o.outageSeconds,
      recoveryToFinalMs: distribution(landed.map((ms) => round(ms, 0))),
      notFinal,
      extraPosts,
    };
  } finally {
    runtime.abandon();
    ledger.close();
    await proxy.close();
    await fake.close();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { sessions: { type: "string" }, outage: { type: "string", multiple: true } },
  });
  for (const outage of (values.outage ?? ["5", "30"]).map(Number)) {
    const r = await runOutageRecovery({ sessions: Number(values.sessions ?? 20), outageSeconds: outage });
    const d = r.recoveryToFinalMs;
    process.stdout.write(
      `| ${r.sessions} sessions, ${r.outageSeconds} s outage at the final | ${d.min} / ${d.p50} / ${d.max} ms | ${r.notFinal} | ${r.extraPosts} |\n`,
    );
  }
}
