import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "./main.ts";

const TOKEN = `ghp_${"Zq9Xw3".repeat(6)}`;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "live-status-cli-redaction-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("the live-status command never prints a secret", () => {
  it("reports a bad event line without quoting any of it", async () => {
    const file = join(dir, "events.jsonl");
    await writeFile(file, `${TOKEN} is not json\n{"token": "${TOKEN}" broken\n`);
    const { stderr } = await run([
      "replay",
      file,
      "--mattermost-url",
      "ftp://mm.example.com",
      "--token",
      "t",
    ]);
    expect(stderr).toMatch(/line 1: invalid JSON/);
    expect(stderr).toMatch(/line 2: invalid JSON/);
    expect(stderr).not.toContain("Zq9Xw3");
  });

  it("does not echo a --mattermost-url that is not http", async () => {
    const file = join(dir, "empty.jsonl");
    await writeFile(file, "");
    const { code, stderr } = await run(
      ["replay", file, "--mattermost-url", `ftp://bot:${TOKEN}@mm.example.com`],
      {
        MATTERMOST_TOKEN: "t",
      },
    );
    expect(code).toBe(2);
    expect(stderr).not.toContain("Zq9Xw3");
  });

  it("does not echo a --mattermost-url that is not a URL at all", async () => {
    const file = join(dir, "empty.jsonl");
    await writeFile(file, "");
    const { code, stderr } = await run([
      "replay",
      file,
      "--mattermost-url",
      `not a url ${TOKEN}`,
      "--token",
      "t",
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("--mattermost-url is not a URL");
    expect(stderr).not.toContain("Zq9Xw3");
  });

  it("says which scheme it refused", async () => {
    const file = join(dir, "empty.jsonl");
    await writeFile(file, "");
    const { stderr } = await run(["replay", file, "--mattermost-url", `ftp://x:${TOKEN}@h`], {
      MATTERMOST_TOKEN: "t",
    });
    expect(stderr).toContain("must be http or https, not ftp:");
    expect(stderr).not.toContain("Zq9Xw3");
  });

  it("redacts what reaches the terminal even from an unexpected path", async () => {
    const { stderr } = await run([
      "replay",
      join(dir, `missing-${TOKEN}.jsonl`),
      "--mattermost-url",
      "http://h",
      "--token",
      "t",
    ]);
    expect(stderr).toContain("cannot read");
    expect(stderr).not.toContain("Zq9Xw3");
  });
});
