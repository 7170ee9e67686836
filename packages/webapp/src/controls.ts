/**
 * The box as a control surface, decided purely from the status and what the page knows: which
 * buttons a box shows (Approve once / Always / Deny while the run waits for approval, Stop while it
 * runs), the exact text each button posts, and whether a newer box has taken over the conversation.
 * A button is bound to the run it was drawn for: a final or superseded box shows none, so a stale box
 * can never answer or stop a newer run. The plan checklist lives here too.
 */
import {
  type ApprovalDecision,
  approveCommand,
  LIVE_STATUS_POST_TYPE,
  type LiveStatusV1,
  type PlanStepV1,
  parseLiveStatus,
  shortApprovalId,
  stopCommand,
} from "@live-status/contract";
import { clip } from "./format.ts";
import type { IconName, Tone } from "./view-state.ts";

export type Decision = ApprovalDecision;
export type ControlAction = { kind: "approve"; decision: Decision; approvalId: string } | { kind: "stop" };

/** The part of a Mattermost post the controls read. */
export interface PostLike {
  id?: string;
  type?: string;
  channel_id?: string;
  root_id?: string;
  user_id?: string;
  create_at?: number;
  delete_at?: number;
  props?: unknown;
}

/** What the person already pressed on this box, as the component remembers it. */
export type Pressed =
  | { action: ControlAction; phase: "sending" }
  | { action: ControlAction; phase: "sent" }
  | { action: ControlAction; phase: "failed"; reason: string };

export interface ApproveView {
  approvalId: string;
  /** `a1b2c3d4`: what people type, and what the buttons post. */
  shortId: string;
  command?: string;
  buttons: { decision: Decision; label: string }[];
  /** `Approval sent (allow once)…` after a press, until the run stops waiting. */
  status?: string;
  disabled: boolean;
}

export interface ControlsView {
  approve?: ApproveView;
  stop?: { label: string; disabled: boolean };
  /** `Could not send: …` when the last press failed. */
  error?: string;
}

const DECISIONS: { decision: Decision; label: string; said: string }[] = [
  { decision: "allow-once", label: "Approve once", said: "allow once" },
  { decision: "allow-always", label: "Always", said: "allow always" },
  { decision: "deny", label: "Deny", said: "deny" },
];

/**
 * The text a button posts, as the person who clicks, into the run's own conversation: OpenClaw's
 * own commands, so its own authorization decides. In a channel the bot must be mentioned (and a
 * bare `/approve` would be taken by Mattermost as its own slash command).
 */
export function controlText(action: ControlAction, botUsername: string): string {
  if (action.kind === "stop") return stopCommand(botUsername);
  return approveCommand(action.approvalId, action.decision, botUsername);
}

/**
 * The buttons of a box. None for a final box or one a newer box superseded; approval buttons only
 * while the run waits for an approval (a press is remembered per approval id, so the next approval
 * gets fresh buttons); Stop while it runs, showing "Stopping…" once pressed until the run's end.
 * A page nobody is signed in to could send nothing: it shows what waits, without any button.
 */
export function controlsView(
  status: LiveStatusV1,
  superseded: boolean,
  pressed?: Pressed,
  signedIn = true,
): ControlsView {
  if (status.state !== "running" || superseded) return {};
  const view: ControlsView = {};
  const busy = pressed?.phase === "sending";
  const stopSent = pressed?.action.kind === "stop" && pressed.phase !== "failed";
  const waiting = status.waiting;
  if (waiting?.kind === "approval") {
    const mine = pressed?.action.kind === "approve" && pressed.action.approvalId === waiting.approvalId;
    const approve: ApproveView = {
      approvalId: waiting.approvalId,
      shortId: shortApprovalId(waiting.approvalId),
      buttons: signedIn ? DECISIONS.map(({ decision, label }) => ({ decision, label })) : [],
      disabled: busy || stopSent || (mine && pressed?.phase === "sent"),
    };
    if (waiting.command) approve.command = clip(waiting.command, 120);
    const action = pressed?.action;
    if (mine && action?.kind === "approve" && pressed?.phase !== "failed") {
      const said = DECISIONS.find((d) => d.decision === action.decision)?.said;
      approve.status =
        pressed?.phase === "sending" ? `Sending ${said}…` : `Sent: ${said}. Waiting for the run…`;
    }
    view.approve = approve;
  }
  if (!signedIn) return view;
  view.stop = { label: stopSent ? "Stopping…" : "Stop", disabled: busy || stopSent };
  if (pressed?.phase === "failed") view.error = `Could not send: ${clip(pressed.reason, 160)}`;
  return view;
}

/**
 * True when a newer status box of the same session lives in the same conversation (channel and
 * thread): another run owns it now. `posts` may hold anything the page has loaded.
 */
export function isSuperseded(post: PostLike, posts: Iterable<PostLike>): boolean {
  const mine = parseLiveStatus((post.props as { live_status?: unknown } | undefined)?.live_status);
  if (!mine || post.create_at === undefined) return false;
  for (const other of posts) {
    if (other.id === post.id || other.type !== LIVE_STATUS_POST_TYPE || (other.delete_at ?? 0) > 0) continue;
    if (other.channel_id !== post.channel_id || (other.root_id ?? "") !== (post.root_id ?? "")) continue;
    if ((other.create_at ?? 0) <= post.create_at) continue;
    const theirs = parseLiveStatus((other.props as { live_status?: unknown } | undefined)?.live_status);
    if (theirs?.session === mine.session) return true;
  }
  return false;
}

export interface PlanRowView {
  key: string;
  icon: IconName;
  tone: Tone;
  /** Spoken and hover text for the icon: `done`, `current`, `pending`. */
  iconLabel: string;
  step: string;
  current: boolean;
}

export interface PlanView {
  /** `1/3 done`. */
  count: string;
  rows: PlanRowView[];
}

const STEP_LOOK: Record<PlanStepV1["status"], { icon: IconName; tone: Tone; iconLabel: string }> = {
  completed: { icon: "check", tone: "ok", iconLabel: "done" },
  in_progress: { icon: "spinner", tone: "active", iconLabel: "current" },
  pending: { icon: "pending", tone: "muted", iconLabel: "pending" },
};

/** The plan as a to-do list: done / current / pending, and a count. A final box freezes the spinner. */
export function planView(status: LiveStatusV1): PlanView | undefined {
  const steps = status.plan ?? [];
  if (steps.length === 0) return undefined;
  const final = status.state !== "running";
  const done = steps.filter((s) => s.status === "completed").length;
  return {
    count: `${done}/${steps.length} done`,
    rows: steps.map((s, i) => {
      const look = STEP_LOOK[s.status];
      const frozen = final && s.status === "in_progress";
      return {
        key: `${i}`,
        ...(frozen ? { icon: "pause" as const, tone: "muted" as const, iconLabel: "was current" } : look),
        step: clip(s.step, 120),
        current: s.status === "in_progress",
      };
    }),
  };
}
