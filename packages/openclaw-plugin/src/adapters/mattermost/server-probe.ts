/**
 * What a Mattermost server says about itself and a bot token, read without writing anything:
 * `GET /users/me` (token accepted, which user, a bot or not; the server version from `X-Version-Id`)
 * and `GET /plugins/webapp` (the active webapp plugins, listed to any signed-in user). Used by
 * `live-status doctor` and once at plugin start. Reasons name the server, never the token.
 */
import type { ServerFacts } from "../../config/install-checks.ts";

export type { ServerFacts };

export type ProbeResult =
  | { ok: true; facts: ServerFacts }
  | { ok: false; kind: "refused" | "unreachable"; reason: string };

export interface ProbeOptions {
  fetch?: typeof fetch;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
}

export async function probeServer(
  baseUrl: string,
  token: string,
  o: ProbeOptions = {},
): Promise<ProbeResult> {
  const doFetch = o.fetch ?? fetch;
  const base = `${baseUrl.replace(/\/+$/, "")}/api/v4`;
  const origin = new URL(baseUrl).origin;
  const get = (path: string) =>
    doFetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
  try {
    const me = await get("/users/me");
    if (me.status === 401 || me.status === 403)
      return {
        ok: false,
        kind: "refused",
        reason: `Mattermost at ${origin} refused the bot token (HTTP ${me.status})`,
      };
    if (!me.ok)
      return {
        ok: false,
        kind: "unreachable",
        reason: `Mattermost at ${origin} answered HTTP ${me.status} to /users/me`,
      };
    const user = (await me.json()) as { id?: unknown; username?: unknown; is_bot?: unknown };
    const version = versionOf(me.headers.get("x-version-id"));
    const plugins = await get("/plugins/webapp");
    let webappPlugins: ServerFacts["webappPlugins"];
    if (plugins.status === 501) webappPlugins = "disabled";
    else if (!plugins.ok)
      return {
        ok: false,
        kind: "unreachable",
        reason: `Mattermost at ${origin} answered HTTP ${plugins.status} to /plugins/webapp`,
      };
    else {
      const list = (await plugins.json()) as unknown;
      webappPlugins = Array.isArray(list)
        ? list.flatMap((m) => (typeof m?.id === "string" ? [m.id as string] : []))
        : [];
    }
    return {
      ok: true,
      facts: {
        ...(version !== undefined && { version }),
        user: {
          id: String(user.id ?? ""),
          username: String(user.username ?? ""),
          isBot: user.is_bot === true,
        },
        webappPlugins,
      },
    };
  } catch (error) {
    const why =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    return { ok: false, kind: "unreachable", reason: `cannot reach Mattermost at ${origin}: ${why}` };
  }
}

/** `10.11.0.10.11.0.abc.true` → `10.11.0`. */
function versionOf(header: string | null): string | undefined {
  const m = header ? /^(\d+\.\d+\.\d+)/.exec(header) : null;
  return m?.[1];
}
