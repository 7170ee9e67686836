/**
 * A minimal ustar writer: enough to pack a Mattermost plugin bundle (regular files and
 * directories with short names) without a dependency. Output is deterministic for the same input.
 */
export interface TarEntry {
  /** Path inside the archive; directories end with `/`. At most 100 bytes. */
  path: string;
  /** File content; omit for a directory. */
  data?: Uint8Array;
  /** Permission bits; defaults to 0o644 for files and 0o755 for directories. */
  mode?: number;
}

const BLOCK = 512;

/** Builds an uncompressed tar archive from the entries, in order. */
export function createTar(entries: readonly TarEntry[], mtimeSeconds = 0): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const isDir = entry.data === undefined;
    const data = entry.data ?? new Uint8Array(0);
    parts.push(header(entry.path, isDir, data.length, entry.mode ?? (isDir ? 0o755 : 0o644), mtimeSeconds));
    parts.push(data, new Uint8Array(padding(data.length)));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return concat(parts);
}

function header(path: string, isDir: boolean, size: number, mode: number, mtime: number): Uint8Array {
  const name = isDir && !path.endsWith("/") ? `${path}/` : path;
  const nameBytes = new TextEncoder().encode(name);
  if (nameBytes.length > 100) throw new Error(`tar: path longer than 100 bytes: ${name}`);
  const h = new Uint8Array(BLOCK);
  h.set(nameBytes, 0);
  writeOctal(h, 100, 8, mode);
  writeOctal(h, 108, 8, 0); // uid
  writeOctal(h, 116, 8, 0); // gid
  writeOctal(h, 124, 12, isDir ? 0 : size);
  writeOctal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  h[156] = isDir ? 0x35 : 0x30; // '5' directory, '0' regular file
  h.set(new TextEncoder().encode("ustar\u000000"), 257);
  const sum = h.reduce((acc, byte) => acc + byte, 0);
  writeOctal(h, 148, 7, sum);
  h[155] = 0x20;
  return h;
}

// Octal digits, zero-padded to width-1, then a NUL terminator.
function writeOctal(buf: Uint8Array, offset: number, width: number, value: number): void {
  const digits = value.toString(8).padStart(width - 1, "0");
  if (digits.length > width - 1) throw new Error(`tar: value ${value} does not fit in ${width} bytes`);
  buf.set(new TextEncoder().encode(digits), offset);
  buf[offset + width - 1] = 0;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
