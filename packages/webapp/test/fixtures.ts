import type { LiveStatusV1, SubagentV1, ToolCallV1 } from "@live-status/contract";

/** A fixed start time so every elapsed text in tests is predictable. */
export const T0 = Date.UTC(2025, 0, 15, 9, 30, 0);

export function tool(over: Partial<ToolCallV1> = {}): ToolCallV1 {
  return { callId: "c1", name: "read", state: "ok", startedAt: T0, endedAt: T0 + 400, ...over };
}

export function subagent(over: Partial<SubagentV1> = {}): SubagentV1 {
  return {
    child: "agent:main:subagent:1f2e3d4c-aaaa",
    state: "running",
    startedAt: T0,
    toolCount: 0,
    ...over,
  };
}

export function status(over: Partial<LiveStatusV1> = {}): LiveStatusV1 {
  return {
    v: 1,
    session: "agent:main:mattermost:channel:abc",
    agent: "main",
    state: "running",
    startedAt: T0,
    thinking: false,
    tools: [],
    toolsOmitted: 0,
    subagents: [],
    tokens: { input: 0, output: 0 },
    ...over,
  };
}

/** `post.props` as Mattermost hands it to the component. */
export function props(over: Partial<LiveStatusV1> = {}): { live_status: LiveStatusV1 } {
  return { live_status: status(over) };
}

/** A run with eight tool calls (one failed, the last still running), a sub-agent and tokens. */
export function busyRun(): LiveStatusV1 {
  const names: [string, string][] = [
    ["read", "packages/contract/src/live-status.ts"],
    ["grep", '"registerPostTypeComponent" webapp/'],
    ["read", "packages/webapp/src/view-state.ts"],
    ["exec", "npx tsc -p tsconfig.check.json"],
    ["edit", "packages/webapp/src/components/LiveStatusPost.tsx"],
    ["exec", "npx vitest run packages/webapp"],
    ["web_search", "mattermost plugin post type theme"],
    ["exec", "npm run build -w @live-status/webapp"],
  ];
  const tools = names.map(([name, args], i): ToolCallV1 => {
    const startedAt = T0 + 2_000 + i * 7_000;
    return { callId: `call-${i}`, name, args, state: "ok", startedAt, endedAt: startedAt + 300 + i * 900 };
  });
  const failed = tools[3];
  if (failed)
    Object.assign(failed, {
      state: "error",
      error: "exit code 2: Type 'string' is not assignable to 'number'.",
    });
  const last = tools[7];
  if (last) {
    last.state = "running";
    delete last.endedAt;
  }
  return status({
    tools,
    toolsOmitted: 0,
    subagents: [
      subagent({ label: "docs researcher", toolCount: 4, currentTool: "web_fetch", startedAt: T0 + 20_000 }),
      subagent({
        child: "agent:main:subagent:99aa",
        label: "test writer",
        state: "done",
        toolCount: 7,
        startedAt: T0 + 5_000,
        endedAt: T0 + 41_000,
      }),
    ],
    tokens: { input: 18_432, output: 2_310 },
  });
}
