/**
 * Child processes of the e2e harness: each runs in its own process group so the gateway's helper
 * processes go with it, every one is tracked, and whatever is still alive when this process exits
 * is killed by group id. Stopping is SIGTERM, a bounded wait, then SIGKILL.
 */
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";

/** How a tracked child ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned process in its own group, with its exit as a promise. */
export interface TrackedProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<ExitInfo>;
  /** Undefined while running. */
  exit(): ExitInfo | undefined;
}

const live = new Set<TrackedProcess>();
let hooked = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // Last resort: a crashed or interrupted test run must not leave a 1 GB gateway behind.
  process.once("exit", () => {
    for (const p of live) killGroup(p.pid, "SIGKILL");
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(sig, () => {
      for (const p of live) killGroup(p.pid, "SIGKILL");
      // The handler is gone now: re-raising gets the default action (terminate) as if we were not here.
      process.kill(process.pid, sig);
    });
  }
}

/** Spawns `command` detached (own process group) and tracks it until it exits. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): TrackedProcess {
  hookExit();
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
  let info: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once("exit", (code, signal) => {
      info = { code, signal };
      resolve(info);
    });
    child.once("error", () => {
      info ??= { code: null, signal: null };
      resolve(info);
    });
  });
  const tracked: TrackedProcess = { child, pid: child.pid, exited, exit: () => info };
  live.add(tracked);
  void exited.then(() => live.delete(tracked));
  return tracked;
}

/** Resolves with the exit, or undefined after `ms`. */
export function exitWithin(p: TrackedProcess, ms: number): Promise<ExitInfo | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void p.exited.then((info) => {
      clearTimeout(timer);
      resolve(info);
    });
  });
}

/** What a stop did: the exit, how long it took, and whether SIGKILL was needed. */
export interface StopResult {
  exit: ExitInfo;
  ms: number;
  killed: boolean;
}

/**
 * SIGTERM to the main process, up to `graceMs` for it to exit, then SIGKILL to the whole group.
 * Leftover helpers in the group are always killed.
 */
export async function stopTracked(p: TrackedProcess, graceMs: number): Promise<StopResult> {
  const started = performance.now();
  let killed = false;
  if (p.exit() === undefined) {
    try {
      process.kill(p.pid, "SIGTERM");
    } catch {
      // Exited in between.
    }
  }
  let exit = await exitWithin(p, graceMs);
  if (exit === undefined) {
    killed = true;
    killGroup(p.pid, "SIGKILL");
    exit = (await exitWithin(p, 10_000)) ?? { code: null, signal: "SIGKILL" };
  }
  killGroup(p.pid, "SIGKILL");
  return { exit, ms: Math.round(performance.now() - started), killed };
}

/** SIGKILL to the whole group at once, as a crash or an OOM kill would end it: no shutdown hooks run. */
export async function crashTracked(p: TrackedProcess): Promise<StopResult> {
  const started = performance.now();
  killGroup(p.pid, "SIGKILL");
  const exit = (await exitWithin(p, 10_000)) ?? { code: null, signal: "SIGKILL" };
  return { exit, ms: Math.round(performance.now() - started), killed: true };
}

/** Runs a command to completion with a time limit; rejects with its output on failure or timeout. */
export async function runToEnd(
  command: string,
  args: string[],
  options: SpawnOptions & { timeoutMs: number },
): Promise<{ stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  const p = spawnTracked(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  p.child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString("utf8");
  });
  p.child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  const exit = await exitWithin(p, options.timeoutMs);
  const ms = Math.round(performance.now() - started);
  const what = `${command} ${args.join(" ")}`;
  if (exit === undefined) {
    await stopTracked(p, 1_000);
    throw new Error(`timed out after ${ms} ms: ${what}\n${stdout}\n${stderr}`);
  }
  if (exit.code !== 0) throw new Error(`exit ${exit.code ?? exit.signal}: ${what}\n${stdout}\n${stderr}`);
  return { stdout, stderr, ms };
}
