import type { Clock } from "../../ports/clock.ts";
import type {
  MattermostChannel,
  MattermostClient,
  MattermostPost,
  MattermostUser,
  RequestContext,
} from "../../ports/mattermost.ts";
import { MattermostApiError, MattermostNetworkError } from "../../ports/mattermost-errors.ts";
import { systemClock } from "../../runtime/clock.ts";
import { RateBudget } from "../../runtime/rate-budget.ts";
import { apiErrorFromResponse } from "./errors.ts";

export interface MattermostClientOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** The token's shared budget; a private one (5 req/s, burst 5) when omitted. */
  budget?: RateBudget;
  clock?: Clock;
  /** Real-time limit for one request, body included. Default 30 s. */
  requestTimeoutMs?: number;
}

/**
 * A thin client over `fetch`: each call is one HTTP request that first takes a slot from the rate
 * budget, and fails with {@link MattermostApiError} or {@link MattermostNetworkError}. It never
 * retries (the box publisher does, with the retry policy); on a 429 it blocks the whole budget until
 * `Retry-After` has passed, so no request with this token goes early.
 *
 * Silent creates: the first `createPost(…, { silent: true })` sends `?silent=true`; if the server
 * rejects that with 400 or 501 and the same create without it succeeds, the client remembers that
 * the server has no silent posts and stops asking (the only call that can make two requests).
 */
export function createMattermostClient(o: MattermostClientOptions): MattermostClient {
  const doFetch = o.fetch ?? fetch;
  const clock = o.clock ?? systemClock;
  const budget = o.budget ?? new RateBudget({ clock });
  const base = o.baseUrl.replace(/\/+$/, "");
  const timeoutMs = o.requestTimeoutMs ?? 30_000;
  let silentSupported: boolean | undefined;

  async function request<T>(
    method: string,
    route: string,
    body?: unknown,
    context?: RequestContext,
  ): Promise<T> {
    const path = `/api/v4${route}`;
    await budget.acquire(context);
    const headers: Record<string, string> = {
      Authorization: `Bearer ${o.token}`,
      Accept: "application/json",
      "X-Requested-With": "XMLHttpRequest",
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await doFetch(base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: timeout,
      });
      if (!res.ok) {
        const error = await apiErrorFromResponse(res, { method, path, nowMs: clock.now(), secret: o.token });
        if (error.status === 429) budget.blockUntil(clock.now() + (error.retryAfterMs ?? 1_000));
        throw error;
      }
      text = await res.text();
    } catch (error) {
      if (error instanceof MattermostApiError) throw error;
      throw new MattermostNetworkError({ cause: error, method, path, timedOut: timeout.aborted });
    }
    if (text === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      // A cut or mangled 2xx body (a proxy, a reset mid-body) is as good as no answer.
      throw new MattermostNetworkError({ cause: error, method, path });
    }
  }

  const id = (value: string) => encodeURIComponent(value);

  return {
    getMe: () => request<MattermostUser>("GET", "/users/me"),

    async createPost(input, options) {
      const context = options?.request;
      if (!options?.silent || silentSupported === false)
        return request<MattermostPost>("POST", "/posts", input, context);
      try {
        const post = await request<MattermostPost>("POST", "/posts?silent=true", input, context);
        silentSupported = true;
        return post;
      } catch (error) {
        const refusedFlag =
          silentSupported === undefined &&
          error instanceof MattermostApiError &&
          (error.status === 400 || error.status === 501);
        if (!refusedFlag) throw error;
        const post = await request<MattermostPost>("POST", "/posts", input, context);
        silentSupported = false;
        return post;
      }
    },

    patchPost: (postId, patch, context) =>
      request<MattermostPost>(
        "PUT",
        `/posts/${id(postId)}/patch`,
        { message: patch.message, props: patch.props },
        context,
      ),

    async deletePost(postId, context) {
      await request<unknown>("DELETE", `/posts/${id(postId)}`, undefined, context);
    },

    getPost: (postId) => request<MattermostPost>("GET", `/posts/${id(postId)}`),

    createDirectChannel: (userA, userB) =>
      request<MattermostChannel>("POST", "/channels/direct", [userA, userB]),

    getChannel: (channelId) => request<MattermostChannel>("GET", `/channels/${id(channelId)}`),
  };
}
