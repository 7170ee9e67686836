import { describe, expect, it } from "vitest";
import { Cleanups } from "./cleanups.ts";

describe("Cleanups", () => {
  it("undoes newest first, waiting for each step", async () => {
    const done: string[] = [];
    const c = new Cleanups();
    c.add(() => {
      done.push("server");
    });
    c.add(async () => {
      await new Promise((ok) => setTimeout(ok, 5));
      done.push("dir");
    });
    c.add(() => {
      done.push("timer");
    });
    await c.run();
    expect(done).toEqual(["timer", "dir", "server"]);
  });

  it("runs each step once, however often it is asked", async () => {
    let runs = 0;
    const c = new Cleanups();
    c.add(() => {
      runs++;
    });
    await c.run();
    await c.run();
    expect(runs).toBe(1);
  });
});
