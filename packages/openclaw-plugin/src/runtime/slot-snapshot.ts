import type { Phase, SlotState } from "../core/lifecycle.ts";
import { PHASES } from "../core/lifecycle.ts";

/** Checks a slot snapshot read back from the ledger before the core trusts it. */
export function isSlotState(value: unknown): value is SlotState {
  if (typeof value !== "object" || value === null) return false;
  const s = value as Record<string, unknown>;
  const c = s.conversation as Record<string, unknown> | null | undefined;
  return (
    PHASES.includes(s.phase as Phase) &&
    typeof s.session === "string" &&
    typeof c === "object" &&
    c !== null &&
    ((c.kind === "channel" && typeof c.channelId === "string") ||
      (c.kind === "dm" && typeof c.userId === "string")) &&
    Number.isInteger(s.generation) &&
    (s.runId === null || typeof s.runId === "string") &&
    (s.triggerPostId === null || typeof s.triggerPostId === "string") &&
    typeof s.boxVisible === "boolean" &&
    (s.status === null || (typeof s.status === "object" && (s.status as { v?: unknown }).v === 1)) &&
    typeof s.lastSignalAt === "number" &&
    Array.isArray(s.activations) &&
    (s.thrashWarnedAt === null || typeof s.thrashWarnedAt === "number")
  );
}
