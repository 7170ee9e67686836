/**
 * Correlates raw OpenClaw signals (agent-event payloads and hook calls, openclaw 2026.9.x) into
 * normalized `LiveEvent`s. No I/O, no clock: hook calls carry no timestamp, so the caller passes
 * `now`. Lifecycle start opens a run and yields `route` + `run_start`; lifecycle end/error closes
 * it with `run_end`; content between is mapped per stream. The parts: agent-streams.ts (what an
 * event is), stream-events.ts and control-events.ts (its content), runs.ts, pending-messages.ts,
 * subagents.ts (what is remembered), run-kind.ts and run-route.ts (what a start says).
 */
import type { LiveEvent, TriggerKind } from "../../core/events.ts";
import { agentEventKind } from "./agent-streams.ts";
import { approvalEvent, lifecycleApprovalEvent, planEvent } from "./control-events.ts";
import { empty, type MapResult, one, skip } from "./map-result.ts";
import type { OcAgentEvent, OcHookCall } from "./payloads.ts";
import { PendingMessages, receivedMessage } from "./pending-messages.ts";
import { isAnnounceRun, triggerKind } from "./run-kind.ts";
import { runRoute } from "./run-route.ts";
import { type OpenRun, Runs } from "./runs.ts";
import {
  type RunEventBase,
  runEndEvent,
  textEvent,
  thinkingEvent,
  toolEvent,
  usageEvent,
} from "./stream-events.ts";
import { Subagents } from "./subagents.ts";

export interface CorrelatorOptions {
  /** Bound on remembered runs, pending messages and children, so memory stays flat. */
  maxEntries?: number;
}

export class OpenClawCorrelator {
  readonly #runs: Runs;
  readonly #messages: PendingMessages;
  readonly #subagents: Subagents;

  constructor(options: CorrelatorOptions = {}) {
    // Generous: an open run evicted here would lose its end (the watchdog would still close its box).
    const max = options.maxEntries ?? 10_000;
    this.#runs = new Runs(max);
    this.#messages = new PendingMessages(max);
    this.#subagents = new Subagents(max, (session) => this.#runs.activeRun(session));
  }

  /** Runs currently open (started, not ended). */
  get openRuns(): number {
    return this.#runs.openCount;
  }

  /** Maps one agent-event subscription payload. */
  agentEvent(e: OcAgentEvent): MapResult {
    const kind = agentEventKind(e);
    if (kind === "ignored") return empty();
    if (kind === "run_start") return this.#start(e);
    const run = this.#runs.get(e.runId);
    if (!run) return skip({ reason: this.#runs.skipReason(e.runId), runId: e.runId, stream: e.stream });
    const base: RunEventBase = { v: 1, ts: e.ts, session: run.session, runId: e.runId };
    if (kind === "run_end") {
      this.#runs.close(e.runId, run.session);
      return one(runEndEvent(e.data, base));
    }
    if (kind === "approval_wait") return one(lifecycleApprovalEvent(e.data, base));
    return this.#content(e, base, run);
  }

  /** Maps one hook call. `now` stamps the events it yields (hooks carry no timestamp). */
  hook(call: OcHookCall, now: number): MapResult {
    switch (call.name) {
      case "message_received": {
        const received = receivedMessage(call.event, call.ctx);
        if (received) this.#messages.add(received.session, received.message);
        return empty();
      }
      case "subagent_spawned":
        return this.#subagents.spawned(call.event, call.ctx, now);
      case "subagent_ended":
        return this.#subagents.ended(call.event, call.ctx, now);
      default:
        this.#runs.recordFacts(call.ctx);
        return empty();
    }
  }

  #start(e: OcAgentEvent): MapResult {
    const session = e.sessionKey;
    if (!session) return skip({ reason: "unknown_run", runId: e.runId, stream: e.stream });
    const facts = this.#runs.facts(e.runId);
    const kind = triggerKind(facts.trigger, e.runId, session);
    const base: RunEventBase = { v: 1, ts: e.ts, session, runId: e.runId };

    const message =
      kind === "user" || kind === undefined
        ? this.#messages.take(session, e.runId, facts.senderId)
        : undefined;
    const route = runRoute({
      kind,
      session,
      runId: e.runId,
      message,
      chatId: facts.chatId,
      origin: isAnnounceRun(e.runId) ? this.#subagents.originOf(e.runId) : undefined,
    });
    this.#runs.open(e.runId, session);

    const events: LiveEvent[] = [];
    if (route) events.push({ ...base, type: "route", ...route });
    const trigger: { postId?: string; kind?: TriggerKind } = {};
    if (kind) trigger.kind = kind;
    if (message?.messageId) trigger.postId = message.messageId;
    events.push({ ...base, type: "run_start", ...(Object.keys(trigger).length > 0 ? { trigger } : {}) });
    return { events, skipped: [] };
  }

  #content(e: OcAgentEvent, base: RunEventBase, run: OpenRun): MapResult {
    switch (e.stream) {
      case "approval":
        return one(approvalEvent(e.data, base));
      case "plan":
        return one(planEvent(e.data, base));
      case "tool":
        return one(toolEvent(e.data, base));
      case "assistant":
        return one(textEvent(e.data, base));
      case "thinking":
        return one(thinkingEvent(base));
      case "usage": {
        const usage = usageEvent(e.data, base, run.usage);
        if (usage) run.usage = usage.totals;
        return one(usage?.event);
      }
      default:
        return empty();
    }
  }
}
