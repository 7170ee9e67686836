/**
 * The two ways a Mattermost request fails: the server answered with an error
 * ({@link MattermostApiError}) or no usable answer came back ({@link MattermostNetworkError}).
 * Both carry the fields a retry decision needs, so nothing ever parses message text.
 * Messages name the method and path only; the token is never part of them.
 */

/** Mattermost answered with a non-2xx status. */
export class MattermostApiError extends Error {
  override readonly name = "MattermostApiError";
  readonly status: number;
  /** The AppError `id` (e.g. `api.context.permissions.app_error`); undefined for plain-text bodies such as a 429. */
  readonly code: string | undefined;
  /** Wait the server asked for (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;
  readonly method: string;
  readonly path: string;
  readonly requestId: string | undefined;

  constructor(o: {
    status: number;
    code?: string;
    retryAfterMs?: number;
    method: string;
    path: string;
    requestId?: string;
    serverMessage?: string;
  }) {
    const detail = o.code ?? o.serverMessage?.slice(0, 200) ?? "";
    super(`Mattermost ${o.method} ${o.path} failed with ${o.status}${detail ? ` (${detail})` : ""}`);
    this.status = o.status;
    this.code = o.code;
    this.retryAfterMs = o.retryAfterMs;
    this.method = o.method;
    this.path = o.path;
    this.requestId = o.requestId;
  }
}

/** The request failed before a complete answer arrived (refused, reset, timed out, unreadable body). */
export class MattermostNetworkError extends Error {
  override readonly name = "MattermostNetworkError";
  override readonly cause: unknown;
  readonly method: string;
  readonly path: string;
  /** System error code of the cause, e.g. `ECONNRESET`, when there is one. */
  readonly errno: string | undefined;
  readonly timedOut: boolean;

  constructor(o: { cause: unknown; method: string; path: string; timedOut?: boolean }) {
    const errno = systemErrorCode(o.cause);
    const what = o.timedOut ? "timed out" : `network error${errno ? ` (${errno})` : ""}`;
    super(`Mattermost ${o.method} ${o.path} ${what}`);
    this.cause = o.cause;
    this.method = o.method;
    this.path = o.path;
    this.errno = errno;
    this.timedOut = o.timedOut ?? false;
  }
}

/** Finds a Node system error code (`ECONNRESET`, `UND_ERR_SOCKET`…) along a `cause` chain. */
function systemErrorCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
