/** Terminal lines for what the demo does: pure formatting, the caller writes them. */
import { type BoxChange, boxSummary } from "./box-watch.ts";
import type { PlayEvent } from "./player.ts";
import type { Place } from "./world.ts";

/** Names a place for a person: `~town-square`, `a thread in ~town-square`, `the DM bob ↔ openclaw`. */
export type PlaceNamer = (place: Place) => string;

const MAX_QUOTE = 72;

function quote(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return `"${flat.length > MAX_QUOTE ? `${flat.slice(0, MAX_QUOTE - 1)}…` : flat}"`;
}

/**
 * The line for one step of a play, or `undefined` for steps the terminal does not show (child
 * pids; the pipeline's info log unless `verbose`).
 */
export function playLine(e: PlayEvent, name: PlaceNamer, o: { verbose?: boolean } = {}): string | undefined {
  switch (e.kind) {
    case "turn":
      return `\n▶ Turn ${e.index + 1}/${e.total} · ${e.turn.title}`;
    case "said":
      return `  ${e.turn.post.from}, in ${name(e.place)}: ${quote(e.turn.post.message)}`;
    case "replayed":
      return e.code === 0
        ? undefined
        : `  ✗ live-status replay exited with code ${e.code}: ${quote(e.summary)}`;
    case "answered":
      return `  the bot answered in ${name(e.place)}`;
    case "log":
      return o.verbose || !/^live-status info:/.test(e.line) ? `    ${e.line}` : undefined;
    case "pid":
      return o.verbose ? `    (live-status replay, pid ${e.pid})` : undefined;
    default:
      return e satisfies never;
  }
}

/** The line for a change the watcher saw in a status box. */
export function boxLine(c: BoxChange, name: PlaceNamer): string {
  switch (c.kind) {
    case "created":
      return `  ◻ box created in ${name(c.box.place)}`;
    case "updated":
      return `  ◻ box updated: ${boxSummary(c.box)}`;
    case "finalized":
      return `  ◼ box finalized: ${boxSummary(c.box)}`;
    case "removed":
      return `  ✂ old box removed from ${name(c.box.place)} (the session is active again: a fresh box follows at the bottom)`;
    default:
      return c satisfies never;
  }
}
