/**
 * The texts people post to act on a run, in OpenClaw's own command language: the box's message
 * tells them, the webapp's buttons post them as the person who clicks. In a channel the bot must be
 * mentioned, and a bare `/approve` would be taken by Mattermost as its own slash command.
 */

export const APPROVAL_DECISIONS = ["allow-once", "allow-always", "deny"] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** OpenClaw accepts the first 8 characters of an approval id. */
export function shortApprovalId(approvalId: string): string {
  return Array.from(approvalId).slice(0, 8).join("");
}

/** `@livebot /approve a1b2c3d4 allow-once`; without a bot name, `/approve a1b2c3d4 allow-once`. */
export function approveCommand(approvalId: string, decision: ApprovalDecision, botUsername?: string): string {
  return `${mention(botUsername)}/approve ${shortApprovalId(approvalId)} ${decision}`;
}

/** `@livebot stop`: OpenClaw's abort for the conversation's run. */
export function stopCommand(botUsername?: string): string {
  return `${mention(botUsername)}stop`;
}

function mention(botUsername: string | undefined): string {
  return botUsername ? `@${botUsername} ` : "";
}
