import { describe, expect, it } from "vitest";
import type { RequestContext, RequestPriority } from "../ports/mattermost.ts";
import { ManualClock } from "./clock.ts";
import { RateBudget, REQUEST_WITHDRAWN } from "./rate-budget.ts";

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
    const aborted = budget.acquire({ signal: controller.signal });
    const at = grants(clock, budget, 1);
    controller.abort(new Error("box closed"));
    await expect(aborted).rejects.toThrow("box closed");
    await clock.advance(1_000);
    expect(at).toEqual([1_000]);
  });

  it("reports its backlog: the waiting requests at the sustained rate, plus a block still to run", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock, burst: 1, ratePerSec: 5 });
    expect(budget.backlogMs()).toBe(0);
    await budget.acquire();
    grants(clock, budget, 10);
    expect(budget.backlogMs()).toBe(2_000);
    budget.blockUntil(1_000);
    expect(budget.backlogMs()).toBe(3_000);
    await clock.advance(5_000);
    expect(budget.backlogMs()).toBe(0);
  });
});

describe("RateBudget priorities", () => {
  /** Queues one request per name with the given context and records the order they are let go. */
  function ask(budget: RateBudget, order: string[], name: string, context?: RequestContext) {
    return budget.acquire(context).then(() => order.push(name));
  }

  it("lets urgent requests go before normal ones, and normal ones before background ones", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock, burst: 1 });
    await budget.acquire();
    const order: string[] = [];
    void ask(budget, order, "edit-a", { priority: "background" });
    void ask(budget, order, "create-b", { priority: "normal" });
    void ask(budget, order, "edit-c", { priority: "background" });
    void ask(budget, order, "final-d", { priority: "urgent" });
    void ask(budget, order, "create-e", { priority: "normal" });
    await clock.advance(1_000);
    expect(order).toEqual(["final-d", "create-b", "create-e", "edit-a", "edit-c"]);
  });

  it("orders requests of one priority by when they first asked, so one that asks again keeps its place", async () => {
    const clock = new ManualClock(1_000);
    const budget = new RateBudget({ clock, burst: 1 });
    await budget.acquire();
    const order: string[] = [];
    const first = new AbortController();
    const withdrawn = ask(budget, order, "a (old state)", {
      priority: "background",
      since: 1_000,
      signal: first.signal,
    });
    await clock.advance(50);
    void ask(budget, order, "b", { priority: "background" });
    first.abort(new Error("replaced"));
    await expect(withdrawn).rejects.toThrow("replaced");
    void ask(budget, order, "a (new state)", { priority: "background", since: 1_000 });
    await clock.advance(1_000);
    expect(order).toEqual(["a (new state)", "b"]);
  });

  it("withdraws a request that went stale when its turn comes, spends no slot on it, and serves its new ask first", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock, burst: 1, ratePerSec: 1 });
    await budget.acquire();
    const order: Array<[string, number]> = [];
    const note = (name: string) => () => order.push([name, clock.now()]);
    let stale = false;
    const first = budget.acquire({ priority: "background", since: 0, isStale: () => stale });
    void budget.acquire({ priority: "background", since: 10 }).then(note("other"));
    stale = true; // a newer state arrived while it waited
    const outcome = first.then(
      () => "sent",
      (error) => (error === REQUEST_WITHDRAWN ? "withdrawn" : "failed"),
    );
    // Its owner asks again at once, with the newer content and the same place.
    void outcome.then(() => budget.acquire({ priority: "background", since: 0 }).then(note("newer")));
    await clock.advance(2_000);
    expect(await outcome).toBe("withdrawn");
    expect(order).toEqual([
      ["newer", 1_000],
      ["other", 2_000],
    ]);
  });

  it("counts a request without a priority as normal", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock, burst: 1 });
    await budget.acquire();
    const order: string[] = [];
    void ask(budget, order, "edit", { priority: "background" });
    void ask(budget, order, "plain");
    void ask(budget, order, "final", { priority: "urgent" });
    await clock.advance(1_000);
    expect(order).toEqual(["final", "plain", "edit"]);
  });

  it("tells the caller when its request goes, and never for a withdrawn one", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock, burst: 1, ratePerSec: 1 });
    const granted: Array<[string, number]> = [];
    const onGrant = (name: string) => () => granted.push([name, clock.now()]);
    await budget.acquire({ priority: "normal", onGrant: onGrant("now") });
    const controller = new AbortController();
    const withdrawn = budget.acquire({
      priority: "normal",
      signal: controller.signal,
      onGrant: onGrant("withdrawn"),
    });
    void budget.acquire({ priority: "normal", onGrant: onGrant("later") });
    controller.abort(new Error("replaced"));
    await expect(withdrawn).rejects.toThrow("replaced");
    await clock.advance(1_000);
    expect(granted).toEqual([
      ["now", 0],
      ["later", 1_000],
    ]);
  });

  it("still spends at most burst + rate × t whatever the priorities", async () => {
    const clock = new ManualClock();
    const budget = new RateBudget({ clock, ratePerSec: 5, burst: 5 });
    const at: number[] = [];
    const priorities = ["urgent", "normal", "background"] as const;
    for (let i = 0; i < 60; i++) {
      const priority = priorities[i % 3] as RequestPriority;
      void budget.acquire({ priority }).then(() => at.push(clock.now()));
    }
    await clock.advance(5_000);
    expect(at).toHaveLength(5 + 5 * 5);
    for (const start of at)
      expect(at.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(10);
  });
});
