/**
 * The keys a box is known by, built and read only here. A slot is one session in one conversation
 * (`<session>|<conversation>`); a box is one generation of a slot (`<slot>#<generation>`): each real
 * activation after a completed turn makes a new generation, so a fresh post never reuses an old id.
 */
import type { Conversation } from "./conversation.ts";

/** Stable identity of a conversation, used in slot keys and the ledger. */
export function conversationKey(c: Conversation): string {
  const base = c.kind === "channel" ? `channel:${c.channelId}` : `dm:${c.userId}`;
  return c.rootId ? `${base}/thread:${c.rootId}` : base;
}

/** A box slot: one session in one conversation. */
export function slotKey(session: string, c: Conversation): string {
  return `${session}|${conversationKey(c)}`;
}

/** The box of a slot's `generation`. */
export function boxKey(slot: string, generation: number): string {
  return `${slot}#${generation}`;
}

/** What a box key names: its slot, the slot's session, and the generation. */
export interface ParsedBoxKey {
  slot: string;
  session: string;
  generation: number;
}

/** Reads a key made by {@link boxKey}; undefined for anything else. */
export function parseBoxKey(boxId: string): ParsedBoxKey | undefined {
  const hash = boxId.lastIndexOf("#");
  const bar = boxId.indexOf("|");
  if (hash === -1 || bar === -1 || bar > hash) return undefined;
  const generation = Number(boxId.slice(hash + 1));
  if (!Number.isSafeInteger(generation) || generation < 0 || boxId.length === hash + 1) return undefined;
  return { slot: boxId.slice(0, hash), session: boxId.slice(0, bar), generation };
}
