/**
 * Wires one plugin instance's signals to the hub: the agent-event feed and the hooks whose facts
 * the correlator needs. Runs in every registration mode, because the gateway delivers agent events
 * to the `full` instance and agent-run hooks to a `discovery` one. Handlers only hand the payload
 * over; they never await, never return a result (no hook here may change what the gateway does)
 * and never throw. `message_sending` and `reply_payload_sending` are never registered: any plugin
 * doing so switches off Mattermost's own preview drafts.
 */

import { describeError } from "../../core/guards.ts";
import type { Logger } from "../../ports/logger.ts";
import { AGENT_EVENT_STREAMS } from "./agent-streams.ts";
import type { AgentEventSubscription, HostApi } from "./host-api.ts";
import type { OpenClawHub } from "./hub.ts";

/** The hooks Live Status registers, in every mode. */
export const LIVE_STATUS_HOOKS = [
  "message_received",
  "before_model_resolve",
  "agent_end",
  "subagent_spawned",
  "subagent_ended",
] as const;

export type FeedKind = "subscription" | "flat-subscription" | "listener" | "listener-shared" | "none";

/**
 * Subscribes to agent events by the newest API the host has. The process-global `onAgentEvent`
 * fallback is added once per process (the hub remembers it), since every instance would receive
 * every event through it. Returns which way was used.
 */
export function subscribeAgentEvents(api: HostApi, hub: OpenClawHub, log: Logger): FeedKind {
  const subscription: AgentEventSubscription = {
    id: "live-status",
    description: "Live Status: run lifecycle and progress for the Mattermost status boxes",
    // The host can skip every stream the correlator does not map.
    streams: [...AGENT_EVENT_STREAMS],
    handle: (event) => {
      hub.agentEvent(event);
    },
  };
  try {
    const grouped = api.agent?.events;
    if (grouped && typeof grouped.registerAgentEventSubscription === "function") {
      grouped.registerAgentEventSubscription(subscription);
      return "subscription";
    }
    if (typeof api.registerAgentEventSubscription === "function") {
      api.registerAgentEventSubscription(subscription);
      return "flat-subscription";
    }
    const events = api.runtime?.events;
    if (events && typeof events.onAgentEvent === "function") {
      if (hub.legacyListener) return "listener-shared";
      hub.legacyListener = true;
      events.onAgentEvent((event) => {
        hub.agentEvent(event);
      });
      return "listener";
    }
  } catch (error) {
    log.error("cannot subscribe to agent events; no boxes will be shown", { error: describeError(error) });
    return "none";
  }
  log.error("this OpenClaw offers no agent-event feed; no boxes will be shown");
  return "none";
}

/** Registers {@link LIVE_STATUS_HOOKS}; a hook the host refuses is logged and skipped. */
export function registerHooks(api: HostApi, hub: OpenClawHub, log: Logger): void {
  const registrations: Array<[string, () => void]> = [
    [
      "message_received",
      () =>
        api.on("message_received", (event, ctx) => {
          hub.hook({ name: "message_received", event, ctx });
        }),
    ],
    [
      "before_model_resolve",
      () =>
        api.on("before_model_resolve", (_event, ctx) => {
          hub.hook({ name: "before_model_resolve", ctx });
        }),
    ],
    [
      "agent_end",
      () =>
        api.on("agent_end", (_event, ctx) => {
          hub.hook({ name: "agent_end", ctx });
        }),
    ],
    [
      "subagent_spawned",
      () =>
        api.on("subagent_spawned", (event, ctx) => {
          hub.hook({ name: "subagent_spawned", event, ctx });
        }),
    ],
    [
      "subagent_ended",
      () =>
        api.on("subagent_ended", (event, ctx) => {
          hub.hook({ name: "subagent_ended", event, ctx });
        }),
    ],
  ];
  for (const [name, register] of registrations) {
    try {
      register();
    } catch (error) {
      log.warn(`cannot register the ${name} hook`, { error: describeError(error) });
    }
  }
}
