/**
 * OpenClaw's approval and plan signals (2026.9.x) as normalized events. A gateway exec that needs
 * approval blocks inside its tool call between lifecycle `waiting-approval` and `approval-resolved`
 * (`{approvalId, toolCallId}`); the `approval` stream reports the async routes (`requested` with
 * `status: pending|unavailable`, `resolved` with `denied|failed`); the `plan` stream carries the
 * whole latest plan (`{steps: [{step, status}]}`) after each successful `progress_card`/`update_plan`.
 */
import type { ApprovalEvent, LiveEvent, PlanEvent, PlanStepStatus } from "../../core/events.ts";
import type { RunEventBase as Base } from "./stream-events.ts";

type Data = Record<string, unknown>;

const STEP_STATUSES: readonly string[] = ["pending", "in_progress", "completed"];

export function lifecycleApprovalEvent(d: Data, base: Base): LiveEvent | undefined {
  const approvalId = text(d.approvalId);
  if (d.phase === "waiting-approval") {
    if (approvalId === undefined) return undefined;
    return approval(base, "waiting", { approvalId, callId: text(d.toolCallId) });
  }
  return approval(base, "resolved", { approvalId, callId: text(d.toolCallId) });
}

export function approvalEvent(d: Data, base: Base): LiveEvent | undefined {
  const fields = {
    approvalId: text(d.approvalId),
    callId: text(d.toolCallId),
    command: text(d.command),
    reason: text(d.reason) ?? text(d.message),
  };
  if (d.phase === "requested" && d.status === "pending" && fields.approvalId !== undefined)
    return approval(base, "waiting", { ...fields, reason: undefined });
  if (d.phase === "requested" && d.status === "unavailable") return approval(base, "unavailable", fields);
  if (d.phase === "resolved" && (d.status === "denied" || d.status === "failed"))
    return approval(base, d.status, fields);
  return undefined;
}

export function planEvent(d: Data, base: Base): LiveEvent | undefined {
  if (!Array.isArray(d.steps)) return undefined;
  const steps: PlanEvent["steps"] = [];
  for (const raw of d.steps as unknown[]) {
    if (typeof raw !== "object" || raw === null) continue;
    const { step, status } = raw as Data;
    if (text(step) === undefined || typeof status !== "string" || !STEP_STATUSES.includes(status)) continue;
    steps.push({ step: step as string, status: status as PlanStepStatus });
  }
  // A list whose every step was unreadable is not a request to clear the plan.
  if (steps.length === 0 && d.steps.length > 0) return undefined;
  return { ...base, type: "plan", steps };
}

function approval(
  base: Base,
  phase: ApprovalEvent["phase"],
  fields: Partial<Pick<ApprovalEvent, "approvalId" | "callId" | "command" | "reason">>,
): ApprovalEvent {
  const event: ApprovalEvent = { ...base, type: "approval", phase };
  for (const key of ["approvalId", "callId", "command", "reason"] as const) {
    const value = fields[key];
    if (value !== undefined) event[key] = value;
  }
  return event;
}

function text(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}
