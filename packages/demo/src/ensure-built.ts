/**
 * The demo runs built code: the `live-status` command from packages/openclaw-plugin/dist (built by
 * `npm ci` through `prepare`) and the webapp bundle from packages/webapp/dist (not built by
 * `npm ci`). Whatever is missing is built once, with the project's own build commands; a build
 * older than its sources is only pointed out, since other work may be writing those sources.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "./replay-child.ts";

export const PLUGIN_BUNDLE = join(REPO_ROOT, "packages/webapp/dist/main.js");
const CLI_MAIN = join(REPO_ROOT, "packages/openclaw-plugin/dist/cli/main.js");

interface Build {
  /** The file the demo needs. */
  output: string;
  /** Everything the build writes. */
  outDir: string;
  sources: string;
  what: string;
  args: string[];
  cwd: string;
  command: string;
}

const BUILDS: readonly Build[] = [
  {
    output: CLI_MAIN,
    outDir: join(REPO_ROOT, "packages/openclaw-plugin/dist"),
    sources: join(REPO_ROOT, "packages/openclaw-plugin/src"),
    what: "the live-status command",
    args: [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-b"],
    cwd: REPO_ROOT,
    command: "npm run build",
  },
  {
    output: PLUGIN_BUNDLE,
    outDir: join(REPO_ROOT, "packages/webapp/dist"),
    sources: join(REPO_ROOT, "packages/webapp/src"),
    what: "the webapp plugin bundle",
    args: ["scripts/build.ts"],
    cwd: join(REPO_ROOT, "packages/webapp"),
    command: "npm run build -w @live-status/webapp",
  },
];

function run(args: string[], cwd: string): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (t: string) => {
      stderr += t;
    });
    child.once("error", fail);
    child.once("close", (code) =>
      code === 0 ? ok() : fail(new Error(`${args.join(" ")} failed (${code}): ${stderr.trim().slice(-400)}`)),
    );
  });
}

/** The newest modification time of the files under `dir`, tests left out (they are not built). */
async function newest(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const times = await Promise.all(
    entries
      .filter((e) => e.isFile() && !/\.test\.tsx?$/.test(e.name))
      .map(async (e) => (await stat(join(e.parentPath, e.name))).mtimeMs),
  );
  return Math.max(0, ...times);
}

/** Builds the live-status command and the webapp bundle if they are missing. */
export async function ensureBuilt(log: (line: string) => void): Promise<void> {
  for (const b of BUILDS) {
    if (!existsSync(b.output)) {
      log(`Building ${b.what}…`);
      await run(b.args, b.cwd);
    } else if ((await newest(b.sources)) > (await newest(b.outDir))) {
      log(`Note: ${b.what} is older than its sources; "${b.command}" rebuilds it.`);
    }
  }
}
