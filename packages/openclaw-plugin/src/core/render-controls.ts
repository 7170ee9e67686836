/**
 * The markdown lines for what a person can act on in a box: what the run waits for and how to
 * answer it (people without the webapp plugin, on mobile, answer by typing), an approval that was
 * unavailable or refused, the run's plan as a compact checklist, and how to stop a running run.
 */
import { approveCommand, type LiveStatusV1, type PlanStepV1, stopCommand } from "@live-status/contract";
import { escapeText, inlineCode } from "./render.ts";
import { clip, oneLine } from "./text.ts";

export interface RenderContext {
  /** The bot's username: people address it in a channel (`@<bot> /approve …`). */
  botUsername?: string;
}

/** Plan steps shown in `message`; the rest are counted. */
export const MESSAGE_PLAN_LINES = 10;

const STEP_ICON: Readonly<Record<PlanStepV1["status"], string>> = {
  completed: "✅",
  in_progress: "▶️",
  pending: "⬜",
};

export function controlLines(s: LiveStatusV1, ctx: RenderContext = {}): string[] {
  const lines: string[] = [];
  const running = s.state === "running";
  if (running && s.waiting?.kind === "approval" && typeof s.waiting.approvalId === "string") {
    const command = s.waiting.command ? ` ${inlineCode(clip(oneLine(String(s.waiting.command)), 120))}` : "";
    const id = oneLine(s.waiting.approvalId);
    lines.push(
      `⏸️ **Waiting for approval:**${command || " a command"}`,
      `Answer here: ${inlineCode(approveCommand(id, "allow-once", safeBot(ctx)), true)} (or \`allow-always\`, \`deny\`)`,
    );
  }
  const notice = s.approvalNotice;
  if (running && notice) {
    const word = notice.status === "unavailable" ? "could not be requested" : notice.status;
    const command = notice.command ? ` for ${inlineCode(clip(oneLine(String(notice.command)), 120))}` : "";
    const reason = notice.reason ? ` — ${escapeText(clip(oneLine(String(notice.reason)), 120))}` : "";
    lines.push(`🚫 Approval ${word}${command}${reason}`);
  }
  const plan = (s.plan ?? []).filter((p) => Object.hasOwn(STEP_ICON, p.status));
  if (plan.length > 0) {
    const done = plan.filter((p) => p.status === "completed").length;
    lines.push(`**Plan** (${done}/${plan.length} done)`);
    for (const p of plan.slice(0, MESSAGE_PLAN_LINES)) {
      lines.push(`- ${STEP_ICON[p.status]} ${escapeText(clip(oneLine(String(p.step)), 120))}`);
    }
    if (plan.length > MESSAGE_PLAN_LINES) lines.push(`- … and ${plan.length - MESSAGE_PLAN_LINES} more`);
  }
  return lines;
}

/**
 * The last line of a running box: how to stop the run by typing, for people without the webapp's
 * Stop button. OpenClaw aborts on the message `stop` in the run's own conversation (the bot
 * mentioned in a channel). A final box has nothing left to stop.
 */
export function stopHint(s: LiveStatusV1, ctx: RenderContext = {}): string | undefined {
  if (s.state !== "running") return undefined;
  return `To stop it, send ${inlineCode(stopCommand(safeBot(ctx)), true)} here`;
}

/** The bot's name only when it cannot break the line it goes into. */
function safeBot(ctx: RenderContext): string | undefined {
  return ctx.botUsername && /^[\w.-]+$/.test(ctx.botUsername) ? ctx.botUsername : undefined;
}
