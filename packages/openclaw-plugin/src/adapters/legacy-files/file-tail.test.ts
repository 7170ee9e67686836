import { appendFile, mkdtemp, rename, rm, truncate, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { IoCounters } from "./file-tail.ts";
import { DEFAULT_TAIL_OPTIONS, FileTail } from "./file-tail.ts";

let dir: string;
let file: string;
let io: IoCounters;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "live-status-tail-"));
  file = join(dir, "s.jsonl");
  io = { stats: 0, reads: 0, bytesRead: 0 };
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tail = (o: Partial<typeof DEFAULT_TAIL_OPTIONS> = {}) =>
  new FileTail(file, io, { ...DEFAULT_TAIL_OPTIONS, ...o });

describe("FileTail", () => {
  it("starts at the end of history and reads only what is appended, one byte of overlap per read", async () => {
    await writeFile(file, "old 1\nold 2\n");
    const t = tail();
    await t.startAtEnd();
    await appendFile(file, "new 1\nnew 2\n");
    const before = io.bytesRead;
    expect(await t.read()).toMatchObject({ change: "appended", lines: ["new 1", "new 2"], rescan: false });
    expect(io.bytesRead - before).toBe(12 + 1);
    expect((await t.read()).change).toBe("none");
  });

  it("holds a partial last line until its newline arrives, then gives it once", async () => {
    await writeFile(file, "");
    const t = tail();
    await t.startAtEnd();
    await appendFile(file, '{"a":');
    expect((await t.read()).lines).toEqual([]);
    await appendFile(file, '1}\r\n{"b"');
    expect((await t.read()).lines).toEqual(['{"a":1}']);
    await appendFile(file, ":2}\n");
    expect((await t.read()).lines).toEqual(['{"b":2}']);
  });

  it("reads a file that was missing from its start once it appears", async () => {
    const t = tail();
    expect(await t.startAtEnd()).toBeUndefined();
    expect((await t.read()).change).toBe("none");
    await writeFile(file, "first\n");
    expect(await t.read()).toMatchObject({ change: "appeared", lines: ["first"], rescan: true });
  });

  it("never reads history again after truncation in place", async () => {
    await writeFile(file, "a\nb\nheartbeat 1\nheartbeat 2\n");
    const t = tail();
    await t.startAtEnd();
    await truncate(file, 4);
    expect(await t.read()).toMatchObject({ change: "truncated", lines: [] });
    await appendFile(file, "c\n");
    expect(await t.read()).toMatchObject({ change: "appended", lines: ["c"] });
  });

  it("notices a truncation hidden by a later append and reads the tail again, flagged as a rescan", async () => {
    await writeFile(file, "a\nb\nheartbeat 1\nheartbeat 2\n");
    const t = tail();
    await t.startAtEnd();
    await truncate(file, 4);
    await appendFile(file, "a follow-up line that is longer than what was cut\n");
    const read = await t.read();
    expect(read).toMatchObject({ change: "discontinuous", rescan: true });
    expect(read.lines).toEqual(["a", "b", "a follow-up line that is longer than what was cut"]);
  });

  it("reads a file replaced by rename again, flagged as a rescan", async () => {
    await writeFile(file, "a\n");
    const t = tail();
    await t.startAtEnd();
    await writeFile(join(dir, "tmp"), "a\nb\n");
    await rename(join(dir, "tmp"), file);
    expect(await t.read()).toMatchObject({ change: "replaced", lines: ["a", "b"], rescan: true });
  });

  it("says when the file disappears, and forgets its partial line", async () => {
    await writeFile(file, "a\n");
    const t = tail();
    await t.startAtEnd();
    await appendFile(file, "half");
    await t.read();
    await unlink(file);
    expect((await t.read()).change).toBe("missing");
    await writeFile(file, "whole\n");
    expect((await t.read()).lines).toEqual(["whole"]);
  });

  it("reads a 5 MB line whole", async () => {
    await writeFile(file, "");
    const t = tail();
    await t.startAtEnd();
    const big = `{"x":"${"y".repeat(5 * 1024 * 1024)}"}`;
    await appendFile(file, `${big}\nafter\n`);
    const read = await t.read();
    expect(read.lines.map((l) => l.length)).toEqual([big.length, 5]);
  });

  it("skips a line longer than the limit without holding it, and keeps the lines after it", async () => {
    await writeFile(file, "");
    const t = tail({ maxLineBytes: 1024, chunkBytes: 256 });
    await t.startAtEnd();
    await appendFile(file, `${"z".repeat(3000)}`);
    expect(await t.read()).toMatchObject({ lines: [], oversized: 1 });
    await appendFile(file, `${"z".repeat(3000)}\nnext\n`);
    expect(await t.read()).toMatchObject({ lines: ["next"], oversized: 0 });
  });

  it("reads only the last part of a big replaced file, without its cut first line", async () => {
    await writeFile(file, "");
    const t = tail({ rescanBytes: 10 });
    await t.startAtEnd();
    await writeFile(join(dir, "tmp"), "0123456789\nabc\ndef\n");
    await rename(join(dir, "tmp"), file);
    expect((await t.read()).lines).toEqual(["abc", "def"]);
  });
});
