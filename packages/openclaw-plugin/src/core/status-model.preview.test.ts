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
});
