import { redactText } from "../core/redaction/index.ts";
import { LedgerError } from "../runtime/ledger.ts";
import type { CommandIo } from "./io.ts";
import { EXIT, UsageError } from "./io.ts";
import { ConnectionError } from "./mattermost-connection.ts";
import { REPLAY_USAGE, replayCommand } from "./replay-command.ts";
import { STATUS_USAGE, statusCommand } from "./status-command.ts";
import { WATCH_USAGE, watchCommand } from "./watch-command.ts";

export const USAGE = `Usage: live-status <command> [options]

Commands:
  replay <events.jsonl>   play recorded events into Mattermost through the plugin's pipeline
  status --ledger PATH    show sessions, boxes and last transitions recorded in a ledger
  watch [--openclaw-home DIR]
                          follow a legacy OpenClaw state directory (up to v2026.7.1) until SIGINT/SIGTERM

Run "live-status <command> --help" for a command's options.`;

const COMMANDS: Record<string, { run: (argv: string[], io: CommandIo) => Promise<number>; usage: string }> = {
  replay: { run: replayCommand, usage: REPLAY_USAGE },
  status: { run: statusCommand, usage: STATUS_USAGE },
  watch: { run: (argv, io) => watchCommand(argv, io), usage: WATCH_USAGE },
};

/** The `live-status` command. Returns the exit code; never throws. */
export async function main(argv: string[], rawIo: CommandIo): Promise<number> {
  // Everything the command prints (errors, logs, `--json` summaries) passes the redactor.
  const io: CommandIo = {
    ...rawIo,
    stdout: (text) => rawIo.stdout(redactText(text)),
    stderr: (text) => rawIo.stderr(redactText(text)),
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(`${USAGE}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`live-status: unknown command "${name}"\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`live-status ${name}: ${error.message}\n`);
      return EXIT.usage;
    }
    // Ledger errors carry their own advice; a stack trace would only hide it.
    if (error instanceof ConnectionError || error instanceof LedgerError) {
      io.stderr(`live-status ${name}: ${error.message}\n`);
      return EXIT.failed;
    }
    io.stderr(
      `live-status ${name}: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failed;
  }
}
