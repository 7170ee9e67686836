/**
 * What the gateway hands the plugin (openclaw 2026.9.x), narrowed to the fields we read: the
 * agent-event subscription payload and the typed hook calls. Facts are in
 * docs/design/openclaw-integration.md; captured sequences in test/fixtures/openclaw/.
 */

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
