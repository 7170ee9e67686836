/**
 * The redaction engine: runs an ordered rule list over a text. All rule hints are compiled into
 * one case-insensitive pattern, so text that no rule can touch (most text) costs a single scan;
 * otherwise only the rules whose hint occurs run.
 */
import { COMMAND_FLAG_RULES } from "./command-flags.ts";
import { COMMAND_RULES, LEADING_RULES } from "./grammar.ts";
import { REDACTED, type RedactionRule } from "./rule.ts";
import { isSecretKey } from "./secret-names.ts";
import { TOKEN_RULES } from "./tokens.ts";

/**
 * Every built-in rule, in the order they run: key blocks first (they swallow whatever they hold),
 * then tokens by shape, then secrets by position and name.
 */
export const RULES: readonly RedactionRule[] = [
  ...LEADING_RULES,
  ...TOKEN_RULES,
  ...COMMAND_RULES,
  ...COMMAND_FLAG_RULES,
];

export type Redactor = (text: string, extra?: readonly RegExp[]) => string;

/** A redactor running exactly `rules`, in order (tests drop one rule to prove it is needed). */
export function redactorOf(rules: readonly RedactionRule[]): Redactor {
  const active = hintScanner(rules);
  return (text, extra = []) => {
    let out = text;
    const which = active(text);
    if (which !== undefined) {
      for (let i = 0; i < rules.length; i++) if (which[i] === 1) out = rules[i]?.apply(out) ?? out;
    }
    for (const re of extra) out = out.replace(asGlobal(re), REDACTED);
    return out;
  };
}

/**
 * One pass over the text that says which rules have a hint in it (undefined: none). Hints are
 * indexed by their first two characters, so a position costs one table lookup; a regex
 * alternation of a hundred literals costs ten times more on the same text.
 */
function hintScanner(rules: readonly RedactionRule[]): (text: string) => Uint8Array | undefined {
  const buckets = new Map<number, Array<{ hint: string; rule: number }>>();
  rules.forEach((rule, i) => {
    for (const hint of rule.hint) {
      const key = hint.charCodeAt(0) * 128 + hint.charCodeAt(1);
      if (hint.length < 2 || hint !== hint.toLowerCase() || key >= 128 * 128)
        throw new Error(`redaction rule ${rule.id}: hints are lower-case ASCII, 2 characters or more`);
      const bucket = buckets.get(key) ?? [];
      bucket.push({ hint, rule: i });
      buckets.set(key, bucket);
    }
  });
  // Per two-character key: the index of its bucket plus one (0: no hint starts with it).
  const slot = new Uint16Array(128 * 128);
  const bucketList = [...buckets.entries()];
  bucketList.forEach(([key], i) => {
    slot[key] = i + 1;
  });
  const hints = bucketList.map(([, b]) => b.map((x) => x.hint));
  const ruleOf = bucketList.map(([, b]) => b.map((x) => x.rule));
  return (text) => {
    const lower = text.toLowerCase();
    let which: Uint8Array | undefined;
    const n = lower.length - 1;
    let c1 = lower.charCodeAt(0);
    for (let i = 0; i < n; i++) {
      const c0 = c1;
      c1 = lower.charCodeAt(i + 1);
      if ((c0 | c1) >= 128) continue;
      const b = slot[(c0 << 7) | c1] ?? 0;
      if (b === 0) continue;
      const hs = hints[b - 1] ?? [];
      for (let j = 0; j < hs.length; j++) {
        if (lower.startsWith(hs[j] ?? "", i)) {
          which ??= new Uint8Array(rules.length);
          which[ruleOf[b - 1]?.[j] ?? 0] = 1;
        }
      }
    }
    return which;
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
