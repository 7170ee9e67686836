/**
 * Incremental follow of one append-only file by byte offset. Reads only bytes it has not read
 * (plus one byte to check that the file still continues where it left off), buffers a partial last
 * line until its newline arrives, and notices truncation, replacement (a new inode at the path),
 * disappearance and rewrites. When it cannot know which lines are new — the file was replaced,
 * rewritten, or is new to us — it reads the file's tail again and says so (`rescan`), and the
 * caller keeps only lines newer than what it has already seen.
 */
import type { Stats } from "node:fs";
import { open, stat } from "node:fs/promises";

/** I/O done, for benchmarks and the tests that bound it. Shared by every tail of a source. */
export interface IoCounters {
  stats: number;
  reads: number;
  bytesRead: number;
}

export interface TailOptions {
  /** Longer lines are skipped (counted in `oversized`), so one runaway line cannot exhaust memory. */
  maxLineBytes: number;
  /** How much of a file's end is read again when its lines cannot be told apart from history. */
  rescanBytes: number;
  /** Largest single read. */
  chunkBytes: number;
}

export const DEFAULT_TAIL_OPTIONS: TailOptions = {
  maxLineBytes: 64 * 1024 * 1024,
  rescanBytes: 8 * 1024 * 1024,
  chunkBytes: 1024 * 1024,
};

export type TailChange =
  | "none"
  | "appended"
  | "truncated"
  | "replaced"
  | "discontinuous"
  | "missing"
  | "appeared"
  | "rescanned";

export interface TailRead {
  change: TailChange;
  /** Complete new lines, in file order, without their line ends. */
  lines: string[];
  /** The lines were read again from the file's tail: some may be history. */
  rescan: boolean;
  /** Lines skipped for being longer than `maxLineBytes`. */
  oversized: number;
  /** The file's stat at this look; undefined when it is missing. */
  stat?: Stats;
}

const NEWLINE = 0x0a;

export class FileTail {
  readonly path: string;
  readonly #io: IoCounters;
  readonly #o: TailOptions;
  #ino: number | null = null;
  #offset = 0;
  /** The byte just before `#offset`, to check that the file still continues there. */
  #lastByte: number | null = null;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Inside a line being dropped (too long, or the partial first line of a rescan). */
  #skipping = false;
  #rescanNext = false;

  constructor(path: string, io: IoCounters, options: TailOptions = DEFAULT_TAIL_OPTIONS) {
    this.path = path;
    this.#io = io;
    this.#o = options;
  }

  /** Bytes consumed so far (the next read starts here). */
  get offset(): number {
    return this.#offset;
  }

  /**
   * Starts following at the file's current end without reading history. Returns the stat used, or
   * undefined when the file does not exist (then whatever appears later is read from its start).
   */
  async startAtEnd(): Promise<Stats | undefined> {
    const st = await this.#stat();
    if (!st) return undefined;
    this.#ino = st.ino;
    this.#offset = st.size;
    // Idle files end with a newline; one that does not was mid-write and gets a rescan.
    this.#lastByte = st.size > 0 ? NEWLINE : null;
    this.#resetLine();
    return st;
  }

  /** The next read goes over the file's tail again (a rescan) instead of continuing. */
  rescanNext(): void {
    this.#rescanNext = true;
  }

  /** One look at the file: reads whatever is new since the last look. */
  async read(): Promise<TailRead> {
    const st = await this.#stat();
    if (!st) {
      const wasThere = this.#ino !== null;
      this.#ino = null;
      this.#offset = 0;
      this.#lastByte = null;
      this.#resetLine();
      return { change: wasThere ? "missing" : "none", lines: [], rescan: false, oversized: 0 };
    }
    if (this.#rescanNext || this.#ino === null || st.ino !== this.#ino) {
      const change: TailChange = this.#rescanNext
        ? "rescanned"
        : this.#ino === null
          ? "appeared"
          : "replaced";
      this.#rescanNext = false;
      return this.#rescan(st, change);
    }
    if (st.size < this.#offset) {
      // Truncated in place (OpenClaw prunes heartbeat turns this way): nothing to read again.
      this.#offset = st.size;
      this.#lastByte = NEWLINE;
      this.#resetLine();
      return { change: "truncated", lines: [], rescan: false, oversized: 0, stat: st };
    }
    if (st.size === this.#offset) return { change: "none", lines: [], rescan: false, oversized: 0, stat: st };

    const check = this.#lastByte !== null && this.#offset > 0 ? this.#lastByte : undefined;
    const from = check !== undefined ? this.#offset - 1 : this.#offset;
    const range = await this.#readRange(from, st.size, check);
    if (range === null) return this.#rescan(st, "discontinuous");
    const { chunks, end } = range;
    const first = chunks[0];
    // Shrank between the stat and the read: the next look sees what happened.
    if (first === undefined) return { change: "none", lines: [], rescan: false, oversized: 0, stat: st };
    if (check !== undefined) chunks[0] = first.subarray(1);
    return { change: "appended", ...this.#split(chunks, end), rescan: false, stat: st };
  }

  async #rescan(st: Stats, change: TailChange): Promise<TailRead> {
    this.#ino = st.ino;
    this.#resetLine();
    const from = Math.max(0, st.size - this.#o.rescanBytes);
    // Starting inside the file, the first line is cut: drop it.
    this.#skipping = from > 0;
    const { chunks, end } = (await this.#readRange(from, st.size)) ?? { chunks: [], end: from };
    const { lines, oversized } = this.#split(chunks, end);
    return { change, lines, rescan: true, oversized, stat: st };
  }

  #split(chunks: Buffer[], end: number): { lines: string[]; oversized: number } {
    const lines: string[] = [];
    let oversized = 0;
    for (const chunk of chunks) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(NEWLINE, start);
        const piece = chunk.subarray(start, nl < 0 ? chunk.length : nl);
        if (nl < 0) {
          if (!this.#skipping && piece.length > 0) {
            if (this.#pendingBytes + piece.length > this.#o.maxLineBytes) {
              oversized++;
              this.#skipping = true;
              this.#resetPending();
            } else {
              this.#pending.push(piece);
              this.#pendingBytes += piece.length;
            }
          }
          break;
        }
        if (this.#skipping) this.#skipping = false;
        else if (this.#pendingBytes + piece.length > this.#o.maxLineBytes) oversized++;
        else {
          const line = this.#pending.length === 0 ? piece : Buffer.concat([...this.#pending, piece]);
          const text = line.toString("utf8");
          lines.push(text.endsWith("\r") ? text.slice(0, -1) : text);
        }
        this.#resetPending();
        start = nl + 1;
      }
    }
    const last = chunks.at(-1);
    if (last !== undefined && last.length > 0) this.#lastByte = last[last.length - 1] as number;
    this.#offset = end;
    return { lines, oversized };
  }

  /**
   * Reads [from, to) in chunks. With `expectFirst`, stops after the first chunk and returns null when
   * the byte at `from` is not that one: the file no longer continues where we left off.
   */
  async #readRange(
    from: number,
    to: number,
    expectFirst?: number,
  ): Promise<{ chunks: Buffer[]; end: number } | null> {
    const chunks: Buffer[] = [];
    if (to <= from) return { chunks, end: from };
    const handle = await open(this.path, "r");
    try {
      let pos = from;
      while (pos < to) {
        // A fresh buffer per read: pieces of it are kept as a partial line.
        const buf = Buffer.allocUnsafe(Math.min(this.#o.chunkBytes, to - pos));
        const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
        this.#io.reads++;
        this.#io.bytesRead += bytesRead;
        if (bytesRead === 0) break; // shrank while we read: the next look sees it
        if (expectFirst !== undefined && pos === from && buf[0] !== expectFirst) return null;
        chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
        pos += bytesRead;
      }
      return { chunks, end: pos };
    } finally {
      await handle.close();
    }
  }

  async #stat(): Promise<Stats | undefined> {
    this.#io.stats++;
    try {
      return await stat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  #resetLine(): void {
    this.#resetPending();
    this.#skipping = false;
  }

  #resetPending(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}
