/**
 * The redaction engine: runs an ordered rule list over a text. All rule hints are compiled into
 * one case-insensitive pattern, so text that no rule can touch (most text) costs a single scan;
 * otherwise only the rules whose hint occurs run.
 */
import { COMMAND_RULES, LEADING_RULES } from "./grammar.ts";
import { REDACTED, type RedactionRule } from "./rule.ts";
import { isSecretKey } from "./secret-names.ts";
import { TOKEN_RULES } from "./tokens.ts";

/**
 * Every built-in rule, in the order they run: key blocks first (they swallow whatever they hold),
 * then tokens by shape, then secrets by position and name.
 */
export const RULES: readonly RedactionRule[] = [...LEADING_RULES, ...TOKEN_RULES, ...COMMAND_RULES];

export type Redactor = (text: string, extra?: readonly RegExp[]) => string;

/** A redactor running exactly `rules`, in order (tests drop one rule to prove it is needed). */
export function redactorOf(rules: readonly RedactionRule[]): Redactor {
  const hints = rules.map((r) => new RegExp(r.hint.source, "i"));
  const any = new RegExp(hints.map((h) => `(?:${h.source})`).join("|"), "i");
  return (text, extra = []) => {
    let out = text;
    if (any.test(text)) {
      for (let i = 0; i < rules.length; i++) {
        if (hints[i]?.test(out)) out = rules[i]?.apply(out) ?? out;
      }
    }
    for (const re of extra) out = out.replace(asGlobal(re), REDACTED);
    return out;
  };
}

const globalCache = new WeakMap<RegExp, RegExp>();

// Config patterns may come without the g flag; replace() would then only mask the first hit.
function asGlobal(re: RegExp): RegExp {
  let g = globalCache.get(re);
  if (g === undefined) {
    const flags = re.flags.replace(/[gy]/g, "");
    g = new RegExp(re.source, `${flags}g`);
    globalCache.set(re, g);
  }
  return g;
}

/**
 * Masks secrets in free text with every built-in rule (see {@link RULES} and `docs/security.md`),
 * then masks each match of the `extra` patterns (from config) whole. Names, users, hosts and
 * scheme words around a secret are kept; plain ids, paths and words are left alone.
 */
export const redactText: Redactor = redactorOf(RULES);

const MAX_DEPTH = 32;

/**
 * Returns a redacted deep copy of a JSON-like value: strings go through {@link redactText}, values
 * under secret-named keys (see {@link isSecretKey}) become `"[redacted]"`, cycles become
 * `"[circular]"`, functions and symbols are dropped. Never throws, never mutates its input.
 */
export function redactValue(value: unknown, extra: readonly RegExp[] = []): unknown {
  return walk(value, extra, new Set(), 0);
}

function walk(value: unknown, extra: readonly RegExp[], seen: Set<object>, depth: number): unknown {
  if (typeof value === "string") return redactText(value, extra);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[…]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => walk(v, extra, seen, depth + 1));
    if (value instanceof Error) return { name: value.name, message: redactText(value.message, extra) };
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = isSecretKey(k) && v !== null && v !== undefined ? REDACTED : walk(v, extra, seen, depth + 1);
    }
    return out;
  } catch {
    return "[unreadable]";
  } finally {
    seen.delete(value);
  }
}
