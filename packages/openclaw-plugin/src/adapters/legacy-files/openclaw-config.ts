/**
 * Reads the Mattermost settings of an OpenClaw install from its config file (`$OPENCLAW_CONFIG_PATH`,
 * else `<stateDir>/openclaw.json`): `channels.mattermost.baseUrl` and `botToken`, or those of its
 * `default` (or only) account. The file is JSON5 as people edit it; the subset read is documented in
 * {@link json5ToJson}. Token values may be `${ENV}` references or `{ "source": "env", "id": … }`.
 * The token is returned, never logged.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseJson5ish } from "./json-text.ts";

export interface OpenClawMattermost {
  /** The config file looked at. */
  path: string;
  /** False when there is no config file there. */
  found: boolean;
  url?: string;
  token?: string;
  /** What could not be used, without values. */
  problems: string[];
}

export function openClawConfigPath(home: string, env: Record<string, string | undefined>): string {
  return env.OPENCLAW_CONFIG_PATH || join(home, "openclaw.json");
}

export async function readOpenClawMattermost(
  path: string,
  env: Record<string, string | undefined>,
): Promise<OpenClawMattermost> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { path, found: false, problems: [] };
    return { path, found: false, problems: [`cannot read it (${code ?? "error"})`] };
  }
  const parsed = parseJson5ish(text);
  if (!parsed.ok) return { path, found: true, problems: [`cannot parse it: ${parsed.reason}`] };
  return { path, found: true, ...mattermostOf(parsed.value, env) };
}

/** The Mattermost base URL and bot token a parsed OpenClaw config names. Pure. */
export function mattermostOf(
  config: unknown,
  env: Record<string, string | undefined>,
): { url?: string; token?: string; problems: string[] } {
  const problems: string[] = [];
  const mm = record(record(record(config)?.channels)?.mattermost);
  if (!mm) return { problems: ["no channels.mattermost section"] };
  const accounts = record(mm.accounts);
  const accountIds = accounts ? Object.keys(accounts) : [];
  const account =
    record(accounts?.default) ??
    (accountIds.length === 1 ? record(accounts?.[accountIds[0] as string]) : undefined);
  const url = resolve(mm.baseUrl ?? account?.baseUrl, "baseUrl", env, problems);
  const token = resolve(mm.botToken ?? account?.botToken, "botToken", env, problems);
  if (!account && accountIds.length > 1 && (url === undefined || token === undefined)) {
    problems.push(
      `several accounts (${accountIds.join(", ")}) and none is "default": pass --mattermost-url and --token`,
    );
  }
  return { ...(url !== undefined && { url }), ...(token !== undefined && { token }), problems };
}

function resolve(
  value: unknown,
  name: string,
  env: Record<string, string | undefined>,
  problems: string[],
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    const ref = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value.trim());
    if (!ref) return value.trim() || undefined;
    const fromEnv = env[ref[1] as string];
    if (!fromEnv) problems.push(`${name} refers to $${ref[1]}, which is not set`);
    return fromEnv || undefined;
  }
  const ref = record(value);
  if (ref?.source === "env" && typeof ref.id === "string") {
    const fromEnv = env[ref.id];
    if (!fromEnv) problems.push(`${name} refers to $${ref.id}, which is not set`);
    return fromEnv || undefined;
  }
  problems.push(`${name} is a kind of secret reference live-status cannot resolve`);
  return undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}
