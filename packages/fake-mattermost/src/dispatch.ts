import { NOT_FOUND_ROUTE } from "./app-error.ts";
import { type Answer, errorAnswer, jsonAnswer } from "./http-answers.ts";
import { bestTemplate, matchTemplate } from "./path-template.ts";
import { ROUTES, type Route, type RouteResult } from "./routes.ts";
import type { MattermostState, StoredUser } from "./state.ts";
import type { MatchableRequest } from "./types.ts";

/** What every answer of one fake server shares. */
export interface ServerSetup {
  state: MattermostState;
  /** Server version in `X-Version-Id`. */
  version: string;
  deleteMissingPostStatus: 403 | 404;
}

/**
 * Answers an authenticated request from the route table: the most specific matching template wins,
 * anything unrouted is the server's 404, and a handler that throws is a 500 naming the fake's bug.
 */
export function dispatch(
  req: MatchableRequest,
  actor: StoredUser,
  requestId: string,
  setup: ServerSetup,
  routes: readonly Route[] = ROUTES,
): Answer {
  const { version } = setup;
  const candidates = routes.filter((r) => r.method === req.method);
  const template = bestTemplate(
    candidates.map((r) => r.template),
    req.path,
  );
  const found = candidates.find((r) => r.template === template);
  if (!found || template === undefined) return errorAnswer(NOT_FOUND_ROUTE, requestId, version);
  let result: RouteResult;
  try {
    result = found.handle({
      state: setup.state,
      actor,
      params: matchTemplate(template, req.path) ?? {},
      query: new URLSearchParams(req.query),
      body: req.body,
      deleteMissingPostStatus: setup.deleteMissingPostStatus,
    });
  } catch (err) {
    const detailed = err instanceof Error ? err.message : String(err);
    return errorAnswer(
      { status: 500, id: "fake.internal_error", message: "Fake server bug.", detailed },
      requestId,
      version,
    );
  }
  return "error" in result
    ? errorAnswer(result.error, requestId, version)
    : jsonAnswer(result.status, result.json, requestId, version);
}
