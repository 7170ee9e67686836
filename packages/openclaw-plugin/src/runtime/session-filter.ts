/**
 * The `include` / `exclude` settings as a step before the core: a run whose agent or conversation
 * is not wanted never reaches it, nor do its route and content. Decided once per run, at its start,
 * from the session key and the run's route (the only time the conversation is known for collapsed
 * DM sessions). Sub-agent runs follow their parent's decision. No I/O; memory is bounded.
 */
import { trimOldest } from "../core/bounded.ts";
import type { Conversation } from "../core/conversation.ts";
import type { LiveEvent, RouteEvent } from "../core/events.ts";
import { resolveRoute, routeFromEvent } from "../core/routing.ts";
import { agentOf, isSubagentKey } from "../core/session-key.ts";

export interface SessionMatch {
  /** Mattermost channel ids; `"dm"` stands for every direct message. */
  channels?: readonly string[];
  agents?: readonly string[];
}

export interface FilterRules {
  include?: SessionMatch;
  exclude?: SessionMatch;
}

const MAX_REMEMBERED = 5_000;

/** Whether a filter would let anything through unchanged: then it can be skipped. */
export function isPassThrough(rules: FilterRules): boolean {
  const empty = (m?: SessionMatch) => !m?.channels?.length && !m?.agents?.length;
  return empty(rules.include) && empty(rules.exclude);
}

/**
 * Applies the rules to the event stream. `apply(e)` returns the events to pass on: a `route` is
 * held until its run starts and passed with the `run_start` when the run is wanted.
 */
export class SessionFilter {
  readonly #rules: FilterRules;
  readonly #pendingRoutes = new Map<string, RouteEvent>();
  readonly #rejectedRuns = new Set<string>();
  /** child session → whether its parent run was wanted. */
  readonly #children = new Map<string, boolean>();

  constructor(rules: FilterRules) {
    this.#rules = rules;
  }

  apply(e: LiveEvent): LiveEvent[] {
    switch (e.type) {
      case "route":
        remember(this.#pendingRoutes, e.session, e);
        return [];
      case "run_start": {
        const route = this.#pendingRoutes.get(e.session);
        this.#pendingRoutes.delete(e.session);
        if (!this.#wanted(e.session, route)) {
          if (e.runId !== undefined) remember(this.#rejectedRuns, e.runId);
          return [];
        }
        return route ? [route, e] : [e];
      }
      case "subagent_start": {
        const wanted = !this.#rejected(e);
        remember(this.#children, e.child, wanted);
        return wanted ? [e] : [];
      }
      default:
        return this.#rejected(e) ? [] : [e];
    }
  }

  #rejected(e: LiveEvent): boolean {
    if (e.runId !== undefined) return this.#rejectedRuns.has(e.runId);
    const parentWanted = this.#children.get(e.session);
    if (parentWanted !== undefined) return !parentWanted;
    return !this.#agentWanted(e.session);
  }

  #wanted(session: string, route: RouteEvent | undefined): boolean {
    if (isSubagentKey(session)) {
      const parentWanted = this.#children.get(session);
      if (parentWanted !== undefined) return parentWanted;
    }
    if (!this.#agentWanted(session)) return false;
    const { include, exclude } = this.#rules;
    if (!include?.channels?.length && !exclude?.channels?.length) return true;
    const names = channelNames(session, route);
    if (exclude?.channels?.some((c) => names.includes(c))) return false;
    if (include?.channels?.length) return include.channels.some((c) => names.includes(c));
    return true;
  }

  #agentWanted(session: string): boolean {
    const { include, exclude } = this.#rules;
    const agent = agentOf(session);
    if (agent !== undefined && exclude?.agents?.includes(agent)) return false;
    if (include?.agents?.length) return agent !== undefined && include.agents.includes(agent);
    return true;
  }
}

/** What a channel rule can match for a run: its channel id, or `"dm"` (+ the DM channel id). */
function channelNames(session: string, route: RouteEvent | undefined): string[] {
  const explicit = route ? routeFromEvent(route) : null;
  const resolved = resolveRoute(session, explicit);
  const c: Conversation | null = resolved.conversation;
  if (!c) return [];
  if (c.kind === "channel") return [c.channelId];
  return route?.channelId !== undefined ? ["dm", route.channelId] : ["dm"];
}

function remember<K, V>(store: Map<K, V> | Set<K>, key: K, value?: V): void {
  if (store instanceof Map) {
    store.delete(key);
    store.set(key, value as V);
  } else store.add(key);
  trimOldest(store, MAX_REMEMBERED);
}
