/** Test support: a lifecycle config and slots brought into each phase through real transitions. */
import type { Conversation } from "../../src/core/conversation.ts";
import type { CoreConfig } from "../../src/core/dispatcher.ts";
import type { LifecycleConfig, Phase, SlotEvent, SlotState } from "../../src/core/lifecycle.ts";
import { initialSlot, transition } from "../../src/core/lifecycle.ts";
import { DEFAULT_STATUS_OPTIONS } from "../../src/core/status-model.ts";

export const T0 = 1_767_000_000_000;

export const testConfig: CoreConfig = {
  previousBox: "delete",
  staleAfterMs: 10 * 60_000,
  staleWhileBusyMs: 35 * 60_000,
  thrash: { maxActivations: 5, windowMs: 120_000 },
  status: DEFAULT_STATUS_OPTIONS,
  boxTriggers: ["user"],
};

export const channel: Conversation = { kind: "channel", channelId: "chan1" };

export function run(state: SlotState, events: SlotEvent[], now = T0, config: LifecycleConfig = testConfig) {
  let s = state;
  for (const e of events) s = transition(s, e, now, config).state;
  return s;
}

export const activate = (runId: string, postId?: string): SlotEvent => ({
  type: "activate",
  activation: { runId, trigger: "user", ...(postId !== undefined && { postId }) },
});

/** A slot in `phase`, reached the way the runtime reaches it, with run `r1` and box generation 1. */
export function slotIn(phase: Phase, now = T0): SlotState {
  const fresh = initialSlot("agent:main:mattermost:channel:chan1", channel, now);
  switch (phase) {
    case "inactive":
      return fresh;
    case "active":
      return run(fresh, [activate("r1")], now);
    case "completing":
      return run(fresh, [activate("r1"), { type: "run_end", runId: "r1", outcome: "ok" }], now);
    case "completed_guarded":
      return run(
        fresh,
        [
          activate("r1"),
          { type: "run_end", runId: "r1", outcome: "ok" },
          { type: "final_landed", generation: 1 },
        ],
        now,
      );
    case "detached":
      return run(fresh, [activate("r1"), { type: "box_gone", generation: 1, reason: "deleted twice" }], now);
    case "presumed_lost":
      return transition(
        run(fresh, [activate("r1")], now),
        { type: "tick" },
        now + testConfig.staleAfterMs,
        testConfig,
      ).state;
  }
}
