import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { clip, clipTail, codePointLength, oneLine, safeHead, safeTail } from "./text.ts";

describe("code-point clipping", () => {
  it.each([
    ["abc", 5, "abc"],
    ["abcdef", 4, "abc…"],
    ["abcd", 4, "abcd"],
    ["😀😀😀😀😀", 3, "😀😀…"],
    ["anything", 0, ""],
  ])("clip(%j, %i) is %j", (s, max, expected) => {
    expect(clip(s, max)).toBe(expected);
  });

  it.each([
    ["abc", 5, "abc"],
    ["abcdef", 4, "…def"],
    ["abcd", 4, "abcd"],
    ["a😀😀😀😀", 3, "…😀😀"],
    ["😀😀😀😀", 4, "😀😀😀😀"],
  ])("clipTail(%j, %i) is %j", (s, max, expected) => {
    expect(clipTail(s, max)).toBe(expected);
  });

  it("never exceeds the limit or leaves a lone surrogate", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), fc.nat(100), (s, max) => {
        for (const out of [clip(s, max), clipTail(s, max)]) {
          expect(codePointLength(out)).toBeLessThanOrEqual(max);
        }
        if (s.isWellFormed()) {
          expect(clip(s, max).isWellFormed()).toBe(true);
          expect(clipTail(s, max).isWellFormed()).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("oneLine", () => {
  it("collapses whitespace and drops control and bidi characters", () => {
    expect(oneLine("  a\n\n b\t\u001b[31mc\u202Ed  ")).toBe("a b [31mcd");
  });
});

describe("safe snippets", () => {
  it("redacts before cutting the head", () => {
    expect(safeHead("password=hunter2 and more", 20)).toBe("password=[redacted]…");
  });

  it("redacts the tail of a long text even when a key block started before the window", () => {
    const key = `-----BEGIN PRIVATE KEY-----\n${"QUJD\n".repeat(2000)}-----END PRIVATE KEY-----\nDone.`;
    const out = safeTail(key, 200);
    expect(out).not.toContain("QUJD");
    expect(out.endsWith("Done.")).toBe(true);
  });
});
