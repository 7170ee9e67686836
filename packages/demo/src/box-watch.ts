/**
 * Watches status boxes from the outside, as a person in the chat would: from the posts Mattermost
 * holds. The demo diffs successive snapshots to tell the terminal what the pipeline did (created,
 * updated, finalized, removed) without reaching into the pipeline.
 */

import type { LiveStatusV1 } from "@live-status/contract";
import { FINAL_BOX_STATES, LIVE_STATUS_POST_TYPE, parseLiveStatus } from "@live-status/contract";
import type { Place } from "./world.ts";

/** The fields of a Mattermost post the watcher reads. */
export interface PostLike {
  id: string;
  channel_id: string;
  root_id: string;
  delete_at: number;
  type: string;
  props: Record<string, unknown>;
}

export interface BoxSnapshot {
  id: string;
  place: Place;
  deleted: boolean;
  /** `null` when the props cannot be read. */
  state: LiveStatusV1["state"] | null;
  /** What the box says it is doing: `thinking`, `running exec`, `working`, or its final state. */
  activity: string;
  /** Its counts: `5 tool calls · 1 sub-agent · 24.8k in / 1.2k out`. */
  counts: string;
}

/** Activity and counts in one line, as the terminal shows a box. */
export function boxSummary(box: BoxSnapshot): string {
  return box.counts ? `${box.activity} · ${box.counts}` : box.activity;
}

export type BoxChange =
  | { kind: "created"; box: BoxSnapshot }
  | { kind: "updated"; box: BoxSnapshot }
  | { kind: "finalized"; box: BoxSnapshot }
  | { kind: "removed"; box: BoxSnapshot };

/** The status boxes among `posts`, deleted ones included. */
export function boxSnapshots(posts: readonly PostLike[]): BoxSnapshot[] {
  return posts
    .filter((p) => p.type === LIVE_STATUS_POST_TYPE)
    .map((p) => {
      const status = parseLiveStatus(p.props.live_status);
      return {
        id: p.id,
        place: p.root_id ? { channelId: p.channel_id, rootId: p.root_id } : { channelId: p.channel_id },
        deleted: p.delete_at > 0,
        state: status?.state ?? null,
        activity: status ? activityOf(status) : "unreadable",
        counts: status ? countsOf(status) : "",
      };
    });
}

/**
 * What changed between two snapshots of the boxes, in the order the boxes were created. An update
 * is a change of counts or a new activity; falling back to "working" between two tools is not news.
 */
export function diffBoxes(
  before: ReadonlyMap<string, BoxSnapshot>,
  after: readonly BoxSnapshot[],
): BoxChange[] {
  const changes: BoxChange[] = [];
  for (const box of after) {
    const old = before.get(box.id);
    if (box.deleted) {
      if (old && !old.deleted) changes.push({ kind: "removed", box });
      continue;
    }
    if (!old) changes.push({ kind: "created", box });
    if (isFinal(box.state) && !isFinal(old?.state ?? null)) changes.push({ kind: "finalized", box });
    else if (
      old &&
      (old.counts !== box.counts || (old.activity !== box.activity && box.activity !== "working"))
    )
      changes.push({ kind: "updated", box });
  }
  return changes;
}

function isFinal(state: BoxSnapshot["state"]): boolean {
  return state !== null && (FINAL_BOX_STATES as readonly string[]).includes(state);
}

function activityOf(s: LiveStatusV1): string {
  if (s.state !== "running") return s.state;
  const running = s.tools.filter((t) => t.state === "running").at(-1);
  if (running) return `running ${running.name}`;
  return s.thinking ? "thinking" : "working";
}

function countsOf(s: LiveStatusV1): string {
  const parts: string[] = [];
  const calls = s.tools.length + s.toolsOmitted;
  if (calls > 0) parts.push(`${calls} tool call${calls === 1 ? "" : "s"}`);
  if (s.subagents.length > 0)
    parts.push(`${s.subagents.length} sub-agent${s.subagents.length === 1 ? "" : "s"}`);
  // Like the box: a token side the source never reported is left out.
  const tokens = [
    s.tokens.input > 0 && `${kilo(s.tokens.input)} in`,
    s.tokens.output > 0 && `${kilo(s.tokens.output)} out`,
  ].filter(Boolean);
  if (tokens.length > 0) parts.push(tokens.join(" / "));
  return parts.join(" · ");
}

function kilo(n: number): string {
  return n < 1000 ? String(n) : `${(n / 1000).toFixed(1)}k`;
}

/**
 * Tells what happened to status boxes since the last look (`check`). The caller decides when to
 * look: a timer, the end of a turn.
 */
export class BoxReporter {
  private seen = new Map<string, BoxSnapshot>();
  private readonly posts: () => readonly PostLike[];
  private readonly onChange: (change: BoxChange) => void;

  constructor(posts: () => readonly PostLike[], onChange: (change: BoxChange) => void) {
    this.posts = posts;
    this.onChange = onChange;
  }

  check(): void {
    const boxes = boxSnapshots(this.posts());
    for (const change of diffBoxes(this.seen, boxes)) this.onChange(change);
    this.seen = new Map(boxes.map((b) => [b.id, b]));
  }
}
