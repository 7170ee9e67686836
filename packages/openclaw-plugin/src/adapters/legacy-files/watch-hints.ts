/**
 * fs.watch as a hint only: which file of a sessions directory an event names. Nothing is decided
 * on the event itself; the hint only says what to look at soon (see legacy-source.ts).
 */
import { watch as fsWatch } from "node:fs";

/** Starts watching `dir`; calls `onChange` with the changed entry's name (null: unknown). */
export type WatchFn = (
  dir: string,
  onChange: (filename: string | null) => void,
  onError: (error: Error) => void,
) => { close(): void };

export const defaultWatch: WatchFn = (dir, onChange, onError) => {
  const watcher = fsWatch(dir, { persistent: false }, (_event, filename) => onChange(filename ?? null));
  watcher.on("error", onError);
  return watcher;
};

/** What a changed name asks to look at. */
export type HintTarget =
  | { look: "everything" }
  | { look: "index" }
  | { look: "session"; key: string }
  | { look: "nothing" };

/**
 * Reads a watch event's file name against the transcripts followed (`byFile`: basename → session key).
 * Lock files and temporary files of a transcript (`x.jsonl.lock`, `x.jsonl.tmp`) point at its session;
 * a transcript nobody follows yet may belong to a new session, so the index is looked at.
 */
export function hintTarget(filename: string | null, byFile: ReadonlyMap<string, string>): HintTarget {
  if (filename === null) return { look: "everything" };
  if (filename === "sessions.json" || filename.startsWith("sessions.json.")) return { look: "index" };
  const match = /^(.+?\.jsonl)(?:\.|$)/.exec(filename);
  if (!match?.[1]) return { look: "nothing" };
  const key = byFile.get(match[1]);
  return key !== undefined ? { look: "session", key } : { look: "index" };
}
