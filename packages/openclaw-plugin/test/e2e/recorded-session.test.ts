// The committed recording of a real gateway session (scenarios a–c of gateway.e2e.ts, made with
// `recordEvents`; refresh it with LIVE_STATUS_E2E_KEEP_RECORDING=1 npm run test:e2e) replays cleanly.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { boxes, boxViolations, runningBoxes } from "./boxes.ts";
import { PLUGIN_DIR } from "./paths.ts";
import { freshWorldFor, type RecordingRefs, rebindRecording, replayInto } from "./recording.ts";

const dir = join(PLUGIN_DIR, "test", "fixtures", "recorded");
const text = readFileSync(join(dir, "gateway-session.jsonl"), "utf8");
const refs = JSON.parse(readFileSync(join(dir, "gateway-session.refs.json"), "utf8")) as RecordingRefs;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe("the recorded gateway session", () => {
  it("names only the people and places its refs list, in 26-character Mattermost ids", () => {
    for (const id of Object.values(refs)) expect(id).toMatch(/^[a-z0-9]{26}$/);
    const sessions = new Set(
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { session: string }).session),
    );
    expect([...sessions].sort()).toEqual(
      [
        "agent:main:main",
        `agent:main:mattermost:channel:${refs.town}`,
        `agent:main:mattermost:channel:${refs.town}:thread:${refs.thread}`,
      ].sort(),
    );
  });

  it("replays with live-status replay into one final box per conversation, each in its own place", async () => {
    const fresh = await freshWorldFor();
    close = () => fresh.mm.close();
    const outcome = await replayInto(fresh.mm, rebindRecording(text, refs, fresh.refs));
    expect(outcome.code).toBe(0);
    expect(outcome.summary?.badLines).toBe(0);
    expect(outcome.summary?.totals).toMatchObject({ boxesCreated: 5, boxesRemoved: 1, finalsNotLanded: 0 });
    expect(boxViolations(fresh.mm, { requireMessages: false })).toEqual([]);
    expect(runningBoxes(fresh.mm)).toEqual([]);
    const live = boxes(fresh.mm).filter((b) => !b.deleted);
    const where = live.map((b) => [b.channelId, b.rootId, b.status?.state]);
    expect(where).toEqual(
      expect.arrayContaining([
        [fresh.refs.town, "", "done"],
        [fresh.refs.town, fresh.refs.thread, "done"],
        [fresh.refs["dm-alice"], "", "done"],
        [fresh.refs["dm-bob"], "", "done"],
      ]),
    );
    expect(live).toHaveLength(4);
    const channelBox = live.find((b) => b.channelId === fresh.refs.town && b.rootId === "");
    expect(channelBox?.status?.tools.map((t) => t.name)).toEqual(["read", "exec"]);
  });
});
