/**
 * Inbound messages waiting for the run that answers them, per session. `message_received` comes
 * before the run's lifecycle start; the message it matches gives the run its route and trigger post.
 * A collapsed DM session (`agent:<a>:main`) holds messages of several people, so a run takes only a
 * message of its own sender: never another person's.
 */
import { trimOldest } from "../../core/bounded.ts";
import type { OcMessageCtx, OcMessageReceivedEvent } from "./payloads.ts";

/** One received message, as far as routing needs it. */
export interface PendingMessage {
  runId?: string;
  senderId?: string;
  accountId?: string;
  /** `channel:<id>` or `user:<id>`. */
  conversationId?: string;
  threadId?: string;
  messageId?: string;
}

/** Messages kept per session; older ones are dropped first. */
const MAX_PER_SESSION = 20;

/** The session and message a `message_received` hook reports; undefined when it names no session. */
export function receivedMessage(
  event: OcMessageReceivedEvent,
  ctx: OcMessageCtx,
): { session: string; message: PendingMessage } | undefined {
  const session = event.sessionKey ?? ctx.sessionKey;
  if (!session) return undefined;
  return {
    session,
    message: {
      runId: event.runId ?? ctx.runId,
      senderId: event.senderId ?? ctx.senderId,
      conversationId: ctx.conversationId,
      ...(typeof ctx.accountId === "string" && ctx.accountId !== "" && { accountId: ctx.accountId }),
      threadId: event.threadId === undefined ? undefined : String(event.threadId),
      messageId: event.messageId ?? ctx.messageId,
    },
  };
}

export class PendingMessages {
  readonly #maxSessions: number;
  readonly #bySession = new Map<string, PendingMessage[]>();

  /** `maxSessions` bounds the sessions remembered; the least recently messaged go first. */
  constructor(maxSessions: number) {
    this.#maxSessions = maxSessions;
  }

  add(session: string, message: PendingMessage): void {
    const list = this.#bySession.get(session) ?? [];
    list.push(message);
    if (list.length > MAX_PER_SESSION) list.shift();
    this.#bySession.delete(session);
    this.#bySession.set(session, list);
    trimOldest(this.#bySession, this.#maxSessions);
  }

  /**
   * The message a starting run answers: the one carrying its runId, else the newest from the
   * run's sender (when the sender is known), else the newest. It and everything older is
   * consumed; newer messages wait for their own run.
   */
  take(session: string, runId: string, senderId: string | undefined): PendingMessage | undefined {
    const list = this.#bySession.get(session);
    if (!list || list.length === 0) return undefined;
    let index = list.findIndex((m) => m.runId === runId);
    if (index < 0 && senderId) index = list.findLastIndex((m) => !m.runId && m.senderId === senderId);
    if (index < 0 && !senderId) index = list.findLastIndex((m) => !m.runId);
    if (index < 0) return undefined;
    const taken = list[index];
    list.splice(0, index + 1);
    if (list.length === 0) this.#bySession.delete(session);
    return taken;
  }
}
