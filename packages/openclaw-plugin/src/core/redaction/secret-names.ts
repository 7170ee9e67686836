/**
 * Which names name a secret: object keys, assignment names, header names and command-line flags.
 * Matching is by the last word of the name, so `access_token` and `apiKey` are secrets while
 * `max_tokens`, `tokenCount` and `sessionKey` (an OpenClaw session key, not a credential) are not.
 */

// Words that make a name a secret when they end it (`db_password`, `botToken`, `x-api-key`).
export const SECRET_LAST_WORDS: readonly string[] = [
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
  "sig",
  "sshpass",
];
const LAST_WORDS = new Set(SECRET_LAST_WORDS);
// Words that make `…_key` a secret (`api_key`, `private_key`, `AccountKey`, `SharedAccessKey`).
const KEY_QUALIFIERS = new Set([
  "api",
  "private",
  "secret",
  "access",
  "signing",
  "encryption",
  "account",
  "master",
]);
// Flags that carry a secret although their name alone would not (`--key SG.…`, `-pass pass:…`).
const SECRET_FLAGS = new Set(["key", "pass", "pw", "passin", "passout", "with-token", "access-token"]);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Whether an object key, assignment name or header names a secret. */
export function isSecretKey(key: string): boolean {
  const w = words(key);
  const last = w.at(-1);
  if (last === undefined) return false;
  if (LAST_WORDS.has(last)) return true;
  // Run-together names such as PGPASSWORD or BOTTOKEN.
  for (const word of LAST_WORDS) if (word.length >= 5 && last.endsWith(word)) return true;
  const before = w.at(-2);
  // MYSQL_PWD and db_pwd, but not the shell's PWD (the working directory).
  if (last === "pwd") return before !== undefined;
  return last === "key" && before !== undefined && KEY_QUALIFIERS.has(before);
}

/** Whether a command-line flag (`--token`, `-passout`, `--key`) carries a secret value. */
export function isSecretFlag(flag: string): boolean {
  const name = flag.replace(/^-+/, "").toLowerCase();
  return SECRET_FLAGS.has(name) || isSecretKey(name);
}
