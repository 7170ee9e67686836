/**
 * A scene's turns can come from one recording of a real gateway session (`recordEvents` of the
 * OpenClaw plugin, see packages/openclaw-plugin/test/e2e/record-demo.ts): the normalized events as
 * the plugin saw them, with the ids of the server it was recorded against, and a refs file saying
 * which id is which person, channel, DM or post of the scene. This cuts the recording into the
 * scene's turns and names its ids as `{{ref}}` placeholders, so a turn plays like a hand-written one.
 */
import type { LiveEvent } from "../../openclaw-plugin/src/core/events.ts";
import { toPlaceholders } from "./placeholders.ts";

/** A recording or refs file that does not fit the scene; the message says what is wrong. */
export class RecordingError extends Error {
  override name = "RecordingError";
}

/** One turn cut out of a recording. */
export interface RecordedTurn {
  /** The run the turn's message started (its recorded id). */
  runId: string;
  /** From the run's first event to the next turn's; `ts` relative to the first, ids as `{{ref}}`. */
  events: LiveEvent[];
  /** The run's last assistant text: what the bot answered. */
  answer?: string;
}

/** Reads a refs file: a JSON object of readable ref → the id it had in the recording. */
export function parseRecordingRefs(text: string): Map<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RecordingError(error instanceof Error ? error.message : String(error));
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new RecordingError("must be an object of ref → id");
  const refs = new Map<string, string>();
  const seen = new Set<string>();
  for (const [ref, id] of Object.entries(value)) {
    if (typeof id !== "string" || !/^[A-Za-z0-9]{8,}$/.test(id))
      throw new RecordingError(`"${ref}" must name an id (letters and digits)`);
    if (seen.has(id)) throw new RecordingError(`"${ref}" has the id of another ref`);
    seen.add(id);
    refs.set(ref, id);
  }
  return refs;
}

/**
 * Cuts `events` (a whole recording, in file order) into one slice per turn. A turn starts at the
 * first event of the run whose `run_start` names the turn's message (`trigger.postId`, the
 * recorded id of `turnPosts[i]`) and ends where the next turn starts, so it keeps everything the
 * gateway did meanwhile: its route, sub-agent runs, late transcript changes. Times become
 * relative to the slice's start and never go back (a hook and an agent event can carry clocks a
 * few ms apart). Events before the first turn are left out.
 */
export function sliceRecording(
  events: readonly LiveEvent[],
  refs: ReadonlyMap<string, string>,
  turnPosts: readonly string[],
): RecordedTurn[] {
  const refsById = new Map([...refs].map(([ref, id]) => [id, ref]));
  const starts = turnPosts.map((postRef) => {
    const postId = refs.get(postRef);
    if (postId === undefined) throw new RecordingError(`the refs name no id for the message "${postRef}"`);
    const start = events.find((e) => e.type === "run_start" && e.trigger?.postId === postId);
    if (start?.runId === undefined)
      throw new RecordingError(`no run started by the message "${postRef}" (${postId})`);
    const runId = start.runId;
    return { runId, at: events.findIndex((e) => e.runId === runId) };
  });
  starts.forEach((s, i) => {
    const before = starts[i - 1];
    if (before !== undefined && s.at <= before.at)
      throw new RecordingError(`the run of "${turnPosts[i]}" comes before the one of "${turnPosts[i - 1]}"`);
  });
  return starts.map(({ runId, at }, i) => {
    const slice = events.slice(at, starts[i + 1]?.at ?? events.length);
    const t0 = slice[0]?.ts ?? 0;
    let last = t0;
    const turnEvents = slice.map((e) => {
      last = Math.max(last, e.ts);
      return { ...toPlaceholders(e, refsById), ts: last - t0 };
    });
    const answer = slice.findLast((e) => e.type === "text" && e.runId === runId);
    return { runId, events: turnEvents, ...(answer?.type === "text" && { answer: answer.text }) };
  });
}
