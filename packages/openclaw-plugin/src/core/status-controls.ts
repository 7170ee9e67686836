/**
 * The parts of a box people act on: what the run waits for (an exec approval), its plan, and an
 * approval that could not be asked for or was refused. Pure helpers of the status model: each
 * returns a new status, or its input when nothing changes.
 */
import type { ApprovalNoticeV1, LiveStatusV1, PlanStepV1, WaitingV1 } from "@live-status/contract";
import { summarizeArgs } from "./args-summary.ts";
import type { ApprovalEvent, PlanEvent } from "./events.ts";
import type { StatusOptions } from "./status-model.ts";
import { safeHead } from "./text.ts";

/** OpenClaw's own bound on a plan (`progress_card`). */
export const MAX_PLAN_STEPS = 50;
/** Longest plan step text kept, in code points. */
export const MAX_PLAN_STEP = 120;
/** Longest approval reason kept, in code points. */
export const MAX_APPROVAL_REASON = 200;

/**
 * `waiting` sets what the run waits for (the command: the event's, else the waiting tool call's
 * summary); `resolved` clears it when the id matches (or none is given); `unavailable`, `denied`
 * and `failed` become the box's approval notice and end a wait on the same call.
 */
export function applyApproval(s: LiveStatusV1, e: ApprovalEvent, o: StatusOptions): LiveStatusV1 {
  switch (e.phase) {
    case "waiting": {
      if (e.approvalId === undefined) return s;
      const command = commandOf(s, e, o);
      const waiting: WaitingV1 = {
        kind: "approval",
        approvalId: e.approvalId,
        ...(command !== undefined ? { command } : {}),
        ...(e.callId !== undefined ? { callId: e.callId } : {}),
      };
      return { ...s, thinking: false, waiting };
    }
    case "resolved":
      if (s.waiting === undefined) return s;
      if (e.approvalId !== undefined && e.approvalId !== s.waiting.approvalId) return s;
      return withoutWaiting(s);
    case "unavailable":
    case "denied":
    case "failed": {
      const command = commandOf(s, e, o);
      const reason = e.reason === undefined ? "" : safeHead(String(e.reason), MAX_APPROVAL_REASON, o.redact);
      const approvalNotice: ApprovalNoticeV1 = {
        status: e.phase,
        ...(command !== undefined ? { command } : {}),
        ...(reason.length > 0 ? { reason } : {}),
      };
      const settled = sameWait(s.waiting, e) ? withoutWaiting(s) : s;
      return { ...settled, approvalNotice };
    }
    default: {
      const _unknown: never = e.phase;
      return s;
    }
  }
}

/** Replaces the plan; an empty list clears it. Steps are redacted, one line, and bounded. */
export function applyPlan(s: LiveStatusV1, e: PlanEvent, o: StatusOptions): LiveStatusV1 {
  const plan: PlanStepV1[] = [];
  for (const item of e.steps.slice(0, MAX_PLAN_STEPS)) {
    const step = safeHead(String(item.step ?? ""), MAX_PLAN_STEP, o.redact);
    if (step.length > 0) plan.push({ step, status: item.status });
  }
  if (plan.length === 0) {
    if (s.plan === undefined) return s;
    const { plan: _, ...rest } = s;
    return rest;
  }
  return { ...s, plan };
}

/** A tool call that ends no longer waits: its approval was answered one way or another. */
export function settleWaiting(s: LiveStatusV1, callId: string): LiveStatusV1 {
  return s.waiting?.callId === callId ? withoutWaiting(s) : s;
}

export function withoutWaiting(s: LiveStatusV1): LiveStatusV1 {
  if (s.waiting === undefined) return s;
  const { waiting: _, ...rest } = s;
  return rest;
}

function sameWait(w: WaitingV1 | undefined, e: ApprovalEvent): boolean {
  if (w === undefined) return false;
  if (e.approvalId !== undefined) return e.approvalId === w.approvalId;
  return e.callId !== undefined && e.callId === w.callId;
}

function commandOf(s: LiveStatusV1, e: ApprovalEvent, o: StatusOptions): string | undefined {
  if (!o.showToolArgs) return undefined;
  if (e.command !== undefined) return summarizeArgs("exec", { command: e.command }, o.redact);
  return s.tools.find((t) => t.callId === e.callId)?.args;
}
