/** Pure text formatters for the status box: durations, counts, clipping. */

/**
 * Whole-second duration for clocks that tick once a second: `42s`, `3m 05s`, `1h 02m`.
 * Negative input (a client clock behind the server's) reads as `0s`.
 */
export function formatElapsed(ms: number): string {
  const total = Math.floor(Math.max(0, ms) / 1000);
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m ${pad2(total % 60)}s`;
  return `${Math.floor(minutes / 60)}h ${pad2(minutes % 60)}m`;
}

/** Duration of a finished step: tenths of a second below 10 s (`0.4s`, `<0.1s`), else like {@link formatElapsed}. */
export function formatStepDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 100) return "<0.1s";
  if (safe < 10_000) return `${(Math.floor(safe / 100) / 10).toFixed(1)}s`;
  return formatElapsed(safe);
}

/** Compact count for token numbers: `950`, `1.2k`, `12k`, `3.4M`. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${trimZero((Math.floor(n / 100) / 10).toFixed(1))}k`;
  if (n < 1_000_000) return `${Math.floor(n / 1000)}k`;
  return `${trimZero((Math.floor(n / 100_000) / 10).toFixed(1))}M`;
}

/** `1 tool`, `3 tools`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Cuts text to `max` characters on one line, ending with `…` when cut. */
export function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1).trimEnd()}…` : oneLine;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

function trimZero(s: string): string {
  return s.endsWith(".0") ? s.slice(0, -2) : s;
}
