/**
 * A scripted OpenAI-compatible model server for end-to-end runs of the real OpenClaw gateway.
 * It answers `POST /v1/chat/completions` with SSE `chat.completion.chunk` frames (text deltas,
 * optional `reasoning_content`, `delta.tool_calls`, a usage chunk and `[DONE]`), or with an HTTP
 * error. What it answers is decided by a script from the request: the text of the last real user
 * message and how many tool-call rounds have happened since it. Listens on 127.0.0.1, port 0.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool" | (string & {});
  content?: unknown;
  tool_calls?: ChatToolCall[];
  tool_call_id?: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  tools?: unknown[];
}

export interface ModelUsage {
  prompt: number;
  completion: number;
}

export interface ToolCallSpec {
  name: string;
  arguments: Record<string, unknown>;
  /** Defaults to a unique `call_<n>`. */
  id?: string;
}

/** One model answer. `delayMs` holds the response back (a slow model, e.g. to abort a run). */
export type ModelStep =
  | { kind: "text"; text: string; reasoning?: string; usage?: ModelUsage; delayMs?: number }
  | {
      kind: "tools";
      calls: ToolCallSpec[];
      text?: string;
      reasoning?: string;
      usage?: ModelUsage;
      delayMs?: number;
    }
  | { kind: "error"; status: number; message: string; delayMs?: number };

/** What a script sees of one request. */
export interface TurnView {
  /** Plain text of the last real user message ("" when there is none). */
  lastUserText: string;
  /** Tool-call rounds since that message: 0 = first answer, 1 = after the first tool results, … */
  step: number;
  request: ChatRequest;
}

export type ModelScript = (turn: TurnView) => ModelStep;

export interface FakeModel {
  /** Base URL to configure as the provider's `baseUrl` (ends in `/v1`). */
  baseUrl: string;
  port: number;
  /** Every chat request received, in order. */
  readonly requests: ChatRequest[];
  /** Every streamed answer, when its last frame was sent (epoch ms) and the tool calls it made. */
  readonly answers: Array<{ at: number; callIds: string[] }>;
  close(): Promise<void>;
}

export interface FakeModelOptions {
  script: ModelScript;
  /** Model id reported by `GET /v1/models` and in chunks. */
  modelId?: string;
  /** Delay between streamed chunks, so consumers see several cumulative text updates. */
  chunkDelayMs?: number;
}

/** Plain text of a chat message content (string or OpenAI content parts). */
export function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) =>
        part && typeof part === "object" && "text" in part && typeof part.text === "string" ? part.text : "",
      )
      .join("");
  }
  return "";
}

/** OpenClaw's internal context block, sent as an extra user message after the real one. */
export const INTERNAL_CONTEXT_MARKER = "<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>";

/** True for a user message a person (or a sub-agent task) wrote, not one OpenClaw appended. */
export function isRealUserMessage(messages: readonly ChatMessage[], index: number): boolean {
  const m = messages[index];
  if (m?.role !== "user") return false;
  return !messageText(m.content).trimStart().startsWith(INTERNAL_CONTEXT_MARKER);
}

/**
 * Reads a request the way a script needs it. OpenClaw ends every request with an internal user
 * message (the context block, also after tool results), so the step counts assistant tool-call
 * messages after the last real user message. Without this a fake that calls tools would loop
 * forever.
 */
export function turnView(request: ChatRequest): TurnView {
  const msgs = request.messages;
  let realIndex = -1;
  for (let i = msgs.length - 1; i >= 0; i--) {
    if (!isRealUserMessage(msgs, i)) continue;
    realIndex = i;
    break;
  }
  const lastUserText = realIndex >= 0 ? messageText(msgs[realIndex]?.content) : "";
  let step = 0;
  for (let i = realIndex + 1; i < msgs.length; i++) {
    const m = msgs[i];
    if (m?.role === "assistant" && (m.tool_calls?.length ?? 0) > 0) step++;
  }
  return { lastUserText, step, request };
}

/**
 * A script from a table: the first rule whose marker occurs in the last real user message gives
 * the plan; the step picks the plan entry (the last entry repeats). No match uses `fallback`.
 */
export function scriptByMarker(
  rules: ReadonlyArray<[marker: string, plan: ModelStep[]]>,
  fallback: ModelStep[],
): ModelScript {
  return (turn) => {
    const plan = rules.find(([marker]) => turn.lastUserText.includes(marker))?.[1] ?? fallback;
    const step = plan[Math.min(turn.step, plan.length - 1)];
    return step ?? { kind: "text", text: "ok" };
  };
}

/** SSE frames for one step, without timing. Exported for tests of the wire format. */
export function sseFrames(
  step: Exclude<ModelStep, { kind: "error" }>,
  modelId: string,
  id: string,
  nextCallId: () => string,
): string[] {
  const created = 1_700_000_000;
  const chunk = (
    delta: Record<string, unknown>,
    finish: string | null,
    extra: Record<string, unknown> = {},
  ) =>
    JSON.stringify({
      id,
      object: "chat.completion.chunk",
      created,
      model: modelId,
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    });
  const frames: string[] = [chunk({ role: "assistant", content: "" }, null)];
  if (step.reasoning) frames.push(chunk({ reasoning_content: step.reasoning }, null));
  const text = step.text ?? "";
  for (const piece of splitText(text)) frames.push(chunk({ content: piece }, null));
  if (step.kind === "tools") {
    step.calls.forEach((call, index) => {
      frames.push(
        chunk(
          {
            tool_calls: [
              {
                index,
                id: call.id ?? nextCallId(),
                type: "function",
                function: { name: call.name, arguments: JSON.stringify(call.arguments) },
              },
            ],
          },
          null,
        ),
      );
    });
  }
  frames.push(chunk({}, step.kind === "tools" ? "tool_calls" : "stop"));
  const usage = step.usage ?? { prompt: 100, completion: Math.max(1, Math.ceil(text.length / 4)) };
  frames.push(
    JSON.stringify({
      id,
      object: "chat.completion.chunk",
      created,
      model: modelId,
      choices: [],
      usage: {
        prompt_tokens: usage.prompt,
        completion_tokens: usage.completion,
        total_tokens: usage.prompt + usage.completion,
      },
    }),
  );
  frames.push("[DONE]");
  return frames;
}

function splitText(text: string): string[] {
  if (!text) return [];
  const words = text.split(/(?<= )/);
  const pieces: string[] = [];
  for (let i = 0; i < words.length; i += 3) pieces.push(words.slice(i, i + 3).join(""));
  return pieces;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeModel(options: FakeModelOptions): Promise<FakeModel> {
  const modelId = options.modelId ?? "fake-model";
  const delay = options.chunkDelayMs ?? 20;
  const requests: ChatRequest[] = [];
  const answers: Array<{ at: number; callIds: string[] }> = [];
  let seq = 0;
  let callSeq = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (req.method === "GET" && path.endsWith("/models")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: modelId, object: "model", owned_by: "fake" }] }));
      return;
    }
    if (req.method !== "POST" || !path.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
      return;
    }
    const request = JSON.parse(await readBody(req)) as ChatRequest;
    requests.push(request);
    const step = options.script(turnView(request));
    if (step.delayMs) await sleep(step.delayMs);
    if (res.destroyed) return;
    if (step.kind === "error") {
      res.writeHead(step.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: step.message, type: "server_error", code: null } }));
      return;
    }
    const id = `chatcmpl-fake-${++seq}`;
    const callIds: string[] = [];
    const frames = sseFrames(step, modelId, id, () => {
      const callId = `call_${++callSeq}`;
      callIds.push(callId);
      return callId;
    });
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    for (const frame of frames) {
      if (res.destroyed) return;
      res.write(`data: ${frame}\n\n`);
      if (delay > 0) await sleep(delay);
    }
    res.end();
    answers.push({ at: Date.now(), callIds });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
