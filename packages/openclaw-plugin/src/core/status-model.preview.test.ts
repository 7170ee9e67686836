import type { FinalBoxState } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import type { ContentEvent } from "./events.ts";
import { applyContent, finishStatus, startStatus } from "./status-model.ts";

const SESSION = "agent:main:mattermost:channel:4xp9fdt7pbgium38k9xu8ugtyy";
const T0 = 1_700_000_000_000;
const text = (t: string): ContentEvent => ({ v: 1, ts: T0, session: SESSION, type: "text", text: t });
const said = (t: string) => applyContent(startStatus(SESSION, T0), text(t), T0 + 10);

describe("the preview of a box", () => {
  it("shows what the agent says as plain text, without markdown markers", () => {
    // The line is finished: a streaming preview holds back an unfinished last word (it may be a secret's start).
    expect(said("## Plan\n- **read** the `notes`\n- see [docs](https://example.com)\n").preview).toBe(
      "Plan read the notes see docs",
    );
  });

  it("still redacts a secret the markup wrapped", () => {
    expect(said("the key is `sk-abcdefghijklmnopqrstuvwx1234`").preview).not.toContain("sk-abcdefghij");
  });

  it("is gone from a done box, whose answer is posted right beside it", () => {
    const done = finishStatus(said("Done: all tests pass."), "done", T0 + 20);
    expect(done.preview).toBeUndefined();
    expect("preview" in done).toBe(false);
  });

  it.each<FinalBoxState>(["error", "aborted", "interrupted"])(
    "stays in a box that ended %s, where no answer follows",
    (state) => {
      expect(finishStatus(said("Trying the build"), state, T0 + 20).preview).toBe("Trying the build");
    },
  );

  it("shows no part of a secret in the last text of a failed box, however the text stopped", () => {
    const token = "ghp_Zq9Zq9Zq9Zq9Zq9Zq9Zq9Zq9Zq9Zq9Zq9Zq9";
    const fragments = Array.from({ length: token.length - 7 }, (_, i) => token.slice(i, i + 8));
    const endings = [
      `Deploying with ${token}`,
      `Deploying with ${token}\n`,
      `${"step ".repeat(120)}then ${token}`,
    ];
    for (const ending of endings) {
      // The first text computes a preview; the second is not due yet, so only the final box shows it.
      const started = said("Deploying with ");
      const streaming = applyContent(started, text(ending), T0 + 11);
      const failed = finishStatus(streaming, "error", T0 + 20);
      expect(failed.preview).toBeDefined();
      for (const fragment of fragments) expect(failed.preview).not.toContain(fragment);
    }
  });
});
