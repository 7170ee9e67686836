/** Where the e2e harness finds the repo, Node 24, the `openclaw` CLI and its cache directory. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (the directory holding the root package.json and node_modules). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** `node_modules/.bin`: Node 24 (npm package `node`) and the `openclaw` launcher. Put it first on PATH. */
export const BIN_DIR = join(REPO_ROOT, "node_modules", ".bin");
export const OPENCLAW_BIN = join(BIN_DIR, "openclaw");
export const NODE_BIN = join(BIN_DIR, "node");

/** The plugin package that `openclaw plugins install --link` links. */
export const PLUGIN_DIR = join(REPO_ROOT, "packages", "openclaw-plugin");
export const PLUGIN_ENTRY = join(PLUGIN_DIR, "dist", "index.js");
export const PLUGIN_MANIFEST = join(PLUGIN_DIR, "openclaw.plugin.json");

/** Cache for prepared OpenClaw installs and per-test scratch (gitignored `.tmp/`). */
export const E2E_ROOT = process.env.LIVE_STATUS_E2E_DIR ?? join(REPO_ROOT, ".tmp", "e2e");

/** Pinned versions: the gateway comes from the root devDependency, the channel plugin from the registry. */
export const MATTERMOST_PLUGIN_SPEC = "@openclaw/mattermost@2026.9.5";
export const OPENCLAW_VERSION = "2026.9.6";

/** True once the plugin entry (`dist/index.js` + manifest) has been built. */
export function pluginBuilt(): boolean {
  return existsSync(PLUGIN_ENTRY) && existsSync(PLUGIN_MANIFEST);
}

/** PATH with Node 24 first, so `openclaw` and anything it spawns (npm) run on Node 24. */
export function node24Path(base = process.env.PATH ?? ""): string {
  return `${BIN_DIR}:${base}`;
}
