/**
 * The measured comparison (docs/comparison.md): the same scripted turn (`[tools]`: read, exec, answer;
 * ~2–3 s of model time) on the real gateway, once per variant — OpenClaw's own Mattermost preview
 * (default `partial`, and `progress` drafts) without our plugin, and Live Status with OpenClaw's drafts
 * at their default or off. Per variant: one gateway start, a warm-up turn, then `--turns` measured turns
 * in the same channel. Writes `.tmp/e2e/compare-<variant>.json` and prints a summary (`--report`: only
 * summarize the JSON files of an earlier run). `--turn many` runs the tool-heavy turn instead (12 `exec`
 * calls in 6 model steps, ~10 s; files `compare-many-<variant>.json`), with tool and final lag.
 * Run: `npx node packages/openclaw-plugin/test/e2e/compare.ts [--variants a,b] [--turns 5] [--turn many] [--report]`.
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
import { measureToolTurn, type ToolTurnMeasure } from "./tool-turn.ts";
import { BOT_USERNAME, MANY_ANSWER, sleep, startWorld, TOOLS_ANSWER, type World, waitFor } from "./world.ts";

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

/** The turns a comparison can run: what alice writes, and the text the answer ends with. */
export const TURNS = {
  tools: { message: TURN_MESSAGE, answer: TOOLS_ANSWER },
  many: { message: `@${BOT_USERNAME} [many] please run the twelve checks`, answer: MANY_ANSWER },
} as const;
export type TurnName = keyof typeof TURNS;

export interface VariantResult {
  variant: string;
  describe: string;
  readyMs: number;
  rssReadyMiB: number;
  rssEndMiB: number;
  /** Gateway process-group CPU seconds over the measured turns. */
  cpuSecondsPerTurn: number;
  turn?: TurnName;
  turns: TurnMeasure[];
  /** For the `many` turn: tool visibility, tool lag and final lag per measured turn. */
  toolTurns?: ToolTurnMeasure[];
}

/** Waits until the turn's answer is stored, any box is final, and the bot has written nothing for `quietMs`. */
async function settleTurn(
  world: World,
  userPost: FakePost,
  answer: string,
  quietMs = 2_000,
): Promise<number> {
  const mm = world.mm;
  const botPosts = () =>
    mm
      .postsIn(userPost.channel_id, { rootId: userPost.root_id })
      .filter((p) => p.create_at >= userPost.create_at);
  await waitFor(
    "the answer and a final box",
    () =>
      botPosts().some((p) => p.type === "" && p.message.includes(answer)) &&
      botPosts()
        .filter((p) => p.type === LIVE_STATUS_POST_TYPE)
        .every((p) => (p.props.live_status as { state?: string } | undefined)?.state !== "running"),
    120_000,
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
export async function runVariant(
  name: string,
  turns: number,
  turn: TurnName = "tools",
): Promise<VariantResult> {
  const { message, answer } = TURNS[turn];
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
    const warm = world.say(world.town, world.alice, message);
    await settleTurn(world, warm, answer);
    const measured: TurnMeasure[] = [];
    const toolTurns: ToolTurnMeasure[] = [];
    const cpu0 = gateway.cpuSeconds();
    for (let k = 0; k < turns; k++) {
      const post = world.say(world.town, world.alice, message);
      const until = await settleTurn(world, post, answer);
      const m = measureTurn(world.mm, post, until);
      measured.push(m);
      if (turn === "many") toolTurns.push(measureToolTurn(m, post.create_at, world.model.answers, answer));
    }
    const cpu = gateway.cpuSeconds() - cpu0;
    return {
      variant: name,
      describe: v.describe,
      readyMs: gateway.readyMs,
      rssReadyMiB: Math.round(rssReady / 2 ** 20),
      rssEndMiB: Math.round(gateway.rssBytes() / 2 ** 20),
      cpuSecondsPerTurn: Math.round((cpu / turns) * 100) / 100,
      turn,
      turns: measured,
      ...(turn === "many" && { toolTurns }),
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

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number);
};

/**
 * One markdown row for a tool-heavy turn: first status, writes of the box and of OpenClaw's posts
 * (median, range), tools visible, tool lag p50/p95 over every call of every measured turn, final lag.
 */
export function toolTableRow(r: VariantResult): string {
  const t = r.toolTurns ?? [];
  const range = (xs: number[]) => `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
  const lags = t.flatMap((x) => x.toolLagMs);
  const visible = `${t.reduce((a, x) => a + x.toolsVisible, 0)}/${t.reduce((a, x) => a + x.toolCalls, 0)}`;
  const finals = t.map((x) => x.finalLagMs ?? Number.NaN);
  const first = r.turns.map((x) => x.firstStatusMs ?? Number.NaN);
  return `| ${r.variant} | ${range(first)} ms | ${range(t.map((x) => x.boxWrites))} | ${range(t.map((x) => x.openclawWrites))} | ${visible} | ${quantile(lags, 0.5)} / ${quantile(lags, 0.95)} ms | ${range(finals)} ms |`;
}

/** A summary of a variant: the table row data, then every visible write of its last turn. */
export function summarize(r: VariantResult): string {
  const last = r.turns.at(-1);
  return [
    `${r.variant}: ready ${r.readyMs} ms, RSS ${r.rssReadyMiB}→${r.rssEndMiB} MiB, CPU ${r.cpuSecondsPerTurn} s/turn`,
    r.toolTurns ? toolTableRow(r) : tableRow(r),
    ...(last?.writes ?? []).map(
      (w) => `  +${w.t}ms ${w.kind} ${w.type || "post"} ${JSON.stringify(w.message.slice(0, 200))}`,
    ),
  ].join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      variants: { type: "string" },
      turns: { type: "string" },
      turn: { type: "string" },
      report: { type: "boolean" },
    },
  });
  const turn = (values.turn ?? "tools") as TurnName;
  if (!(turn in TURNS)) throw new Error(`unknown turn ${turn}; known: ${Object.keys(TURNS).join(", ")}`);
  const names = (values.variants ?? Object.keys(VARIANTS).join(",")).split(",").filter(Boolean);
  const turns = Number(values.turns ?? "5");
  for (const name of names) {
    const file = join(E2E_ROOT, `compare-${turn === "tools" ? "" : `${turn}-`}${name}.json`);
    let result: VariantResult;
    if (values.report) {
      result = JSON.parse(readFileSync(file, "utf8")) as VariantResult;
    } else {
      result = await runVariant(name, turns, turn);
      writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    }
    process.stdout.write(`${summarize(result)}\n`);
  }
}

if (import.meta.main) await main();
