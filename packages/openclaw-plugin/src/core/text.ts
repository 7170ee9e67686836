/**
 * Small code-point-aware text helpers shared by the status model and the renderer. Mattermost
 * counts message length in code points, so everything here does too and never splits a
 * surrogate pair.
 */
import { redactText } from "./redact.ts";

const ELLIPSIS = "…";

/** Number of Unicode code points in `s` (what Mattermost's MaxPostSize counts). */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The first `max` code points of `s`; a cut string ends in "…" (counted in `max`). */
export function clip(s: string, max: number): string {
  if (max <= 0) return "";
  if (s.length <= max) return s; // code points ≤ code units
  let n = 0;
  let offset = 0;
  let cutAt = 0;
  for (const ch of s) {
    if (n === max) return `${s.slice(0, cutAt)}${ELLIPSIS}`;
    if (n === max - 1) cutAt = offset;
    n++;
    offset += ch.length;
  }
  return s;
}

/** The last `max` code points of `s`; a cut string starts with "…" (counted in `max`). */
export function clipTail(s: string, max: number): string {
  if (max <= 0) return "";
  if (s.length <= max) return s;
  let start = s.length;
  for (let n = 0; n < max; n++) {
    if (start === 0) return s;
    start -= isLowSurrogateAfterHigh(s, start - 1) ? 2 : 1;
  }
  if (start === 0) return s;
  start += isLowSurrogateAfterHigh(s, start + 1) ? 2 : 1; // make room for the ellipsis
  return `${ELLIPSIS}${s.slice(start)}`;
}

function isLowSurrogateAfterHigh(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (i < 1 || c < 0xdc00 || c > 0xdfff) return false;
  const h = s.charCodeAt(i - 1);
  return h >= 0xd800 && h <= 0xdbff;
}

// C0/C1 controls except whitespace, and bidi overrides that could visually reorder a line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Collapses all whitespace (newlines included) to single spaces and drops control characters. */
export function oneLine(s: string): string {
  return s.replace(INVISIBLE, "").replace(/\s+/g, " ").trim();
}

// Redaction runs on a bounded window. Windows end (or start) at whitespace so no token-shaped
// secret is cut in half and slips past its pattern.
const WINDOW = 4096;

/**
 * At most ~4 KB from the start of `s`, cut at whitespace when possible, for redacting before
 * display. A token-shaped secret is never cut short enough to escape its pattern.
 */
export function headWindow(s: string): string {
  if (s.length <= WINDOW) return s;
  let cut = s.slice(0, WINDOW);
  const ws = cut.search(/\s\S*$/);
  if (ws > WINDOW / 2) cut = cut.slice(0, ws);
  return dropLoneSurrogates(cut);
}

function tailWindow(s: string): string {
  if (s.length <= WINDOW) return s;
  let cut = s.slice(s.length - WINDOW);
  const ws = cut.search(/\s/);
  if (ws >= 0 && ws < WINDOW / 2) cut = cut.slice(ws);
  return dropLoneSurrogates(cut);
}

function dropLoneSurrogates(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "");
}

/** A redacted, one-line start of `text`, at most `max` code points. */
export function safeHead(text: string, max: number, extra: readonly RegExp[] = []): string {
  return clip(oneLine(redactText(headWindow(text), extra)), max);
}

/** A redacted, one-line end of `text`, at most `max` code points. */
export function safeTail(text: string, max: number, extra: readonly RegExp[] = []): string {
  return clipTail(oneLine(redactText(tailWindow(text), extra)), max);
}

/** `1 tool`, `2 tools`: English plural by `s`, for the words this product uses. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
