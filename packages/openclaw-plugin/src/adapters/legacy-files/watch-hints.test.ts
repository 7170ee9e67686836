import { describe, expect, it } from "vitest";
import { hintTarget } from "./watch-hints.ts";

const byFile = new Map([["s1.jsonl", "agent:main:main"]]);

describe("hintTarget", () => {
  it.each([
    [null, { look: "everything" }],
    ["sessions.json", { look: "index" }],
    ["sessions.json.tmp-123", { look: "index" }],
    ["s1.jsonl", { look: "session", key: "agent:main:main" }],
    ["s1.jsonl.lock", { look: "session", key: "agent:main:main" }],
    ["new.jsonl", { look: "index" }],
    ["notes.txt", { look: "nothing" }],
  ])("reads a change of %j as %j", (name, target) => {
    expect(hintTarget(name, byFile)).toEqual(target);
  });
});
