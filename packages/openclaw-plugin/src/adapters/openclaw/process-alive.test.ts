import { describe, expect, it } from "vitest";
import { isProcessAlive } from "./process-alive.ts";

describe("isProcessAlive", () => {
  it("knows this process is alive and a pid beyond the system's range is not", () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 30)).toBe(false);
  });
});
