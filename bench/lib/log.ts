import type { Logger } from "../../packages/openclaw-plugin/src/ports/logger.ts";

/** A logger that prints nothing and counts lines by level, keeping the first few warnings and errors. */
export interface CountingLogger extends Logger {
  counts: { info: number; warn: number; error: number };
  samples: string[];
}

export function countingLogger(keep = 10): CountingLogger {
  const counts = { info: 0, warn: 0, error: 0 };
  const samples: string[] = [];
  const note = (level: "warn" | "error") => (msg: string, fields?: Record<string, unknown>) => {
    counts[level]++;
    if (samples.length < keep) samples.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
  };
  return {
    counts,
    samples,
    info: () => {
      counts.info++;
    },
    warn: note("warn"),
    error: note("error"),
  };
}
