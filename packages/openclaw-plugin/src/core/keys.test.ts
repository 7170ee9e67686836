import { describe, expect, it } from "vitest";
import type { Conversation } from "./conversation.ts";
import { boxKey, conversationKey, parseBoxKey, slotKey } from "./keys.ts";

const thread: Conversation = { kind: "channel", channelId: "c1", rootId: "r1" };
const dm: Conversation = { kind: "dm", userId: "u1" };

describe("keys", () => {
  it.each([
    [{ kind: "channel", channelId: "c1" } as Conversation, "channel:c1"],
    [thread, "channel:c1/thread:r1"],
    [dm, "dm:u1"],
    [{ kind: "dm", userId: "u1", rootId: "r2" } as Conversation, "dm:u1/thread:r2"],
  ])("names conversation %j as %s", (c, key) => {
    expect(conversationKey(c)).toBe(key);
  });

  it("keeps two sessions in one conversation, and one session in two conversations, apart", () => {
    const keys = new Set([
      slotKey("agent:main:main", dm),
      slotKey("agent:ops:main", dm),
      slotKey("agent:main:main", thread),
    ]);
    expect(keys.size).toBe(3);
  });

  it("reads back every box key it builds", () => {
    const slot = slotKey("agent:main:mattermost:channel:c1:thread:r1", thread);
    expect(parseBoxKey(boxKey(slot, 7))).toEqual({
      slot,
      session: "agent:main:mattermost:channel:c1:thread:r1",
      generation: 7,
    });
  });

  it.each(["", "no-bar#1", "s|dm:u1", "s|dm:u1#", "s|dm:u1#x", "s|dm:u1#-1", "a#1|b"])(
    "refuses %j as a box key",
    (key) => {
      expect(parseBoxKey(key)).toBeUndefined();
    },
  );
});
