import { describe, expect, it } from "vitest";
import { agentOf, isSubagentKey, parseAgentSessionKey, threadRootOf } from "./session-key.ts";

const C = "chan0000000000000000000000";
const U = "user0000000000000000000000";
const R = "root0000000000000000000000";
const SUB = "0f3c2b1a-9d8e-4f7a-b6c5-d4e3f2a1b0c9";

// Every key shape OpenClaw produces for Mattermost (see docs/design/openclaw-integration.md), and the edges.
describe("parseAgentSessionKey", () => {
  it.each([
    ["agent:main:main", "main", false, undefined],
    [`agent:ops:direct:${U}`, "ops", false, undefined],
    [`agent:main:mattermost:direct:${U}`, "main", false, undefined],
    [`agent:main:mattermost:acct1:direct:${U}`, "main", false, undefined],
    [`agent:main:mattermost:channel:${C}`, "main", false, undefined],
    [`agent:main:mattermost:group:${C}`, "main", false, undefined],
    [`agent:main:mattermost:channel:${C}:thread:${R}`, "main", false, R],
    [`agent:main:subagent:${SUB}`, "main", true, undefined],
    [`agent:main:subagent:${SUB}:subagent:${SUB}`, "main", true, undefined],
    ["agent:main:cron:job1", "main", false, undefined],
    ["agent:ops-bot:main", "ops-bot", false, undefined],
    // OpenClaw reads the agent id up to the second colon, trimmed; routing refuses the blank later.
    ["agent:ma in:main", "ma in", false, undefined],
    // Only a rest that starts with `subagent:` is a sub-agent's; a later `:subagent:` segment is not.
    [`agent:main:x:subagent:${SUB}`, "main", false, undefined],
    ["agent:main:subagent", "main", false, undefined],
  ])("reads %j as agent %j, sub-agent %j, thread %j", (key, agent, subagent, threadRootId) => {
    const parsed = parseAgentSessionKey(key);
    expect(parsed?.agent).toBe(agent);
    expect(parsed?.subagent).toBe(subagent);
    expect(parsed?.threadRootId).toBe(threadRootId);
    expect(agentOf(key)).toBe(agent);
    expect(isSubagentKey(key)).toBe(subagent);
  });

  it.each(["", "global", "cron:job", "hook:abc", "agent:main", "agent::main", "agent: :main", "agent:main:"])(
    "finds no agent in %j",
    (key) => {
      expect(parseAgentSessionKey(key)).toBeUndefined();
      expect(agentOf(key)).toBeUndefined();
    },
  );

  it("treats a bare subagent key as a sub-agent's, as OpenClaw does", () => {
    expect(isSubagentKey(`subagent:${SUB}`)).toBe(true);
    expect(isSubagentKey("subagent:")).toBe(false);
  });
});

describe("threadRootOf", () => {
  it.each([
    [`agent:main:mattermost:channel:${C}:thread:${R}`, R],
    [`agent:main:mattermost:channel:${C}`, undefined],
    ["agent:main:main", undefined],
    [`agent:main:mattermost:channel:${C}:thread:`, undefined],
  ])("reads the thread root of %j as %j", (key, root) => {
    expect(threadRootOf(key)).toBe(root);
  });
});
