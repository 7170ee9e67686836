import type { LiveStatusV1 } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import { CORPUS, leakedFragment, type SecretSample } from "../../../test/support/secret-corpus.ts";
import { recordable } from "../../runtime/event-recorder.ts";
import { serializeEvent } from "../event-parse.ts";
import type { ContentEvent, LiveEvent } from "../events.ts";
import { renderPost } from "../render.ts";
import { applyContent, DEFAULT_STATUS_OPTIONS, finishStatus, startStatus } from "../status-model.ts";

const SESSION = "agent:main:mattermost:channel:4xp9fdt7pbgium38k9xu8ugtyy";
const base = { v: 1 as const, ts: 0, session: SESSION, runId: "r1" };

type Bare<E> = E extends unknown ? Omit<E, "v" | "ts" | "session" | "runId"> : never;

function apply(s: LiveStatusV1, e: Bare<ContentEvent>): LiveStatusV1 {
  return applyContent(s, { ...base, ...e } as ContentEvent, 1, DEFAULT_STATUS_OPTIONS);
}

// Everything a box sends: the message and the props (which the ledger also stores).
function posted(s: LiveStatusV1): string {
  const post = renderPost(s, 2);
  return `${post.message}\n${JSON.stringify(post.props)}`;
}

// Each context puts the sample where a box shows it, then returns what would leave the process.
const CONTEXTS: Record<string, (text: string) => string> = {
  "tool arguments": (text) =>
    posted(
      apply(startStatus(SESSION, 0), {
        type: "tool_start",
        callId: "c1",
        name: "exec",
        args: { command: text },
      }),
    ),
  "tool error": (text) => {
    const s = apply(startStatus(SESSION, 0), { type: "tool_start", callId: "c1", name: "exec" });
    return posted(apply(s, { type: "tool_end", callId: "c1", ok: false, error: `failed: ${text}` }));
  },
  "text preview": (text) =>
    posted(
      finishStatus(
        apply(startStatus(SESSION, 0), { type: "text", text: `Running ${text}\nDone.` }),
        "error",
        2,
      ),
    ),
  "sub-agent label": (text) =>
    posted(
      apply(startStatus(SESSION, 0), { type: "subagent_start", child: "agent:main:subagent:1", label: text }),
    ),
  "run error": (text) => posted(finishStatus(startStatus(SESSION, 0), "error", 2, `run failed: ${text}`)),
  "recorded event": (text) => {
    const events: LiveEvent[] = [
      { ...base, type: "tool_start", callId: "c1", name: "exec", args: { command: text } },
      { ...base, type: "text", text },
      { ...base, type: "tool_end", callId: "c1", ok: false, error: text },
      { ...base, type: "subagent_start", child: "agent:main:subagent:1", label: text },
      { ...base, type: "run_end", outcome: "error", error: text },
    ];
    return events.map((e) => serializeEvent(recordable(e, { redact: [], showToolArgs: true }))).join("\n");
  },
};

const cases = CORPUS.flatMap((sample) => Object.keys(CONTEXTS).map((context) => ({ ...sample, context })));

describe("the secret corpus", () => {
  it("holds at least 30 kinds of secret, each in at least 5 contexts", () => {
    expect(new Set(CORPUS.map((c) => c.kind)).size).toBeGreaterThanOrEqual(30);
    expect(Object.keys(CONTEXTS).length).toBeGreaterThanOrEqual(5);
  });

  it.each(cases)(
    "never shows $kind in $context",
    ({ text, secret, context }: SecretSample & { context: string }) => {
      const out = CONTEXTS[context]?.(text) ?? "";
      expect(leakedFragment(out, secret)).toBeUndefined();
      expect(out).toContain("[redacted]");
    },
  );
});
