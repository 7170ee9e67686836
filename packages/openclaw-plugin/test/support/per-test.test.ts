import { afterAll, describe, expect, it } from "vitest";
import { perTest } from "./per-test.ts";

const started: number[] = [];
const stopped: number[] = [];
let made = 0;

class Counter {
  readonly id = ++made;
  count = 0;
  bump(): number {
    return ++this.count;
  }
}

const counter = perTest(
  async () => {
    const c = new Counter();
    started.push(c.id);
    return c;
  },
  async (c) => {
    stopped.push(c.id);
  },
);

describe("a per-test value", () => {
  it("is made fresh before the first test, its methods bound to it", () => {
    const { bump } = counter;
    expect(counter.id).toBe(1);
    expect(bump()).toBe(1);
    expect(counter.count).toBe(1);
  });

  it("is made fresh again for the next test, the last one torn down", () => {
    expect(counter.id).toBe(2);
    expect(counter.count).toBe(0);
    expect(stopped).toEqual([1]);
  });
});

afterAll(() => {
  expect(started).toEqual([1, 2]);
  expect(stopped).toEqual([1, 2]);
  expect(() => counter.id).toThrow("perTest: used outside a test");
});
