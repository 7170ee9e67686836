import { readFileSync } from "node:fs";
import { redactText } from "../core/redaction/index.ts";
import { LedgerError } from "../runtime/ledger.ts";
import { DOCTOR_USAGE, doctorCommand } from "./doctor-command.ts";
import type { CommandIo } from "./io.ts";
import { EXIT, UsageError } from "./io.ts";
import { ConnectionError } from "./mattermost-connection.ts";
import { REPLAY_USAGE, replayCommand } from "./replay-command.ts";
import { STATUS_USAGE, statusCommand } from "./status-command.ts";
import { WATCH_USAGE, watchCommand } from "./watch-command.ts";

export const USAGE = `Usage: live-status <command> [options]

Commands:
  doctor                  check an OpenClaw install for Live Status: one line per finding, with the fix
  replay <events.jsonl>   play recorded events into Mattermost through the plugin's pipeline
  status --ledger PATH    show sessions, boxes and last transitions recorded in a ledger
  watch [--openclaw-home DIR]
                          follow a legacy OpenClaw state directory (up to v2026.7.1) until SIGINT/SIGTERM

Run "live-status <command> --help" for a command's options; "live-status --version" for the version.`;

/** This package's version, from its package.json (two levels up from src/cli and dist/cli). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

const COMMANDS: Record<string, { run: (argv: string[], io: CommandIo) => Promise<number>; usage: string }> = {
  doctor: { run: doctorCommand, usage: DOCTOR_USAGE },
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
  if (name === "--version" || name === "-v" || name === "version") {
    io.stdout(`live-status ${packageVersion()}\n`);
    return EXIT.ok;
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
