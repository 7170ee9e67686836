import type { CoreConfig } from "../core/dispatcher.ts";
import { DEFAULT_STATUS_OPTIONS } from "../core/status-model.ts";

/** What Live Status does with no settings at all. */
export const DEFAULT_CORE_CONFIG: CoreConfig = {
  previousBox: "delete",
  staleAfterMs: 10 * 60_000,
  // Past OpenClaw's own limits for the silent waits: exec timeout and approval expiry, 30 min by default.
  staleWhileBusyMs: 35 * 60_000,
  thrash: { maxActivations: 5, windowMs: 2 * 60_000 },
  status: DEFAULT_STATUS_OPTIONS,
  boxTriggers: ["user"],
};
