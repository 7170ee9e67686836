import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MattermostApiError, MattermostNetworkError } from "../ports/mattermost-errors.ts";
import {
  CREATE_RETRY_WINDOW_MS,
  decideRetry,
  OBLIGATION_MAX_DELAY_MS,
  RETRY_DEFAULTS,
  type RetryOp,
} from "./retry-policy.ts";

const api = (status: number, extra: { code?: string; retryAfterMs?: number } = {}) =>
  new MattermostApiError({ status, method: "PUT", path: "/api/v4/posts/p1/patch", ...extra });
const reset = () =>
  new MattermostNetworkError({
    cause: Object.assign(new Error("socket"), { code: "ECONNRESET" }),
    method: "POST",
    path: "/api/v4/posts",
  });
const half = { random: () => 0.5 };
const ops: RetryOp[] = ["create", "edit", "delete", "read"];

describe("decideRetry", () => {
  it.each(ops)("waits exactly the Retry-After of a 429 on a %s", (op) => {
    expect(decideRetry(api(429, { retryAfterMs: 3_000 }), 1, op, half)).toEqual({
      retry: true,
      afterMs: 3_000,
    });
  });

  it("waits at least a second on a 429 that gave no Retry-After", () => {
    expect(decideRetry(api(429), 1, "edit", { random: () => 0 })).toEqual({ retry: true, afterMs: 1_000 });
  });

  it("gives up when the server asks for a wait longer than the limit", () => {
    expect(decideRetry(api(429, { retryAfterMs: 120_000 }), 1, "edit", half)).toEqual({
      retry: false,
      reason: "retry_after_too_long",
    });
  });

  it.each([500, 502, 503, 504])("backs off exponentially with jitter on %i", (status) => {
    const delays = [1, 2, 3, 4].map((n) => decideRetry(api(status), n, "edit", { random: () => 0 }));
    expect(delays).toEqual([250, 500, 1_000, 2_000].map((afterMs) => ({ retry: true, afterMs })));
    expect(decideRetry(api(status), 1, "edit", { random: () => 0.999999 })).toEqual({
      retry: true,
      afterMs: 500,
    });
  });

  it.each(ops)("retries a network error on a %s", (op) => {
    expect(decideRetry(reset(), 1, op, half)).toEqual({ retry: true, afterMs: 375 });
  });

  it.each([400, 401, 403, 404, 409, 413])("never retries a %i", (status) => {
    expect(decideRetry(api(status), 1, "edit", half)).toEqual({ retry: false, reason: "client_error" });
  });

  it("does not retry 501 Not Implemented or errors it does not know", () => {
    expect(decideRetry(api(501), 1, "read", half)).toEqual({ retry: false, reason: "not_retryable" });
    expect(decideRetry(new Error("bug"), 1, "read", half)).toEqual({ retry: false, reason: "not_retryable" });
  });

  it("decides from fields, not from message text", () => {
    const misleading = new MattermostApiError({
      status: 400,
      method: "POST",
      path: "/api/v4/posts",
      serverMessage: "429 Too Many Requests, 503, ECONNRESET",
    });
    expect(decideRetry(misleading, 1, "create", half)).toEqual({ retry: false, reason: "client_error" });
  });

  it("gives up after the allowed number of attempts", () => {
    expect(decideRetry(api(503), RETRY_DEFAULTS.maxAttempts - 1, "edit", half).retry).toBe(true);
    expect(decideRetry(api(503), RETRY_DEFAULTS.maxAttempts, "edit", half)).toEqual({
      retry: false,
      reason: "attempts_exhausted",
    });
    expect(decideRetry(api(429, { retryAfterMs: 10 }), 3, "edit", { ...half, maxAttempts: 3 }).retry).toBe(
      false,
    );
  });

  it("stops retrying a create before its back-offs could outlast the pending_post_id memory", () => {
    const generous = { random: () => 0.5, maxAttempts: 20, maxDelayMs: 8_000 };
    const createAt = (n: number) => decideRetry(reset(), n, "create", generous);
    const editAt = (n: number) => decideRetry(reset(), n, "edit", generous);
    let worstCase = 0;
    let n = 1;
    for (; createAt(n).retry; n++) worstCase += Math.min(8_000, 500 * 2 ** (n - 1));
    expect(worstCase).toBeLessThanOrEqual(CREATE_RETRY_WINDOW_MS);
    expect(createAt(n)).toEqual({ retry: false, reason: "dedupe_window" });
    expect(editAt(n).retry).toBe(true);
  });

  it("keeps every back-off within [step/2, step] and under the ceiling (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.constantFrom(...ops),
        (attempt, r, op) => {
          const d = decideRetry(api(503), attempt, op, { random: () => r });
          const step = Math.min(8_000, 500 * 2 ** (attempt - 1));
          expect(d.retry).toBe(true);
          if (d.retry) {
            expect(d.afterMs).toBeGreaterThanOrEqual(step / 2);
            expect(d.afterMs).toBeLessThanOrEqual(step);
          }
        },
      ),
    );
  });
});

describe("decideRetry for an obligation (a create or a final state)", () => {
  const duty = { random: () => 0, obligation: true };

  it.each([
    ["a 500", () => api(500)],
    ["a 503", () => api(503)],
    ["a connection reset", reset],
  ])("keeps retrying %s after any number of attempts, with back-offs capped", (_name, error) => {
    const delays = [1, 5, 20, 100, 10_000].map((n) => decideRetry(error(), n, "edit", duty));
    for (const d of delays) expect(d.retry).toBe(true);
    expect(delays.at(-1)).toEqual({ retry: true, afterMs: OBLIGATION_MAX_DELAY_MS / 2 });
    const worst = decideRetry(error(), 10_000, "create", { ...duty, random: () => 0.999999 });
    expect(worst).toEqual({ retry: true, afterMs: OBLIGATION_MAX_DELAY_MS });
  });

  it("waits out a Retry-After of any length", () => {
    expect(decideRetry(api(429, { retryAfterMs: 3_600_000 }), 50, "edit", duty)).toEqual({
      retry: true,
      afterMs: 3_600_000,
    });
  });

  it("keeps retrying a create past the pending_post_id memory (the publisher reconciles first)", () => {
    expect(decideRetry(reset(), 30, "create", duty).retry).toBe(true);
  });

  it("keeps retrying through a 401: a revoked or rotated token is fixed by a person, and the final must still land", () => {
    expect(decideRetry(api(401), 40, "edit", duty)).toMatchObject({ retry: true });
    expect(decideRetry(api(401), 1, "create", duty)).toMatchObject({ retry: true });
  });

  it("still gives up on what repeating cannot fix", () => {
    expect(decideRetry(api(400), 1, "edit", duty)).toEqual({ retry: false, reason: "client_error" });
    expect(decideRetry(new Error("bug"), 1, "edit", duty)).toEqual({ retry: false, reason: "not_retryable" });
  });
});
