import { describe, expect, it } from "vitest";
import { startStatus } from "./status-model.ts";
import { PREVIEW_STEP, withStreamingPreview } from "./stream-preview.ts";

const S = "agent:main:main";
const step = (s: ReturnType<typeof startStatus>, text: string) => withStreamingPreview(s, text, 200, []);

describe("the streaming preview", () => {
  it("computes the preview of the first text a box sees", () => {
    expect(step(startStatus(S, 0), "Looking at the tests ").preview).toBe("Looking at the tests");
  });

  it("keeps the box unchanged while the text grows by less than a step mid-sentence", () => {
    const a = step(startStatus(S, 0), "Looking at the tests ");
    const b = step(a, "Looking at the tests and ");
    expect(b).toBe(a);
  });

  it("recomputes once the text grew by a step", () => {
    const a = step(startStatus(S, 0), "Looking ");
    const more = `Looking ${"at the tests ".repeat(Math.ceil(PREVIEW_STEP / 13))}`;
    expect(step(a, more).preview).toBe(more.trim());
  });

  it("recomputes at the end of a sentence", () => {
    const a = step(startStatus(S, 0), "Looking ");
    expect(step(a, "Looking at the failing tests now.").preview).toBe("Looking at the failing tests now.");
  });

  it("recomputes when the text is not a continuation, as for a new message", () => {
    const a = step(startStatus(S, 0), "First message here ");
    expect(step(a, "Second ").preview).toBe("Second");
  });

  it("recomputes for a status restored without its history", () => {
    const a = step(startStatus(S, 0), "Looking at the tests ");
    const restored = structuredClone(a);
    expect(step(restored, "Looking at the tests and more ").preview).toBe("Looking at the tests and more");
  });

  it("turns thinking off when text arrives", () => {
    const a = step(startStatus(S, 0), "Looking at the tests ");
    const thinking = step({ ...a, thinking: true }, "Looking at the tests ");
    expect(thinking.thinking).toBe(false);
  });
});
