import type { IncomingMessage } from "node:http";
import { type Answer, maskHeaders, parseBody } from "./http-answers.ts";
import type { LoggedRequest, PublishedEvent } from "./types.ts";

/**
 * What the fake saw and said: every HTTP request with its answer and every WebSocket event published.
 * Tests inspect it and the OpenAPI check holds it to the spec; readers get copies, never the record.
 */
export class Recording {
  private readonly log: LoggedRequest[] = [];
  private readonly published: PublishedEvent[] = [];
  private readonly now: () => number;
  private seq = 0;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Logs a request as it arrives, unanswered (status 0) until `answered`. */
  arrived(req: Pick<IncomingMessage, "method" | "url" | "headers">, rawBody: string): LoggedRequest {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const entry: LoggedRequest = {
      seq: this.seq++,
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parseBody(rawBody),
      headers: maskHeaders(req),
      status: 0,
      responseBody: undefined,
      responseHeaders: {},
      faults: [],
      at: this.now(),
    };
    this.log.push(entry);
    return entry;
  }

  answered(entry: LoggedRequest, answer: Answer): void {
    entry.status = answer.status;
    entry.responseHeaders = answer.headers;
    entry.responseBody = structuredClone(answer.parsed);
  }

  /** Keeps a copy of the event as it was when published. */
  eventPublished(event: PublishedEvent): void {
    this.published.push(structuredClone(event));
  }

  requests(): LoggedRequest[] {
    return structuredClone(this.log);
  }

  /** Forgets the requests so far; sequence numbers keep counting. */
  clearRequests(): void {
    this.log.length = 0;
  }

  events(): PublishedEvent[] {
    return structuredClone(this.published);
  }
}
