/**
 * Plays a scene turn by turn against a target Mattermost: the person writes, the recorded agent
 * session goes through the real pipeline (`live-status replay`, one process per turn sharing one
 * ledger), then the bot answers. The target decides where messages go and how events are bound.
 */

import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { LiveEvent } from "../../openclaw-plugin/src/core/events.ts";
import type { PlayClock } from "./bind.ts";
import { runReplay } from "./replay-child.ts";
import type { Scene, SceneTurn } from "./scene.ts";
import type { Place } from "./world.ts";

/** A Mattermost the scene plays into: the fake with the scene's world, or a real server. */
export interface TurnTarget {
  /** What the pipeline connects to. */
  url: string;
  token: string;
  /** Writes the person's message of a turn; returns where it went. */
  say(turn: SceneTurn): Promise<{ postId: string; place: Place }>;
  /** The turn's events bound to this target's ids and to this play's clock (see bindEvents). */
  events(turn: SceneTurn, clock: PlayClock): LiveEvent[];
  /** The bot's answer after the run. */
  answer(turn: SceneTurn, place: Place): Promise<void>;
}

export type PlayEvent =
  | { kind: "turn"; index: number; total: number; turn: SceneTurn }
  | { kind: "said"; index: number; turn: SceneTurn; place: Place }
  | { kind: "replayed"; index: number; code: number | null; summary: string }
  | { kind: "answered"; index: number; place: Place }
  | { kind: "log"; line: string }
  | { kind: "pid"; pid: number };

export interface PlayOptions {
  scene: Scene;
  target: TurnTarget;
  /** 1 = recorded timing; 10 = ten times faster. */
  speed: number;
  /** Holds the events files and the ledger of this play. */
  workDir: string;
  signal: AbortSignal;
  onEvent: (e: PlayEvent) => void;
}

export interface PlayResult {
  /** Turns whose replay did not exit 0. */
  failedTurns: number;
  stopped: boolean;
}

/** Plays every turn once, in order. Resolves early (stopped) when `signal` aborts. */
export async function playScene(o: PlayOptions): Promise<PlayResult> {
  const { scene, target, signal } = o;
  const wait = async (ms: number) => {
    if (ms > 0) await sleep(ms / o.speed, undefined, { signal });
  };
  let failedTurns = 0;
  const runTag = randomBytes(4).toString("hex");
  try {
    for (const [index, turn] of scene.turns.entries()) {
      o.onEvent({ kind: "turn", index, total: scene.turns.length, turn });
      await wait(turn.pauseMs);
      const said = await target.say(turn);
      o.onEvent({ kind: "said", index, turn, place: said.place });
      await wait(turn.startMs);
      const outcome = await runReplay({
        events: target.events(turn, { t0: Date.now(), speed: o.speed, runTag }),
        eventsPath: join(o.workDir, `turn-${index + 1}.jsonl`),
        url: target.url,
        token: target.token,
        ledgerPath: join(o.workDir, "ledger.sqlite"),
        // The events are already sped up (see bindEvents): play them in real time.
        speed: 1,
        signal,
        onLog: (line) => o.onEvent({ kind: "log", line }),
        onSpawn: (pid) => o.onEvent({ kind: "pid", pid }),
      });
      signal.throwIfAborted();
      if (outcome.code !== 0) failedTurns++;
      o.onEvent({ kind: "replayed", index, code: outcome.code, summary: outcome.summary });
      await wait(turn.answer.afterMs);
      await target.answer(turn, said.place);
      o.onEvent({ kind: "answered", index, place: said.place });
    }
  } catch (error) {
    if (signal.aborted) return { failedTurns, stopped: true };
    throw error;
  }
  return { failedTurns, stopped: false };
}
