/** Reading Mattermost's error answers into the typed errors of `ports/mattermost-errors.ts`. */
import { MattermostApiError } from "../../ports/mattermost-errors.ts";

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into ms. An HTTP date is measured against
 * the response's own `Date` header when present, so the local clock never needs to be epoch time.
 */
export function parseRetryAfter(
  value: string | null,
  dateHeader: string | null,
  nowMs: number,
): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  const serverNow = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  return Math.max(0, at - (Number.isNaN(serverNow) ? nowMs : serverNow));
}

/**
 * Builds the typed error from a non-2xx response: AppError JSON bodies give `code` and `requestId`;
 * a 429 without `Retry-After` falls back to `X-RateLimit-Reset` (seconds until the window resets).
 * `secret` (the token) is cut out of any server text we keep, in case a proxy echoes it.
 */
export async function apiErrorFromResponse(
  res: Response,
  o: { method: string; path: string; nowMs: number; secret?: string },
): Promise<MattermostApiError> {
  const { method, path, nowMs, secret } = o;
  let body = "";
  try {
    body = await res.text();
    // Real tokens are 26 characters; a very short "secret" would shred the text instead of protecting it.
    if (secret && secret.length >= 8) body = body.replaceAll(secret, "[redacted]");
  } catch {
    // The status alone is enough to decide what to do.
  }
  let code: string | undefined;
  let requestId = res.headers.get("x-request-id") ?? undefined;
  let serverMessage: string | undefined = body || undefined;
  if (body.startsWith("{")) {
    try {
      const parsed = JSON.parse(body) as { id?: unknown; message?: unknown; request_id?: unknown };
      if (typeof parsed.id === "string" && parsed.id) code = parsed.id;
      if (typeof parsed.message === "string") serverMessage = parsed.message;
      if (typeof parsed.request_id === "string" && parsed.request_id) requestId = parsed.request_id;
    } catch {
      // Not an AppError: keep the raw text.
    }
  }
  let retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), res.headers.get("date"), nowMs);
  if (retryAfterMs === undefined && res.status === 429) {
    const reset = Number(res.headers.get("x-ratelimit-reset"));
    if (Number.isFinite(reset) && reset > 0 && reset < 3600) retryAfterMs = reset * 1000;
  }
  return new MattermostApiError({
    status: res.status,
    method,
    path,
    code,
    retryAfterMs,
    requestId,
    serverMessage,
  });
}
