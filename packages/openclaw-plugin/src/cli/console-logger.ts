import type { Logger } from "../ports/logger.ts";

/** One line per message on a stream: `live-status warn: message key=value …`. */
export function consoleLogger(write: (line: string) => void, opts: { quiet?: boolean } = {}): Logger {
  const line = (level: string, msg: string, fields?: Record<string, unknown>) => {
    const extra = Object.entries(fields ?? {})
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    write(`live-status ${level}: ${msg}${extra ? ` ${extra}` : ""}\n`);
  };
  return {
    info: (msg, fields) => {
      if (!opts.quiet) line("info", msg, fields);
    },
    warn: (msg, fields) => line("warn", msg, fields),
    error: (msg, fields) => line("error", msg, fields),
  };
}
