/**
 * Small code-point-aware text helpers shared by the status model and the renderer. Mattermost
 * counts message length in code points, so everything here does too and never splits a
 * surrogate pair.
 */
import { contextStart, publishableEnd, redactText } from "./redaction/index.ts";

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
  // Most text is already one clean line; testing is cheaper than rebuilding it.
  if (isOneLine(s)) return s;
  return s.replace(INVISIBLE, "").replace(/\s+/g, " ").trim();
}
// No control, bidi or non-space whitespace character, no double, leading or trailing space.
function isOneLine(s: string): boolean {
  if (s.startsWith(" ") || s.endsWith(" ") || s.includes("  ")) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || (c >= 0x1680 && c <= 0x3000) || c === 0xfeff) return false;
  }
  return true;
}

// Redaction runs on a bounded window. A window never starts or ends inside a word, so no
// token-shaped secret is cut short enough to slip past its pattern: a word cut by the window is
// dropped (a single word longer than the window leaves nothing).
const WINDOW = 4096;
// A streamed preview is redacted on the last PREVIEW_WINDOW characters it could show; the first
// PREVIEW_CONTEXT of them are context for the rules and are shown only if masked.
const PREVIEW_WINDOW = 320;
const PREVIEW_CONTEXT = 120;

/** At most ~4 KB from the start of `s`, ending at whitespace, for redacting before display. */
export function headWindow(s: string, size = WINDOW): string {
  if (s.length <= size) return s;
  const cut = s.slice(0, size);
  if (/\s/.test(s[size] ?? "")) return dropLoneSurrogates(cut);
  const ws = cut.search(/\s\S*$/);
  return dropLoneSurrogates(ws < 0 ? "" : cut.slice(0, ws));
}

function tailWindow(s: string, size = WINDOW): string {
  if (s.length <= size) return s;
  const from = s.length - size;
  if (/\s/.test(s[from - 1] ?? "")) return dropLoneSurrogates(s.slice(from));
  const cut = s.slice(from);
  const ws = cut.search(/\s/);
  return dropLoneSurrogates(ws < 0 ? "" : cut.slice(ws));
}

function dropLoneSurrogates(s: string): string {
  // Only a cut can split a pair, so only the ends can hold a lone half.
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (!(first >= 0xd800 && first <= 0xdfff) && !(last >= 0xd800 && last <= 0xdfff)) return s;
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "");
}

/** A redacted, one-line start of `text`, at most `max` code points. */
export function safeHead(text: string, max: number, extra: readonly RegExp[] = []): string {
  return clip(oneLine(redactText(headWindow(text), extra)), max);
}

/**
 * A redacted, one-line end of `text`, at most `max` code points. `reshape` runs on the redacted
 * lines before they are joined (to take out markup: redaction sees the text as written).
 */
export function safeTail(
  text: string,
  max: number,
  extra: readonly RegExp[] = [],
  reshape = unchanged,
): string {
  return clipTail(oneLine(reshape(redactText(tailWindow(text), extra))), max);
}

const unchanged = (s: string) => s;

/**
 * The redacted, one-line end (at most `max` code points) of text that is still arriving: only
 * its publishable part (see `publishableEnd`), so no prefix of a secret is ever shown, and never
 * starting inside a private key block that opened earlier.
 */
export function streamingTail(
  text: string,
  max: number,
  extra: readonly RegExp[] = [],
  reshape = unchanged,
): string {
  const end = publishableEnd(text);
  const from = Math.max(0, end - PREVIEW_WINDOW);
  const start = contextStart(text, from);
  if (start === 0 && from === 0)
    return clipTail(oneLine(reshape(redactText(text.slice(0, end), extra))), max);
  const window = start < from ? text.slice(start, end) : tailWindow(text.slice(0, end), PREVIEW_WINDOW);
  const out = redactText(window, extra);
  // Show nothing of the context part that the rules left alone: its own context was cut off.
  const context = Math.max(0, window.length - (end - from) + PREVIEW_CONTEXT);
  let same = 0;
  while (same < context && same < out.length && out.charCodeAt(same) === window.charCodeAt(same)) same++;
  if (same === context) while (same < out.length && !/\s/.test(out[same] ?? "")) same++;
  // The window always drops something before it: say so, as clipTail does.
  return clipTail(`${ELLIPSIS}${oneLine(reshape(out.slice(same)))}`, max);
}

/** `1 tool`, `2 tools`: English plural by `s`, for the words this product uses. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
