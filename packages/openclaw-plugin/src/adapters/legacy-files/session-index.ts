/**
 * Pure reading of a legacy `agents/<a>/sessions/sessions.json`: session key → the transcript file
 * and the last inbound route. No I/O. A file that is not a JSON object is refused as a whole (the
 * caller keeps the last good index); a single bad entry is skipped with its key and reason.
 */
import type { RouteEvent } from "../../core/events.ts";
import { isRecord } from "../../core/guards.ts";
import { routeFromDelivery } from "../../core/routing.ts";
import { parseJson } from "./json-text.ts";

/** Where the next run of a session goes, as the fields of a `route` event. */
export type RouteFields = Pick<RouteEvent, "channelId" | "rootId" | "dmUserId">;

export interface IndexEntry {
  /** OpenClaw session key, e.g. `agent:main:mattermost:channel:<id>`. */
  key: string;
  sessionId: string;
  /** As stored: absolute, or relative to the sessions directory. */
  sessionFile?: string;
  updatedAt?: number;
  /** The session's last inbound route, if it names a Mattermost conversation. */
  route: RouteFields | null;
}

export type IndexParse =
  | { ok: true; entries: IndexEntry[]; skipped: Array<{ key: string; reason: string }> }
  | { ok: false; reason: string };

/** Parses the text of a `sessions.json`. Reasons never quote the file. */
export function parseSessionIndex(text: string): IndexParse {
  if (text.trim() === "") return { ok: false, reason: "empty file" };
  const parsed = parseJson(text.replace(/^\uFEFF/, ""));
  if (!parsed.ok) return { ok: false, reason: `invalid JSON: ${parsed.reason}` };
  if (!isRecord(parsed.value)) return { ok: false, reason: "not a JSON object" };
  const entries: IndexEntry[] = [];
  const skipped: Array<{ key: string; reason: string }> = [];
  for (const [key, raw] of Object.entries(parsed.value)) {
    if (!isRecord(raw)) {
      skipped.push({ key, reason: "entry is not an object" });
      continue;
    }
    const sessionId = nonBlank(raw.sessionId);
    if (!sessionId || /[/\\]/.test(sessionId)) {
      skipped.push({ key, reason: "missing or unusable sessionId" });
      continue;
    }
    const sessionFile = nonBlank(raw.sessionFile);
    const updatedAt =
      typeof raw.updatedAt === "number" && Number.isFinite(raw.updatedAt) ? raw.updatedAt : undefined;
    entries.push({
      key,
      sessionId,
      ...(sessionFile !== undefined && { sessionFile }),
      ...(updatedAt !== undefined && { updatedAt }),
      route: routeOfEntry(raw),
    });
  }
  return { ok: true, entries, skipped };
}

/**
 * The route an entry's `deliveryContext` (else `lastTo` / `lastThreadId`) names, when its channel
 * is Mattermost (or unstated). For a collapsed `agent:<a>:main` session this is only the LAST
 * inbound route: the legacy files know nothing better.
 */
export function routeOfEntry(entry: Record<string, unknown>): RouteFields | null {
  const dc = isRecord(entry.deliveryContext) ? entry.deliveryContext : {};
  const channel = nonBlank(dc.channel) ?? nonBlank(entry.lastChannel) ?? nonBlank(entry.channel);
  if (channel !== undefined && channel !== "mattermost") return null;
  const fromContext = nonBlank(dc.to) !== undefined;
  const to = fromContext ? nonBlank(dc.to) : nonBlank(entry.lastTo);
  const threadId = fromContext ? dc.threadId : entry.lastThreadId;
  const conversation = routeFromDelivery({
    ...(to !== undefined && { to }),
    ...((typeof threadId === "string" || typeof threadId === "number") && { threadId }),
  });
  if (!conversation) return null;
  const root = conversation.rootId !== undefined ? { rootId: conversation.rootId } : {};
  return conversation.kind === "dm"
    ? { dmUserId: conversation.userId, ...root }
    : { channelId: conversation.channelId, ...root };
}

function nonBlank(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}
