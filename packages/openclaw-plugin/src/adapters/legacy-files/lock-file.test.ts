import { describe, expect, it } from "vitest";
import { DEFAULT_LOCK_POLICY, judgeLock, lockIdentity, parseLockPayload } from "./lock-file.ts";

const NOW = 1_790_000_000_000;
const MIN = 60_000;
const facts = (o: Partial<Parameters<typeof judgeLock>[0]> = {}) => ({
  payload: { pid: 4242, createdAtMs: NOW - MIN },
  mtimeMs: NOW - MIN,
  now: NOW,
  pid: "alive" as const,
  quietForMs: 0,
  ...o,
});

describe("parseLockPayload", () => {
  it("reads what OpenClaw writes", () => {
    const text = JSON.stringify(
      { pid: 4242, createdAt: "2026-07-01T10:00:00.000Z", starttime: 123 },
      null,
      2,
    );
    expect(parseLockPayload(text)).toEqual({
      pid: 4242,
      createdAtMs: Date.parse("2026-07-01T10:00:00.000Z"),
      starttime: 123,
    });
  });

  it("gives null for an empty or foreign file and drops fields of the wrong type", () => {
    expect(parseLockPayload("")).toBeNull();
    expect(parseLockPayload("locked")).toBeNull();
    expect(parseLockPayload('{"pid":"7","createdAt":"soon"}')).toEqual({});
  });
});

describe("judgeLock", () => {
  it("calls a recent lock of a live pid fresh", () => {
    expect(judgeLock(facts())).toEqual({ state: "fresh" });
  });

  it("calls a lock older than the stale age stale whatever its pid", () => {
    expect(judgeLock(facts({ payload: { pid: 4242, createdAtMs: NOW - 31 * MIN } }))).toMatchObject({
      state: "stale",
    });
    expect(judgeLock(facts({ payload: {}, mtimeMs: NOW - 31 * MIN }))).toMatchObject({ state: "stale" });
  });

  it("calls a dead pid's lock stale only once the transcript has been quiet", () => {
    expect(judgeLock(facts({ pid: "dead", quietForMs: 10_000 }))).toEqual({ state: "fresh" });
    expect(
      judgeLock(
        facts({
          pid: "dead",
          quietForMs: DEFAULT_LOCK_POLICY.deadPidQuietMs,
          payload: { pid: 4242, createdAtMs: NOW - 5 * MIN },
        }),
      ),
    ).toEqual({
      state: "stale",
      reason: "pid 4242 is gone",
    });
  });

  it("gives a lock still being written time to get its payload", () => {
    expect(judgeLock(facts({ payload: null, mtimeMs: NOW - 500 }))).toEqual({ state: "settling" });
    expect(judgeLock(facts({ payload: null, mtimeMs: NOW - 5_000 }))).toEqual({ state: "fresh" });
  });
});

describe("lockIdentity", () => {
  it("tells two acquisitions on a reused inode apart by their recorded creation time", () => {
    expect(lockIdentity(7, { createdAtMs: 1 }, 5)).not.toBe(lockIdentity(7, { createdAtMs: 2 }, 5));
    expect(lockIdentity(7, null, 5.5)).toBe("7:5");
  });
});
