import { describe, expect, it } from "vitest";
import { chooseByFile, isCollapsedKey, transcriptPath } from "./session-files.ts";
import type { IndexEntry } from "./session-index.ts";

const entry = (key: string, sessionId: string, extra: Partial<IndexEntry> = {}): IndexEntry => ({
  key,
  sessionId,
  route: null,
  ...extra,
});

describe("session files", () => {
  it("finds a transcript in the sessions directory whatever directory the index names", () => {
    expect(transcriptPath("/s", entry("k", "id1"))).toBe("/s/id1.jsonl");
    expect(transcriptPath("/s", entry("k", "id1", { sessionFile: "/other/mount/x.jsonl" }))).toBe(
      "/s/x.jsonl",
    );
  });

  it("follows one session per file: the agent key wins over the old bare key", () => {
    const chosen = chooseByFile([entry("main", "id1"), entry("agent:main:main", "id1")], "/s");
    expect([...chosen.keys()]).toEqual(["agent:main:main"]);
  });

  it("follows the most recently updated of two agent keys on one file", () => {
    const chosen = chooseByFile(
      [entry("agent:a:x", "id1", { updatedAt: 2 }), entry("agent:a:y", "id1", { updatedAt: 1 })],
      "/s",
    );
    expect([...chosen.keys()]).toEqual(["agent:a:x"]);
  });

  it("knows the shared main DM session", () => {
    expect(isCollapsedKey("agent:main:main")).toBe(true);
    expect(isCollapsedKey("agent:main:direct:u1")).toBe(false);
  });
});
