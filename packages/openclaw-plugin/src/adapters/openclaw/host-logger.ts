/**
 * Our `Logger` on top of OpenClaw's plugin logger (which takes one string and is shared by every
 * plugin): lines get a `[live-status]` prefix, fields become `key=value`, and every line passes
 * the redactor so a token can never reach the gateway log.
 */
import type { PluginLogger } from "openclaw/plugin-sdk/plugin-entry";
import { redactText } from "../../core/redaction/index.ts";
import type { Logger } from "../../ports/logger.ts";

function format(msg: string, fields?: Record<string, unknown>): string {
  const extra = Object.entries(fields ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  return redactText(`[live-status] ${msg}${extra ? ` ${extra}` : ""}`);
}

/** Service-level lines: info stays info. */
export function hostLogger(logger: PluginLogger): Logger {
  return {
    info: (msg, fields) => logger.info(format(msg, fields)),
    warn: (msg, fields) => logger.warn(format(msg, fields)),
    error: (msg, fields) => logger.error(format(msg, fields)),
  };
}

/** Per-box lines (each transition): info goes to debug when the host has it, to keep the log quiet. */
export function quietHostLogger(logger: PluginLogger): Logger {
  const loud = hostLogger(logger);
  return {
    ...loud,
    info: (msg, fields) => {
      if (logger.debug) logger.debug(format(msg, fields));
      else logger.info(format(msg, fields));
    },
  };
}
