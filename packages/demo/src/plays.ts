/**
 * The demo's plays of its scene: one at a time, the first when someone looks (or after a wait),
 * later ones on request; the progress the page shows, the replay processes started, and the
 * terminal's line when a play ends.
 */

import type { PlayProgress } from "./demo-state.ts";
import type { PlayEvent, PlayResult } from "./player.ts";
import type { SceneTurn } from "./scene.ts";
import type { Place } from "./world.ts";

export interface PlaysOptions {
  /** Plays the scene once, reporting each step; resolves early (stopped) when `signal` aborts. */
  playOnce: (signal: AbortSignal, onEvent: (e: PlayEvent) => void) => Promise<PlayResult>;
  /** Where a turn's message goes (its channel, and thread root when it is a reply). */
  placeOf: (turn: SceneTurn) => Place;
  /** Each step, after the progress took it in. */
  onEvent?: (e: PlayEvent) => void;
  /** When a play has ended, before its line is written. */
  onEnded?: () => void;
  log: (line: string) => void;
  /** Ends a finished play's line with the "Play again" hint. */
  replayHint: boolean;
}

export class Plays {
  readonly progress: PlayProgress = { phase: "waiting", plays: 0, turn: null };
  private readonly stopping = new AbortController();
  private readonly pids: number[] = [];
  private playing = false;
  // Until the first play starts, `played()` waits for it.
  private firstStarted: (run: Promise<PlayResult>) => void = () => {};
  private current = new Promise<PlayResult>((ok) => {
    this.firstStarted = ok;
  });
  private begun = false;
  private firstPlay: NodeJS.Timeout | undefined;

  private readonly o: PlaysOptions;

  constructor(o: PlaysOptions) {
    this.o = o;
    // Only those who asked before the first play wait on this promise; a failed first play must not
    // also surface as an unhandled rejection of it (which would end the process).
    this.current.catch(() => undefined);
  }

  /** Starts a play unless one is going on or the demo is stopping; says whether it started. */
  play(): boolean {
    if (this.playing || this.stopping.signal.aborted) return false;
    this.playing = true;
    this.progress.phase = "playing";
    this.progress.plays++;
    const started = Date.now();
    const run = this.o
      .playOnce(this.stopping.signal, (e) => this.step(e))
      .then(
        (result) => {
          this.o.onEnded?.();
          this.playing = false;
          this.progress.phase = result.stopped ? "stopped" : "done";
          if (!result.stopped) this.o.log(endLine(result, Date.now() - started, this.o.replayHint));
          return result;
        },
        (error: unknown) => {
          this.playing = false;
          this.progress.phase = "stopped";
          throw error;
        },
      );
    if (this.progress.plays === 1) this.firstStarted(run);
    this.current = run;
    return true;
  }

  /**
   * Schedules the first play: when the page is first seen, or after `waitForPageMs` (0: now), so
   * nobody misses the beginning.
   */
  begin(waitForPageMs: number): void {
    if (this.begun) return;
    this.begun = true;
    if (waitForPageMs <= 0) this.play();
    else this.firstPlay = setTimeout(() => this.play(), waitForPageMs);
  }

  /** The page asked for the state: the first play starts now if it was waiting for a look. */
  pageSeen(): void {
    if (this.begun && this.progress.plays === 0) {
      clearTimeout(this.firstPlay);
      this.play();
    }
  }

  /** The result of the play going on, or of the last one; before the first play, of that one. */
  played(): Promise<PlayResult> {
    return this.current;
  }

  /** Ids of the `live-status replay` processes started so far. */
  replayPids(): number[] {
    return [...this.pids];
  }

  /** Stops the play going on and waits for it to end; no play starts after this. */
  async stop(): Promise<void> {
    clearTimeout(this.firstPlay);
    this.stopping.abort();
    if (this.playing) await this.current.catch(() => undefined);
  }

  private step(e: PlayEvent): void {
    if (e.kind === "pid") this.pids.push(e.pid);
    if (e.kind === "turn")
      this.progress.turn = {
        index: e.index,
        total: e.total,
        title: e.turn.title,
        caption: e.turn.caption,
        place: this.o.placeOf(e.turn),
      };
    this.o.onEvent?.(e);
  }
}

/** `■ Scene played in 42 s, 1 turn(s) failed. Use "Play again" in the page to replay it.` */
export function endLine(result: PlayResult, elapsedMs: number, replayHint: boolean): string {
  return `\n■ Scene played in ${Math.round(elapsedMs / 1000)} s${
    result.failedTurns > 0 ? `, ${result.failedTurns} turn(s) failed` : ""
  }.${replayHint ? ' Use "Play again" in the page to replay it.' : ""}`;
}
