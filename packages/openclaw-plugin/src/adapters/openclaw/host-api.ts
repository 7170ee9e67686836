/**
 * The part of OpenClaw's plugin API that Live Status uses, typed from the SDK. The real
 * `OpenClawPluginApi` satisfies it; older hosts may lack the grouped `agent.events` facade (then
 * the flat `registerAgentEventSubscription`, then `runtime.events.onAgentEvent` is used).
 */
import type { OpenClawPluginApi } from "openclaw/plugin-sdk/plugin-entry";

type SubscribeFn = OpenClawPluginApi["agent"]["events"]["registerAgentEventSubscription"];
type OnAgentEventFn = OpenClawPluginApi["runtime"]["events"]["onAgentEvent"];

export type HostApi = Pick<OpenClawPluginApi, "registrationMode" | "logger" | "on" | "registerService"> & {
  pluginConfig?: Record<string, unknown>;
  /** The gateway's OpenClaw config; only `channels.mattermost` and our `plugins.entries` entry are read. */
  config?: unknown;
  agent?: { events?: { registerAgentEventSubscription?: SubscribeFn } };
  /** Deprecated flat alias of `agent.events.registerAgentEventSubscription`. */
  registerAgentEventSubscription?: SubscribeFn;
  runtime?: { events?: { onAgentEvent?: OnAgentEventFn } };
};

/** The agent-event subscription a host accepts. */
export type AgentEventSubscription = Parameters<SubscribeFn>[0];
/** One agent event, as the host delivers it. */
export type HostAgentEvent = Parameters<AgentEventSubscription["handle"]>[0];
