/**
 * The shape of a redaction rule and the small helpers rules share. A rule is data plus one pure
 * function; the engine runs the rules in order. Every pattern is linear-time (starts pinned by a
 * literal or a look-behind, no nested quantifiers) so a hostile multi-megabyte string cannot
 * stall the gateway.
 */

/** What a masked secret is replaced with. */
export const REDACTED = "[redacted]";

export interface RedactionRule {
  /** Stable name, used by tests and `docs/security.md`. */
  readonly id: string;
  /** One line: what the rule masks. */
  readonly what: string;
  /**
   * Lower-case strings one of which occurs (in any case) in every text this rule can change. The
   * engine looks for all hints in one scan and runs only the rules whose hint occurs, so ordinary
   * text costs one scan.
   */
  readonly hint: readonly string[];
  apply(text: string): string;
}

/** A rule that masks every match of `re` (global) whole. */
export function maskAll(id: string, what: string, hint: readonly string[], re: RegExp): RedactionRule {
  return { id, what, hint, apply: (text) => text.replace(re, REDACTED) };
}

// Earlier rules may already have masked this value (`token=[redacted]`, `Authorization: Bearer [redacted]`).
const ALREADY_MASKED = /^["']?(?:(?:bearer|basic|digest|token|negotiate|ntlm)\s+)?\[redacted\]/i;

/** `[redacted]`, keeping the quotes of a quoted value (an unterminated quote stays open). */
export function maskValue(raw: string): string {
  const quote = raw[0];
  if (quote === '"' || quote === "'") {
    return raw.endsWith(quote) && raw.length > 1 ? `${quote}${REDACTED}${quote}` : `${quote}${REDACTED}`;
  }
  return REDACTED;
}

/**
 * Masks the value after every `name<sep>` match of `nameRe` (global; group 1 is the name) for
 * which `isSecret(name)` holds; `valueRe` (sticky) says where that value ends. An ordinary name
 * only skips itself, so a secret inside its value (`https://host/?access_token=…`) is still found.
 */
export function maskNamedValues(
  text: string,
  nameRe: RegExp,
  valueRe: RegExp,
  isSecret: (name: string) => boolean,
): string {
  let out = "";
  let copied = 0;
  nameRe.lastIndex = 0;
  for (let m = nameRe.exec(text); m !== null; m = nameRe.exec(text)) {
    const valueAt = m.index + m[0].length;
    if (!isSecret(m[1] ?? "") || ALREADY_MASKED.test(text.slice(valueAt, valueAt + 40))) continue;
    valueRe.lastIndex = valueAt;
    const value = valueRe.exec(text)?.[0];
    if (value === undefined || value.length === 0) continue;
    out += text.slice(copied, valueAt) + maskValue(value);
    copied = valueAt + value.length;
    nameRe.lastIndex = copied;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Applies `inner` to each match of `segmentRe` (global): a command and its arguments up to `;|&` or a newline. */
export function withinSegments(text: string, segmentRe: RegExp, inner: (segment: string) => string): string {
  return text.replace(segmentRe, (segment) => inner(segment));
}

/** One command with its arguments: to `;`, `|`, `&` or the end of the line. */
export const ARGS = String.raw`[^\n;|&]*`;

/** One command-line word: a quoted string (maybe unterminated) or a run of non-space characters. */
export const WORD = String.raw`(?:"[^"\n]*"?|'[^'\n]*'?|[^\s"']+)`;
