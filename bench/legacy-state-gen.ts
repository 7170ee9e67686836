/**
 * Generates a legacy OpenClaw state directory for the legacy-source benchmark: one agent, N
 * Mattermost channel sessions in `sessions.json` (with the bulky fields real stores carry), and
 * transcripts of realistic turns adding up to a chosen total size.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface GeneratedState {
  home: string;
  sessionsDir: string;
  sessionIds: string[];
  transcriptBytes: number;
  indexBytes: number;
}

const DAY = 86_400_000;

/** One finished turn as JSON lines; `pad` grows the tool output. */
export function turnLines(n: number, ts: number, pad = 0): string {
  const iso = new Date(ts).toISOString();
  const msg = (role: string, body: Record<string, unknown>) =>
    JSON.stringify({
      type: "message",
      id: `${n.toString(16)}${role.length}`,
      parentId: null,
      timestamp: iso,
      message: { role, ...body, timestamp: ts },
    });
  return [
    msg("user", {
      content: [{ type: "text", text: `[Mattermost] alice: request number ${n}, please check the build` }],
    }),
    msg("assistant", {
      content: [
        { type: "thinking", thinking: "Looking at the build logs first.", thinkingSignature: "sig" },
        {
          type: "toolCall",
          id: `call_${n}`,
          name: "exec",
          arguments: { command: "npm test -- --reporter dot" },
        },
      ],
      usage: { input: 18_000 + n, output: 90, cacheRead: 0, cacheWrite: 0, totalTokens: 18_090 + n },
      stopReason: "toolUse",
    }),
    msg("toolResult", {
      toolCallId: `call_${n}`,
      toolName: "exec",
      content: [{ type: "text", text: `${"…test output ".repeat(40)}${"x".repeat(pad)}` }],
      isError: false,
    }),
    msg("assistant", {
      content: [{ type: "text", text: "All 412 tests pass; the build is green." }],
      usage: { input: 18_600 + n, output: 40, cacheRead: 18_000, cacheWrite: 0, totalTokens: 18_640 + n },
      stopReason: "stop",
    }),
  ].join("\n");
}

/**
 * Writes the state dir under `home`. Every transcript gets its own header and the same block of
 * old turns repeated up to `totalBytes / sessions` (content is never read at start: only sizes
 * matter, and the block keeps generation fast).
 */
export async function generateLegacyState(
  home: string,
  o: { sessions: number; totalBytes: number; now?: number },
): Promise<GeneratedState> {
  const now = o.now ?? Date.now();
  const sessionsDir = join(home, "agents", "main", "sessions");
  await mkdir(sessionsDir, { recursive: true });
  const perFile = Math.max(1, Math.floor(o.totalBytes / o.sessions));
  const block = Buffer.from(
    `${Array.from({ length: 20 }, (_, i) => turnLines(i, now - 2 * DAY + i * 60_000, 2_000)).join("\n")}\n`,
  );
  const copies = Math.max(1, Math.round(perFile / block.length));
  const body = Buffer.concat(Array.from({ length: copies }, () => block));
  const sessionIds: string[] = [];
  const index: Record<string, unknown> = {};
  let transcriptBytes = 0;
  for (let i = 0; i < o.sessions; i++) {
    const id = `00000000-0000-4000-8000-${i.toString().padStart(12, "0")}`;
    const channel = `chan${i.toString().padStart(22, "0")}`;
    sessionIds.push(id);
    const header = Buffer.from(
      `${JSON.stringify({ type: "session", version: 3, id, timestamp: new Date(now - 3 * DAY).toISOString(), cwd: "/w" })}\n`,
    );
    await writeFile(join(sessionsDir, `${id}.jsonl`), Buffer.concat([header, body]));
    transcriptBytes += header.length + body.length;
    index[`agent:main:mattermost:channel:${channel}`] = {
      sessionId: id,
      sessionFile: join("/home/node/.openclaw/agents/main/sessions", `${id}.jsonl`),
      updatedAt: now - DAY,
      chatType: "channel",
      deliveryContext: { channel: "mattermost", to: `channel:${channel}`, accountId: "default" },
      lastChannel: "mattermost",
      lastTo: `channel:${channel}`,
      skillsSnapshot: {
        prompt: "skill text ".repeat(150),
        skills: [{ name: "github" }, { name: "weather" }],
      },
    };
  }
  const indexText = JSON.stringify(index, null, 2);
  await writeFile(join(sessionsDir, "sessions.json"), indexText);
  return { home, sessionsDir, sessionIds, transcriptBytes, indexBytes: Buffer.byteLength(indexText) };
}
