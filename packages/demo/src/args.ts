import { parseArgs } from "node:util";

export const USAGE = `Usage: npm run demo -- [options]

Starts a fake Mattermost with a web view on 127.0.0.1 and plays a recorded agent session through
the real live-status pipeline. Open the address it prints. Ctrl-C stops it.

Options:
  --port N        web view and Mattermost API port (default 8065, or a free one if taken;
                  an explicit --port must be free; 0 = any free port)
  --speed X       play X times faster than recorded (default 1)
  --once          play the scene once at once, then exit (0 when every turn played)
  --scene PATH    another scene.json (default packages/demo/scenes/morning/scene.json)
  --verbose       also show the pipeline's own log lines
  --help          this text

Without --once the scene starts when the page is opened (or after 15 s), then the demo stays up
until Ctrl-C; "Play again" in the page replays it.`;

export interface DemoArgs {
  port: number;
  strictPort: boolean;
  speed: number;
  once: boolean;
  scenePath?: string;
  verbose: boolean;
  help: boolean;
}

/** A mistake in how the demo was called: exit 2 with the message and the usage. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Reads the command line. */
export function parseDemoArgs(argv: string[], defaultPort: number): DemoArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        speed: { type: "string" },
        once: { type: "boolean" },
        scene: { type: "string" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const portText = values.port as string | undefined;
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a port number (0-65535), not ${portText}`);
  const speedText = (values.speed as string | undefined) ?? "1";
  const speed = Number(speedText);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 1000)
    throw new UsageError(`--speed must be a number above 0 (at most 1000), not ${speedText}`);
  return {
    port,
    strictPort: portText !== undefined && port !== 0,
    speed,
    once: values.once === true,
    ...(typeof values.scene === "string" && { scenePath: values.scene }),
    verbose: values.verbose === true,
    help: values.help === true,
  };
}
