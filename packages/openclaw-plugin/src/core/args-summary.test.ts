import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_ARGS_SUMMARY, summarizeArgs } from "./args-summary.ts";
import { codePointLength } from "./text.ts";

const fakeKey = `sk-${"abcDEF123456ghiJKL789"}`;

describe("summarizeArgs picks the argument that says what a call does", () => {
  it.each([
    ["exec", { command: "git status", workdir: "/repo" }, "git status"],
    ["exec", { command: ["npm", "test"] }, "npm test"],
    ["Bash", { command: "ls -la", description: "list" }, "ls -la"],
    ["read", { path: "src/index.ts", offset: 10 }, "src/index.ts"],
    ["write", { path: "/tmp/out.txt", content: "lots of text" }, "/tmp/out.txt"],
    ["edit", { file_path: "a/b.ts", old_string: "x", new_string: "y" }, "a/b.ts"],
    ["web_search", { query: "mattermost post props", count: 5 }, "mattermost post props"],
    ["web_fetch", { url: "https://example.com/docs" }, "https://example.com/docs"],
    ["memory_search", { query: "project config" }, "project config"],
    ["sessions_spawn", { task: "research X", label: "research" }, "research"],
    ["browser", { action: "open", targetUrl: "https://example.com" }, "open https://example.com"],
    ["message", { action: "send", to: "channel:abc" }, "send channel:abc"],
    ["subagents", { action: "list" }, "list"],
    ["custom_tool", { path: "x.md", other: 1 }, "x.md"],
    [
      "custom_tool",
      { limit: 5, verbose: true, nested: { a: 1 }, mode: "fast" },
      "limit=5 verbose=true mode=fast",
    ],
    ["custom_tool", { title: "two words" }, 'title="two words"'],
    [
      "apply_patch",
      { input: "*** Begin Patch\n*** Update File: a.ts\n@@\n*** Add File: b.ts\n" },
      "a.ts, b.ts",
    ],
  ])("%s %j → %s", (tool, args, expected) => {
    expect(summarizeArgs(tool, args)).toBe(expected);
  });

  it("reads arguments sent as a JSON string", () => {
    expect(summarizeArgs("exec", JSON.stringify({ command: "echo hi" }))).toBe("echo hi");
  });

  it("uses a bare string argument as it is", () => {
    expect(summarizeArgs("exec", "uname -a")).toBe("uname -a");
  });

  it("shows nothing for missing or empty arguments", () => {
    expect(summarizeArgs("exec", undefined)).toBeUndefined();
    expect(summarizeArgs("exec", null)).toBeUndefined();
    expect(summarizeArgs("exec", {})).toBeUndefined();
    expect(summarizeArgs("exec", { command: "   " })).toBeUndefined();
    expect(summarizeArgs("custom", { nested: { deep: 1 } })).toBeUndefined();
  });
});

describe("summarizeArgs keeps summaries safe and short", () => {
  it("redacts secrets in the chosen argument", () => {
    const out = summarizeArgs("exec", { command: `curl -H "Authorization: Bearer ${fakeKey}" https://api` });
    expect(out).toBe('curl -H "Authorization: Bearer [redacted]" https://api');
  });

  it("masks secret-named fields in a key=value list", () => {
    expect(summarizeArgs("login", { user: "bob", password: "hunter2" })).toBe("user=bob password=[redacted]");
  });

  it("masks a secret-named primary argument", () => {
    expect(summarizeArgs("custom", { token: "abc" })).toBe("token=[redacted]");
  });

  it("applies extra patterns from config", () => {
    expect(summarizeArgs("exec", { command: "ssh build-7.corp" }, [/[\w-]+\.corp/])).toBe("ssh [redacted]");
  });

  it("flattens multi-line arguments onto one line", () => {
    expect(summarizeArgs("exec", { command: "set -e\n  make\n\tmake test" })).toBe("set -e make make test");
  });

  it("cuts long arguments with an ellipsis", () => {
    const out = summarizeArgs("exec", { command: "x".repeat(500) }) ?? "";
    expect(codePointLength(out)).toBe(MAX_ARGS_SUMMARY);
    expect(out.endsWith("…")).toBe(true);
  });

  it("counts code points, not UTF-16 units, and never splits an emoji", () => {
    const out = summarizeArgs("exec", { command: "😀".repeat(300) }) ?? "";
    expect(codePointLength(out)).toBe(MAX_ARGS_SUMMARY);
    expect(out).toBe(`${"😀".repeat(MAX_ARGS_SUMMARY - 1)}…`);
  });

  it("redacts a secret that sits behind a huge argument prefix", () => {
    const out = summarizeArgs("exec", { command: `${fakeKey} ${"y ".repeat(1_000_000)}` }) ?? "";
    expect(out.startsWith("[redacted] y y")).toBe(true);
  });

  it("survives cycles, throwing getters and odd values", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const evil = Object.defineProperty({}, "command", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expect(summarizeArgs("custom", cyclic)).toBe("a=1");
    expect(summarizeArgs("exec", evil)).toBeUndefined();
    expect(summarizeArgs("exec", 42)).toBe("42");
    expect(summarizeArgs("exec", Symbol("s"))).toBeUndefined();
    expect(summarizeArgs("exec", "{not json")).toBe("{not json");
  });

  it("always returns a short single line or nothing, whatever it is given", () => {
    fc.assert(
      fc.property(fc.string(), fc.anything({ maxDepth: 3 }), (tool, args) => {
        const out = summarizeArgs(tool, args);
        if (out === undefined) return;
        expect(codePointLength(out)).toBeLessThanOrEqual(MAX_ARGS_SUMMARY);
        expect(out).not.toMatch(/[\n\r]/);
        expect(out.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
