/**
 * The runs the correlator knows: open runs (runId → session, since most streams carry only the
 * runId), recently ended ones (so late events are told apart from unknown ones), each session's
 * current run, and facts about a run that agent hooks report before (or after) its start.
 */
import { trimOldest } from "../../core/bounded.ts";
import type { SkipReason } from "./map-result.ts";
import type { OcAgentHookCtx } from "./payloads.ts";
import type { UsageTotals } from "./stream-events.ts";

export interface OpenRun {
  session: string;
  /** The run's cumulative usage so far. */
  usage?: UsageTotals;
}

/** Facts about a run learnt from agent hooks; the first report of each wins. */
export interface RunFacts {
  trigger?: string;
  chatId?: string;
  senderId?: string;
}

export class Runs {
  readonly #max: number;
  readonly #open = new Map<string, OpenRun>();
  readonly #ended = new Set<string>();
  readonly #facts = new Map<string, RunFacts>();
  readonly #activeBySession = new Map<string, string>();

  /** `max` bounds each memory (open runs, ended runs, facts); the oldest entries go first. */
  constructor(max: number) {
    this.#max = max;
  }

  /** Runs currently open (started, not ended). */
  get openCount(): number {
    return this.#open.size;
  }

  open(runId: string, session: string): void {
    this.#open.set(runId, { session });
    trimOldest(this.#open, this.#max);
    this.#ended.delete(runId);
    this.#activeBySession.set(session, runId);
  }

  get(runId: string): OpenRun | undefined {
    return this.#open.get(runId);
  }

  /** Why an event of a run that is not open cannot be placed. */
  skipReason(runId: string): SkipReason {
    return this.#ended.has(runId) ? "run_ended" : "unknown_run";
  }

  close(runId: string, session: string): void {
    this.#open.delete(runId);
    this.#facts.delete(runId);
    this.#ended.add(runId);
    trimOldest(this.#ended, this.#max);
    if (this.#activeBySession.get(session) === runId) this.#activeBySession.delete(session);
  }

  /** The open run of a session, if it has one. */
  activeRun(session: string): string | undefined {
    return this.#activeBySession.get(session);
  }

  facts(runId: string): RunFacts {
    return this.#facts.get(runId) ?? {};
  }

  /** Keeps what an agent hook says about its run; facts that arrive after the run ended are of no use. */
  recordFacts(ctx: OcAgentHookCtx): void {
    if (!ctx.runId) return;
    const facts = this.#facts.get(ctx.runId) ?? {};
    if (ctx.trigger && !facts.trigger) facts.trigger = ctx.trigger;
    if (ctx.chatId && !facts.chatId) facts.chatId = ctx.chatId;
    if (ctx.senderId && !facts.senderId) facts.senderId = ctx.senderId;
    if (this.#ended.has(ctx.runId)) return;
    this.#facts.set(ctx.runId, facts);
    trimOldest(this.#facts, this.#max);
  }
}
