import { describe, expect, it } from "vitest";
import { dispatch, type ServerSetup } from "./dispatch.ts";
import type { Route } from "./routes.ts";
import { MattermostState } from "./state.ts";
import type { MatchableRequest } from "./types.ts";

const state = new MattermostState(() => 0, 16383);
const bot = state.addUser("bot", { isBot: true });
const setup: ServerSetup = { state, version: "10.11.0", deleteMissingPostStatus: 404 };
const request = (method: string, path: string, o: Partial<MatchableRequest> = {}): MatchableRequest => ({
  method,
  path,
  query: {},
  body: undefined,
  ...o,
});

describe("dispatch", () => {
  it("answers a served route as JSON with the request id and the server version", () => {
    const answer = dispatch(request("GET", "/api/v4/users/me"), bot, "req-1", setup);
    expect(answer.status).toBe(200);
    expect(answer.parsed).toMatchObject({ id: bot.id, username: "bot" });
    expect(answer.headers).toEqual({
      "content-type": "application/json",
      "x-request-id": "req-1",
      "x-version-id": "10.11.0.10.11.0.fake.false",
    });
  });

  it("prefers the most specific template when several match, whatever their order", () => {
    const answering =
      (status: number): Route["handle"] =>
      () => ({ status, json: {} });
    const routes: Route[] = [
      { method: "GET", template: "/api/v4/things/{thing_id}", handle: answering(200) },
      { method: "GET", template: "/api/v4/things/special", handle: answering(201) },
    ];
    const req = request("GET", "/api/v4/things/special");
    expect(dispatch(req, bot, "r", setup, routes).status).toBe(201);
    expect(dispatch(req, bot, "r", setup, routes.toReversed()).status).toBe(201);
    expect(dispatch(request("GET", "/api/v4/things/other"), bot, "r", setup, routes).status).toBe(200);
  });

  it("answers the server's 404 for an unrouted path or method", () => {
    for (const req of [request("GET", "/api/v4/teams"), request("PATCH", "/api/v4/users/me")]) {
      const answer = dispatch(req, bot, "r", setup);
      expect(answer.status).toBe(404);
      expect(answer.parsed).toMatchObject({ id: "api.context.404.app_error", request_id: "r" });
    }
  });

  it("hands the route its path parameters, query and body", () => {
    const seen: unknown[] = [];
    const routes: Route[] = [
      {
        method: "PUT",
        template: "/api/v4/things/{thing_id}",
        handle: (ctx) => {
          seen.push(ctx.params, ctx.query.get("x"), ctx.body, ctx.actor.id, ctx.deleteMissingPostStatus);
          return { status: 202, json: { ok: true } };
        },
      },
    ];
    const req = request("PUT", "/api/v4/things/a%20b", { query: { x: "1" }, body: { y: 2 } });
    expect(dispatch(req, bot, "r", setup, routes).status).toBe(202);
    expect(seen).toEqual([{ thing_id: "a b" }, "1", { y: 2 }, bot.id, 404]);
  });

  it("turns a route that throws into a 500 naming the fake's bug", () => {
    const routes: Route[] = [
      {
        method: "GET",
        template: "/api/v4/broken",
        handle: () => {
          throw new Error("boom");
        },
      },
    ];
    const answer = dispatch(request("GET", "/api/v4/broken"), bot, "r", setup, routes);
    expect(answer.status).toBe(500);
    expect(answer.parsed).toMatchObject({ id: "fake.internal_error", detailed_error: "boom" });
  });
});
