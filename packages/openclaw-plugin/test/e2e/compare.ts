/**
 * The measured comparison (docs/comparison.md): the same scripted turn (`[tools]`: read, exec, answer;
 * ~2–3 s of model time) on the real gateway, once per variant — OpenClaw's own Mattermost preview
 * (default `partial`, and `progress` drafts) without our plugin, and Live Status with OpenClaw's drafts
 * at their default or off. Per variant: one gateway start, a warm-up turn, then `--turns` measured turns
 * in the same channel. Writes `.tmp/e2e/compare-<variant>.json` and prints a summary (`--report`: only
 * summarize the JSON files of an earlier run).
 * Run: `npx node packages/openclaw-plugin/test/e2e/compare.ts [--variants a,b] [--turns 5] [--report]`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { LIVE_STATUS_POST_TYPE } from "@live-status/contract";
import type { FakePost } from "@live-status/fake-mattermost";
import type { JsonObject } from "./config.ts";
import { type Gateway, startGateway } from "./gateway.ts";
import { type InstallVariant, prepareInstall, restorePristine } from "./install.ts";
import { measureTurn, type TurnMeasure } from "./measure.ts";
import { E2E_ROOT } from "./paths.ts";
import { BOT_USERNAME, sleep, startWorld, TOOLS_ANSWER, type World, waitFor } from "./world.ts";

/** One way of showing progress. */
export interface Variant {
  install: InstallVariant;
  streaming?: JsonObject;
  plugin?: { enabled: boolean; config?: JsonObject };
  describe: string;
}

export const VARIANTS: Record<string, Variant> = {
  "openclaw-partial": { install: "bare", describe: "OpenClaw default preview (partial), no plugin" },
  "openclaw-progress": {
    install: "bare",
    streaming: { mode: "progress" },
    describe: 'OpenClaw progress draft (streaming.mode "progress"), no plugin',
  },
  "openclaw-progress-tools": {
    install: "bare",
    streaming: { mode: "progress", progress: { toolProgress: true } },
    describe: "OpenClaw progress draft with the tool log (progress.toolProgress: true), no plugin",
  },
  "live-status": {
    install: "plugin",
    plugin: { enabled: true },
    describe: "Live Status plugin, OpenClaw's preview at its default (partial)",
  },
  "live-status-drafts-off": {
    install: "plugin",
    streaming: { mode: "off" },
    plugin: { enabled: true },
    describe: 'Live Status plugin, OpenClaw preview off (streaming.mode "off")',
  },
};

export const TURN_MESSAGE = `@${BOT_USERNAME} [tools] please read the notes and run echo`;

export interface VariantResult {
  variant: string;
  describe: string;
  readyMs: number;
  rssReadyMiB: number;
  rssEndMiB: number;
  /** Gateway process-group CPU seconds over the measured turns. */
  cpuSecondsPerTurn: number;
  turns: TurnMeasure[];
}

/** Waits until the turn's answer is stored, any box is final, and the bot has written nothing for `quietMs`. */
async function settleTurn(world: World, userPost: FakePost, quietMs = 2_000): Promise<number> {
  const mm = world.mm;
  const botPosts = () =>
    mm
      .postsIn(userPost.channel_id, { rootId: userPost.root_id })
      .filter((p) => p.create_at >= userPost.create_at);
  await waitFor(
    "the answer and a final box",
    () =>
      botPosts().some((p) => p.type === "" && p.message.includes(TOOLS_ANSWER)) &&
      botPosts()
        .filter((p) => p.type === LIVE_STATUS_POST_TYPE)
        .every((p) => (p.props.live_status as { state?: string } | undefined)?.state !== "running"),
    60_000,
  );
  let last = mm.requests().at(-1)?.seq ?? 0;
  let quietSince = performance.now();
  while (performance.now() - quietSince < quietMs) {
    await sleep(100);
    const now =
      mm
        .requests()
        .filter((r) => r.userId === mm.botUserId && !r.path.endsWith("/users/me"))
        .at(-1)?.seq ?? 0;
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    }
  }
  return Date.now();
}

/** Runs one variant: gateway start, warm-up, `turns` measured turns. */
export async function runVariant(name: string, turns: number): Promise<VariantResult> {
  const v = VARIANTS[name];
  if (!v) throw new Error(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(", ")}`);
  await prepareInstall(v.install);
  const world = await startWorld();
  let gateway: Gateway | undefined;
  try {
    const home = restorePristine(v.install);
    const pluginConfig: JsonObject = {
      ...(v.plugin?.config ?? {}),
      recordEvents: join(home.root, "events.jsonl"),
    };
    gateway = await startGateway({
      home,
      modelBaseUrl: world.model.baseUrl,
      mattermost: { url: world.mm.url, botToken: world.mm.botToken },
      workspaceFiles: { "NOTES.md": "hello from the notes\n" },
      ...(v.streaming ? { streaming: v.streaming } : {}),
      ...(v.plugin ? { plugin: { enabled: v.plugin.enabled, config: pluginConfig } } : {}),
    });
    await world.botConnected(true);
    const rssReady = gateway.rssBytes();
    const warm = world.say(world.town, world.alice, TURN_MESSAGE);
    await settleTurn(world, warm);
    const measured: TurnMeasure[] = [];
    const cpu0 = gateway.cpuSeconds();
    for (let k = 0; k < turns; k++) {
      const post = world.say(world.town, world.alice, TURN_MESSAGE);
      const until = await settleTurn(world, post);
      measured.push(measureTurn(world.mm, post, until));
    }
    const cpu = gateway.cpuSeconds() - cpu0;
    return {
      variant: name,
      describe: v.describe,
      readyMs: gateway.readyMs,
      rssReadyMiB: Math.round(rssReady / 2 ** 20),
      rssEndMiB: Math.round(gateway.rssBytes() / 2 ** 20),
      cpuSecondsPerTurn: Math.round((cpu / turns) * 100) / 100,
      turns: measured,
    };
  } finally {
    await gateway?.stop(30_000);
    await world.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
};

/** Requests the channel plugin makes on a timer, not because of the turn. */
const PERIODIC = new Set(["GET /users/me"]);

/** Median count per request kind over a variant's turns (periodic polls left out). */
export function medianCalls(turns: readonly TurnMeasure[], pick: (t: TurnMeasure) => Record<string, number>) {
  const kinds = [...new Set(turns.flatMap((t) => Object.keys(pick(t))))].filter((k) => !PERIODIC.has(k));
  return Object.fromEntries(
    kinds.sort().map((k): [string, number] => [k, median(turns.map((t) => pick(t)[k] ?? 0))]),
  );
}

/** One markdown table row: variant, first status (median, range), calls per turn, of which box writes. */
export function tableRow(r: VariantResult): string {
  const first = r.turns.map((t) => t.firstStatusMs ?? Number.NaN);
  const calls = medianCalls(r.turns, (t) => t.calls);
  const box = medianCalls(r.turns, (t) => t.boxCalls);
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  const boxTotal = Object.values(box).reduce((a, b) => a + b, 0);
  const list = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, n]) => `${n}× \`${k}\``)
      .join(", ");
  return `| ${r.variant} | ${median(first)} ms (${Math.min(...first)}–${Math.max(...first)}) | ${total}: ${list(calls)} | ${boxTotal}${boxTotal ? `: ${list(box)}` : ""} |`;
}

/** A summary of a variant: the table row data, then every visible write of its last turn. */
export function summarize(r: VariantResult): string {
  const last = r.turns.at(-1);
  return [
    `${r.variant}: ready ${r.readyMs} ms, RSS ${r.rssReadyMiB}→${r.rssEndMiB} MiB, CPU ${r.cpuSecondsPerTurn} s/turn`,
    tableRow(r),
    ...(last?.writes ?? []).map(
      (w) => `  +${w.t}ms ${w.kind} ${w.type || "post"} ${JSON.stringify(w.message.slice(0, 200))}`,
    ),
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { variants: { type: "string" }, turns: { type: "string" }, report: { type: "boolean" } },
  });
  const names = (values.variants ?? Object.keys(VARIANTS).join(",")).split(",").filter(Boolean);
  const turns = Number(values.turns ?? "5");
  for (const name of names) {
    const file = join(E2E_ROOT, `compare-${name}.json`);
    let result: VariantResult;
    if (values.report) {
      result = JSON.parse(readFileSync(file, "utf8")) as VariantResult;
    } else {
      result = await runVariant(name, turns);
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    }
    process.stdout.write(`${summarize(result)}\n`);
  }
}

if (import.meta.main) await main();
