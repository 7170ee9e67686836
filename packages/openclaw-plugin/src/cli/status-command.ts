import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { openLedger } from "../adapters/storage/index.ts";
import type { CommandIo } from "./io.ts";
import { EXIT, UsageError } from "./io.ts";

export const STATUS_USAGE = `Usage: live-status status --ledger PATH [--json]

Lists the sessions in a ledger: their state, their boxes (channel, thread root, post id) and the last
transition with its reason. Run it first when something looks wrong.`;

export async function statusCommand(argv: string[], io: CommandIo): Promise<number> {
  let values: { ledger?: string | boolean; json?: string | boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ledger: { type: "string" }, json: { type: "boolean" } },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const path = typeof values.ledger === "string" ? values.ledger : undefined;
  if (!path) throw new UsageError("missing --ledger PATH");
  if (!existsSync(path)) throw new UsageError(`no ledger at ${path}`);
  let ledger: ReturnType<typeof openLedger>;
  try {
    ledger = openLedger(path);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  try {
    const boxes = ledger.listBoxes();
    const owed = new Map(ledger.listOutbox().map((e) => [e.boxId, e]));
    const sessions = ledger.listSlots().map((slot) => ({
      session: slot.session,
      conversation: slot.conversation,
      phase: slot.phase,
      runId: slot.runId ?? null,
      lastTransition: slot.lastTransition ?? null,
      boxes: boxes
        .filter((b) => b.slot === slot.slot)
        .map((b) => ({
          generation: b.generation,
          state: b.state,
          channelId: b.channelId,
          rootId: b.rootId ?? null,
          postId: b.postId ?? null,
          owed: owed.has(b.boxId)
            ? {
                kind: owed.get(b.boxId)?.kind,
                state: owed.get(b.boxId)?.status.state,
                since: owed.get(b.boxId)?.since,
              }
            : null,
        })),
    }));
    const problems = ledger.problems();
    if (values.json === true) {
      io.stdout(`${JSON.stringify({ sessions, problems }, null, 2)}\n`);
      return EXIT.ok;
    }
    if (sessions.length === 0) io.stdout("no sessions in this ledger\n");
    for (const s of sessions) {
      const where =
        s.conversation.kind === "channel"
          ? `channel ${s.conversation.channelId}`
          : `DM with ${s.conversation.userId}`;
      const thread = s.conversation.rootId ? ` thread ${s.conversation.rootId}` : "";
      io.stdout(`${s.session}  [${where}${thread}]  ${s.phase}${s.runId ? ` run=${s.runId}` : ""}\n`);
      if (s.lastTransition)
        io.stdout(
          `  last: ${s.lastTransition.from} → ${s.lastTransition.to}: ${s.lastTransition.reason} (${new Date(s.lastTransition.at).toISOString()})\n`,
        );
      for (const b of s.boxes)
        io.stdout(
          `  box #${b.generation} ${b.state} channel=${b.channelId}${b.rootId ? ` root=${b.rootId}` : ""} post=${b.postId ?? "(not created)"}${owedText(b.owed)}\n`,
        );
    }
    for (const p of problems) io.stderr(`unreadable ${p.table} row ${p.key}: ${p.reason}\n`);
    return EXIT.ok;
  } finally {
    ledger.close();
  }
}

/** An owed write, as the next start will land it. */
function owedText(owed: { kind?: string; state?: string; since?: number } | null): string {
  if (!owed) return "";
  const since = owed.since === undefined ? "" : ` since ${new Date(owed.since).toISOString()}`;
  return owed.kind === "final"
    ? `  owes final ${owed.state}${since} (the next start lands it)`
    : `  owes its first appearance${since} (the next start shows it, interrupted)`;
}
