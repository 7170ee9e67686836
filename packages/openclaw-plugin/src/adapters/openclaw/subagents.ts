/**
 * Sub-agents, shown inside their requester's box: `subagent_spawned` / `subagent_ended` become
 * `subagent_start` / `subagent_end` on the requester session, tagged with the requester's current
 * run. The children remembered here also tell an announce run where its spawn came from.
 */
import { trimOldest } from "../../core/bounded.ts";
import type { EventBase, SubagentEndEvent } from "../../core/events.ts";
import { type MapResult, one, skip } from "./map-result.ts";
import type {
  OcSubagentCtx,
  OcSubagentEndedEvent,
  OcSubagentRequester,
  OcSubagentSpawnedEvent,
} from "./payloads.ts";
import { announcesChild } from "./run-kind.ts";

interface Child {
  requester: string;
  label?: string;
  origin?: OcSubagentRequester;
}

export class Subagents {
  readonly #max: number;
  readonly #activeRun: (session: string) => string | undefined;
  readonly #children = new Map<string, Child>();

  /**
   * `activeRun` names a session's open run; `max` bounds the children remembered (oldest spawn
   * first).
   */
  constructor(max: number, activeRun: (session: string) => string | undefined) {
    this.#max = max;
    this.#activeRun = activeRun;
  }

  spawned(event: OcSubagentSpawnedEvent, ctx: OcSubagentCtx, now: number): MapResult {
    const requester = ctx.requesterSessionKey;
    if (!requester) return skip({ reason: "unknown_requester", hook: "subagent_spawned" });
    const child: Child = { requester };
    if (event.label) child.label = event.label;
    if (event.requester) child.origin = event.requester;
    this.#children.set(event.childSessionKey, child);
    trimOldest(this.#children, this.#max);
    return one({
      ...this.#base(requester, now),
      type: "subagent_start",
      child: event.childSessionKey,
      ...(event.label ? { label: event.label } : {}),
    });
  }

  ended(event: OcSubagentEndedEvent, ctx: OcSubagentCtx, now: number): MapResult {
    const known = this.#children.get(event.targetSessionKey);
    const requester = ctx.requesterSessionKey ?? known?.requester;
    if (!requester) return skip({ reason: "unknown_requester", hook: "subagent_ended" });
    const outcome = subagentOutcome(event.outcome);
    const end: SubagentEndEvent = {
      ...this.#base(requester, now),
      type: "subagent_end",
      child: event.targetSessionKey,
    };
    if (known?.label) end.label = known.label;
    if (outcome) end.outcome = outcome;
    return one(end);
  }

  /**
   * Events go on the requester session, tagged with its current run only: by a sub-agent's end
   * the spawning run has usually ended.
   */
  #base(requester: string, now: number): EventBase {
    const runId = this.#activeRun(requester);
    return { v: 1, ts: now, session: requester, ...(runId ? { runId } : {}) };
  }

  /** Where the child whose end the announce run `runId` reports was spawned from. */
  originOf(runId: string): OcSubagentRequester | undefined {
    for (const [childKey, child] of this.#children) {
      if (announcesChild(runId, childKey)) return child.origin;
    }
    return undefined;
  }
}

/** OpenClaw's sub-agent outcomes, as the box shows them; unknown ones say nothing. */
export function subagentOutcome(outcome: string | undefined): SubagentEndEvent["outcome"] {
  switch (outcome) {
    case "ok":
      return "ok";
    case "error":
    case "timeout":
      return "error";
    case "killed":
    case "reset":
    case "deleted":
      return "aborted";
    default:
      return undefined;
  }
}
