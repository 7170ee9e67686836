/** What mapping one OpenClaw signal yields: normalized events, and the inputs it could not place. */
import type { LiveEvent } from "../../core/events.ts";

export type SkipReason =
  /** An event for a run whose lifecycle start was never seen (e.g. run_status before start). */
  | "unknown_run"
  /** A late event of a run that already ended. */
  | "run_ended"
  /** A sub-agent hook that names no requester session we know. */
  | "unknown_requester";

export interface Skip {
  reason: SkipReason;
  runId?: string;
  stream?: string;
  hook?: string;
}

export interface MapResult {
  events: LiveEvent[];
  skipped: Skip[];
}

export const empty = (): MapResult => ({ events: [], skipped: [] });

/** The event, if there is one. */
export const one = (event: LiveEvent | undefined): MapResult =>
  event ? { events: [event], skipped: [] } : empty();

export const skip = (s: Skip): MapResult => ({ events: [], skipped: [s] });
