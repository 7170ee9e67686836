import { describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "./clock.ts";

describe("ManualClock", () => {
  it("wakes sleepers in wake-time order and shows each one its own wake time", async () => {
    const clock = new ManualClock(1_000);
    const woke: Array<[string, number]> = [];
    void clock.sleep(300).then(() => woke.push(["c", clock.now()]));
    void clock.sleep(100).then(() => woke.push(["a", clock.now()]));
    void clock.sleep(100).then(() => woke.push(["b", clock.now()]));
    await clock.advance(250);
    expect(woke).toEqual([
      ["a", 1_100],
      ["b", 1_100],
    ]);
    expect(clock.now()).toBe(1_250);
    await clock.advance(50);
    expect(woke.at(-1)).toEqual(["c", 1_300]);
  });

  it("wakes a follow-up sleep scheduled by a woken sleeper inside the same advance", async () => {
    const clock = new ManualClock();
    const woke: number[] = [];
    void clock.sleep(100).then(async () => {
      woke.push(clock.now());
      await clock.sleep(100);
      woke.push(clock.now());
    });
    await clock.advance(500);
    expect(woke).toEqual([100, 200]);
  });

  it("rejects an aborted sleep with the signal's reason and forgets it", async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
    expect(clock.pendingSleeps).toBe(0);
  });

  it("reports the earliest wake time", () => {
    const clock = new ManualClock(10);
    expect(clock.nextWakeAt()).toBeUndefined();
    void clock.sleep(50);
    void clock.sleep(20);
    expect(clock.nextWakeAt()).toBe(30);
  });
});

describe("systemClock", () => {
  it("sleeps in real time and can be aborted", async () => {
    const start = systemClock.now();
    await systemClock.sleep(5);
    expect(systemClock.now() - start).toBeGreaterThanOrEqual(4);
    const controller = new AbortController();
    const sleeping = systemClock.sleep(60_000, controller.signal);
    controller.abort(new Error("cancelled"));
    await expect(sleeping).rejects.toThrow("cancelled");
  });
});
