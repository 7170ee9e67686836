/**
 * `npm run demo`: starts the demo, prints where to look and what happens, and stops cleanly on
 * Ctrl-C (servers closed, replay processes ended, exit 0). `--once` plays the scene and exits.
 */

import { parseDemoArgs, USAGE, UsageError } from "./args.ts";
import { DEFAULT_PORT, type Demo, startDemo } from "./demo.ts";
import { SceneError, sceneDurationMs } from "./scene.ts";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Called once per stop request (Ctrl-C, SIGTERM). */
  onStopRequest: (handler: () => void) => void;
}

/** How long the first play waits for the page to be opened. */
const WAIT_FOR_PAGE_MS = 15_000;

/** Runs the demo until it is asked to stop (or, with `--once`, until the scene is played). */
export async function runDemoCli(argv: string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parseDemoArgs>;
  try {
    args = parseDemoArgs(argv, DEFAULT_PORT);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`demo: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const line = (text: string) => io.stdout(`${text}\n`);

  let stopRequested = false;
  let wake: () => void = () => {};
  const stopSignal = new Promise<void>((ok) => {
    wake = ok;
  });
  io.onStopRequest(() => {
    stopRequested = true;
    wake();
  });

  line("Starting the Live Status demo…");
  let demo: Demo;
  try {
    demo = await startDemo({
      port: args.port,
      strictPort: args.strictPort,
      speed: args.speed,
      ...(args.scenePath !== undefined && { scenePath: args.scenePath }),
      verbose: args.verbose,
      log: line,
      replayHint: !args.once,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof SceneError) io.stderr(`demo: the scene does not hold together: ${error.message}\n`);
    else if (code === "EADDRINUSE")
      io.stderr(`demo: port ${args.port} is taken; try --port 0 for a free one\n`);
    else
      io.stderr(
        `demo: cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    return code === "EADDRINUSE" || error instanceof SceneError ? 2 : 1;
  }

  const minutes = Math.max(1, Math.round(sceneDurationMs(demo.scene) / args.speed / 60_000));
  line("");
  line(`Live Status demo: "${demo.scene.title}", ${demo.scene.turns.length} turns, about ${minutes} min`);
  line("");
  const port = Number(new URL(demo.url).port);
  if (args.port !== 0 && port !== args.port) line(`  (port ${args.port} is taken, so the demo took ${port})`);
  line(`  Open  ${demo.url}`);
  line("        the web view; the fake Mattermost API answers at the same address");
  line("");
  line(
    args.once
      ? "Playing the scene once (--once)."
      : `The scene starts when you open the page (or in ${WAIT_FOR_PAGE_MS / 1000} s). Ctrl-C stops the demo.`,
  );

  demo.begin(args.once ? 0 : WAIT_FOR_PAGE_MS);
  if (args.once) {
    const result = await Promise.race([demo.played(), stopSignal.then(() => null)]);
    await demo.stop();
    if (result === null || stopRequested) return 0;
    return result.failedTurns > 0 ? 1 : 0;
  }
  await stopSignal;
  line("\nStopping…");
  await demo.stop();
  line("Stopped.");
  return 0;
}

/** Runs the demo as this process: real stdout, Ctrl-C and SIGTERM; sets the exit code. */
export async function runFromProcess(): Promise<void> {
  let requests = 0;
  process.exitCode = await runDemoCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    onStopRequest: (handler) => {
      for (const sig of ["SIGINT", "SIGTERM"] as const)
        process.on(sig, () => {
          requests++;
          // A second Ctrl-C does not wait for a clean stop.
          if (requests > 1) process.exit(1);
          handler();
        });
    },
  });
}

if (import.meta.main) await runFromProcess();
