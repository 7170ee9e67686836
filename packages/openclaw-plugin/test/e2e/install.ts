/**
 * Prepares an OpenClaw state directory once per cache (CI: once per run) and restores a pristine copy
 * per test. The installed state records absolute paths (plugin install paths, the workspace), so a
 * test always runs at the same path the install used: `<variant>/live`, refilled from `<variant>/pristine`.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  E2E_ROOT,
  MATTERMOST_PLUGIN_SPEC,
  node24Path,
  OPENCLAW_BIN,
  OPENCLAW_VERSION,
  PLUGIN_DIR,
  PLUGIN_MANIFEST,
  pluginBuilt,
} from "./paths.ts";
import { runToEnd } from "./processes.ts";

/** `bare`: only `@openclaw/mattermost`; `plugin`: also Live Status, linked from the working tree. */
export type InstallVariant = "bare" | "plugin";

/** The isolated paths one gateway uses. */
export interface GatewayHome {
  variant: InstallVariant;
  /** `<variant>/live`: HOME, state, workspace and logs live under it. */
  root: string;
  home: string;
  stateDir: string;
  configPath: string;
  workspace: string;
}

/** Timings of the one-off install, for the report. */
export interface InstallReport {
  variant: InstallVariant;
  cached: boolean;
  ms: number;
  steps: Array<{ step: string; ms: number }>;
}

function homeAt(variant: InstallVariant, root: string): GatewayHome {
  const stateDir = join(root, "state");
  return {
    variant,
    root,
    home: join(root, "home"),
    stateDir,
    configPath: join(stateDir, "openclaw.json"),
    workspace: join(root, "workspace"),
  };
}

/** Environment that isolates OpenClaw in `home` and runs it (and npm under it) on Node 24. */
export function openclawEnv(home: GatewayHome, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // OpenClaw switches into its own test mode (silent logs, no process hooks) when it sees Vitest's
  // variables or NODE_ENV=test; the gateway under test must run as in production.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(VITEST|NODE_ENV$|TEST$|JEST_WORKER_ID$)/.test(key)),
  );
  return {
    ...inherited,
    PATH: node24Path(),
    HOME: home.home,
    OPENCLAW_STATE_DIR: home.stateDir,
    OPENCLAW_CONFIG_PATH: home.configPath,
    NO_COLOR: "1",
    FORCE_COLOR: "0",
    ...extra,
  };
}

function cacheKey(variant: InstallVariant): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ OPENCLAW_VERSION, MATTERMOST_PLUGIN_SPEC, variant, E2E_ROOT }));
  if (variant === "plugin") hash.update(readFileSync(PLUGIN_MANIFEST));
  return hash.digest("hex").slice(0, 16);
}

const memo = new Map<InstallVariant, InstallReport>();

/**
 * Makes sure `<variant>/pristine` holds a ready install, installing into `<variant>/live` first if
 * the cache is missing or stale. `@openclaw/mattermost` comes from the npm registry (a copy loaded by
 * path is refused as untrusted); the plugin variant links `packages/openclaw-plugin`.
 */
export async function prepareInstall(variant: InstallVariant): Promise<InstallReport> {
  const known = memo.get(variant);
  if (known) return known;
  const base = join(E2E_ROOT, variant);
  const pristine = join(base, "pristine");
  const marker = join(base, "ready.json");
  if (variant === "plugin" && !pluginBuilt()) {
    throw new Error(`the plugin is not built (${PLUGIN_MANIFEST} or dist/index.js missing): run npx tsc -b`);
  }
  const key = cacheKey(variant);
  const started = performance.now();
  if (existsSync(marker) && existsSync(pristine)) {
    const ready = JSON.parse(readFileSync(marker, "utf8")) as { key?: string };
    if (ready.key === key) {
      const report = { variant, cached: true, ms: 0, steps: [] };
      memo.set(variant, report);
      return report;
    }
  }
  rmSync(base, { recursive: true, force: true });
  const home = homeAt(variant, join(base, "live"));
  mkdirSync(home.home, { recursive: true });
  mkdirSync(home.stateDir, { recursive: true });
  const env = openclawEnv(home);
  const steps: InstallReport["steps"] = [];
  const run = async (step: string, args: string[]) => {
    const r = await runToEnd(OPENCLAW_BIN, args, { env, cwd: home.root, timeoutMs: 180_000 });
    steps.push({ step, ms: r.ms });
  };
  await run("mattermost", ["plugins", "install", `npm:${MATTERMOST_PLUGIN_SPEC}`]);
  if (variant === "plugin") {
    await run("live-status", [
      "plugins",
      "install",
      "--link",
      PLUGIN_DIR,
      "--force",
      "--accept-capabilities",
    ]);
  }
  cpSync(home.root, pristine, { recursive: true, verbatimSymlinks: true });
  const report = { variant, cached: false, ms: Math.round(performance.now() - started), steps };
  writeFileSync(marker, JSON.stringify({ key, ...report }, null, 2));
  memo.set(variant, report);
  return report;
}

/** Replaces `<variant>/live` with a fresh copy of the pristine install and returns its paths. */
export function restorePristine(variant: InstallVariant): GatewayHome {
  const base = join(E2E_ROOT, variant);
  const pristine = join(base, "pristine");
  if (!existsSync(pristine)) throw new Error(`no prepared install for ${variant}: call prepareInstall first`);
  const root = join(base, "live");
  rmSync(root, { recursive: true, force: true });
  cpSync(pristine, root, { recursive: true, verbatimSymlinks: true });
  const home = homeAt(variant, root);
  mkdirSync(home.workspace, { recursive: true });
  return home;
}

/** The paths of the current `<variant>/live` without touching it (for a restart on the same state). */
export function currentHome(variant: InstallVariant): GatewayHome {
  return homeAt(variant, join(E2E_ROOT, variant, "live"));
}
