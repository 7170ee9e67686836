/**
 * Where a starting run's box goes, from per-run facts only: the `message_received` that preceded a
 * user run, the spawn origin of a sub-agent announce run, or the hook ctx `chatId` of a user run.
 * Never from a session's stored "last route", which for a collapsed `agent:<a>:main` may belong to
 * another user. Runs without such facts get no route: their session key places them, or nothing does.
 */
import type { RouteEvent, TriggerKind } from "../../core/events.ts";
import { conversationTarget } from "../../core/routing.ts";
import { threadRootOf } from "../../core/session-key.ts";
import type { OcSubagentRequester } from "./payloads.ts";
import type { PendingMessage } from "./pending-messages.ts";
import { isAnnounceRun } from "./run-kind.ts";

export type RouteFields = Pick<RouteEvent, "channelId" | "rootId" | "dmUserId" | "account">;

export interface RunFactsForRoute {
  kind: TriggerKind | undefined;
  session: string;
  runId: string;
  /** The message the run answers, if one was received. */
  message: PendingMessage | undefined;
  /** The agent-hook ctx `chatId`: the conversation's channel (the DM channel for a DM). */
  chatId: string | undefined;
  /** For an announce run: where its sub-agent was spawned from. */
  origin: OcSubagentRequester | undefined;
}

/** The route a starting run's `route` event carries; undefined when no per-run fact gives one. */
export function runRoute(p: RunFactsForRoute): RouteFields | undefined {
  const rootFromKey = threadRootOf(p.session);
  if (p.message) {
    const route = conversationRoute(p.message.conversationId, p.message.threadId ?? rootFromKey);
    // For a DM the ctx chatId of a user run is the DM channel: keep it so no lookup is needed.
    if (route?.dmUserId && p.chatId && p.chatId !== route.dmUserId) route.channelId = p.chatId;
    if (route && p.message.accountId !== undefined) route.account = p.message.accountId;
    if (route) return route;
  }
  if (p.kind === "subagent" && isAnnounceRun(p.runId)) {
    const origin = p.origin;
    if (!origin) return undefined;
    return conversationRoute(
      origin.to,
      origin.threadId === undefined ? rootFromKey : String(origin.threadId),
    );
  }
  // Only a user run's chatId is a per-run fact; on heartbeat/cron runs it echoes the stored last route.
  if (p.kind === "user" && p.chatId) return withRoot({ channelId: p.chatId }, rootFromKey);
  return undefined;
}

/** Route from `channel:<id>` / `user:<id>`; a bare channel id (no colon) is taken as a channel. */
function conversationRoute(
  conversationId: string | undefined,
  rootId: string | undefined,
): RouteFields | undefined {
  if (!conversationId) return undefined;
  const target = conversationTarget(conversationId);
  if (target?.kind === "user") return withRoot({ dmUserId: target.id }, rootId);
  if (target?.kind === "channel") return withRoot({ channelId: target.id }, rootId);
  if (conversationId.includes(":")) return undefined;
  return withRoot({ channelId: conversationId }, rootId);
}

function withRoot(route: RouteFields, rootId: string | undefined): RouteFields {
  return rootId ? { ...route, rootId } : route;
}
