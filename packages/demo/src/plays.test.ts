import { describe, expect, it } from "vitest";
import type { PlayEvent, PlayResult } from "./player.ts";
import { endLine, Plays, type PlaysOptions } from "./plays.ts";
import type { SceneTurn } from "./scene.ts";

const turn = { title: "alice asks", caption: "One box under her message" } as SceneTurn;

/** Plays whose scene ends when the test says so, recording what the demo would see. */
function harness(over: Partial<PlaysOptions> = {}) {
  const runs: { signal: AbortSignal; onEvent: (e: PlayEvent) => void; end: (r: PlayResult) => void }[] = [];
  const lines: string[] = [];
  const seen: string[] = [];
  const plays = new Plays({
    playOnce: (signal, onEvent) =>
      new Promise<PlayResult>((end) => {
        runs.push({ signal, onEvent, end });
        signal.addEventListener("abort", () => end({ failedTurns: 0, stopped: true }));
      }),
    placeOf: () => ({ channelId: "town", rootId: "root" }),
    onEvent: (e) => seen.push(e.kind),
    onEnded: () => seen.push("ended"),
    log: (line) => lines.push(line),
    replayHint: true,
    ...over,
  });
  return { plays, runs, lines, seen };
}

describe("Plays", () => {
  it("plays one at a time and says whether a play started", async () => {
    const { plays, runs } = harness();
    expect(plays.play()).toBe(true);
    expect(plays.play()).toBe(false);
    expect(plays.progress).toMatchObject({ phase: "playing", plays: 1 });
    runs[0]?.end({ failedTurns: 0, stopped: false });
    await plays.played();
    expect(plays.progress.phase).toBe("done");
    expect(plays.play()).toBe(true);
    expect(plays.progress.plays).toBe(2);
  });

  it("keeps the page's progress and the replay pids from the play's steps, then passes each step on", () => {
    const { plays, runs, seen } = harness();
    plays.play();
    runs[0]?.onEvent({ kind: "turn", index: 0, total: 4, turn });
    runs[0]?.onEvent({ kind: "pid", pid: 4242 });
    expect(plays.progress.turn).toEqual({
      index: 0,
      total: 4,
      title: "alice asks",
      caption: "One box under her message",
      place: { channelId: "town", rootId: "root" },
    });
    expect(plays.replayPids()).toEqual([4242]);
    expect(seen).toEqual(["turn", "pid"]);
  });

  it("looks at the boxes once more when a play ends, then writes the end line", async () => {
    const { plays, runs, lines, seen } = harness();
    plays.play();
    runs[0]?.end({ failedTurns: 1, stopped: false });
    await plays.played();
    expect(seen).toEqual(["ended"]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\n■ Scene played in \d+ s, 1 turn\(s\) failed\. Use "Play again"/);
  });

  it("waits for a look at the page before the first play, and not for the timer once the page is seen", async () => {
    const { plays } = harness();
    plays.pageSeen();
    expect(plays.progress.plays).toBe(0);
    plays.begin(60_000);
    expect(plays.progress.plays).toBe(0);
    plays.pageSeen();
    expect(plays.progress.plays).toBe(1);
    plays.pageSeen();
    expect(plays.progress.plays).toBe(1);
    await plays.stop();
  });

  it("starts the first play on its own when nobody looks, or at once when told", async () => {
    const timed = harness().plays;
    timed.begin(10);
    await new Promise((ok) => setTimeout(ok, 50));
    expect(timed.progress.plays).toBe(1);
    await timed.stop();
    const now = harness().plays;
    now.begin(0);
    expect(now.progress.plays).toBe(1);
    await now.stop();
  });

  it("hands the first play's result to whoever asked before it started", async () => {
    const { plays, runs } = harness();
    const first = plays.played();
    plays.begin(0);
    runs[0]?.end({ failedTurns: 0, stopped: false });
    expect(await first).toEqual({ failedTurns: 0, stopped: false });
  });

  it("stops the play going on, marks it stopped without an end line, and starts none after", async () => {
    const { plays, runs, lines } = harness();
    plays.begin(0);
    await plays.stop();
    expect(runs[0]?.signal.aborted).toBe(true);
    expect(plays.progress.phase).toBe("stopped");
    expect(lines).toEqual([]);
    expect(plays.play()).toBe(false);
  });

  it("marks a play that failed as stopped and passes its error on", async () => {
    const { plays } = harness({ playOnce: () => Promise.reject(new Error("replay missing")) });
    plays.play();
    await expect(plays.played()).rejects.toThrow("replay missing");
    expect(plays.progress.phase).toBe("stopped");
    expect(plays.play()).toBe(true);
    await expect(plays.played()).rejects.toThrow("replay missing");
  });
});

describe("endLine", () => {
  it.each([
    [
      { failedTurns: 0, stopped: false },
      true,
      '\n■ Scene played in 42 s. Use "Play again" in the page to replay it.',
    ],
    [{ failedTurns: 2, stopped: false }, false, "\n■ Scene played in 42 s, 2 turn(s) failed."],
  ])("words %j (hint %s) as %j", (result, hint, line) => {
    expect(endLine(result, 41_600, hint)).toBe(line);
  });
});
