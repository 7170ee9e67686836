/** Test support: content events written without their common fields, and a status built from them. */
import type { LiveStatusV1 } from "@live-status/contract";
import type { ContentEvent } from "../../src/core/events.ts";
import {
  applyContent,
  DEFAULT_STATUS_OPTIONS,
  type StatusOptions,
  startStatus,
} from "../../src/core/status-model.ts";

/** A content event without `v`, `ts` and `session`. */
export type ContentFields = ContentEvent extends infer E
  ? E extends ContentEvent
    ? Omit<E, "v" | "ts" | "session">
    : never
  : never;

export function contentEvent(session: string, e: ContentFields): ContentEvent {
  return { v: 1, ts: 0, session, ...e } as ContentEvent;
}

/** Applies `[ms after t0, event]` pairs to `from` (a fresh box of `session` started at `t0`). */
export function applyAll(
  session: string,
  t0: number,
  events: readonly [number, ContentFields][],
  opts: StatusOptions = DEFAULT_STATUS_OPTIONS,
  from: LiveStatusV1 = startStatus(session, t0),
): LiveStatusV1 {
  return events.reduce((s, [t, e]) => applyContent(s, contentEvent(session, e), t0 + t, opts), from);
}
