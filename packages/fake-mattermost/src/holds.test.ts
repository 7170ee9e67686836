import { afterEach, describe, expect, it, vi } from "vitest";
import { Holds } from "./holds.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("held requests", () => {
  it("are let go after their time", async () => {
    vi.useFakeTimers();
    const holds = new Holds();
    let released = false;
    void holds.hold(1_000).then(() => {
      released = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(released).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(released).toBe(true);
    expect(holds.closed).toBe(false);
  });

  it("are all let go at once when the server closes, which leaves no timer behind", async () => {
    vi.useFakeTimers();
    const holds = new Holds();
    const held = [holds.hold(60_000), holds.hold(120_000)];
    holds.close();
    await Promise.all(held);
    expect(holds.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
