import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSessionIndex, routeOfEntry } from "./session-index.ts";

const fixture = fileURLToPath(new URL("../../../test/fixtures/legacy/sessions.json", import.meta.url));

describe("parseSessionIndex", () => {
  it("reads a recorded sessions.json: files, and routes only for Mattermost conversations", () => {
    const parsed = parseSessionIndex(readFileSync(fixture, "utf8"));
    if (!parsed.ok) throw new Error(parsed.reason);
    const byKey = Object.fromEntries(parsed.entries.map((e) => [e.key, e]));
    expect(byKey["agent:main:mattermost:channel:ujzde8gxd6ncf10epf91dhodzd"]).toMatchObject({
      sessionId: "5f0c2a9e-1b7d-4c35-9a51-0d7b1f3e8c42",
      sessionFile: expect.stringMatching(/5f0c2a9e-1b7d-4c35-9a51-0d7b1f3e8c42\.jsonl$/),
      route: { channelId: "ujzde8gxd6ncf10epf91dhodzd" },
    });
    expect(byKey["agent:main:main"]?.route).toEqual({ dmUserId: "w53efr4edt2sywb3wkh5dnsipz" });
    expect(
      byKey["agent:main:mattermost:channel:oc9is0j8ht9lgmxg9edn581u33:thread:xtplpft75v2seh60kvj50ce9uv"]
        ?.route,
    ).toEqual({
      channelId: "oc9is0j8ht9lgmxg9edn581u33",
      rootId: "xtplpft75v2seh60kvj50ce9uv",
    });
    expect(byKey["agent:main:telegram:direct:42"]?.route).toBeNull();
    expect(parsed.skipped).toEqual([{ key: "agent:main:broken", reason: "missing or unusable sessionId" }]);
  });

  it.each([
    ["", "empty file"],
    ["[]", "not a JSON object"],
    ['{"agent:main:main": {"sessionId": "a", "token": "sk-live-SECRET"', "invalid JSON"],
  ])("refuses %j as a whole, without quoting it", (text, reason) => {
    const parsed = parseSessionIndex(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toContain(reason);
      expect(parsed.reason).not.toContain("SECRET");
    }
  });

  it("refuses a sessionId that would leave the sessions directory", () => {
    const parsed = parseSessionIndex(JSON.stringify({ k: { sessionId: "../../etc/passwd" } }));
    expect(parsed.ok && parsed.skipped).toEqual([{ key: "k", reason: "missing or unusable sessionId" }]);
  });
});

describe("routeOfEntry", () => {
  it("falls back to lastTo and lastThreadId when there is no deliveryContext", () => {
    expect(routeOfEntry({ lastChannel: "mattermost", lastTo: "channel:c1", lastThreadId: "root1" })).toEqual({
      channelId: "c1",
      rootId: "root1",
    });
  });

  it("does not mix a stored context with another route's thread", () => {
    expect(routeOfEntry({ deliveryContext: { to: "user:u1" }, lastThreadId: "root9" })).toEqual({
      dmUserId: "u1",
    });
  });

  it("names no route for other channels or shapes it cannot read", () => {
    expect(routeOfEntry({ lastChannel: "slack", lastTo: "channel:c1" })).toBeNull();
    expect(routeOfEntry({ deliveryContext: { to: "mattermost:c1" } })).toBeNull();
    expect(routeOfEntry({})).toBeNull();
  });
});
