/**
 * `recordEvents`: each normalized event, as it reaches the core, appended as one JSONL line that
 * `live-status replay` can play back. What is recorded is made safe first — thinking text dropped,
 * tool arguments, texts, sub-agent labels and errors redacted with the same rules (and extra patterns) as the box —
 * and written through a {@link LineSink} that never blocks the caller.
 */
import { serializeEvent } from "../core/event-parse.ts";
import type { LiveEvent } from "../core/events.ts";
import { messageOf } from "../core/guards.ts";
import { redactText, redactValue } from "../core/redaction/index.ts";
import type { Logger } from "../ports/logger.ts";

/** An append-only text sink (a file). `write` must return at once; `close` flushes. */
export interface LineSink {
  /** Queues text; returns how many bytes are queued and not yet written. */
  write(text: string): number;
  close(): Promise<void>;
}

export interface RecordOptions {
  /** Extra redaction patterns from the settings. */
  redact: readonly RegExp[];
  /** Without tool arguments on the box, none are recorded either. */
  showToolArgs: boolean;
}

/** The event as it may be written down: no thinking text, secrets masked. Pure. */
export function recordable(e: LiveEvent, o: RecordOptions): LiveEvent {
  switch (e.type) {
    case "thinking": {
      const { text: _dropped, ...rest } = e;
      return rest;
    }
    case "text":
      return { ...e, text: redactText(e.text, o.redact) };
    case "tool_start": {
      const { args, ...rest } = e;
      if (!o.showToolArgs || args === undefined) return rest;
      return { ...rest, args: redactValue(args, o.redact) };
    }
    case "tool_end":
    case "run_end":
      return e.error === undefined ? e : { ...e, error: redactText(e.error, o.redact) };
    case "subagent_start":
    case "subagent_end":
      // Labels are model-written task names: redacted like any other text.
      return e.label === undefined ? e : { ...e, label: redactText(e.label, o.redact) };
    default:
      return e;
  }
}

export interface EventRecorderOptions extends RecordOptions {
  sink: LineSink;
  log: Logger;
  /** Queued bytes beyond which events are dropped (and counted) rather than queued. Default 8 MiB. */
  maxQueuedBytes?: number;
}

/** Writes events to a sink; drops (and counts) them when the sink falls far behind. */
export class EventRecorder {
  readonly #o: EventRecorderOptions;
  #queued = 0;
  #dropped = 0;
  #closed = false;

  constructor(o: EventRecorderOptions) {
    this.#o = o;
  }

  /** Events not written because the sink was too far behind or the event could not be encoded. */
  get dropped(): number {
    return this.#dropped;
  }

  record(e: LiveEvent): void {
    if (this.#closed) return;
    if (this.#queued > (this.#o.maxQueuedBytes ?? 8 * 1024 * 1024)) {
      if (this.#dropped++ === 0) this.#o.log.warn("recordEvents: the file falls behind; dropping events");
      return;
    }
    let line: string;
    try {
      line = serializeEvent(recordable(e, this.#o));
    } catch (error) {
      this.#dropped++;
      this.#o.log.warn("recordEvents: an event could not be encoded; skipped", {
        type: e.type,
        error: messageOf(error),
      });
      return;
    }
    this.#queued = this.#o.sink.write(`${line}\n`);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#o.sink.close();
    if (this.#dropped > 0) this.#o.log.warn(`recordEvents: ${this.#dropped} events were not recorded`);
  }
}
