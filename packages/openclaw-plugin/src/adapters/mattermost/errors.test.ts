import { describe, expect, it } from "vitest";
import { MattermostNetworkError } from "../../ports/mattermost-errors.ts";
import { apiErrorFromResponse, parseRetryAfter } from "./errors.ts";

const where = { method: "PUT", path: "/api/v4/posts/p1/patch", nowMs: 0 };

describe("parseRetryAfter", () => {
  it("reads delta seconds", () => {
    expect(parseRetryAfter("3", null, 0)).toBe(3_000);
    expect(parseRetryAfter("0.5", null, 0)).toBe(500);
  });

  it("measures an HTTP date against the response's own Date header", () => {
    const date = "Tue, 10 Sep 2015 11:20:28 GMT";
    expect(parseRetryAfter("Tue, 10 Sep 2015 11:20:31 GMT", date, 0)).toBe(3_000);
  });

  it("ignores an absent or unreadable value", () => {
    expect(parseRetryAfter(null, null, 0)).toBeUndefined();
    expect(parseRetryAfter("soon", null, 0)).toBeUndefined();
  });
});

describe("apiErrorFromResponse", () => {
  it("turns a plain-text 429 into a rate-limit error with Retry-After", async () => {
    const res = new Response("limit exceeded\n", {
      status: 429,
      headers: { "Content-Type": "text/plain", "Retry-After": "2", "X-RateLimit-Reset": "1" },
    });
    const error = await apiErrorFromResponse(res, where);
    expect(error).toMatchObject({ status: 429, code: undefined, retryAfterMs: 2_000, method: "PUT" });
  });

  it("falls back to X-RateLimit-Reset when a 429 has no Retry-After", async () => {
    const res = new Response("limit exceeded", { status: 429, headers: { "X-RateLimit-Reset": "1" } });
    expect((await apiErrorFromResponse(res, where)).retryAfterMs).toBe(1_000);
  });

  it("reads the AppError id and request id of a JSON error", async () => {
    const body = {
      id: "api.context.permissions.app_error",
      message: "You do not have the appropriate permissions.",
      request_id: "r123",
      status_code: 403,
    };
    const res = new Response(JSON.stringify(body), {
      status: 403,
      headers: { "Content-Type": "application/json" },
    });
    const error = await apiErrorFromResponse(res, where);
    expect(error).toMatchObject({ status: 403, code: body.id, requestId: "r123", retryAfterMs: undefined });
    expect(error.message).toBe(
      "Mattermost PUT /api/v4/posts/p1/patch failed with 403 (api.context.permissions.app_error)",
    );
  });

  it("never carries the token, even when a proxy echoes it", async () => {
    const res = new Response("bad header: Bearer sekret-token", { status: 400 });
    const error = await apiErrorFromResponse(res, { ...where, secret: "sekret-token" });
    expect(error.message).not.toContain("sekret-token");
    expect(error.message).toContain("[redacted]");
  });

  it("leaves server text intact when the secret is too short to be a token", async () => {
    const res = new Response(
      JSON.stringify({ id: "api.post.update_post.permissions_time_limit.app_error" }),
      {
        status: 400,
      },
    );
    const error = await apiErrorFromResponse(res, { ...where, secret: "t" });
    expect(error.code).toBe("api.post.update_post.permissions_time_limit.app_error");
  });
});

describe("MattermostNetworkError", () => {
  it("names the system error code found along the cause chain", () => {
    const cause = new TypeError("fetch failed", {
      cause: Object.assign(new Error("other side closed"), { code: "ECONNRESET" }),
    });
    const error = new MattermostNetworkError({ cause, method: "POST", path: "/api/v4/posts" });
    expect(error.errno).toBe("ECONNRESET");
    expect(error.message).toBe("Mattermost POST /api/v4/posts network error (ECONNRESET)");
  });
});
