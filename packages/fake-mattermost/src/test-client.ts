import { WebSocket } from "ws";
import type { FakeMattermost } from "./server.ts";

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
}

/**
 * Calls the fake like a Mattermost client: JSON body, `Authorization: Bearer` with the bot token
 * unless `token` is given (`null` sends none).
 */
export async function api(
  fake: Pick<FakeMattermost, "url" | "botToken">,
  method: string,
  path: string,
  opts: { body?: unknown; rawBody?: string; token?: string | null } = {},
): Promise<ApiAnswer> {
  const token = opts.token === undefined ? fake.botToken : opts.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(`${fake.url}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A WebSocket client that records every message it gets. */
export interface WsClient {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  /** Resolves with the first recorded message (past or future) that satisfies the predicate. */
  next(
    predicate: (m: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  closed: Promise<void>;
  close(): void;
}

export async function connectWs(fake: Pick<FakeMattermost, "url">, headerToken?: string): Promise<WsClient> {
  const ws = new WebSocket(`${fake.url.replace("http", "ws")}/api/v4/websocket`, {
    headers: headerToken ? { authorization: `Bearer ${headerToken}` } : {},
  });
  const messages: Array<Record<string, unknown>> = [];
  const waiters = new Set<() => void>();
  ws.on("message", (raw) => {
    messages.push(JSON.parse(raw.toString()) as Record<string, unknown>);
    for (const w of waiters) w();
  });
  const closed = new Promise<void>((resolve) => ws.on("close", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return {
    ws,
    messages,
    closed,
    close: () => ws.close(),
    next(predicate, timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no matching WebSocket message in ${timeoutMs} ms; got ${JSON.stringify(messages)}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}

/** A clock tests move by hand. */
export function manualClock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}
