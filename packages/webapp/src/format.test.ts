import { describe, expect, it } from "vitest";
import { clip, formatCount, formatElapsed, formatStepDuration, plural } from "./format.ts";

describe("formatElapsed", () => {
  it.each([
    [0, "0s"],
    [999, "0s"],
    [42_000, "42s"],
    [60_000, "1m 00s"],
    [185_000, "3m 05s"],
    [3_599_999, "59m 59s"],
    [3_720_000, "1h 02m"],
    [-5_000, "0s"],
  ])("shows %i ms as %s", (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});

describe("formatStepDuration", () => {
  it.each([
    [30, "<0.1s"],
    [400, "0.4s"],
    [2_150, "2.1s"],
    [9_999, "9.9s"],
    [12_000, "12s"],
    [65_000, "1m 05s"],
    [-1, "<0.1s"],
  ])("shows %i ms as %s", (ms, text) => {
    expect(formatStepDuration(ms)).toBe(text);
  });
});

describe("formatCount", () => {
  it.each([
    [0, "0"],
    [950, "950"],
    [1_000, "1k"],
    [1_250, "1.2k"],
    [18_432, "18k"],
    [999_999, "999k"],
    [3_450_000, "3.4M"],
  ])("shows %i as %s", (n, text) => {
    expect(formatCount(n)).toBe(text);
  });
});

describe("plural and clip", () => {
  it("uses the singular only for one", () => {
    expect([plural(0, "tool"), plural(1, "tool"), plural(2, "tool")]).toEqual([
      "0 tools",
      "1 tool",
      "2 tools",
    ]);
  });

  it("puts text on one line and ends a cut with an ellipsis within the limit", () => {
    expect(clip("a\n  b", 10)).toBe("a b");
    const cut = clip("abcdefghijk", 6);
    expect(cut).toBe("abcde…");
    expect(cut.length).toBe(6);
  });
});
