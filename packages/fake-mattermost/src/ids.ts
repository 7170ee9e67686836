import { createHash, randomBytes } from "node:crypto";

// Mattermost's NewId: 16 random bytes in base32 with this alphabet, no padding, 26 characters.
const ALPHABET = "ybndrfg8ejkmcpqxot1uwisza345h769";

function encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out.slice(0, 26);
}

/** A new random id shaped like Mattermost's (26 lowercase letters and digits). */
export function newId(): string {
  return encode(randomBytes(16));
}

/** A stable id derived from a key, so the same DM pair always gets the same channel id. */
export function idFromKey(key: string): string {
  return encode(createHash("sha256").update(key).digest().subarray(0, 16));
}

/** Mattermost's IsValidId: exactly 26 letters or digits. */
export function isValidId(value: unknown): value is string {
  return typeof value === "string" && /^[a-z0-9]{26}$/i.test(value);
}
