import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock.ts";
import { RateBudget } from "./rate-budget.ts";

/** Records the clock time at which each acquire resolves. */
function grants(clock: ManualClock, budget: RateBudget, n: number): number[] {
  const at: number[] = [];
  for (let i = 0; i < n; i++) void budget.acquire().then(() => at.push(clock.now()));
  return at;
}

describe("RateBudget", () => {
  it("lets a burst through at once, then one request per 1/rate", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock });
    const at = grants(clock, budget, 8);
    await clock.advance(1_000);
    expect(at).toEqual([0, 0, 0, 0, 0, 200, 400, 600]);
  });

  it("never grants more than burst + rate × t requests in any window (10 s of demand)", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock, ratePerSec: 2, burst: 3 });
    const at = grants(clock, budget, 100);
    await clock.advance(10_000);
    expect(at.length).toBe(3 + 2 * 10);
    for (const start of at) {
      const inWindow = at.filter((t) => t >= start && t < start + 1_000).length;
      expect(inWindow).toBeLessThanOrEqual(3 + 2);
    }
  });

  it("holds every request until a block passes, then lets one go at once", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock });
    await budget.acquire();
    budget.blockUntil(3_000);
    const at = grants(clock, budget, 3);
    await clock.advance(2_999);
    expect(at).toEqual([]);
    await clock.advance(1_000);
    expect(at).toEqual([3_000, 3_200, 3_400]);
  });

  it("extends a block that arrives while requests already wait, and never shortens one", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock, burst: 1 });
    await budget.acquire();
    const at = grants(clock, budget, 1);
    await clock.advance(100);
    budget.blockUntil(5_000);
    budget.blockUntil(2_000);
    expect(budget.blockedUntil()).toBe(5_000);
    await clock.advance(4_000);
    expect(at).toEqual([]);
    await clock.advance(1_000);
    expect(at).toEqual([5_000]);
  });

  it("serves waiters first come, first served", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock, burst: 1 });
    await budget.acquire();
    const order: string[] = [];
    for (const name of ["a", "b", "c"]) void budget.acquire().then(() => order.push(name));
    await clock.advance(1_000);
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("drops an aborted waiter without using a slot", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock, burst: 1, ratePerSec: 1 });
    await budget.acquire();
    const controller = new AbortController();
    const aborted = budget.acquire(controller.signal);
    const at = grants(clock, budget, 1);
    controller.abort(new Error("box closed"));
    await expect(aborted).rejects.toThrow("box closed");
    await clock.advance(1_000);
    expect(at).toEqual([1_000]);
  });
});
