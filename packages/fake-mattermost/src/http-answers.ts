import type { IncomingMessage } from "node:http";
import { type ApiError, appErrorBody } from "./app-error.ts";
import type { FaultAction } from "./faults.ts";

/** A complete HTTP answer, kept so the request log can show it. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  parsed: unknown;
}

const BODY_LIMIT = 50 * 1024 * 1024;

/** Lower-cased request headers with credentials masked. */
export function maskHeaders(req: Pick<IncomingMessage, "headers">): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(", ") : v;
    const name = k.toLowerCase();
    if (name === "authorization") out[name] = value.replace(/^(\S+)\s+.*$/, "$1 ***");
    else if (name === "cookie") out[name] = "***";
    else out[name] = value;
  }
  return out;
}

/** JSON when it parses, the raw text otherwise, undefined when empty. */
export function parseBody(raw: string): unknown {
  if (raw === "") return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** The whole request body as text (up to BODY_LIMIT). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) req.destroy(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** A JSON answer with the headers the server always sends. */
export function jsonAnswer(status: number, body: unknown, requestId: string, version: string): Answer {
  return {
    status,
    headers: {
      "content-type": "application/json",
      "x-request-id": requestId,
      "x-version-id": `${version}.${version}.fake.false`,
    },
    text: `${JSON.stringify(body)}\n`,
    parsed: body,
  };
}

/** An AppError answer. */
export function errorAnswer(error: ApiError, requestId: string, version: string): Answer {
  return jsonAnswer(error.status, appErrorBody(error, requestId), requestId, version);
}

/** The answer of a 429 or 5xx fault. */
export function faultAnswer(
  action: Exclude<FaultAction, { kind: "reset" }>,
  requestId: string,
  version: string,
): Answer {
  if (action.kind === "rate-limit") {
    // What the server's limiter (throttled + http.Error) writes.
    return {
      status: 429,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "x-content-type-options": "nosniff",
        "retry-after": String(action.retryAfterSec),
        "x-ratelimit-limit": "10",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(action.retryAfterSec),
      },
      text: "limit exceeded\n",
      parsed: "limit exceeded\n",
    };
  }
  if (action.status === 500) {
    return errorAnswer(
      {
        status: 500,
        id: "app.post.save.app_error",
        message: "Unable to save the post.",
        detailed: "fault injected",
      },
      requestId,
      version,
    );
  }
  const text = `<html><head><title>${action.status}</title></head><body><center><h1>${action.status} ${
    action.status === 502 ? "Bad Gateway" : "Service Temporarily Unavailable"
  }</h1></center><hr><center>nginx</center></body></html>\n`;
  return { status: action.status, headers: { "content-type": "text/html" }, text, parsed: text };
}
