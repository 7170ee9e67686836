import { describe, expect, it } from "vitest";
import { demoStory, STORY_BIN, STORY_FILES, STORY_SECRETS, storyPart, VALUES_BEFORE } from "./demo-story.ts";
import type { ChatRequest, ModelStep } from "./fake-model.ts";

const request: ChatRequest = { model: "fake-model", messages: [] };
const MESSAGES = {
  deploy: "@openclaw staging deploys have been failing since this morning. Can you find out why?",
  migration: "@openclaw is migration 0042 safe to run on prod before Thursday?",
  rollout: "@openclaw nice. Can you also draft the rollout note for the checklist?",
  plate: "What's on my plate today?",
  digger: "[Subagent Task] [log digger] Find the first error in the staging api logs",
} as const;

/** Every step of one part of the story, until its answer. */
function plan(script: ReturnType<typeof demoStory>["script"], text: string): ModelStep[] {
  const steps: ModelStep[] = [];
  for (let step = 0; step < 20; step++) {
    const next = script({ lastUserText: text, step, request });
    steps.push(next);
    if (next.kind !== "tools") break;
  }
  return steps;
}

const calls = (steps: ModelStep[]) => steps.flatMap((s) => (s.kind === "tools" ? s.calls : []));

describe("the demo story's model", () => {
  it("knows each scene message, and a follow-up that quotes an earlier one by the follow-up", () => {
    expect(Object.entries(MESSAGES).map(([part, text]) => [part, storyPart(text)])).toEqual(
      Object.keys(MESSAGES).map((part) => [part, part]),
    );
    expect(storyPart(`${MESSAGES.migration}\n${MESSAGES.rollout}`)).toBe("rollout");
    expect(storyPart("Read HEARTBEAT.md if it exists")).toBe("unknown");
  });

  it("ends every part with an answer after tools the gateway runs without approval", () => {
    const { script } = demoStory({ badCommit: "abc1234" });
    for (const text of Object.values(MESSAGES)) {
      const steps = plan(script, text);
      expect(steps.at(-1)?.kind).toBe("text");
      expect(steps.length).toBeGreaterThan(2);
      for (const call of calls(steps))
        expect(["read", "exec", "write", "sessions_spawn"]).toContain(call.name);
      for (const step of steps) expect(step.delayMs ?? 0).toBeGreaterThanOrEqual(1000);
    }
  });

  it("puts each secret in a command line, so the recording proves it was redacted", () => {
    const { script } = demoStory({ badCommit: "abc1234" });
    const commands = JSON.stringify(Object.values(MESSAGES).flatMap((t) => calls(plan(script, t))));
    for (const secret of Object.values(STORY_SECRETS)) expect(commands).toContain(secret);
  });

  it("names the commit it was given in the first answer and spawns the log digger without a completion turn", () => {
    const { script } = demoStory({ badCommit: "abc1234" });
    const steps = plan(script, MESSAGES.deploy);
    const last = steps.at(-1);
    expect(last?.kind === "text" && last.text).toContain("`abc1234`");
    expect(calls(steps).find((c) => c.name === "sessions_spawn")?.arguments).toMatchObject({
      label: "log digger",
      expectsCompletionMessage: false,
    });
  });

  it("waits before its last tool until the log digger has answered, plus a margin", () => {
    let now = 0;
    const { script } = demoStory({ badCommit: "abc1234", now: () => now });
    const beforeDigger = script({ lastUserText: MESSAGES.deploy, step: 4, request });
    plan(script, MESSAGES.digger);
    now = 1_000;
    const afterDigger = script({ lastUserText: MESSAGES.deploy, step: 4, request });
    expect([beforeDigger.delayMs, afterDigger.delayMs]).toEqual([7000, 3500]);
  });

  it("answers what it does not know with silence, and lists it", () => {
    const story = demoStory({ badCommit: "abc1234" });
    expect(story.script({ lastUserText: "heartbeat", step: 0, request })).toEqual({
      kind: "text",
      text: "NO_REPLY",
    });
    expect(story.unknown).toEqual(["heartbeat"]);
  });

  it("seeds a workspace and stand-ins that tell the same story", () => {
    expect(STORY_FILES["deploy/staging/values.yaml"]).toContain("10.0.4.12");
    expect(VALUES_BEFORE).toContain("db.staging.acme.dev");
    expect(STORY_BIN.kubectl).toContain("ECONNREFUSED 10.0.4.12:5432");
    for (const bin of Object.values(STORY_BIN)) expect(bin.startsWith("#!/bin/sh\n")).toBe(true);
  });
});
