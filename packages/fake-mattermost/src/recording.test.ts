import { describe, expect, it } from "vitest";
import { jsonAnswer } from "./http-answers.ts";
import { Recording } from "./recording.ts";
import type { PublishedEvent } from "./types.ts";

function recording() {
  let t = 1_000;
  const rec = new Recording(() => t);
  return { rec, tick: () => t++ };
}

const get = (url: string, headers: Record<string, string> = {}) => ({ method: "GET", url, headers });

describe("the request log", () => {
  it("records an arriving request with its path, query, parsed body, masked credentials and clock time", () => {
    const { rec } = recording();
    rec.arrived(
      {
        method: "POST",
        url: "/api/v4/posts?silent=true",
        headers: { authorization: "Bearer secret", cookie: "MMAUTHTOKEN=secret", "x-a": "1" },
      },
      '{"message":"hi"}',
    );
    expect(rec.requests()).toEqual([
      {
        seq: 0,
        method: "POST",
        path: "/api/v4/posts",
        query: { silent: "true" },
        body: { message: "hi" },
        headers: { authorization: "Bearer ***", cookie: "***", "x-a": "1" },
        status: 0,
        responseBody: undefined,
        responseHeaders: {},
        faults: [],
        at: 1_000,
      },
    ]);
  });

  it("keeps a non-JSON body as text and an empty one as undefined", () => {
    const { rec } = recording();
    rec.arrived({ method: "PUT", url: "/x", headers: {} }, "not json");
    rec.arrived(get("/y"), "");
    expect(rec.requests().map((r) => r.body)).toEqual(["not json", undefined]);
  });

  it("adds the answer's status, headers and parsed body once answered", () => {
    const { rec } = recording();
    const entry = rec.arrived(get("/api/v4/users/me"), "");
    rec.answered(entry, jsonAnswer(200, { id: "u" }, "req-1", "10.11.0"));
    expect(rec.requests()[0]).toMatchObject({
      status: 200,
      responseBody: { id: "u" },
      responseHeaders: { "x-request-id": "req-1" },
    });
  });

  it("hands out copies and keeps counting sequence numbers across a clear", () => {
    const { rec, tick } = recording();
    rec.arrived(get("/a"), "");
    const copy = rec.requests();
    (copy[0] as { path: string }).path = "/changed";
    expect(rec.requests()[0]?.path).toBe("/a");
    rec.clearRequests();
    expect(rec.requests()).toEqual([]);
    tick();
    rec.arrived(get("/b"), "");
    expect(rec.requests()).toMatchObject([{ seq: 1, path: "/b", at: 1_001 }]);
  });
});

describe("the event record", () => {
  it("keeps each event as it was when published", () => {
    const { rec } = recording();
    const event: PublishedEvent = {
      event: "posted",
      data: { post: "{}" },
      broadcast: {
        omit_users: null,
        user_id: "",
        channel_id: "c",
        team_id: "",
        connection_id: "",
        omit_connection_id: "",
      },
    };
    rec.eventPublished(event);
    event.data.post = "changed";
    expect(rec.events()).toMatchObject([{ event: "posted", data: { post: "{}" } }]);
  });
});
