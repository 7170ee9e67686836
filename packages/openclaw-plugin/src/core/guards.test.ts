import { describe, expect, it } from "vitest";
import { assertNever, describeError, isRecord, messageOf } from "./guards.ts";

describe("isRecord", () => {
  it.each([
    [{}, true],
    [{ a: 1 }, true],
    [[], false],
    [null, false],
    ["x", false],
    [1, false],
  ])("says %j is a record: %j", (x, want) => {
    expect(isRecord(x)).toBe(want);
  });
});

describe("describeError", () => {
  it("names an error by its class and message", () => {
    expect(describeError(new TypeError("bad"))).toBe("TypeError: bad");
  });

  it("prefers a Node error code to the class name", () => {
    const error = Object.assign(new Error("no such file"), { code: "ENOENT" });
    expect(describeError(error)).toBe("ENOENT: no such file");
  });

  it("prints anything else as text", () => {
    expect(describeError("plain")).toBe("plain");
    expect(describeError(42)).toBe("42");
  });
});

describe("messageOf", () => {
  it("gives an error's message alone, and anything else as text", () => {
    expect(messageOf(new TypeError("bad"))).toBe("bad");
    expect(messageOf("plain")).toBe("plain");
  });
});

describe("assertNever", () => {
  it("throws with what it was handed", () => {
    expect(() => assertNever("x" as never, "effect")).toThrow('unhandled effect: "x"');
  });
});
