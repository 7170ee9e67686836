/**
 * Which transcript file each session of a legacy `sessions.json` follows. Pure: paths in, choices out.
 */
import { basename, join } from "node:path";
import { routeFromSessionKey } from "../../core/routing.ts";
import type { IndexEntry } from "./session-index.ts";

/**
 * One session per transcript file. Older stores can hold two keys for one session (`main` and
 * `agent:main:main`); following both would give one turn two boxes. `agent:` keys win, then the
 * most recently updated.
 */
export function chooseByFile(
  entries: IndexEntry[],
  dir: string,
): Map<string, { entry: IndexEntry; file: string }> {
  const byFile = new Map<string, IndexEntry>();
  for (const entry of entries) {
    const file = transcriptPath(dir, entry);
    const other = byFile.get(file);
    if (!other || better(entry, other)) byFile.set(file, entry);
  }
  return new Map([...byFile].map(([file, entry]) => [entry.key, { entry, file }]));
}

function better(a: IndexEntry, b: IndexEntry): boolean {
  const aAgent = a.key.startsWith("agent:");
  const bAgent = b.key.startsWith("agent:");
  if (aAgent !== bAgent) return aAgent;
  return (a.updatedAt ?? 0) > (b.updatedAt ?? 0);
}

/**
 * Legacy transcripts always live in the sessions directory. A stored absolute path may come from
 * another mount (OpenClaw in a container), so only its file name is used.
 */
export function transcriptPath(dir: string, entry: IndexEntry): string {
  return join(dir, entry.sessionFile ? basename(entry.sessionFile) : `${entry.sessionId}.jsonl`);
}

/** The shared `agent:<a>:main` session every DM collapses into. */
export function isCollapsedKey(key: string): boolean {
  const route = routeFromSessionKey(key);
  return !route.ok && route.reason === "collapsed";
}
