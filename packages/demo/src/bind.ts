/**
 * Turns a scene turn's recorded events into events for one play: real ids in place of `{{ref}}`
 * placeholders and real times: the recorded offsets, divided by the play's speed, added to the
 * moment the turn starts. Event times then match the wall clock, so a box's live elapsed time is
 * true at any speed.
 */
import type { LiveEvent } from "../../openclaw-plugin/src/core/events.ts";
import { agentOf, isSubagentKey } from "../../openclaw-plugin/src/core/session-key.ts";
import { fillPlaceholders } from "./placeholders.ts";
import type { Place } from "./world.ts";

/** When and how one play runs a turn. */
export interface PlayClock {
  /** Wall time of the turn's first event. */
  t0: number;
  /** 1 = recorded timing. */
  speed: number;
  /**
   * Added to every run id (`run-deploy` → `run-deploy.<tag>`): OpenClaw gives each turn a new run
   * id, and the pipeline rightly ignores a run that starts twice, so each play needs its own.
   */
  runTag: string;
}

/** The turn's events with ids bound, run ids made unique to the play, and times set by `clock`. */
export function bindEvents(
  events: readonly LiveEvent[],
  ids: ReadonlyMap<string, string>,
  clock: PlayClock,
): LiveEvent[] {
  return events.map((e) => ({
    ...fillPlaceholders(e, ids),
    ts: clock.t0 + Math.round(e.ts / clock.speed),
    ...(e.runId !== undefined && { runId: `${e.runId}.${clock.runTag}` }),
  }));
}

/**
 * The turn's events moved into one place of another server (a channel, or a thread in it): every
 * session of the turn except sub-agents becomes that place's channel or thread session, and
 * per-run routes are dropped since the key now says where the box goes. Then ids and times are
 * bound as in {@link bindEvents}. Used to replay the scene on a real Mattermost, where the scene's
 * people and DMs do not exist.
 */
export function retargetEvents(
  events: readonly LiveEvent[],
  place: Place,
  ids: ReadonlyMap<string, string>,
  clock: PlayClock,
): LiveEvent[] {
  const moved = events
    .filter((e) => e.type !== "route")
    .map((e): LiveEvent => {
      if (isSubagentKey(e.session)) return e;
      const agent = agentOf(e.session) ?? "main";
      const thread = place.rootId ? `:thread:${place.rootId}` : "";
      return { ...e, session: `agent:${agent}:mattermost:channel:${place.channelId}${thread}` };
    });
  return bindEvents(moved, ids, clock);
}
