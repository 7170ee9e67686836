import type { LiveStatusV1 } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import { props, T0 } from "../test/fixtures.ts";
import { toViewState } from "./view-state.ts";

const previewOf = (s: Partial<LiveStatusV1>) => {
  const v = toViewState(props({ preview: "Here is the **answer**", ...s }), T0 + 5_000);
  return v.kind === "status" ? v.preview : "unreadable";
};

describe("the preview line of a box", () => {
  it("shows while the box runs", () => {
    expect(previewOf({})).toBe("Here is the **answer**");
  });

  it("is not shown in a done box, even one written with a preview: the answer follows right below", () => {
    expect(previewOf({ state: "done", endedAt: T0 + 3_000 })).toBeUndefined();
  });

  it("stays in a failed box, where no answer follows", () => {
    expect(previewOf({ state: "error", endedAt: T0 + 3_000 })).toBe("Here is the **answer**");
  });
});
