/**
 * Starts the real OpenClaw gateway (`openclaw gateway run`) on 127.0.0.1 against the fake Mattermost
 * and the fake model, isolated in a prepared state directory, and stops it with SIGTERM, a bounded
 * wait and SIGKILL. Readiness is the `[gateway] ready` line on its output.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { GATEWAY_TOKEN, type GatewayConfigOptions, gatewayConfig, mergeConfigFile } from "./config.ts";
import { type GatewayHome, openclawEnv } from "./install.ts";
import { OPENCLAW_BIN } from "./paths.ts";
import {
  crashTracked,
  runToEnd,
  type StopResult,
  spawnTracked,
  stopTracked,
  type TrackedProcess,
} from "./processes.ts";

/** Config choices of one gateway start; port, log file and workspace come from the harness. */
export type GatewayStartOptions = Omit<GatewayConfigOptions, "port" | "logFile" | "workspace"> & {
  home: GatewayHome;
  /** Default 120 s: a cold start on a busy 2-core machine can take well over the usual 12–20 s. */
  readyTimeoutMs?: number;
  /** Files to put in the agent workspace (e.g. `NOTES.md` for a `read`). */
  workspaceFiles?: Record<string, string>;
};

/** A running gateway. */
export interface Gateway {
  home: GatewayHome;
  port: number;
  pid: number;
  /** ms from spawn to `[gateway] ready`. */
  readyMs: number;
  /** Console output so far (stdout + stderr, ANSI stripped). */
  output(): string;
  /** Resolves when the output matches, rejects after `timeoutMs` with the output tail. */
  waitForOutput(pattern: RegExp, timeoutMs: number, from?: number): Promise<void>;
  /** Resident memory of the gateway's process group, bytes. */
  rssBytes(): number;
  /** CPU time (user + system) of the gateway's process group so far, seconds. */
  cpuSeconds(): number;
  /** Runs `openclaw <args>` against this gateway (same isolation; `--url`/`--token` added by the caller). */
  cli(args: string[], timeoutMs?: number): Promise<string>;
  /** SIGTERM, up to `graceMs` (default 60 s, a run in flight is drained first), then SIGKILL. */
  stop(graceMs?: number): Promise<StopResult>;
  /** SIGKILL to the gateway's process group: a crash, no shutdown hooks. */
  crash(): Promise<StopResult>;
  exited(): boolean;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Pids whose process group is `pgid` (Linux /proc). */
function groupPids(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after the parenthesised command: state ppid pgrp ...
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(rest[2]) === pgid) pids.push(Number(name));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** Sums RSS (bytes) over a process group. */
export function groupRssBytes(pgid: number): number {
  let total = 0;
  for (const pid of groupPids(pgid)) {
    const rest = procStat(pid);
    // rss is field 24 (1-based) → index 21 after "pid (comm) "; in pages.
    if (rest) total += Number(rest[21]) * 4096;
  }
  return total;
}

/** Sums user + system CPU seconds over a process group (live processes only). */
export function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const pid of groupPids(pgid)) {
    const rest = procStat(pid);
    // utime, stime are fields 14, 15 → indexes 11, 12; clock ticks (100/s on Linux).
    if (rest) ticks += Number(rest[11]) + Number(rest[12]);
  }
  return ticks / 100;
}

/** Writes the config, starts `openclaw gateway run`, and waits for `[gateway] ready`. */
export async function startGateway(o: GatewayStartOptions): Promise<Gateway> {
  const { home } = o;
  const port = await freePort();
  const logDir = join(home.root, "logs");
  mkdirSync(logDir, { recursive: true });
  mkdirSync(home.workspace, { recursive: true });
  for (const [name, text] of Object.entries(o.workspaceFiles ?? {}))
    writeFileSync(join(home.workspace, name), text);
  const { home: _h, readyTimeoutMs: _r, workspaceFiles: _w, ...configOptions } = o;
  mergeConfigFile(
    home.configPath,
    gatewayConfig({
      ...configOptions,
      port,
      logFile: join(logDir, "gateway-file.log"),
      workspace: home.workspace,
    }),
  );
  const consoleLog = join(logDir, "gateway-console.log");
  const env = openclawEnv(home);
  const started = performance.now();
  const proc: TrackedProcess = spawnTracked(OPENCLAW_BIN, ["gateway", "run", "--port", String(port)], {
    cwd: home.root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const onData = (d: Buffer) => {
    const chunk = stripVTControlCharacters(d.toString("utf8"));
    text += chunk;
    appendFileSync(consoleLog, chunk);
  };
  proc.child.stdout?.on("data", onData);
  proc.child.stderr?.on("data", onData);

  const waitForOutput = async (pattern: RegExp, timeoutMs: number, from = 0): Promise<void> => {
    const deadline = performance.now() + timeoutMs;
    while (!pattern.test(text.slice(from))) {
      if (proc.exit() !== undefined) {
        throw new Error(
          `gateway exited (${JSON.stringify(proc.exit())}) before ${pattern}:\n${text.slice(-4000)}`,
        );
      }
      if (performance.now() > deadline) {
        throw new Error(
          `gateway output did not match ${pattern} within ${timeoutMs} ms:\n${text.slice(-4000)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const gateway: Gateway = {
    home,
    port,
    pid: proc.pid,
    readyMs: 0,
    output: () => text,
    waitForOutput,
    rssBytes: () => groupRssBytes(proc.pid),
    cpuSeconds: () => groupCpuSeconds(proc.pid),
    cli: async (args, timeoutMs = 60_000) =>
      (await runToEnd(OPENCLAW_BIN, args, { env, cwd: home.root, timeoutMs })).stdout,
    stop: (graceMs = 60_000) => stopTracked(proc, graceMs),
    crash: () => crashTracked(proc),
    exited: () => proc.exit() !== undefined,
  };
  try {
    await waitForOutput(/\[gateway\] ready/, o.readyTimeoutMs ?? 120_000);
  } catch (error) {
    await gateway.stop(5_000);
    throw error;
  }
  gateway.readyMs = Math.round(performance.now() - started);
  return gateway;
}

/** `--url`/`--token` arguments that point an `openclaw` CLI command at this gateway. */
export function gatewayArgs(gateway: Gateway): string[] {
  return ["--url", `ws://127.0.0.1:${gateway.port}`, "--token", GATEWAY_TOKEN];
}
