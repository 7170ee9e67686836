import { describe, expect, it } from "vitest";
import { parseDemoArgs, UsageError } from "./args.ts";

describe("parseDemoArgs", () => {
  it("defaults to the fixed port with a fallback, real time, and staying up", () => {
    expect(parseDemoArgs([], 8065)).toEqual({
      port: 8065,
      strictPort: false,
      speed: 1,
      once: false,
      verbose: false,
      help: false,
    });
  });

  it("holds an explicit port strictly, except 0 which means any free port", () => {
    expect(parseDemoArgs(["--port", "9000"], 8065)).toMatchObject({ port: 9000, strictPort: true });
    expect(parseDemoArgs(["--port", "0"], 8065)).toMatchObject({ port: 0, strictPort: false });
  });

  it("reads --once, --speed, --scene and --verbose", () => {
    expect(
      parseDemoArgs(["--once", "--speed", "2.5", "--scene", "x/scene.json", "--verbose"], 8065),
    ).toMatchObject({
      once: true,
      speed: 2.5,
      scenePath: "x/scene.json",
      verbose: true,
    });
  });

  it.each([
    [["--port", "http"]],
    [["--port", "70000"]],
    [["--speed", "0"]],
    [["--speed", "fast"]],
    [["--colour"]],
    [["extra"]],
  ])("refuses %j as a usage error", (argv) => {
    expect(() => parseDemoArgs(argv, 8065)).toThrow(UsageError);
  });
});
