/**
 * OpenClaw session keys, parsed once. Every reader of a key (routing, the status model, the OpenClaw
 * adapter, the session filter) goes through here so they cannot disagree. The rules follow OpenClaw's
 * own `parseAgentSessionKey` / `isSubagentSessionKey`: `agent:<agentId>:<rest>`, the agent id is what
 * stands before the second colon (trimmed), and a key is a sub-agent's when its rest — or the whole key —
 * starts with `subagent:`.
 */

/** What an `agent:<id>:<rest>` key says about itself. */
export interface AgentSessionKey {
  agent: string;
  /** Everything after `agent:<id>:`. */
  rest: string;
  /** `agent:<a>:subagent:<uuid>` and nested sub-agent keys: shown inside the parent's box. */
  subagent: boolean;
  /** The `<rootPostId>` of a `…:thread:<rootPostId>` key. */
  threadRootId?: string;
}

const THREAD_MARK = ":thread:";

/** The parts of an `agent:<id>:<rest>` key, or undefined for keys of another form (`global`, `cron:x`). */
export function parseAgentSessionKey(key: string): AgentSessionKey | undefined {
  if (!key.startsWith("agent:")) return undefined;
  const colon = key.indexOf(":", "agent:".length);
  if (colon === -1) return undefined;
  const agent = key.slice("agent:".length, colon).trim();
  const rest = key.slice(colon + 1);
  if (agent === "" || rest === "" || rest.startsWith(":")) return undefined;
  const parsed: AgentSessionKey = { agent, rest, subagent: isSubagentRest(rest) };
  const threadRootId = threadRootOf(rest);
  if (threadRootId !== undefined) parsed.threadRootId = threadRootId;
  return parsed;
}

/** Agent id of an `agent:<a>:…` key, or undefined for keys of another form. */
export function agentOf(key: string): string | undefined {
  return parseAgentSessionKey(key)?.agent;
}

/** Whether the key is a sub-agent session, which nests in its parent's box. */
export function isSubagentKey(key: string): boolean {
  return isSubagentRest(key) || (parseAgentSessionKey(key)?.subagent ?? false);
}

/** The root post id of a thread key, if the key names a thread. */
export function threadRootOf(key: string): string | undefined {
  const i = key.lastIndexOf(THREAD_MARK);
  if (i === -1) return undefined;
  const root = key.slice(i + THREAD_MARK.length);
  return root === "" || root.includes(":") ? undefined : root;
}

function isSubagentRest(rest: string): boolean {
  return rest.toLowerCase().startsWith("subagent:") && rest.length > "subagent:".length;
}
