import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { T0, testConfig } from "../../test/support/lifecycle.ts";
import type { Conversation } from "./conversation.ts";
import type { DispatchResult } from "./dispatcher.ts";
import { Dispatcher } from "./dispatcher.ts";
import type { Effect } from "./effects.ts";
import type { LiveEvent } from "./events.ts";
import { conversationKey, slotKey } from "./keys.ts";

const SESSIONS = [
  "agent:main:mattermost:channel:chan1",
  "agent:main:mattermost:channel:chan1:thread:root1",
  "agent:main:main",
] as const;
const MAIN = 2;

type Action =
  | { a: "route"; user: "alice" | "bob" }
  | { a: "start"; s: number; run: number; trigger: "user" | "heartbeat"; post: number | null }
  | { a: "content"; s: number; run: number | null; kind: "text" | "tool_start" | "tool_end" | "usage" }
  | { a: "end"; s: number; run: number | null; outcome: "ok" | "error" | "aborted" }
  | { a: "transcript"; s: number }
  | { a: "landed"; pick: number }
  | { a: "gone"; pick: number }
  | { a: "tick"; ms: number };

const session = fc.integer({ min: 0, max: SESSIONS.length - 1 });
const runNo = fc.integer({ min: 0, max: 5 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ a: fc.constant("route" as const), user: fc.constantFrom("alice" as const, "bob" as const) }),
  fc.record({
    a: fc.constant("start" as const),
    s: session,
    run: runNo,
    trigger: fc.constantFrom("user" as const, "user" as const, "heartbeat" as const),
    post: fc.option(fc.integer({ min: 0, max: 3 })),
  }),
  fc.record({
    a: fc.constant("content" as const),
    s: session,
    run: fc.option(runNo),
    kind: fc.constantFrom("text" as const, "tool_start" as const, "tool_end" as const, "usage" as const),
  }),
  fc.record({
    a: fc.constant("end" as const),
    s: session,
    run: fc.option(runNo),
    outcome: fc.constantFrom("ok" as const, "error" as const, "aborted" as const),
  }),
  fc.record({ a: fc.constant("transcript" as const), s: session }),
  fc.record({ a: fc.constant("landed" as const), pick: fc.nat() }),
  fc.record({ a: fc.constant("gone" as const), pick: fc.nat() }),
  fc.record({ a: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 15 * 60_000 }) }),
);

/** Run ids are unique per session, as real ones are. */
const runId = (s: number, n: number) => `s${s}r${n}`;

function toEvent(act: Action, ts: number): LiveEvent | null {
  const base = { v: 1 as const, ts };
  switch (act.a) {
    case "route":
      return { ...base, session: SESSIONS[MAIN], type: "route", dmUserId: act.user };
    case "start":
      return {
        ...base,
        session: SESSIONS[act.s] ?? "",
        type: "run_start",
        runId: runId(act.s, act.run),
        trigger: { kind: act.trigger, ...(act.post !== null && { postId: `p${act.post}` }) },
      };
    case "content": {
      const common = {
        ...base,
        session: SESSIONS[act.s] ?? "",
        ...(act.run !== null && { runId: runId(act.s, act.run) }),
      };
      if (act.kind === "text") return { ...common, type: "text", text: `t${ts}` };
      if (act.kind === "tool_start") return { ...common, type: "tool_start", callId: `c${ts}`, name: "exec" };
      if (act.kind === "tool_end") return { ...common, type: "tool_end", callId: `c${ts - 100}`, ok: true };
      return { ...common, type: "usage", input: 10, output: 5 };
    }
    case "end":
      return {
        ...base,
        session: SESSIONS[act.s] ?? "",
        type: "run_end",
        outcome: act.outcome,
        ...(act.run !== null && { runId: runId(act.s, act.run) }),
      };
    case "transcript":
      return { ...base, session: SESSIONS[act.s] ?? "", type: "transcript_changed" };
    default:
      return null;
  }
}

const slotOfBox = (boxId: string) => boxId.slice(0, boxId.lastIndexOf("#"));

/** Plays a schedule and checks the invariants after every step; returns a violation or null. */
function play(actions: Action[]): string | null {
  const d = new Dispatcher(testConfig);
  let now = T0;
  const live = new Set<string>(); // boxes showing a running state
  const visible = new Map<string, string>(); // slot → its box in the conversation
  const closed = new Set<string>(); // boxes finalized or removed
  const finals = new Map<string, number>();
  const presumedLost = new Set<string>(); // boxes the watchdog ended: their run's own end may still correct them
  const boxRun = new Map<string, string | null>();
  const boxConversation = new Map<string, string>();
  const runConversation = new Map<string, string>();
  let pendingRoute: Conversation | null = null;

  const check = (input: Action, event: LiveEvent | null, result: DispatchResult): string | null => {
    const effects: Effect[] = result.steps.flatMap((s) => s.effects);
    const creates = effects.filter((e) => e.kind === "create_box");
    const isActivation = event?.type === "run_start" && event.trigger?.kind === "user";
    if (creates.length > 0 && !isActivation) return `box created by ${input.a}`;
    if (creates.length > 1) return "two boxes from one signal";
    for (const e of effects) {
      if (e.kind === "log") continue;
      const slot = slotOfBox(e.boxId);
      if (e.kind === "create_box") {
        if (visible.has(slot)) return `second box in ${slot}`;
        if (event?.type === "run_start" && event.runId) {
          const expected = runConversation.get(event.runId);
          if (expected && expected !== conversationKey(e.conversation)) return "run moved conversation";
          runConversation.set(event.runId, conversationKey(e.conversation));
        }
        live.add(e.boxId);
        visible.set(slot, e.boxId);
        boxRun.set(e.boxId, e.runId);
        boxConversation.set(e.boxId, conversationKey(e.conversation));
        continue;
      }
      const correction =
        e.kind === "finalize_box" &&
        presumedLost.has(e.boxId) &&
        event?.type === "run_end" &&
        event.runId !== undefined &&
        event.runId === boxRun.get(e.boxId);
      if (closed.has(e.boxId) && e.kind !== "remove_box" && !correction)
        return `${e.kind} after the box was closed`;
      if (e.kind === "update_box" || e.kind === "finalize_box") {
        const runOfEvent = event && "runId" in event ? event.runId : undefined;
        const owner = boxRun.get(e.boxId);
        if (runOfEvent && owner && runOfEvent !== owner) return `run ${runOfEvent} touched box of ${owner}`;
        if (runOfEvent && runConversation.get(runOfEvent) !== boxConversation.get(e.boxId))
          return "effect outside its run's conversation";
      }
      if (e.kind === "finalize_box") {
        finals.set(e.boxId, (finals.get(e.boxId) ?? 0) + 1);
        if ((finals.get(e.boxId) ?? 0) > (correction ? 2 : 1)) return `box finalized twice: ${e.boxId}`;
        if (correction) presumedLost.delete(e.boxId);
        else if (input.a === "tick") presumedLost.add(e.boxId);
        live.delete(e.boxId);
        closed.add(e.boxId);
      }
      if (e.kind === "remove_box") {
        const createdHere = creates[0];
        if (createdHere?.kind !== "create_box") return "box removed without a fresh one";
        if (boxConversation.get(e.boxId) !== conversationKey(createdHere.conversation))
          return "removed a box of another conversation";
        live.delete(e.boxId);
        closed.add(e.boxId);
        visible.delete(slotOfBox(e.boxId));
      }
    }
    // Every run that ends while its box is live gets its final update now.
    if (event?.type === "run_end" && event.runId) {
      for (const [box, owner] of boxRun)
        if (owner === event.runId && live.has(box)) return `run ${event.runId} ended without a final update`;
    }
    return null;
  };

  for (const act of actions) {
    now += 100;
    if (act.a === "tick") {
      now += act.ms;
      const r = d.broadcast({ type: "tick" }, now);
      const violation = check(act, null, r);
      if (violation) return violation;
      continue;
    }
    if (act.a === "landed" || act.a === "gone") {
      const slots = d.slots();
      const target = slots[act.pick % Math.max(1, slots.length)];
      if (!target) continue;
      const key = slotKey(target.session, target.conversation);
      const r =
        act.a === "landed"
          ? d.feedback(key, { type: "final_landed", generation: target.generation }, now)
          : d.feedback(
              key,
              { type: "box_gone", generation: target.generation, reason: "deleted twice" },
              now,
            );
      if (act.a === "gone" && r.steps.length > 0) {
        const box = visible.get(key);
        if (box) {
          visible.delete(key);
          live.delete(box);
          closed.add(box);
        }
      }
      const violation = check(act, null, r);
      if (violation) return violation;
      continue;
    }
    const event = toEvent(act, now);
    if (!event) continue;
    if (event.type === "route") pendingRoute = { kind: "dm", userId: event.dmUserId ?? "" };
    if (event.type === "run_start" && event.session === SESSIONS[MAIN] && event.trigger?.kind === "user") {
      if (pendingRoute && event.runId && !runConversation.has(event.runId))
        runConversation.set(event.runId, conversationKey(pendingRoute));
      pendingRoute = null;
    }
    const violation = check(act, event, d.handle(event, now));
    if (violation) return violation;
  }

  // Stopping the process leaves no box running.
  const stop = d.broadcast({ type: "interrupt", reason: "stop" }, now + 1);
  for (const e of stop.steps.flatMap((s) => s.effects)) if (e.kind === "finalize_box") live.delete(e.boxId);
  if (live.size > 0) return `boxes left running: ${[...live].join(", ")}`;
  return null;
}

describe("lifecycle properties over random schedules", () => {
  it("never creates a box without an activation, keeps one box per conversation, routes every effect to its run's conversation and finalizes every ended run once (a run the watchdog ended: once more, with its own end)", () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 80 }), (actions) => {
        expect(play(actions)).toBeNull();
      }),
      { numRuns: 1_000 },
    );
  });

  it("still holds when the same schedules end in a flood of transcript changes", () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => {
        const flood: Action[] = SESSIONS.flatMap((_, s) =>
          Array.from({ length: 20 }, () => ({ a: "transcript" as const, s })),
        );
        expect(play([...actions, ...flood])).toBeNull();
      }),
      { numRuns: 1_000 },
    );
  });
});
