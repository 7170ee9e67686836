import { describe, expect, it } from "vitest";
import { type PendingMessage, PendingMessages, receivedMessage } from "./pending-messages.ts";

const S = "agent:main:main";
const msg = (messageId: string, extra: Partial<PendingMessage> = {}): PendingMessage => ({
  messageId,
  ...extra,
});

describe("receivedMessage", () => {
  it("reads the session, sender, conversation, thread and account of a message_received call", () => {
    expect(
      receivedMessage(
        { sessionKey: S, senderId: "alice", messageId: "p1", threadId: 42 },
        { conversationId: "user:alice", accountId: "ops", runId: "r1" },
      ),
    ).toEqual({
      session: S,
      message: {
        runId: "r1",
        senderId: "alice",
        conversationId: "user:alice",
        accountId: "ops",
        threadId: "42",
        messageId: "p1",
      },
    });
  });

  it("falls back to the ctx for session, sender and post, and drops an empty account", () => {
    const got = receivedMessage({}, { sessionKey: S, senderId: "bob", messageId: "p2", accountId: "" });
    expect(got?.session).toBe(S);
    expect(got?.message).toMatchObject({ senderId: "bob", messageId: "p2" });
    expect(got?.message).not.toHaveProperty("accountId");
  });

  it("names nothing for a message of no session", () => {
    expect(receivedMessage({ senderId: "alice" }, { conversationId: "user:alice" })).toBeUndefined();
  });
});

describe("PendingMessages", () => {
  it("gives a run the message that carries its runId, even when newer ones wait", () => {
    const p = new PendingMessages(10);
    p.add(S, msg("p1", { runId: "r1" }));
    p.add(S, msg("p2", { senderId: "alice" }));
    expect(p.take(S, "r1", "alice")?.messageId).toBe("p1");
    expect(p.take(S, "r2", "alice")?.messageId).toBe("p2");
  });

  it("gives a run the newest message of its own sender and consumes everything older", () => {
    const p = new PendingMessages(10);
    p.add(S, msg("p1", { senderId: "alice" }));
    p.add(S, msg("p2", { senderId: "alice" }));
    p.add(S, msg("p3", { senderId: "bob" }));
    expect(p.take(S, "r1", "alice")?.messageId).toBe("p2");
    expect(p.take(S, "r2", "alice")).toBeUndefined();
    expect(p.take(S, "r3", "bob")?.messageId).toBe("p3");
  });

  it("never gives a run another person's message", () => {
    const p = new PendingMessages(10);
    p.add(S, msg("p1", { senderId: "alice" }));
    expect(p.take(S, "r1", "bob")).toBeUndefined();
    expect(p.take(S, "r2", "alice")?.messageId).toBe("p1");
  });

  it("gives a run of unknown sender the newest message not claimed by another run", () => {
    const p = new PendingMessages(10);
    p.add(S, msg("p1", { senderId: "alice" }));
    p.add(S, msg("p2", { senderId: "bob" }));
    p.add(S, msg("p3", { runId: "other" }));
    expect(p.take(S, "r1", undefined)?.messageId).toBe("p2");
    expect(p.take(S, "other", undefined)?.messageId).toBe("p3");
    expect(p.take(S, "r2", undefined)).toBeUndefined();
  });

  it("keeps sessions apart", () => {
    const p = new PendingMessages(10);
    p.add("agent:main:a", msg("p1"));
    expect(p.take("agent:main:b", "r1", undefined)).toBeUndefined();
    expect(p.take("agent:main:a", "r1", undefined)?.messageId).toBe("p1");
  });

  it("keeps the last 20 messages of a session", () => {
    const p = new PendingMessages(10);
    for (let i = 1; i <= 21; i++) p.add(S, msg(`p${i}`, { runId: `r${i}` }));
    expect(p.take(S, "r1", undefined)).toBeUndefined();
    expect(p.take(S, "r2", undefined)?.messageId).toBe("p2");
  });

  it("forgets the least recently messaged sessions beyond its bound", () => {
    const p = new PendingMessages(2);
    p.add("agent:main:a", msg("a1"));
    p.add("agent:main:b", msg("b1"));
    p.add("agent:main:a", msg("a2"));
    p.add("agent:main:c", msg("c1"));
    expect(p.take("agent:main:b", "r", undefined)).toBeUndefined();
    expect(p.take("agent:main:a", "r", undefined)?.messageId).toBe("a2");
    expect(p.take("agent:main:c", "r", undefined)?.messageId).toBe("c1");
  });
});
