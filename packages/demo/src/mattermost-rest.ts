/**
 * The few Mattermost API v4 calls the demo makes itself (people's messages on a real server, the
 * bot's answers). Box writes never go through here: they are the pipeline's job.
 */

/** The server answered with an error status; the message names the route, never the token. */
export class RestError extends Error {
  override name = "RestError";
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface RestConnection {
  url: string;
  token: string;
}

const TIMEOUT_MS = 10_000;

async function call<T>(c: RestConnection, method: string, path: string, body?: unknown): Promise<T> {
  const url = new URL(`api/v4${path}`, c.url.endsWith("/") ? c.url : `${c.url}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${c.token}`,
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause =
      error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : "";
    throw new RestError(0, `cannot reach ${url.origin}${cause ? `: ${cause}` : ""}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = "";
    try {
      const parsed = JSON.parse(text) as { id?: unknown };
      if (typeof parsed.id === "string") detail = ` (${parsed.id})`;
    } catch {
      // Not JSON: a proxy's page; the status says enough.
    }
    throw new RestError(res.status, `${method} ${url.pathname} answered ${res.status}${detail}`);
  }
  return JSON.parse(text) as T;
}

/** `GET /users/me`: who the token belongs to. */
export function getMe(c: RestConnection): Promise<{ id: string; username: string }> {
  return call(c, "GET", "/users/me");
}

/** `GET /channels/{id}`: checks the channel exists and the token may read it. */
export function getChannel(
  c: RestConnection,
  channelId: string,
): Promise<{ id: string; name: string; display_name: string }> {
  return call(c, "GET", `/channels/${encodeURIComponent(channelId)}`);
}

/** `POST /posts`: a message in a channel, or a reply when `rootId` is given. */
export function createPost(
  c: RestConnection,
  post: { channelId: string; message: string; rootId?: string },
): Promise<{ id: string }> {
  return call(c, "POST", "/posts", {
    channel_id: post.channelId,
    message: post.message,
    ...(post.rootId !== undefined && { root_id: post.rootId }),
  });
}
