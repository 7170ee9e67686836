import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mattermostOf, openClawConfigPath, readOpenClawMattermost } from "./openclaw-config.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "live-status-occfg-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readOpenClawMattermost", () => {
  it("reads baseUrl and botToken from a JSON5-style openclaw.json in the state dir", async () => {
    await writeFile(
      join(dir, "openclaw.json"),
      `{
  // written by hand
  channels: { mattermost: { enabled: true, baseUrl: "https://chat.example.com", botToken: 'tok-123', }, },
}`,
    );
    const path = openClawConfigPath(dir, {});
    expect(await readOpenClawMattermost(path, {})).toEqual({
      path,
      found: true,
      url: "https://chat.example.com",
      token: "tok-123",
      problems: [],
    });
  });

  it("prefers $OPENCLAW_CONFIG_PATH and says when there is no file", async () => {
    const path = openClawConfigPath(dir, { OPENCLAW_CONFIG_PATH: join(dir, "elsewhere.json") });
    expect(path).toBe(join(dir, "elsewhere.json"));
    expect(await readOpenClawMattermost(path, {})).toEqual({ path, found: false, problems: [] });
  });

  it("says why a file it cannot parse is of no use, without its content", async () => {
    await writeFile(join(dir, "openclaw.json"), '{ channels: { mattermost: { botToken: "sk-SECRET" ');
    const result = await readOpenClawMattermost(join(dir, "openclaw.json"), {});
    expect(result.problems[0]).toMatch(/^cannot parse it/);
    expect(JSON.stringify(result)).not.toContain("SECRET");
  });
});

describe("mattermostOf", () => {
  it("resolves env references and falls back to the default account", () => {
    const config = {
      channels: {
        mattermost: {
          accounts: {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: OpenClaw's env reference syntax
            default: { baseUrl: "${MM_URL}", botToken: { source: "env", id: "MM_TOKEN" } },
            other: {},
          },
        },
      },
    };
    expect(mattermostOf(config, { MM_URL: "https://mm", MM_TOKEN: "t" })).toEqual({
      url: "https://mm",
      token: "t",
      problems: [],
    });
    expect(mattermostOf(config, {}).problems).toEqual([
      "baseUrl refers to $MM_URL, which is not set",
      "botToken refers to $MM_TOKEN, which is not set",
    ]);
  });

  it("takes the only account, and names the accounts when it cannot choose", () => {
    const one = { channels: { mattermost: { accounts: { work: { baseUrl: "https://w", botToken: "x" } } } } };
    expect(mattermostOf(one, {})).toMatchObject({ url: "https://w", token: "x" });
    const two = { channels: { mattermost: { accounts: { a: {}, b: {} } } } };
    expect(mattermostOf(two, {}).problems[0]).toContain("several accounts (a, b)");
    expect(mattermostOf({}, {}).problems).toEqual(["no channels.mattermost section"]);
  });
});
