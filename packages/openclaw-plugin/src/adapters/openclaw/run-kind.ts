/**
 * What kind of run a lifecycle start opens. Sub-agent child sessions and sub-agent completion
 * ("announce") runs report `trigger: "user"`; they are recognized by their session key and runId.
 */
import type { TriggerKind } from "../../core/events.ts";
import { isSubagentKey } from "../../core/session-key.ts";

const ANNOUNCE_PREFIX = "announce:";

/** A sub-agent completion run on the requester's session: `announce:v1:<childSessionKey>:<childRunId>`. */
export function isAnnounceRun(runId: string): boolean {
  return runId.startsWith(ANNOUNCE_PREFIX);
}

/** Whether the announce run `runId` reports the end of the child session `childKey`. */
export function announcesChild(runId: string, childKey: string): boolean {
  return isAnnounceRun(runId) && runId.includes(`:${childKey}:`);
}

/** The kind of a run, from the agent-hook ctx `trigger` and the run's identity. */
export function triggerKind(
  trigger: string | undefined,
  runId: string,
  sessionKey: string,
): TriggerKind | undefined {
  if (isSubagentKey(sessionKey) || isAnnounceRun(runId)) return "subagent";
  switch (trigger) {
    case undefined:
      return undefined;
    case "user":
    case "heartbeat":
    case "cron":
    case "memory":
      return trigger;
    case "overflow":
      return "compaction";
    default:
      return "other";
  }
}
