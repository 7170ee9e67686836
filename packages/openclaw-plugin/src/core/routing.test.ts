import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Conversation } from "./conversation.ts";
import {
  conversationTarget,
  isMattermostId,
  isPlausibleId,
  resolveRoute,
  routeFromDelivery,
  routeFromEvent,
  routeFromSessionKey,
} from "./routing.ts";

const C = "ujzde8gxd6ncf10epf91dhodzd"; // real-shaped ids
const R = "xtplpft75v2seh60kvj50ce9uv";
const U = "w53efr4edt2sywb3wkh5dnsipz";

describe("routeFromSessionKey: keys that name a Mattermost conversation", () => {
  it.each<[string, Conversation, string?]>([
    [`agent:main:mattermost:channel:${C}`, { kind: "channel", channelId: C }],
    [`agent:main:mattermost:group:${C}`, { kind: "channel", channelId: C }],
    [`agent:main:mattermost:channel:${C}:thread:${R}`, { kind: "channel", channelId: C, rootId: R }],
    [`agent:main:mattermost:group:${C}:thread:${R}`, { kind: "channel", channelId: C, rootId: R }],
    [`agent:main:direct:${U}`, { kind: "dm", userId: U }],
    [`agent:main:mattermost:direct:${U}`, { kind: "dm", userId: U }],
    [`agent:main:mattermost:work:direct:${U}`, { kind: "dm", userId: U }, "work"],
    [`agent:main:mattermost:direct:${U}:thread:${R}`, { kind: "dm", userId: U, rootId: R }],
    [`agent:main:mattermost:dm:${U}`, { kind: "dm", userId: U }],
    [`agent:main:dm:${U}`, { kind: "dm", userId: U }],
    [`agent:main:mattermost:work:channel:${C}`, { kind: "channel", channelId: C }, "work"],
    ["agent:ops:mattermost:channel:chan1", { kind: "channel", channelId: "chan1" }],
    [
      "agent:ops:mattermost:channel:chan1:thread:root1",
      { kind: "channel", channelId: "chan1", rootId: "root1" },
    ],
  ])("routes %s", (key, conversation, accountId) => {
    const expected =
      accountId === undefined ? { ok: true, conversation } : { ok: true, conversation, accountId };
    expect(routeFromSessionKey(key)).toEqual(expected);
  });
});

describe("routeFromSessionKey: keys with no route of their own", () => {
  it.each([
    ["agent:main:main", "collapsed"],
    ["agent:work:main", "collapsed"],
    ["agent:main:home", "collapsed"], // a custom session.mainKey
    [`agent:main:main:thread:${R}`, "collapsed"],
    ["agent:main:subagent:0f3c2b1a-9d8e-4f7a-b6c5-d4e3f2a1b0c9", "subagent"],
    ["agent:main:subagent", "malformed"],
    ["agent:main:telegram:group:-1001234:topic:42", "other_channel"],
    ["agent:main:telegram:direct:123456789", "other_channel"],
    ["agent:main:slack:channel:C024BE91L:thread:1712345678.000100", "other_channel"],
    ["agent:main:discord:acct:direct:42", "other_channel"],
    ["agent:main:cron:nightly-report", "unscoped"],
    ["agent:main:hook:6b1e4a52-3c2d-4e8f-9a7b-0c1d2e3f4a5b", "unscoped"],
    ["cron:nightly-report", "unscoped"],
    ["global", "unscoped"],
    ["", "malformed"],
    ["agent", "malformed"],
    ["agent:main", "malformed"],
    ["agent::main", "malformed"],
    ["agent:main:mattermost:channel:", "malformed"],
    ["agent:main:mattermost:channel", "malformed"],
    ["agent:main:mattermost:channel: chan1", "malformed"],
    ["agent:main:mattermost:channel:chan 1", "malformed"],
    ["agent:main:mattermost:channel:chan1:thread:", "malformed"],
    ["agent:main:mattermost:channel:chan1:extra", "malformed"],
    ["agent:main:mattermost:channel:chan1:thread:r1:more", "malformed"],
    ["agent:main:mattermost:topic:chan1", "malformed"],
    ["agent:main:mattermost", "malformed"],
    ["agent:main:mattermost:thread:root1", "malformed"],
    ["agent:main:direct", "malformed"],
    ["agent:main:direct:u1:u2", "malformed"],
    ["agent:main:channel:chan1", "malformed"],
    [" agent:main:main", "malformed"],
    ["agent:main:main\n", "malformed"],
  ])("refuses %j as %s", (key, reason) => {
    const route = routeFromSessionKey(key);
    expect(route).toMatchObject({ ok: false, reason });
    expect(route.ok ? "" : route.detail).not.toBe("");
  });
});

describe("id checks", () => {
  it("accepts real and readable ids loosely, and refuses what would break a key or a path", () => {
    for (const id of [C, "chan1", "user_2", "Root-3"]) expect(isPlausibleId(id)).toBe(true);
    for (const id of ["", " ", "a b", "a:b", "a\tb", "a\n"]) expect(isPlausibleId(id)).toBe(false);
  });

  it("tells the exact Mattermost id shape apart", () => {
    expect(isMattermostId(C)).toBe(true);
    expect(isMattermostId("chan1")).toBe(false);
    expect(isMattermostId(C.toUpperCase())).toBe(false);
    expect(isMattermostId(`${C}x`)).toBe(false);
  });
});

describe("routeFromEvent", () => {
  it.each<[Parameters<typeof routeFromEvent>[0], Conversation | null]>([
    [{ channelId: C }, { kind: "channel", channelId: C }],
    [
      { channelId: C, rootId: R },
      { kind: "channel", channelId: C, rootId: R },
    ],
    [{ dmUserId: U }, { kind: "dm", userId: U }],
    [
      { dmUserId: U, rootId: R },
      { kind: "dm", userId: U, rootId: R },
    ],
    [
      { dmUserId: U, channelId: "dmchan1" },
      { kind: "dm", userId: U },
    ],
    [{}, null],
    [{ rootId: R }, null],
    [{ channelId: "" }, null],
    [{ channelId: "a:b" }, null],
    [{ dmUserId: " " }, null],
    [{ channelId: C, rootId: "" }, null],
  ])("maps %j to %j", (event, expected) => {
    expect(routeFromEvent(event)).toEqual(expected);
  });
});

describe("routeFromDelivery", () => {
  it.each<[Parameters<typeof routeFromDelivery>[0], Conversation | null]>([
    [{ to: `channel:${C}` }, { kind: "channel", channelId: C }],
    [
      { to: `channel:${C}`, threadId: R },
      { kind: "channel", channelId: C, rootId: R },
    ],
    [{ to: `user:${U}` }, { kind: "dm", userId: U }],
    [
      { to: `user:${U}`, threadId: R },
      { kind: "dm", userId: U, rootId: R },
    ],
    [
      { to: `channel:${C}`, threadId: "" },
      { kind: "channel", channelId: C },
    ],
    [
      { to: "channel:chan1", threadId: 42 },
      { kind: "channel", channelId: "chan1", rootId: "42" },
    ],
    [{ to: "channel:chan1", threadId: 1.5 }, null],
    [{ to: "channel:chan1", threadId: "a b" }, null],
    [{}, null],
    [{ to: "" }, null],
    [{ to: "channel:" }, null],
    [{ to: "channel:a:b" }, null],
    [{ to: C }, null],
    [{ to: `group:${C}` }, null],
  ])("maps %j to %j", (delivery, expected) => {
    expect(routeFromDelivery(delivery)).toEqual(expected);
  });
});

describe("conversationTarget", () => {
  it.each([
    [`channel:${C}`, { kind: "channel", id: C }],
    [`user:${U}`, { kind: "user", id: U }],
    ["channel:", { kind: "channel", id: "" }],
    ["user:a:b", { kind: "user", id: "a:b" }],
    [C, undefined],
    [`group:${C}`, undefined],
    ["Channel:x", undefined],
    ["", undefined],
  ] as const)("reads %j as %j, leaving the id unchecked", (to, expected) => {
    expect(conversationTarget(to)).toEqual(expected);
  });
});

describe("resolveRoute", () => {
  const channel: Conversation = { kind: "channel", channelId: C };
  const other: Conversation = { kind: "channel", channelId: "otherchan" };
  const dm: Conversation = { kind: "dm", userId: U };

  it("uses what the key implies when there is no explicit route", () => {
    expect(resolveRoute(`agent:main:mattermost:channel:${C}:thread:${R}`, null)).toEqual({
      conversation: { ...channel, rootId: R },
    });
    expect(resolveRoute(`agent:main:mattermost:direct:${U}`, null)).toEqual({ conversation: dm });
  });

  it("lets an explicit route win over a channel key", () => {
    expect(resolveRoute(`agent:main:mattermost:channel:${C}`, other)).toEqual({ conversation: other });
    const thread = { ...channel, rootId: R };
    expect(resolveRoute(`agent:main:mattermost:channel:${C}`, thread)).toEqual({ conversation: thread });
  });

  it("keeps the key's thread when the explicit route names the same channel without one", () => {
    expect(resolveRoute(`agent:main:mattermost:channel:${C}:thread:${R}`, channel)).toEqual({
      conversation: { ...channel, rootId: R },
    });
  });

  it("keeps a DM session in a DM even when the explicit route names a channel", () => {
    expect(resolveRoute(`agent:main:direct:${U}`, other)).toEqual({ conversation: dm });
    expect(resolveRoute(`agent:main:mattermost:acct:direct:${U}`, channel)).toEqual({ conversation: dm });
  });

  it("takes an explicit DM route for a DM session, thread included", () => {
    const linked: Conversation = { kind: "dm", userId: "mmuser1", rootId: R };
    expect(resolveRoute("agent:main:direct:alice", linked)).toEqual({ conversation: linked });
  });

  it("gives a collapsed main session a box only through an explicit route", () => {
    expect(resolveRoute("agent:main:main", null)).toMatchObject({
      conversation: null,
      reason: /per-run route/,
    });
    expect(resolveRoute("agent:main:main", dm)).toEqual({ conversation: dm });
    expect(resolveRoute("agent:main:main", channel)).toEqual({ conversation: channel });
  });

  it("routes an unscoped key only through an explicit route", () => {
    expect(resolveRoute("agent:main:cron:nightly", null)).toMatchObject({ conversation: null });
    expect(resolveRoute("agent:main:cron:nightly", channel)).toEqual({ conversation: channel });
  });

  it.each([
    ["agent:main:subagent:0f3c2b1a-9d8e-4f7a-b6c5-d4e3f2a1b0c9", /sub-agent/],
    ["agent:main:telegram:direct:12345", /not a Mattermost session/],
    ["agent:main:mattermost:channel:", /malformed/],
  ])("never gives %s a box, explicit route or not", (key, reason) => {
    expect(resolveRoute(key, null)).toMatchObject({ conversation: null, reason });
    expect(resolveRoute(key, channel)).toMatchObject({ conversation: null, reason });
    expect(resolveRoute(key, dm)).toMatchObject({ conversation: null, reason });
  });
});

describe("routing properties", () => {
  const id = fc.stringMatching(/^[a-z0-9]{1,26}$/);

  it("reads back any channel id and root id put into a Mattermost key", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("channel", "group"),
        id,
        fc.option(id, { nil: undefined }),
        (kind, c, r) => {
          const key = `agent:main:mattermost:${kind}:${c}${r === undefined ? "" : `:thread:${r}`}`;
          const expected: Conversation =
            r === undefined
              ? { kind: "channel", channelId: c }
              : { kind: "channel", channelId: c, rootId: r };
          expect(routeFromSessionKey(key)).toEqual({ ok: true, conversation: expected });
        },
      ),
    );
  });

  it("never throws and never routes a key holding whitespace", () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        const route = routeFromSessionKey(key);
        if (/\s/.test(key)) expect(route.ok).toBe(false);
      }),
    );
  });
});
