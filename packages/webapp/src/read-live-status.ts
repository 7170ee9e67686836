import { BOX_STATES, type LiveStatusV1, parseLiveStatus } from "@live-status/contract";

/** Outcome of reading `post.props`: the status, or a reason a person can read. */
export type ReadResult = { ok: true; status: LiveStatusV1 } | { ok: false; reason: string };

/**
 * Reads `post.props.live_status` tolerantly. The fields the box cannot be drawn without
 * (`v`, `state`, `startedAt`) must be valid, otherwise the result says why in plain words;
 * everything else degrades as the contract's `parseLiveStatus` decides.
 */
export function readLiveStatus(postProps: unknown): ReadResult {
  if (!isRecord(postProps)) return fail("The post carries no properties.");
  const raw = postProps.live_status;
  if (raw === undefined || raw === null) return fail("The post carries no live status data.");
  if (!isRecord(raw)) return fail("The live status data is not an object.");
  if (raw.v !== 1) {
    if (typeof raw.v === "number" && raw.v > 1) {
      return fail(`It was written by a newer Live Status (format v${raw.v}); update the webapp plugin.`);
    }
    return fail("The live status data has an unknown format version.");
  }
  if (typeof raw.state !== "string" || !(BOX_STATES as readonly string[]).includes(raw.state)) {
    return fail(`The live status has an unknown state (${clip(String(raw.state), 20)}).`);
  }
  if (!isTime(raw.startedAt)) return fail("The live status has no valid start time.");

  const status = parseLiveStatus(raw);
  return status ? { ok: true, status } : fail("The live status data is incomplete.");
}

function fail(reason: string): ReadResult {
  return { ok: false, reason };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isTime(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x) && x >= 0;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
