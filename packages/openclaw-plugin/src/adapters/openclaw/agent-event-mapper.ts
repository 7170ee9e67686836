/**
 * Pure mapping from raw OpenClaw signals (agent-event subscription payloads and typed hook calls,
 * as seen on openclaw 2026.9.x) to normalized `LiveEvent`s. No I/O, no clock: hook calls carry no
 * timestamp, so the caller passes `now`. Facts are in docs/design/openclaw-integration.md; the
 * captured sequences this is tested against are in test/fixtures/openclaw/.
 */
import type { LiveEvent, RouteEvent, RunOutcome, SubagentEndEvent, TriggerKind } from "../../core/events.ts";
import { isSubagentKey, threadRootOf } from "../../core/session-key.ts";
import { approvalEvent, lifecycleApprovalEvent, planEvent } from "./control-events.ts";

/** The agent-event subscription payload (`AgentEventPayload`), narrowed to what we read. */
export interface OcAgentEvent {
  runId: string;
  seq?: number;
  stream: string;
  ts: number;
  data: Record<string, unknown>;
  /** Present on lifecycle events; on channel runs most other streams carry only `runId`. */
  sessionKey?: string;
  sessionId?: string;
  agentId?: string;
}

/** Agent-hook context (`PluginHookAgentContext`): the fields the correlator reads. */
export interface OcAgentHookCtx {
  runId?: string;
  sessionKey?: string;
  agentId?: string;
  /** `user`, `heartbeat`, `cron`, `memory`, `overflow`, `manual` on this version. */
  trigger?: string;
  /** Mattermost channel id of the run's conversation (the DM channel for DMs) on user runs. */
  chatId?: string;
  /** The person whose message started a user run. */
  senderId?: string;
}

/** `message_received` event fields the correlator reads. */
export interface OcMessageReceivedEvent {
  sessionKey?: string;
  runId?: string;
  senderId?: string;
  messageId?: string;
  threadId?: string | number;
  content?: string;
}

/** Message-hook context (`PluginHookMessageContext`). */
export interface OcMessageCtx {
  sessionKey?: string;
  runId?: string;
  /** `channel:<channelId>` or `user:<userId>` (a DM). */
  conversationId?: string;
  messageId?: string;
  senderId?: string;
  /** The channel account the message came in on (`channels.mattermost.accounts.<id>`). */
  accountId?: string;
}

/** Where a sub-agent was spawned from (`PluginHookSubagentRequester`). */
export interface OcSubagentRequester {
  to?: string;
  threadId?: string | number;
  channelId?: string | number;
  messageId?: string | number;
}

export interface OcSubagentSpawnedEvent {
  childSessionKey: string;
  runId?: string;
  label?: string;
  requester?: OcSubagentRequester;
}

export interface OcSubagentEndedEvent {
  targetSessionKey: string;
  runId?: string;
  outcome?: string;
  error?: string;
}

export interface OcSubagentCtx {
  runId?: string;
  childSessionKey?: string;
  requesterSessionKey?: string;
}

/** Hooks whose ctx is an agent-hook context with `runId`, `trigger` and `chatId`. */
export type OcRunHookName =
  | "before_model_resolve"
  | "before_prompt_build"
  | "agent_end"
  | "model_call_started"
  | "model_call_ended";

/** One hook invocation, as the plugin's hook handlers receive it. */
export type OcHookCall =
  | { name: "message_received"; event: OcMessageReceivedEvent; ctx: OcMessageCtx }
  | { name: "subagent_spawned"; event: OcSubagentSpawnedEvent; ctx: OcSubagentCtx }
  | { name: "subagent_ended"; event: OcSubagentEndedEvent; ctx: OcSubagentCtx }
  | { name: OcRunHookName; ctx: OcAgentHookCtx };

export type SkipReason =
  /** An event for a run whose lifecycle start was never seen (e.g. run_status before start). */
  | "unknown_run"
  /** A late event of a run that already ended. */
  | "run_ended"
  /** A sub-agent hook that names no requester session we know. */
  | "unknown_requester";

export interface Skip {
  reason: SkipReason;
  runId?: string;
  stream?: string;
  hook?: string;
}

export interface MapResult {
  events: LiveEvent[];
  skipped: Skip[];
}

export interface CorrelatorOptions {
  /** Bound on remembered runs, pending messages and children, so memory stays flat. */
  maxEntries?: number;
}

interface RunState {
  session: string;
  /** OpenClaw reports usage cumulatively per run; normalized usage events carry increments. */
  usage?: { input: number; output: number };
}

/** Facts about a run learnt from agent hooks before (or after) its lifecycle start. */
interface RunFacts {
  trigger?: string;
  chatId?: string;
  senderId?: string;
}

interface Inbound {
  runId?: string;
  senderId?: string;
  accountId?: string;
  conversationId?: string;
  threadId?: string;
  messageId?: string;
}

interface Child {
  requester: string;
  label?: string;
  origin?: OcSubagentRequester;
}

const empty = (): MapResult => ({ events: [], skipped: [] });
const one = (event: LiveEvent | undefined): MapResult => (event ? { events: [event], skipped: [] } : empty());
const MAX_PENDING_PER_SESSION = 20;

/** Streams we turn into events (and subscribe to); all others (run_status, item, command_output, …) are ignored. */
export const AGENT_EVENT_STREAMS: readonly string[] = [
  "lifecycle",
  "tool",
  "assistant",
  "thinking",
  "usage",
  "approval",
  "plan",
];
const MAPPED_STREAMS: ReadonlySet<string> = new Set(AGENT_EVENT_STREAMS);
/** Lifecycle phases that neither start nor end a run but show what it waits for. */
const APPROVAL_PHASES = new Set(["waiting-approval", "approval-resolved"]);

/**
 * Correlates OpenClaw signals into normalized events. Lifecycle start opens a run (recording
 * runId → sessionKey, since most streams carry only the runId) and yields `route` + `run_start`;
 * lifecycle end/error closes it with `run_end`. The route comes only from per-run facts: the
 * `message_received` that preceded a user run, or the hook ctx `chatId` of a user run, or the
 * spawn origin of a sub-agent announce run; never from a session's stored "last route", which
 * for a collapsed `agent:<a>:main` may belong to another user. Stateful, but with no I/O.
 */
export class OpenClawCorrelator {
  readonly #max: number;
  readonly #runs = new Map<string, RunState>();
  readonly #ended = new Set<string>();
  readonly #facts = new Map<string, RunFacts>();
  readonly #inbound = new Map<string, Inbound[]>();
  readonly #activeBySession = new Map<string, string>();
  readonly #children = new Map<string, Child>();

  constructor(options: CorrelatorOptions = {}) {
    // Generous: an open run evicted here would lose its end (the watchdog would still close its box).
    this.#max = options.maxEntries ?? 10_000;
  }

  /** Runs currently open (started, not ended). */
  get openRuns(): number {
    return this.#runs.size;
  }

  /** Maps one agent-event subscription payload. */
  agentEvent(e: OcAgentEvent): MapResult {
    if (!MAPPED_STREAMS.has(e.stream)) return empty();
    const phase = typeof e.data.phase === "string" ? e.data.phase : undefined;
    if (e.stream === "lifecycle" && phase === "start") return this.#start(e);
    const waitPhase = e.stream === "lifecycle" && phase !== undefined && APPROVAL_PHASES.has(phase);
    if (e.stream === "lifecycle" && phase !== "end" && phase !== "error" && !waitPhase) return empty();
    if (e.stream === "tool" && phase !== "start" && phase !== "result") return empty();

    const run = this.#runs.get(e.runId);
    if (!run) {
      const reason: SkipReason = this.#ended.has(e.runId) ? "run_ended" : "unknown_run";
      return { events: [], skipped: [{ reason, runId: e.runId, stream: e.stream }] };
    }
    const base = { v: 1 as const, ts: e.ts, session: run.session, runId: e.runId };
    switch (e.stream) {
      case "lifecycle":
        return waitPhase ? one(lifecycleApprovalEvent(e.data, base)) : this.#end(e, base);
      case "approval":
        return one(approvalEvent(e.data, base));
      case "plan":
        return one(planEvent(e.data, base));
      case "tool":
        return { events: [toolEvent(e.data, base)], skipped: [] };
      case "assistant": {
        const text = typeof e.data.text === "string" ? e.data.text : undefined;
        return text === undefined ? empty() : { events: [{ ...base, type: "text", text }], skipped: [] };
      }
      case "thinking":
        // Thinking is shown as a state only; its text is never kept.
        return { events: [{ ...base, type: "thinking" }], skipped: [] };
      case "usage": {
        const input = num(e.data.inputTokens) ?? num(e.data.input);
        const output = num(e.data.outputTokens) ?? num(e.data.output);
        if (input === undefined && output === undefined) return empty();
        const seen = run.usage ?? { input: 0, output: 0 };
        run.usage = { input: input ?? seen.input, output: output ?? seen.output };
        const delta = (now: number | undefined, before: number) =>
          now === undefined ? undefined : now >= before ? now - before : now;
        return {
          events: [
            { ...base, type: "usage", input: delta(input, seen.input), output: delta(output, seen.output) },
          ],
          skipped: [],
        };
      }
      default:
        return empty();
    }
  }

  /** Maps one hook call. `now` stamps the events it yields (hooks carry no timestamp). */
  hook(call: OcHookCall, now: number): MapResult {
    switch (call.name) {
      case "message_received":
        return this.#messageReceived(call.event, call.ctx);
      case "subagent_spawned":
        return this.#subagentSpawned(call.event, call.ctx, now);
      case "subagent_ended":
        return this.#subagentEnded(call.event, call.ctx, now);
      default:
        this.#recordFacts(call.ctx);
        return empty();
    }
  }

  #start(e: OcAgentEvent): MapResult {
    const session = e.sessionKey;
    if (!session)
      return { events: [], skipped: [{ reason: "unknown_run", runId: e.runId, stream: e.stream }] };
    const facts = this.#facts.get(e.runId) ?? {};
    const kind = triggerKind(facts.trigger, e.runId, session);
    const base = { v: 1 as const, ts: e.ts, session, runId: e.runId };

    const inbound =
      kind === "user" || kind === undefined ? this.#takeInbound(session, e.runId, facts) : undefined;
    const route = routeFor({
      kind,
      session,
      runId: e.runId,
      inbound,
      chatId: facts.chatId,
      children: this.#children,
    });

    this.#remember(this.#runs, e.runId, { session });
    this.#ended.delete(e.runId);
    this.#activeBySession.set(session, e.runId);

    const events: LiveEvent[] = [];
    if (route) events.push({ ...base, type: "route", ...route });
    const trigger: { postId?: string; kind?: TriggerKind } = {};
    if (kind) trigger.kind = kind;
    if (inbound?.messageId) trigger.postId = inbound.messageId;
    events.push({ ...base, type: "run_start", ...(Object.keys(trigger).length > 0 ? { trigger } : {}) });
    return { events, skipped: [] };
  }

  #end(e: OcAgentEvent, base: { v: 1; ts: number; session: string; runId: string }): MapResult {
    const d = e.data;
    const error = typeof d.error === "string" ? d.error : undefined;
    let outcome: RunOutcome = "ok";
    if (d.aborted === true || d.stopReason === "aborted") outcome = "aborted";
    else if (d.phase === "error" || d.stopReason === "error") outcome = "error";
    this.#runs.delete(e.runId);
    this.#facts.delete(e.runId);
    this.#remember(this.#ended, e.runId);
    if (this.#activeBySession.get(base.session) === e.runId) this.#activeBySession.delete(base.session);
    const event: LiveEvent =
      outcome === "error" && error
        ? { ...base, type: "run_end", outcome, error }
        : { ...base, type: "run_end", outcome };
    return { events: [event], skipped: [] };
  }

  #messageReceived(event: OcMessageReceivedEvent, ctx: OcMessageCtx): MapResult {
    const session = event.sessionKey ?? ctx.sessionKey;
    if (!session) return empty();
    const list = this.#inbound.get(session) ?? [];
    list.push({
      runId: event.runId ?? ctx.runId,
      senderId: event.senderId ?? ctx.senderId,
      conversationId: ctx.conversationId,
      ...(typeof ctx.accountId === "string" && ctx.accountId !== "" && { accountId: ctx.accountId }),
      threadId: event.threadId === undefined ? undefined : String(event.threadId),
      messageId: event.messageId ?? ctx.messageId,
    });
    if (list.length > MAX_PENDING_PER_SESSION) list.shift();
    this.#inbound.delete(session);
    this.#remember(this.#inbound, session, list);
    return empty();
  }

  /**
   * The message a starting run answers: the one carrying its runId, else the newest from the
   * run's sender (a collapsed DM session can hold messages of several people), else the newest.
   * It and everything older is consumed; newer messages wait for their own run.
   */
  #takeInbound(session: string, runId: string, facts: RunFacts): Inbound | undefined {
    const list = this.#inbound.get(session);
    if (!list || list.length === 0) return undefined;
    let index = list.findIndex((m) => m.runId === runId);
    if (index < 0 && facts.senderId)
      index = findLastIndex(list, (m) => !m.runId && m.senderId === facts.senderId);
    if (index < 0 && !facts.senderId) index = findLastIndex(list, (m) => !m.runId);
    if (index < 0) return undefined;
    const taken = list[index];
    list.splice(0, index + 1);
    if (list.length === 0) this.#inbound.delete(session);
    return taken;
  }

  #subagentSpawned(event: OcSubagentSpawnedEvent, ctx: OcSubagentCtx, now: number): MapResult {
    const requester = ctx.requesterSessionKey;
    if (!requester)
      return { events: [], skipped: [{ reason: "unknown_requester", hook: "subagent_spawned" }] };
    const child: Child = { requester };
    if (event.label) child.label = event.label;
    if (event.requester) child.origin = event.requester;
    this.#remember(this.#children, event.childSessionKey, child);
    const runId = this.#activeBySession.get(requester);
    return {
      events: [
        {
          v: 1,
          ts: now,
          session: requester,
          ...(runId ? { runId } : {}),
          type: "subagent_start",
          child: event.childSessionKey,
          ...(event.label ? { label: event.label } : {}),
        },
      ],
      skipped: [],
    };
  }

  #subagentEnded(event: OcSubagentEndedEvent, ctx: OcSubagentCtx, now: number): MapResult {
    const known = this.#children.get(event.targetSessionKey);
    const requester = ctx.requesterSessionKey ?? known?.requester;
    if (!requester) return { events: [], skipped: [{ reason: "unknown_requester", hook: "subagent_ended" }] };
    // The requester's spawning run has usually ended by now: tag the event with the current run only.
    const runId = this.#activeBySession.get(requester);
    const outcome = subagentOutcome(event.outcome);
    const end: SubagentEndEvent = {
      v: 1,
      ts: now,
      session: requester,
      ...(runId ? { runId } : {}),
      type: "subagent_end",
      child: event.targetSessionKey,
    };
    if (known?.label) end.label = known.label;
    if (outcome) end.outcome = outcome;
    return { events: [end], skipped: [] };
  }

  #recordFacts(ctx: OcAgentHookCtx): void {
    if (!ctx.runId) return;
    const facts = this.#facts.get(ctx.runId) ?? {};
    if (ctx.trigger && !facts.trigger) facts.trigger = ctx.trigger;
    if (ctx.chatId && !facts.chatId) facts.chatId = ctx.chatId;
    if (ctx.senderId && !facts.senderId) facts.senderId = ctx.senderId;
    // Facts that arrive after the run ended are of no use; before start they wait for it.
    if (this.#ended.has(ctx.runId)) return;
    this.#remember(this.#facts, ctx.runId, facts);
  }

  /** Insert with a size bound: the oldest entries go first (Map/Set keep insertion order). */
  #remember<K, V>(store: Map<K, V> | Set<K>, key: K, value?: V): void {
    if (store instanceof Map) store.set(key, value as V);
    else store.add(key);
    while (store.size > this.#max) {
      const oldest = store.keys().next().value as K;
      store.delete(oldest);
    }
  }
}

/**
 * The kind of a run, from the agent-hook ctx `trigger` and the run's identity. Sub-agent child
 * sessions and sub-agent completion ("announce") runs report `trigger: "user"`; they are
 * recognized by their session key and runId instead.
 */
export function triggerKind(
  trigger: string | undefined,
  runId: string,
  sessionKey: string,
): TriggerKind | undefined {
  if (isSubagentKey(sessionKey) || runId.startsWith("announce:")) return "subagent";
  switch (trigger) {
    case undefined:
      return undefined;
    case "user":
    case "heartbeat":
    case "cron":
    case "memory":
      return trigger;
    case "overflow":
      return "compaction";
    default:
      return "other";
  }
}

type RouteFields = Pick<RouteEvent, "channelId" | "rootId" | "dmUserId" | "account">;

function routeFor(p: {
  kind: TriggerKind | undefined;
  session: string;
  runId: string;
  inbound: Inbound | undefined;
  chatId: string | undefined;
  children: ReadonlyMap<string, Child>;
}): RouteFields | undefined {
  const rootFromKey = threadRootOf(p.session);
  if (p.inbound) {
    const route = conversationRoute(p.inbound.conversationId, p.inbound.threadId ?? rootFromKey);
    // For a DM the ctx chatId of a user run is the DM channel: keep it so no lookup is needed.
    if (route?.dmUserId && p.chatId && p.chatId !== route.dmUserId) route.channelId = p.chatId;
    if (route && p.inbound.accountId !== undefined) route.account = p.inbound.accountId;
    if (route) return route;
  }
  if (p.kind === "subagent" && p.runId.startsWith("announce:")) {
    const origin = announceOrigin(p.runId, p.children);
    if (origin)
      return conversationRoute(
        origin.to,
        origin.threadId === undefined ? rootFromKey : String(origin.threadId),
      );
    return undefined;
  }
  // Only a user run's chatId is a per-run fact; on heartbeat/cron runs it echoes the stored last route.
  if (p.kind === "user" && p.chatId) return withRoot({ channelId: p.chatId }, rootFromKey);
  return undefined;
}

/** Route from `channel:<id>` / `user:<id>` (also accepts a bare channel id). */
function conversationRoute(
  conversationId: string | undefined,
  rootId: string | undefined,
): RouteFields | undefined {
  if (!conversationId) return undefined;
  if (conversationId.startsWith("user:")) return withRoot({ dmUserId: conversationId.slice(5) }, rootId);
  if (conversationId.startsWith("channel:")) return withRoot({ channelId: conversationId.slice(8) }, rootId);
  if (conversationId.includes(":")) return undefined;
  return withRoot({ channelId: conversationId }, rootId);
}

function withRoot(route: RouteFields, rootId: string | undefined): RouteFields {
  return rootId ? { ...route, rootId } : route;
}

/** `announce:v1:<childSessionKey>:<childRunId>` → the spawn origin of that child. */
function announceOrigin(
  runId: string,
  children: ReadonlyMap<string, Child>,
): OcSubagentRequester | undefined {
  for (const [childKey, child] of children) {
    if (runId.includes(`:${childKey}:`)) return child.origin;
  }
  return undefined;
}

function subagentOutcome(outcome: string | undefined): SubagentEndEvent["outcome"] {
  switch (outcome) {
    case "ok":
      return "ok";
    case "error":
    case "timeout":
      return "error";
    case "killed":
    case "reset":
    case "deleted":
      return "aborted";
    default:
      return undefined;
  }
}

function toolEvent(
  d: Record<string, unknown>,
  base: { v: 1; ts: number; session: string; runId: string },
): LiveEvent {
  const callId = typeof d.toolCallId === "string" ? d.toolCallId : "";
  if (d.phase === "start") {
    const name = typeof d.name === "string" ? d.name : "tool";
    return { ...base, type: "tool_start", callId, name, ...(d.args === undefined ? {} : { args: d.args }) };
  }
  const ok = d.isError !== true;
  const error = ok ? undefined : toolErrorText(d);
  return { ...base, type: "tool_end", callId, ok, ...(error ? { error } : {}) };
}

function toolErrorText(d: Record<string, unknown>): string | undefined {
  if (typeof d.error === "string") return d.error.slice(0, 300);
  const result = d.result as { content?: Array<{ type?: string; text?: unknown }> } | undefined;
  const text = result?.content?.find((c) => c.type === "text" && typeof c.text === "string")?.text;
  return typeof text === "string" ? text.slice(0, 300) : undefined;
}

function findLastIndex<T>(list: readonly T[], pred: (t: T) => boolean): number {
  for (let i = list.length - 1; i >= 0; i--) if (pred(list[i] as T)) return i;
  return -1;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
