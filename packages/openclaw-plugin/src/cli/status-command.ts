import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { openLedger } from "../adapters/storage/index.ts";
import { messageOf } from "../core/guards.ts";
import { LedgerStorageError } from "../runtime/ledger.ts";
import type { CommandIo } from "./io.ts";
import { EXIT, UsageError } from "./io.ts";

export const STATUS_USAGE = `Usage: live-status status --ledger PATH [--json]

Lists the sessions in a ledger: their state, their boxes (channel, thread root, post id) and the last
transition with its reason. Run it first when something looks wrong. Opens the ledger read-only; on a
damaged ledger it shows what it can still read and exits 1, naming what it could not.`;

export async function statusCommand(argv: string[], io: CommandIo): Promise<number> {
  let values: { ledger?: string | boolean; json?: string | boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ledger: { type: "string" }, json: { type: "boolean" } },
    }));
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  const path = typeof values.ledger === "string" ? values.ledger : undefined;
  if (!path) throw new UsageError("missing --ledger PATH");
  if (!existsSync(path)) throw new UsageError(`no ledger at ${path}`);
  let ledger: ReturnType<typeof openLedger>;
  try {
    // Read-only: status must work on a full disk or a read-only copy, and never change the file.
    ledger = openLedger(path, { readOnly: true });
  } catch (error) {
    if (error instanceof LedgerStorageError) {
      io.stderr(`live-status status: ${error.message}\n`);
      return EXIT.failed;
    }
    throw new UsageError(messageOf(error));
  }
  try {
    // Each table on its own: a corrupted one must not hide what the others still say.
    const unreadable: string[] = [];
    const read = <T>(what: string, fn: () => T, fallback: T): T => {
      try {
        return fn();
      } catch (error) {
        unreadable.push(`cannot read the ${what}: ${messageOf(error)}`);
        return fallback;
      }
    };
    const slots = read("sessions", () => ledger.listSlots(), []);
    const boxes = read("boxes", () => ledger.listBoxes(), []);
    const owed = new Map(read("owed writes", () => ledger.listOutbox(), []).map((e) => [e.boxId, e]));
    const view = (b: (typeof boxes)[number]) => {
      const due = owed.get(b.boxId);
      return {
        generation: b.generation,
        state: b.state,
        channelId: b.channelId,
        rootId: b.rootId ?? null,
        postId: b.postId ?? null,
        owed: due ? { kind: due.kind, state: due.status.state, since: due.since } : null,
      };
    };
    const sessions = slots.map((slot) => ({
      session: slot.session,
      conversation: slot.conversation,
      phase: slot.phase,
      runId: slot.runId ?? null,
      lastTransition: slot.lastTransition ?? null,
      boxes: boxes.filter((b) => b.slot === slot.slot).map(view),
    }));
    const known = new Set(slots.map((s) => s.slot));
    const strayBoxes = boxes.filter((b) => !known.has(b.slot)).map((b) => ({ slot: b.slot, ...view(b) }));
    const problems = ledger.problems();
    if (values.json === true) {
      io.stdout(`${JSON.stringify({ sessions, strayBoxes, problems, unreadable }, null, 2)}\n`);
      return unreadable.length > 0 ? EXIT.failed : EXIT.ok;
    }
    if (sessions.length === 0 && strayBoxes.length === 0) io.stdout("no sessions in this ledger\n");
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
      for (const b of s.boxes) io.stdout(`  ${boxLine(b)}\n`);
    }
    if (strayBoxes.length > 0) io.stdout("boxes whose session is not readable:\n");
    for (const b of strayBoxes) io.stdout(`  ${b.slot} ${boxLine(b)}\n`);
    for (const p of problems) io.stderr(`unreadable ${p.table} row ${p.key}: ${p.reason}\n`);
    for (const line of unreadable) io.stderr(`live-status status: ${line}\n`);
    return unreadable.length > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    ledger.close();
  }
}

function boxLine(b: {
  generation: number;
  state: string;
  channelId: string;
  rootId: string | null;
  postId: string | null;
  owed: { kind?: string; state?: string; since?: number } | null;
}): string {
  return `box #${b.generation} ${b.state} channel=${b.channelId}${b.rootId ? ` root=${b.rootId}` : ""} post=${b.postId ?? "(not created)"}${owedText(b.owed)}`;
}

/** An owed write, as the next start will land it. */
function owedText(owed: { kind?: string; state?: string; since?: number } | null): string {
  if (!owed) return "";
  const since = owed.since === undefined ? "" : ` since ${new Date(owed.since).toISOString()}`;
  return owed.kind === "final"
    ? `  owes final ${owed.state}${since} (the next start lands it)`
    : `  owes its first appearance${since} (the next start shows it, interrupted)`;
}
