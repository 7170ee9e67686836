/**
 * Small pure helpers for reading JSON written by OpenClaw: a reason for a parse failure that never
 * quotes the input, and a tolerant reader for hand-edited JSON5-style config files.
 */
import { messageOf } from "../../core/guards.ts";

/** Why `JSON.parse` failed, without V8's quote of the input (it may hold a secret). */
export function jsonProblem(error: unknown): string {
  const message = messageOf(error);
  return message
    .replace(/, ".*" is not valid JSON$/s, "")
    .replace(/^Unexpected token '.*?', /s, "Unexpected token, ")
    .slice(0, 200);
}

/** Parses JSON text; a failure comes back as a reason instead of an exception. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: jsonProblem(error) };
  }
}

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;

/**
 * Rewrites the JSON5 subset people put in OpenClaw config files into strict JSON: `//` and block
 * comments, trailing commas, unquoted identifier keys and single-quoted strings. Anything else
 * (hex numbers, `Infinity`, multi-line strings) is passed through and fails in `JSON.parse`.
 */
export function json5ToJson(text: string): string {
  let out = "";
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === '"' || c === "'") {
      const { literal, end } = readString(text, i);
      out += literal;
      i = end;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < n && text[i] !== "\n") i++;
    } else if (c === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === ",") {
      // A comma followed only by blanks/comments and a closer is trailing: drop it.
      const next = skipBlank(text, i + 1);
      if (text[next] === "}" || text[next] === "]") i++;
      else {
        out += c;
        i++;
      }
    } else if (IDENT_START.test(c) && isKeyPosition(out)) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(text[j] as string)) j++;
      const word = text.slice(i, j);
      out += text[skipBlank(text, j)] === ":" ? JSON.stringify(word) : word;
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Parses a JSON5-style text (see {@link json5ToJson}). */
export function parseJson5ish(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  return parseJson(json5ToJson(text.replace(/^\uFEFF/, "")));
}

function readString(text: string, start: number): { literal: string; end: number } {
  const quote = text[start];
  let value = "";
  let i = start + 1;
  while (i < text.length && text[i] !== quote) {
    if (text[i] === "\\" && i + 1 < text.length) {
      const next = text[i + 1] as string;
      // An escaped single quote is plain in JSON; every other escape keeps its meaning.
      value += next === "'" ? "'" : `\\${next}`;
      i += 2;
    } else {
      const ch = text[i] as string;
      value += ch === '"' ? '\\"' : ch;
      i++;
    }
  }
  return { literal: `"${value}"`, end: i + 1 };
}

function skipBlank(text: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (text[i] === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (text[i] === "/" && text[i + 1] === "*") {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? text.length : close + 2;
    } else return i;
  }
}

// An identifier can only be a key right after `{` or `,` (ignoring whitespace already copied).
function isKeyPosition(out: string): boolean {
  const last = out.trimEnd().at(-1);
  return last === "{" || last === ",";
}
