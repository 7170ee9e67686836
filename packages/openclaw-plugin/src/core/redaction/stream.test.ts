import type { LiveStatusV1 } from "@live-status/contract";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CORPUS, leakedFragment } from "../../../test/support/secret-corpus.ts";
import type { ContentEvent } from "../events.ts";
import { renderPost } from "../render.ts";
import { applyContent, MAX_PREVIEW, startStatus } from "../status-model.ts";
import { streamingTail } from "../text.ts";
import { contextStart, publishableEnd } from "./index.ts";

const SESSION = "agent:main:mattermost:channel:4xp9fdt7pbgium38k9xu8ugtyy";

// Streams `text` as OpenClaw does (cumulative assistant text, `step` characters more each time)
// into one box; returns the first published state that shows a fragment of `secret`.
function firstLeak(text: string, secret: string, step = 1): string | undefined {
  let s: LiveStatusV1 = startStatus(SESSION, 0);
  for (let n = 1; n <= text.length; n += step) {
    const e: ContentEvent = {
      v: 1,
      ts: n,
      session: SESSION,
      runId: "r1",
      type: "text",
      text: text.slice(0, n),
    };
    s = applyContent(s, e, n);
    const post = renderPost(s, n);
    // Also the preview of this prefix computed afresh, as after a restart or a new message.
    const fresh = streamingTail(text.slice(0, n), MAX_PREVIEW);
    const leaked = leakedFragment(`${post.message}\n${JSON.stringify(post.props)}\n${fresh}`, secret);
    if (leaked !== undefined) return `${JSON.stringify(text.slice(0, n))} showed ${leaked}`;
  }
  return undefined;
}

const WORDS = [
  "the",
  "build",
  "is",
  "green",
  "now",
  "I'll",
  "run:",
  "then",
  "check",
  "it.",
  "Done!",
  "\n",
  "`",
  "ok",
];
const prose = fc.array(fc.constantFrom(...WORDS), { maxLength: 25 }).map((w) => w.join(" "));

describe("streaming text never shows part of a secret", () => {
  it("shows no 8-character fragment of a secret at any prefix of any text holding it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CORPUS),
        prose,
        prose,
        fc.constantFrom(" ", "\n", "\t"),
        (sample, before, after, sep) => {
          const text = `${before}${sep}${sample.text}${sep}${after}`;
          expect(firstLeak(text, sample.secret)).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each(CORPUS.map((c) => [c.kind, c] as const))(
    "streams %s char by char without a leak",
    (_kind, sample) => {
      expect(firstLeak(`Here it is: ${sample.text} and that is all.`, sample.secret)).toBeUndefined();
    },
  );

  it("never starts the preview inside a long private key whose BEGIN scrolled out of view", () => {
    const body = Array.from({ length: 40 }, (_, i) =>
      `MIIE${String(i).padStart(2, "0")}${"Ab3Cd5Ef7GhJ9kLmN2pQ4rS6tU8vW0xY1zB3cD5eF7gH9iJ".repeat(2)}`.slice(
        0,
        64,
      ),
    );
    const key = `-----BEGIN PRIVATE KEY-----\n${body.join("\n")}\n-----END PRIVATE KEY-----`;
    const text = `${"Some words before. ".repeat(60)}\n${key}\nstored.`;
    expect(firstLeak(text, body.join("\n"), 7)).toBeUndefined();
  });
});

describe("publishableEnd", () => {
  it.each([
    ["holds back the last word", "use ghp_Zq9Zq9", "use ".length],
    ["publishes text ending in whitespace", "a b ", "a b ".length],
    ["publishes a plain word ending a sentence", "all done.", "all done.".length],
    ["holds back a word ending in a dot that is not a plain word", "see hvs.CAES.", "see ".length],
    ["holds back an unfinished echo line", "ok\necho s3cr3t-value | ", "ok\n".length],
    ["publishes a finished echo line", "echo hi | cat\nnext ", "echo hi | cat\nnext ".length],
    ["publishes nothing of a single unfinished word", "postgres://u:p4ss", 0],
  ])("%s", (_name, text, end) => {
    expect(publishableEnd(text)).toBe(end);
  });
});

describe("contextStart", () => {
  const key = `-----BEGIN EC PRIVATE KEY-----\n${"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk".repeat(3)}\n`;
  it("moves a window start back to the BEGIN of a key block still open", () => {
    const text = `intro ${key}`;
    expect(contextStart(text, 60)).toBe("intro ".length);
  });

  it("leaves the start alone once the block has ended", () => {
    const text = `intro ${key}-----END EC PRIVATE KEY-----\n${"plain words ".repeat(10)}`;
    expect(contextStart(text, text.length - 40)).toBe(text.length - 40);
  });

  it("moves a window start back to the line of a heredoc still open", () => {
    const text = `ok\ndocker login --password-stdin <<EOF\n${"x".repeat(50)}`;
    expect(contextStart(text, text.length - 10)).toBe(3);
  });

  it("leaves the start alone once the heredoc has ended", () => {
    const text = `ok\ncat <<EOF\nbody\nEOF\n${"plain words ".repeat(10)}`;
    expect(contextStart(text, text.length - 10)).toBe(text.length - 10);
  });
});

describe("long streamed texts", () => {
  it("masks a long heredoc body fed to a login even after its first line scrolled out of view", () => {
    const secret = Array.from({ length: 12 }, (_, i) => `Zk${i}q9Lm2Xw7Rt4Yp8Vb3Nc6`).join("");
    const text = `${"Some words before. ".repeat(30)}\nvault login - <<EOF\n${secret}\nEOF\nall done.`;
    expect(firstLeak(text, secret, 5)).toBeUndefined();
  });

  it("shows no opaque secret whose name scrolled into the hidden context of the window", () => {
    const secret = "Q7mVn3Kp8ZrT2wX5yB6";
    const pad = "ok ".repeat(40);
    const text = `${pad}password: ${secret} ${"then more words follow here. ".repeat(20)}`;
    expect(firstLeak(text, secret, 3)).toBeUndefined();
  });
});
