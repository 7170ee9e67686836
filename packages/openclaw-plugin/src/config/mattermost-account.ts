/**
 * Zero-config: which Mattermost server and bot token the plugin uses, read from the OpenClaw
 * config's `channels.mattermost` the way the Mattermost channel plugin reads it (account values
 * override top-level ones; `defaultAccount` picks the account; `MATTERMOST_URL` /
 * `MATTERMOST_BOT_TOKEN` apply to the `default` account only), then the plugin's own overrides.
 * Pure: the environment comes in as an argument. Errors never contain the token.
 */

import { isRecord } from "../core/guards.ts";
import type { MattermostOverrides } from "./settings.ts";
import { httpUrl } from "./settings.ts";

export interface MattermostAccount {
  accountId: string;
  baseUrl: string;
  botToken: string;
}

export type AccountResult = { ok: true; account: MattermostAccount } | { ok: false; error: string };

type Obj = Record<string, unknown>;

const WHERE =
  "set channels.mattermost.baseUrl and botToken, or plugins.entries.live-status.config.mattermost";

/**
 * Resolves the account the boxes are posted with. `channels` is the OpenClaw config's `channels`
 * value (anything; only `mattermost` is read). Fails with a message that says which field is
 * missing or unusable and where to set it.
 */
export function resolveMattermostAccount(
  channels: unknown,
  overrides: MattermostOverrides,
  env: Readonly<Record<string, string | undefined>>,
): AccountResult {
  const mm = isRecord(channels) && isRecord(channels.mattermost) ? channels.mattermost : {};
  const accounts = isRecord(mm.accounts) ? mm.accounts : {};
  const accountId = overrides.accountId ?? pickAccount(mm, accounts);
  const account = accounts[accountId];
  if (overrides.accountId !== undefined && account === undefined && accountId !== "default")
    return {
      ok: false,
      error: `channels.mattermost.accounts has no account "${accountId}" (mattermost.accountId)`,
    };
  const own = isRecord(account) ? account : {};
  const prefix = isRecord(account) ? `channels.mattermost.accounts.${accountId}` : "channels.mattermost";

  let baseUrl: unknown = own.baseUrl ?? mm.baseUrl;
  let botToken: unknown = own.botToken ?? mm.botToken;
  if (accountId === "default") {
    baseUrl ??= env.MATTERMOST_URL;
    botToken ??= env.MATTERMOST_BOT_TOKEN;
  }
  if (overrides.baseUrl !== undefined) baseUrl = overrides.baseUrl;
  if (overrides.botToken !== undefined) botToken = overrides.botToken;

  if (baseUrl === undefined || baseUrl === "")
    return { ok: false, error: `no Mattermost base URL for account "${accountId}": ${WHERE}` };
  const url = typeof baseUrl === "string" ? httpUrl(baseUrl) : undefined;
  if (!url) return { ok: false, error: `${prefix}.baseUrl is not an http(s) URL` };
  if (botToken === undefined || botToken === "")
    return { ok: false, error: `no Mattermost bot token for account "${accountId}": ${WHERE}` };
  if (typeof botToken !== "string")
    return {
      ok: false,
      error: `${prefix}.botToken is a secret reference, which Live Status cannot read: set plugins.entries.live-status.config.mattermost.botToken`,
    };
  return { ok: true, account: { accountId, baseUrl: url, botToken: botToken.trim() } };
}

/** `defaultAccount`, else `default` when present, else the only account, else `default`. */
function pickAccount(mm: Obj, accounts: Obj): string {
  if (typeof mm.defaultAccount === "string" && mm.defaultAccount !== "") return mm.defaultAccount;
  const ids = Object.keys(accounts);
  if (ids.includes("default")) return "default";
  const [only] = ids;
  return ids.length === 1 && only !== undefined ? only : "default";
}
