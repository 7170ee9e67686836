import { describe, expect, it } from "vitest";
import { resolveMattermostAccount } from "./mattermost-account.ts";

const noEnv = {};

describe("resolveMattermostAccount", () => {
  it("uses the top-level channels.mattermost fields with no settings at all", () => {
    const r = resolveMattermostAccount(
      { mattermost: { enabled: true, baseUrl: "https://chat.example.com/api/v4", botToken: "tok" } },
      {},
      noEnv,
    );
    expect(r).toEqual({
      ok: true,
      account: { accountId: "default", baseUrl: "https://chat.example.com", botToken: "tok" },
    });
  });

  it("lets account values override top-level ones and picks defaultAccount", () => {
    const channels = {
      mattermost: {
        baseUrl: "https://top.example.com",
        botToken: "top",
        defaultAccount: "alerts",
        accounts: {
          default: { botToken: "primary" },
          alerts: { botToken: "alerts-token" },
        },
      },
    };
    expect(resolveMattermostAccount(channels, {}, noEnv)).toEqual({
      ok: true,
      account: { accountId: "alerts", baseUrl: "https://top.example.com", botToken: "alerts-token" },
    });
    expect(resolveMattermostAccount(channels, { accountId: "default" }, noEnv)).toMatchObject({
      ok: true,
      account: { accountId: "default", botToken: "primary" },
    });
  });

  it("picks the default account, else the only one", () => {
    const one = { mattermost: { accounts: { work: { baseUrl: "http://mm:8065", botToken: "w" } } } };
    expect(resolveMattermostAccount(one, {}, noEnv)).toMatchObject({
      ok: true,
      account: { accountId: "work" },
    });
    const two = {
      mattermost: {
        accounts: {
          a: { baseUrl: "http://a", botToken: "a" },
          default: { baseUrl: "http://d", botToken: "d" },
        },
      },
    };
    expect(resolveMattermostAccount(two, {}, noEnv)).toMatchObject({
      ok: true,
      account: { accountId: "default" },
    });
  });

  it("falls back to MATTERMOST_URL and MATTERMOST_BOT_TOKEN for the default account only", () => {
    const env = { MATTERMOST_URL: "https://env.example.com", MATTERMOST_BOT_TOKEN: "env-token" };
    expect(resolveMattermostAccount(undefined, {}, env)).toEqual({
      ok: true,
      account: { accountId: "default", baseUrl: "https://env.example.com", botToken: "env-token" },
    });
    const other = { mattermost: { accounts: { work: {} } } };
    expect(resolveMattermostAccount(other, {}, env)).toMatchObject({ ok: false });
  });

  it("applies the plugin's overrides last", () => {
    const r = resolveMattermostAccount(
      { mattermost: { baseUrl: "https://a.example.com", botToken: "a" } },
      { baseUrl: "https://b.example.com", botToken: "b" },
      noEnv,
    );
    expect(r).toMatchObject({ ok: true, account: { baseUrl: "https://b.example.com", botToken: "b" } });
  });

  it("says what is missing and where to set it", () => {
    const r = resolveMattermostAccount({ telegram: {} }, {}, noEnv);
    expect(r).toEqual({
      ok: false,
      error:
        'no Mattermost base URL for account "default": set channels.mattermost.baseUrl and botToken, or plugins.entries.live-status.config.mattermost',
    });
    const noToken = resolveMattermostAccount({ mattermost: { baseUrl: "https://x.example.com" } }, {}, noEnv);
    expect(noToken).toMatchObject({ ok: false, error: expect.stringMatching(/^no Mattermost bot token/) });
    const unknown = resolveMattermostAccount({ mattermost: {} }, { accountId: "nope" }, noEnv);
    expect(unknown).toMatchObject({ ok: false, error: expect.stringContaining('no account "nope"') });
  });

  it("explains a secret reference it cannot read, without echoing it", () => {
    const ref = { source: "env", provider: "default", id: "MM_TOKEN_SECRET_VALUE" };
    const r = resolveMattermostAccount(
      { mattermost: { baseUrl: "https://x.example.com", botToken: ref } },
      {},
      noEnv,
    );
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining("secret reference") });
    expect(JSON.stringify(r)).not.toContain("MM_TOKEN_SECRET_VALUE");
  });

  it("refuses a base URL that is not http(s)", () => {
    const r = resolveMattermostAccount(
      { mattermost: { baseUrl: "chat.example.com", botToken: "t" } },
      {},
      noEnv,
    );
    expect(r).toEqual({ ok: false, error: "channels.mattermost.baseUrl is not an http(s) URL" });
  });
});
