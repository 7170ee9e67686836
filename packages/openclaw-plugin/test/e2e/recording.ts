/**
 * The recording of a real gateway session (`recordEvents`) as a fixture, and its replay through
 * `live-status replay` against a fresh fake Mattermost. A recording names the ids of the fake it was
 * made against; `refs` (a sidecar JSON) says which id is which person or place, so a replay can
 * rebind them to the fresh fake's ids.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeMattermost, startFakeMattermost } from "@live-status/fake-mattermost";
import { main } from "../../src/cli/main.ts";
import { BOT_USERNAME } from "./world.ts";

/**
 * Readable names → ids in a recording: `alice`, `bob` (users), `town` (open channel), `dm-alice`,
 * `dm-bob` (their DMs with the bot), and `thread` (the root post of the thread scenario).
 */
export type RecordingRefs = Record<"alice" | "bob" | "town" | "dm-alice" | "dm-bob" | "thread", string>;

/** Replaces every recorded id in `text` with the id of the same ref in `fresh`. */
export function rebindRecording(text: string, recorded: RecordingRefs, fresh: RecordingRefs): string {
  let out = text;
  for (const [ref, id] of Object.entries(recorded) as Array<[keyof RecordingRefs, string]>) {
    out = out.replaceAll(id, fresh[ref]);
  }
  return out;
}

/** A fresh fake with the same people and places as the recording (new ids), and those ids. */
export async function freshWorldFor(): Promise<{ mm: FakeMattermost; refs: RecordingRefs }> {
  const mm = await startFakeMattermost({
    botUsername: BOT_USERNAME,
    users: ["alice", "bob"],
    channels: [{ type: "O", name: "town", members: ["alice", "bob"] }],
  });
  const alice = mm.user("alice");
  const bob = mm.user("bob");
  const town = mm.channelByName("town");
  if (!alice || !bob || !town) throw new Error("fresh world is missing its seed");
  const root = mm.userPost(town.id, bob.id, "a thread about the deploy");
  return {
    mm,
    refs: {
      alice: alice.id,
      bob: bob.id,
      town: town.id,
      "dm-alice": mm.addChannel("D", undefined, [alice.id]).id,
      "dm-bob": mm.addChannel("D", undefined, [bob.id]).id,
      thread: root.id,
    },
  };
}

/** What `live-status replay --json` printed, and its exit code. */
export interface ReplayOutcome {
  code: number;
  summary: {
    events: number;
    badLines: number;
    sessions: Record<
      string,
      { boxesCreated: number; updates: number; boxesRemoved: number; finalState: string | null }
    >;
    totals: { boxesCreated: number; boxesRemoved: number; finalsNotLanded: number };
    apiCalls: Record<string, number>;
  } | null;
  stderr: string;
}

/** Runs `live-status replay <file> --json` (in process) against `mm`. */
export async function replayInto(mm: FakeMattermost, text: string): Promise<ReplayOutcome> {
  const dir = await mkdtemp(join(tmpdir(), "live-status-recording-"));
  try {
    const file = join(dir, "events.jsonl");
    await writeFile(file, text);
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(["replay", file, "--mattermost-url", mm.url, "--json", "--quiet"], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      env: { MATTERMOST_TOKEN: mm.botToken },
    });
    const stdout = out.join("");
    return { code, summary: stdout.startsWith("{") ? JSON.parse(stdout) : null, stderr: err.join("") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
