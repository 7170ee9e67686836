/**
 * What an OpenClaw config says about a Live Status install, as findings a person can act on: the
 * plugin entry, the hooks grant, OpenClaw's own Mattermost preview, and the Mattermost accounts.
 * Pure (the config and environment come in as arguments). `live-status doctor` prints these and the
 * plugin logs the ones that are not ok once at start, so both say the same thing in the same words.
 */
import type { MattermostAccount } from "./mattermost-account.ts";
import { resolveMattermostAccount } from "./mattermost-account.ts";
import type { MattermostOverrides } from "./settings.ts";

export const PLUGIN_ID = "live-status";

/** What a Mattermost server said about itself and a bot token (see adapters/mattermost/server-probe.ts). */
export interface ServerFacts {
  /** `X-Version-Id`'s first three parts (`10.11.0`), when the server sent it. */
  version?: string;
  user: { id: string; username: string; isBot: boolean };
  /** Ids of active webapp plugins; `disabled` when the server has plugins turned off (501). */
  webappPlugins: string[] | "disabled";
}

export type CheckStatus = "ok" | "warn" | "fail";

/** One line of `doctor`: what was found and, when it is not ok, the fix. */
export interface Finding {
  id: string;
  status: CheckStatus;
  summary: string;
  fix?: string;
}

type Obj = Record<string, unknown>;
const isObject = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);
/** The value at `path` in a parsed config, or undefined. */
export const at = (x: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), x);

export const HOOKS_FIX = `openclaw config set plugins.entries.${PLUGIN_ID}.hooks.allowConversationAccess true`;

/** The plugin's entry: present, enabled, not denied. `installedAt` is where the caller found it. */
export function pluginEntryFinding(config: unknown, installedAt: string | undefined): Finding {
  const id = "plugin";
  const entry = at(config, "plugins", "entries", PLUGIN_ID);
  const install = "npm run build, then openclaw plugins install dist/live-status-<version>.tgz";
  if (at(config, "plugins", "enabled") === false)
    return {
      id,
      status: "fail",
      summary: "plugins.enabled is false: OpenClaw loads no plugins",
      fix: "openclaw config set plugins.enabled true",
    };
  const deny = at(config, "plugins", "deny");
  if (Array.isArray(deny) && deny.includes(PLUGIN_ID))
    return {
      id,
      status: "fail",
      summary: `plugins.deny lists ${PLUGIN_ID}`,
      fix: `remove ${PLUGIN_ID} from plugins.deny`,
    };
  if (!installedAt)
    return {
      id,
      status: "fail",
      summary: "the Live Status plugin is not installed in this OpenClaw state directory",
      fix: install,
    };
  if (!isObject(entry))
    return {
      id,
      status: "fail",
      summary: `found at ${installedAt} but plugins.entries.${PLUGIN_ID} is missing`,
      fix: `openclaw plugins enable ${PLUGIN_ID}`,
    };
  if (entry.enabled === false)
    return {
      id,
      status: "fail",
      summary: `installed at ${installedAt} but disabled`,
      fix: `openclaw plugins enable ${PLUGIN_ID}`,
    };
  return { id, status: "ok", summary: `installed at ${installedAt}, enabled` };
}

/**
 * Without `hooks.allowConversationAccess`, OpenClaw withholds `before_model_resolve` and `agent_end`
 * from non-bundled plugins: runs then carry no trigger, so heartbeat and cron runs cannot be told
 * from a person's message.
 */
export function hooksFinding(config: unknown): Finding {
  if (at(config, "plugins", "entries", PLUGIN_ID, "hooks", "allowConversationAccess") === true)
    return { id: "hooks", status: "ok", summary: "conversation hooks allowed" };
  return {
    id: "hooks",
    status: "warn",
    summary: `plugins.entries.${PLUGIN_ID}.hooks.allowConversationAccess is not true: OpenClaw withholds the hooks that say what started a run, so heartbeat and cron runs cannot be told from a person's message`,
    fix: HOOKS_FIX,
  };
}

/** What people see besides the box, per `channels.mattermost.streaming.mode` (OpenClaw's default: partial). */
const PREVIEW_SEEN: Record<string, string> = {
  partial: "a second, growing draft of the answer beside the box (OpenClaw's default preview)",
  block: "the answer's completed blocks and tool activity as posts of their own beside the box",
  progress: "OpenClaw's own status draft beside the box until the answer",
};

function previewMode(streaming: unknown): string | undefined {
  if (streaming === undefined) return undefined;
  if (streaming === false) return "off";
  if (streaming === true) return "partial";
  if (typeof streaming === "string") return streaming;
  const mode = at(streaming, "mode");
  return typeof mode === "string" ? mode : undefined;
}

/** OpenClaw's Mattermost preview, for the top level and each account that sets its own. */
export function previewFindings(config: unknown): Finding[] {
  const mm = at(config, "channels", "mattermost");
  const top = previewMode(at(mm, "streaming")) ?? "partial";
  const accounts = at(mm, "accounts");
  const scopes: Array<{ path: string; mode: string }> = [{ path: "channels.mattermost", mode: top }];
  if (isObject(accounts))
    for (const [accountId, account] of Object.entries(accounts)) {
      const own = previewMode(at(account, "streaming"));
      if (own !== undefined && own !== top)
        scopes.push({ path: `channels.mattermost.accounts.${accountId}`, mode: own });
    }
  return scopes.map(({ path, mode }) => {
    const id = scopes.length > 1 ? `preview ${path}` : "preview";
    if (mode === "off")
      return {
        id,
        status: "ok",
        summary: `${path}.streaming.mode is off: the box is the only progress people see`,
      };
    const seen = PREVIEW_SEEN[mode] ?? `OpenClaw's "${mode}" preview beside the box`;
    return {
      id,
      status: "warn",
      summary: `${path}.streaming.mode is ${mode}: people see ${seen}`,
      fix: `openclaw config set ${path}.streaming.mode off`,
    };
  });
}

/** Account ids of `channels.mattermost`: its `accounts`, or the top-level `default` one. */
export function mattermostAccountIds(config: unknown): string[] {
  const accounts = at(config, "channels", "mattermost", "accounts");
  const ids = isObject(accounts) ? Object.keys(accounts) : [];
  return ids.length > 0 ? ids : ["default"];
}

export type AccountFinding = Finding & { account?: MattermostAccount };

/**
 * Each Mattermost account Live Status serves, resolved as the plugin resolves it: the one the plugin
 * settings pin (`mattermost.accountId`), else every account of `channels.mattermost`.
 */
export function accountFindings(
  config: unknown,
  overrides: MattermostOverrides,
  env: Readonly<Record<string, string | undefined>>,
): AccountFinding[] {
  const channels = at(config, "channels");
  const ids = overrides.accountId !== undefined ? [overrides.accountId] : mattermostAccountIds(config);
  return ids.map((accountId) => {
    const id = `account ${accountId}`;
    const resolved = resolveMattermostAccount(channels, { ...overrides, accountId }, env);
    if (!resolved.ok)
      return {
        id,
        status: "fail",
        summary: resolved.error,
        fix: "openclaw config set channels.mattermost.baseUrl <URL>, and channels.mattermost.botToken <TOKEN>",
      };
    return { id, status: "ok", summary: `${resolved.account.baseUrl}`, account: resolved.account };
  });
}

/**
 * A gateway with several Mattermost accounts: each run's box goes through the account its message
 * came in on; runs with no message (cron, heartbeat) use the default one. A pinned account
 * (`mattermost.accountId`) takes every box.
 */
export function accountsServedFinding(config: unknown, overrides: MattermostOverrides): Finding | undefined {
  const ids = mattermostAccountIds(config);
  if (ids.length < 2) return undefined;
  const preferred = at(config, "channels", "mattermost", "defaultAccount");
  const fallback =
    typeof preferred === "string" && preferred !== ""
      ? preferred
      : ids.includes("default")
        ? "default"
        : undefined;
  const list = `${ids.length} accounts (${ids.join(", ")})`;
  if (overrides.accountId !== undefined) {
    const others = ids.filter((id) => id !== overrides.accountId);
    return {
      id: "accounts",
      status: "warn",
      summary: `channels.mattermost has ${list}; the settings pin ${overrides.accountId}, so runs that come in on ${others.join(", ")} get their box from ${overrides.accountId}'s bot`,
      fix: "remove plugins.entries.live-status.config.mattermost.accountId to give each run its own account's box",
    };
  }
  if (fallback === undefined)
    return {
      id: "accounts",
      status: "fail",
      summary: `channels.mattermost has ${list} and none is the default: Live Status cannot tell which account posts the boxes of cron and heartbeat runs`,
      fix: "openclaw config set channels.mattermost.defaultAccount <id>",
    };
  return {
    id: "accounts",
    status: "ok",
    summary: `${list}: each run's box goes through the account its message came in on; other runs use ${fallback}`,
  };
}

/** The accounts besides `served` that resolve; one that does not is logged and left out. */
export function otherAccounts(
  config: unknown,
  served: string,
  env: Readonly<Record<string, string | undefined>>,
  log: { warn(msg: string): void },
): MattermostAccount[] {
  const ids = mattermostAccountIds(config).filter((id) => id !== served);
  const channels = at(config, "channels");
  return ids.flatMap((accountId) => {
    const r = resolveMattermostAccount(channels, { accountId }, env);
    if (r.ok) return [r.account];
    log.warn(`${r.error}; runs that come in on account ${accountId} get no box`);
    return [];
  });
}

/** What the server said about an account: its bot and version; and the webapp plugin on that server. */
export function serverFactFindings(account: MattermostAccount, facts: ServerFacts): [Finding, Finding] {
  const { user, version, webappPlugins } = facts;
  const who = `@${user.username}${user.isBot ? " (a bot)" : " (a user, not a bot)"}`;
  const accountFinding: Finding = {
    id: `account ${account.accountId}`,
    status: user.isBot ? "ok" : "warn",
    summary: `${account.baseUrl}: token accepted as ${who}, Mattermost ${version ?? "(version not reported)"}; new boxes are posted with ?silent=true, without a notification where the server supports it`,
    ...(!user.isBot && { fix: "use a bot account's token, so the boxes are marked as a bot's posts" }),
  };
  return [accountFinding, webappFinding(new URL(account.baseUrl).origin, webappPlugins)];
}

export function webappFinding(origin: string, plugins: string[] | "disabled"): Finding {
  const id = `webapp ${origin}`;
  const fix =
    "npm run build, then upload packages/webapp/dist/live-status-webapp.tar.gz in System Console → Plugins and enable it";
  if (plugins === "disabled")
    return {
      id,
      status: "warn",
      summary:
        "plugins are disabled on this server: every client shows the box as a compact markdown summary",
      fix: "enable plugins (PluginSettings.Enable), then upload the webapp plugin",
    };
  if (plugins.includes(PLUGIN_ID))
    return {
      id,
      status: "ok",
      summary: "the Live Status webapp plugin is active: the web app draws the box",
    };
  return {
    id,
    status: "warn",
    summary:
      "the Live Status webapp plugin is not active: clients show the box as a compact markdown summary",
    fix,
  };
}

/** The findings the plugin logs at start, from the config alone. */
export function startupFindings(config: unknown, overrides: MattermostOverrides = {}): Finding[] {
  const accounts = accountsServedFinding(config, overrides);
  return [hooksFinding(config), ...(accounts ? [accounts] : []), ...previewFindings(config)];
}

/** `hooks: … . Fix: …` — what the plugin logs. */
export function findingMessage(f: Finding): string {
  return `${f.id}: ${f.summary}${f.fix && f.status !== "ok" ? `. Fix: ${f.fix}` : ""}`;
}

/** One line of `doctor`: `warn hooks: … Fix: …`. */
export function findingLine(f: Finding): string {
  return `${(f.status === "fail" ? "FAIL" : f.status).padEnd(4)} ${findingMessage(f)}`;
}
