/**
 * Secret redaction. Everything that leaves the process (post messages, props, logs) passes through
 * here first. The rules favour masking a little too much over leaking: known token shapes, auth
 * headers, `key=value` assignments whose key names a secret, URL passwords and PEM private keys.
 * Every pattern is linear-time so a hostile multi-megabyte string cannot stall the gateway.
 */

/** What a masked secret is replaced with. */
export const REDACTED = "[redacted]";

// Words that make a key name a secret when they end it (`db_password`, `botToken`, `x-api-key`).
const SECRET_LAST_WORDS = new Set([
  "token",
  "password",
  "passwd",
  "passphrase",
  "secret",
  "apikey",
  "authorization",
  "auth",
  "cookie",
  "cookies",
  "credential",
  "credentials",
  "signature",
]);
// Words that make `…_key` a secret (`api_key`, `private_key`, `secret_key`, `access_key`).
const SECRET_KEY_QUALIFIERS = new Set(["api", "private", "secret", "access", "signing", "encryption"]);

/**
 * Whether an object key or assignment name names a secret. Matching is by the last word of the
 * name, so `access_token` and `apiKey` are secrets while `max_tokens`, `tokenCount` and
 * `sessionKey` (an OpenClaw session key, not a credential) are not.
 */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  const last = words.at(-1);
  if (last === undefined) return false;
  if (SECRET_LAST_WORDS.has(last)) return true;
  // Run-together names such as PGPASSWORD or BOTTOKEN.
  for (const word of SECRET_LAST_WORDS) if (word.length >= 5 && last.endsWith(word)) return true;
  if (last !== "key") return false;
  const before = words.at(-2);
  return before !== undefined && SECRET_KEY_QUALIFIERS.has(before);
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;
// An END marker left without its BEGIN (a text tail cut inside a key): mask everything before it.
const PEM_ORPHAN_TAIL = /^[\s\S]*?-----END [A-Z0-9 ]*PRIVATE KEY-----/;

// Header-style credentials keep the scheme word so the reader still sees what kind of auth it was.
const AUTH_HEADER =
  /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)((?:bearer|basic|digest|token|negotiate|ntlm)\s+)?([^\s"',;]+)/gi;
// A token after Bearer/Basic must contain a digit, capital or symbol, so prose like "basic idea" survives.
const AUTH_SCHEME =
  /\b(Bearer|bearer|BEARER|Basic|basic|BASIC)(\s+)(?=[A-Za-z0-9._~+/-]*[0-9A-Z_~+/-])[A-Za-z0-9._~+/-]{8,}=*/g;

const TOKEN_SHAPES: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/g, // OpenAI sk-…, sk-proj-…, Anthropic sk-ant-…
  /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g, // GitHub classic tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g, // GitHub fine-grained tokens
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bxapp-[A-Za-z0-9-]{10,}/g, // Slack app-level tokens
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}/g, // Google API keys
  /\bnpm_[A-Za-z0-9]{36}/g, // npm
  /\bhf_[A-Za-z0-9]{30,}/g, // Hugging Face
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
];

// `scheme://user:password@host` keeps the user; the look-behind pins the start so scanning stays linear.
const URL_CREDENTIALS = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/@]+)@/g;

// `name=value`, `name: value`, `"name": "value"`. Names are matched first and values scanned only
// for secret names, so a long run of ordinary assignments stays linear. Look-behinds pin the start.
const ASSIGNMENT_NAME = /(?<![\w.-])([A-Za-z_][\w.-]*)(["']?[ \t]*[:=][ \t]*)(?=\S)/g;
const ASSIGNMENT_VALUE = /"[^"\n]*"?|'[^'\n]*'?|[^\s"'&,;)}\]]+/y;
// `--token abc123` and `--token=abc123` command-line flags.
const FLAG_NAME = /(?<![\w-])(--?[A-Za-z][\w-]*)([ \t]+|=)(?=[^\s-])/g;
const FLAG_VALUE = /"[^"\n]*"?|'[^'\n]*'?|[^\s"']+/y;

// Earlier rules may already have masked this value (`token=[redacted]`, `Authorization: Bearer [redacted]`).
const ALREADY_MASKED = /^["']?(?:(?:bearer|basic|digest|token|negotiate|ntlm)\s+)?\[redacted\]/i;

function maskValue(raw: string): string {
  const quote = raw[0];
  if (quote === '"' || quote === "'") {
    return raw.endsWith(quote) && raw.length > 1 ? `${quote}${REDACTED}${quote}` : `${quote}${REDACTED}`;
  }
  return REDACTED;
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
 * Masks secrets in free text: PEM private keys, `Authorization` headers and Bearer/Basic
 * credentials, well-known token shapes (OpenAI/Anthropic, GitHub, Slack, AWS, Google, Stripe,
 * npm, Hugging Face, JWT), URL passwords, `--token x` flags and assignments whose name is a secret
 * (`password=…`, `"api_key": "…"`, `TOKEN: …` — the name is kept, the value masked). `extra`
 * patterns (from config) are masked whole. Plain ids, paths and words are left alone.
 */
export function redactText(text: string, extra: readonly RegExp[] = []): string {
  let out = text.replace(PEM_BLOCK, `${REDACTED} private key`);
  out = out.replace(PEM_ORPHAN_TAIL, `${REDACTED} private key`);
  out = out.replace(AUTH_HEADER, (_m, key: string, sep: string, scheme: string | undefined) => {
    return `${key}${sep}${scheme ?? ""}${REDACTED}`;
  });
  out = out.replace(AUTH_SCHEME, (_m, scheme: string, space: string) => `${scheme}${space}${REDACTED}`);
  for (const re of TOKEN_SHAPES) out = out.replace(re, REDACTED);
  out = out.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`);
  out = maskNamedValues(out, ASSIGNMENT_NAME, ASSIGNMENT_VALUE);
  out = maskNamedValues(out, FLAG_NAME, FLAG_VALUE);
  for (const re of extra) out = out.replace(asGlobal(re), REDACTED);
  return out;
}

/**
 * Masks the value after every `name<sep>` match of `nameRe` whose name is a secret; `valueRe`
 * (sticky) says where that value ends. An ordinary name only skips itself, so a secret inside
 * its value (`https://host/?access_token=…`) is still found.
 */
function maskNamedValues(text: string, nameRe: RegExp, valueRe: RegExp): string {
  let out = "";
  let copied = 0;
  nameRe.lastIndex = 0;
  for (let m = nameRe.exec(text); m !== null; m = nameRe.exec(text)) {
    const valueAt = m.index + m[0].length;
    if (!isSecretKey(m[1] ?? "") || ALREADY_MASKED.test(text.slice(valueAt, valueAt + 40))) continue;
    valueRe.lastIndex = valueAt;
    const value = valueRe.exec(text)?.[0];
    if (value === undefined) continue;
    out += text.slice(copied, valueAt) + maskValue(value);
    copied = valueAt + value.length;
    nameRe.lastIndex = copied;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

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
