import type { IncomingHttpHeaders } from "node:http";
import type { StoredUser } from "./state.ts";

/** What authentication reads of a request. */
export interface Credentials {
  method?: string | undefined;
  headers: IncomingHttpHeaders;
}

/** The token of an `Authorization: Bearer|Token <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^(?:bearer|token)\s+(\S+)$/i.exec(header?.trim() ?? "");
  return m?.[1];
}

/**
 * Who sent a request: the bearer token's user, or a browser session's (the `MMAUTHTOKEN` cookie).
 * As on the server, a cookie counts only with `X-Requested-With: XMLHttpRequest`, and a write with it
 * only with the session's `X-CSRF-Token` (strict CSRF enforcement); otherwise nobody.
 */
export function requestActor(
  req: Credentials,
  userByToken: (token: string) => StoredUser | undefined,
): StoredUser | undefined {
  const token = bearerToken(req.headers.authorization);
  if (token) return userByToken(token);
  const cookie = cookieValue(req.headers.cookie, "MMAUTHTOKEN");
  if (!cookie || req.headers["x-requested-with"] !== "XMLHttpRequest") return undefined;
  const user = userByToken(cookie);
  if (user && req.method !== "GET" && req.headers["x-csrf-token"] !== user.csrf) return undefined;
  return user;
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=") || undefined;
  }
  return undefined;
}
