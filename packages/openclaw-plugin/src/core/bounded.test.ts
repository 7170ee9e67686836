import { describe, expect, it } from "vitest";
import { trimOldest } from "./bounded.ts";

describe("trimOldest", () => {
  it("drops the first-inserted keys of a map until it fits", () => {
    const m = new Map([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    trimOldest(m, 2);
    expect([...m.keys()]).toEqual(["b", "c"]);
  });

  it("treats an updated key as old as its first insertion", () => {
    const m = new Map([
      ["a", 1],
      ["b", 2],
    ]);
    m.set("a", 9);
    m.set("c", 3);
    trimOldest(m, 2);
    expect([...m.entries()]).toEqual([
      ["b", 2],
      ["c", 3],
    ]);
  });

  it("trims a set the same way and leaves a store within bounds alone", () => {
    const s = new Set(["x", "y", "z"]);
    trimOldest(s, 3);
    expect([...s]).toEqual(["x", "y", "z"]);
    trimOldest(s, 1);
    expect([...s]).toEqual(["z"]);
  });

  it("empties a store bounded at zero, whatever its keys are", () => {
    const s = new Set<string | undefined>([undefined, "a"]);
    trimOldest(s, 0);
    expect(s.size).toBe(0);
  });
});
