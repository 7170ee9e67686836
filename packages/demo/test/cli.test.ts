import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/replay-child.ts";
import { eventually } from "./support.ts";

const BIN = join(REPO_ROOT, "packages/demo/bin/demo.js");

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

function demo(args: string[]): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.setEncoding("utf8").on("data", (t: string) => {
    out += t;
  });
  child.stderr?.setEncoding("utf8").on("data", (t: string) => {
    err += t;
  });
  const exit = new Promise<number | null>((ok) => child.once("close", (code) => ok(code)));
  return { child, out: () => out, err: () => err, exit };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("npm run demo", () => {
  it("plays the scene once with --once and exits 0, having shown the address and every step", async () => {
    const run = demo(["--once", "--port", "0", "--speed", "40"]);
    expect(await run.exit).toBe(0);
    const out = run.out();
    expect(out).toMatch(/Open {2}http:\/\/127\.0\.0\.1:\d+\//);
    expect(out).toContain("▶ Turn 4/4 · bob DMs the bot");
    expect(out).toContain("✂ old box removed from a thread in ~town-square");
    expect(out.match(/◼ box finalized: done/g)).toHaveLength(4);
    // The page goes away with --once: nothing to press "Play again" in.
    expect(out).toMatch(/■ Scene played in \d+ s\.\n/);
    expect(out).not.toContain("Play again");
    expect(run.err()).toBe("");
  }, 40_000);

  it("starts the scene when the page is opened and stops cleanly on Ctrl-C, replay processes included", async () => {
    const run = demo(["--port", "0", "--speed", "2", "--verbose"]);
    const url = await eventually(() => /Open {2}(http:\S+)/.exec(run.out())?.[1]);
    expect(run.out()).not.toContain("▶ Turn 1/4");
    await fetch(new URL("/demo/api/state", url));
    const pid = Number(await eventually(() => /live-status replay, pid (\d+)/.exec(run.out())?.[1]));
    expect(alive(pid)).toBe(true);

    const asked = Date.now();
    run.child.kill("SIGINT");
    expect(await run.exit).toBe(0);
    expect(Date.now() - asked).toBeLessThan(4_000);
    expect(run.out()).toContain("Stopped.");
    expect(alive(pid)).toBe(false);
    await expect(fetch(url)).rejects.toThrow();
  }, 30_000);

  it("explains a usage mistake and exits 2", async () => {
    const run = demo(["--speed", "fast"]);
    expect(await run.exit).toBe(2);
    expect(run.err()).toContain("--speed must be a number");
    expect(run.err()).toContain("Usage: npm run demo");
  });

  it("refuses an explicit port that is taken, with exit 2", async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, "127.0.0.1", ok));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const run = demo(["--port", String(port), "--once"]);
      expect(await run.exit).toBe(2);
      expect(run.err()).toContain(`port ${port} is taken`);
    } finally {
      blocker.close();
    }
  }, 20_000);
});
