import { describe, expect, it } from "vitest";
import { bearerToken, cookieValue, requestActor } from "./auth.ts";
import { MattermostState } from "./state.ts";

const state = new MattermostState(() => 0, 16383);
const carol = state.addUser("carol");
const byToken = (token: string) => state.userByToken(token);
const browser = { cookie: `MMAUTHTOKEN=${carol.token}`, "x-requested-with": "XMLHttpRequest" };

describe("bearer tokens", () => {
  it.each([
    ["Bearer abc", "abc"],
    ["token abc", "abc"],
    ["  BEARER abc  ", "abc"],
    ["Basic abc", undefined],
    ["Bearer", undefined],
    ["Bearer a b", undefined],
    [undefined, undefined],
  ])("reads %j as %j", (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe("cookies", () => {
  it("finds a cookie among others, keeps '=' inside its value and treats an empty one as absent", () => {
    expect(cookieValue("a=1; MMAUTHTOKEN=x=y; b=2", "MMAUTHTOKEN")).toBe("x=y");
    expect(cookieValue("MMAUTHTOKEN=", "MMAUTHTOKEN")).toBeUndefined();
    expect(cookieValue(undefined, "MMAUTHTOKEN")).toBeUndefined();
  });
});

describe("the request's actor", () => {
  it("is the bearer token's user, and nobody for an unknown token", () => {
    expect(
      requestActor({ method: "POST", headers: { authorization: `Bearer ${carol.token}` } }, byToken),
    ).toBe(carol);
    expect(
      requestActor({ method: "GET", headers: { authorization: "Bearer nope" } }, byToken),
    ).toBeUndefined();
  });

  it("prefers the bearer token over a session cookie", () => {
    const headers = { ...browser, authorization: "Bearer nope" };
    expect(requestActor({ method: "GET", headers }, byToken)).toBeUndefined();
  });

  it("is the session's user for a read with the cookie and X-Requested-With", () => {
    expect(requestActor({ method: "GET", headers: browser }, byToken)).toBe(carol);
    expect(requestActor({ method: "GET", headers: { cookie: browser.cookie } }, byToken)).toBeUndefined();
  });

  it("is the session's user for a write only with its CSRF token", () => {
    const write = (csrf: string | undefined) =>
      requestActor({ method: "PUT", headers: { ...browser, "x-csrf-token": csrf } }, byToken);
    expect(write(carol.csrf)).toBe(carol);
    expect(write("forged")).toBeUndefined();
    expect(write(undefined)).toBeUndefined();
  });
});
