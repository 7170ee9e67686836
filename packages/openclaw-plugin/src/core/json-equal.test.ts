import { describe, expect, it } from "vitest";
import { jsonEqual } from "./json-equal.ts";

describe("JSON equality", () => {
  it.each([
    [{ a: 1, b: [1, { c: "x" }] }, { b: [1, { c: "x" }], a: 1 }, true],
    [{ a: 1, gone: undefined }, { a: 1 }, true],
    [{ a: 1 }, { a: 2 }, false],
    [[1, 2], [2, 1], false],
    [[1], { 0: 1 }, false],
    [null, {}, false],
    ["1", 1, false],
  ])("%j and %j are equal: %s", (a, b, equal) => {
    expect(jsonEqual(a, b)).toBe(equal);
  });
});
