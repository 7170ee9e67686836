#!/usr/bin/env node
// The `live-status` command. It needs Node >= 24.16 (node:sqlite, OpenClaw). On an older Node (a
// legacy gateway host on Node 20), it runs itself again on a Node 24 it finds — $LIVE_STATUS_NODE,
// else the `node` npm package installed beside it — and passes SIGINT, SIGTERM and SIGHUP on, so a
// service manager's stop reaches the watcher and live boxes end as interrupted.
// Plain JavaScript that Node 18+ can parse: it must run before any Node 24 feature is available.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SELF = fileURLToPath(import.meta.url);
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];

function supported(version) {
  const [major, minor] = version.split(".").map(Number);
  return major > 24 || (major === 24 && minor >= 16);
}

/** Version of the Node at `path`, or null when it does not run. */
function versionOf(path) {
  const r = spawnSync(path, ["-p", "process.versions.node"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** A Node >= 24.16 to run on: $LIVE_STATUS_NODE, else the `node` npm package's binary. */
function findNode24(env) {
  const tried = [];
  const candidates = [];
  if (env.LIVE_STATUS_NODE) candidates.push(env.LIVE_STATUS_NODE);
  try {
    const pkg = createRequire(SELF).resolve("node/package.json");
    candidates.push(join(dirname(pkg), "bin", "node"));
  } catch {
    tried.push("the `node` npm package (not installed)");
  }
  for (const path of candidates) {
    const version = existsSync(path) ? versionOf(path) : null;
    if (version && supported(version)) return { path };
    tried.push(`${path} (${version ? `v${version}` : "not runnable"})`);
  }
  return { tried };
}

async function runHere() {
  const { main } = await import("../dist/cli/main.js");
  const controller = new AbortController();
  for (const sig of FORWARDED) process.once(sig, () => controller.abort(sig));
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    signal: controller.signal,
  });
}

function runOnNode24() {
  const found = findNode24(process.env);
  if (!found.path) {
    process.stderr.write(
      `live-status needs Node >= 24.16 (this is ${process.version}) and found none: tried ${found.tried.join(", ")}.\n` +
        "Install it beside this command (npm ci in the checkout brings the `node` package), or set LIVE_STATUS_NODE to a Node 24 binary.\n",
    );
    process.exit(2);
  }
  // Its own process group: a terminal's Ctrl-C reaches the child once, through us, not twice.
  const child = spawn(found.path, [SELF, ...process.argv.slice(2)], { stdio: "inherit", detached: true });
  for (const sig of FORWARDED) process.on(sig, () => child.kill(sig));
  child.on("error", (error) => {
    process.stderr.write(`live-status: cannot start ${found.path}: ${error.message}\n`);
    process.exit(2);
  });
  child.on("exit", (code, signal) => {
    process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
  });
}

if (supported(process.versions.node)) await runHere();
else runOnNode24();
