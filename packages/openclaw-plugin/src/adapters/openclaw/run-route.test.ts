import { describe, expect, it } from "vitest";
import { type RunFactsForRoute, runRoute } from "./run-route.ts";

const CHANNEL_KEY = "agent:main:mattermost:channel:town";
const facts = (p: Partial<RunFactsForRoute>): RunFactsForRoute => ({
  kind: "user",
  session: "agent:main:main",
  runId: "r1",
  message: undefined,
  chatId: undefined,
  origin: undefined,
  ...p,
});

describe("runRoute: a run answering a received message", () => {
  it("routes a channel message to its channel", () => {
    expect(runRoute(facts({ message: { conversationId: "channel:town" } }))).toEqual({ channelId: "town" });
  });

  it("routes a DM to its sender, with the run's chatId as the DM channel", () => {
    expect(runRoute(facts({ message: { conversationId: "user:alice" }, chatId: "dmchan" }))).toEqual({
      dmUserId: "alice",
      channelId: "dmchan",
    });
  });

  it("does not take a chatId that is only the DM user's id as a channel", () => {
    expect(runRoute(facts({ message: { conversationId: "user:alice" }, chatId: "alice" }))).toEqual({
      dmUserId: "alice",
    });
  });

  it("puts the box in the message's thread, else in the thread the session key names", () => {
    const threadKey = `${CHANNEL_KEY}:thread:root1`;
    const inKey = facts({ session: threadKey, message: { conversationId: "channel:town" } });
    expect(runRoute(inKey)).toEqual({ channelId: "town", rootId: "root1" });
    const inMessage = { ...inKey, message: { conversationId: "channel:town", threadId: "root2" } };
    expect(runRoute(inMessage)).toEqual({ channelId: "town", rootId: "root2" });
  });

  it("names the account the message came in on", () => {
    expect(runRoute(facts({ message: { conversationId: "channel:town", accountId: "ops" } }))).toEqual({
      channelId: "town",
      account: "ops",
    });
  });

  it.each([
    ["town", { channelId: "town" }],
    ["telegram:123", undefined],
    ["", undefined],
  ])("reads the conversation %j as %j", (conversationId, expected) => {
    expect(runRoute(facts({ kind: "heartbeat", message: { conversationId } }))).toEqual(expected);
  });

  it("falls back to a user run's chatId when the message names no conversation it can read", () => {
    expect(runRoute(facts({ message: { conversationId: "x:y" }, chatId: "town" }))).toEqual({
      channelId: "town",
    });
  });
});

describe("runRoute: runs without a message", () => {
  it("routes a user run by its chatId, in the key's thread", () => {
    expect(runRoute(facts({ session: `${CHANNEL_KEY}:thread:root1`, chatId: "town" }))).toEqual({
      channelId: "town",
      rootId: "root1",
    });
  });

  it.each(["heartbeat", "cron", "memory", "other", undefined] as const)(
    "gives a %s run no route from its chatId, which only echoes the stored last route",
    (kind) => {
      expect(runRoute(facts({ kind, chatId: "town" }))).toBeUndefined();
    },
  );

  it("routes an announce run to where its sub-agent was spawned", () => {
    const announce = { kind: "subagent" as const, runId: "announce:v1:agent:main:subagent:u:c", chatId: "x" };
    expect(runRoute(facts({ ...announce, origin: { to: "channel:town", threadId: 7 } }))).toEqual({
      channelId: "town",
      rootId: "7",
    });
    expect(
      runRoute(facts({ ...announce, session: `${CHANNEL_KEY}:thread:root1`, origin: { to: "user:alice" } })),
    ).toEqual({
      dmUserId: "alice",
      rootId: "root1",
    });
  });

  it("gives an announce run of an unknown spawn, and a sub-agent child run, no route", () => {
    expect(runRoute(facts({ kind: "subagent", runId: "announce:v1:k:c", chatId: "town" }))).toBeUndefined();
    expect(
      runRoute(facts({ kind: "subagent", session: "agent:main:subagent:u", chatId: "town" })),
    ).toBeUndefined();
  });
});
