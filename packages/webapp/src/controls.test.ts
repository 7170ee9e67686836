import { LIVE_STATUS_POST_TYPE } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import { status, T0, tool } from "../test/fixtures.ts";
import {
  type ControlAction,
  controlsView,
  controlText,
  isSuperseded,
  type PostLike,
  planView,
} from "./controls.ts";

const APPROVAL = "a1b2c3d4-e5f6-4a5b-8c9d-0e1f2a3b4c5d";
const waiting = status({
  tools: [tool({ callId: "c1", name: "exec", args: "npm publish", state: "running" })],
  waiting: { kind: "approval", approvalId: APPROVAL, command: "npm publish", callId: "c1" },
});
const once: ControlAction = { kind: "approve", decision: "allow-once", approvalId: APPROVAL };
const stop: ControlAction = { kind: "stop" };

describe("the text a button posts", () => {
  it.each<[ControlAction, string]>([
    [once, "@livebot /approve a1b2c3d4 allow-once"],
    [{ ...once, decision: "allow-always" }, "@livebot /approve a1b2c3d4 allow-always"],
    [{ ...once, decision: "deny" }, "@livebot /approve a1b2c3d4 deny"],
    [stop, "@livebot stop"],
  ])("%j posts %s", (action, text) => {
    expect(controlText(action, "livebot")).toBe(text);
  });
});

describe("which buttons a box shows", () => {
  it("shows the three approval buttons and Stop while the run waits for approval", () => {
    expect(controlsView(waiting, false)).toEqual({
      approve: {
        approvalId: APPROVAL,
        shortId: "a1b2c3d4",
        command: "npm publish",
        buttons: [
          { decision: "allow-once", label: "Approve once" },
          { decision: "allow-always", label: "Always" },
          { decision: "deny", label: "Deny" },
        ],
        disabled: false,
      },
      stop: { label: "Stop", disabled: false },
    });
  });

  it("shows only Stop while the run works without waiting", () => {
    expect(controlsView(status(), false)).toEqual({ stop: { label: "Stop", disabled: false } });
  });

  it.each(["done", "error", "aborted", "interrupted"] as const)("shows nothing on a %s box", (state) => {
    expect(controlsView({ ...waiting, state, endedAt: T0 + 1 }, false)).toEqual({});
  });

  it("shows what waits but no button on a page nobody is signed in to", () => {
    expect(controlsView(waiting, false, undefined, false)).toEqual({
      approve: {
        approvalId: APPROVAL,
        shortId: "a1b2c3d4",
        command: "npm publish",
        buttons: [],
        disabled: false,
      },
    });
    expect(controlsView(status(), false, undefined, false)).toEqual({});
  });

  it("shows nothing on a box a newer run superseded", () => {
    expect(controlsView(waiting, true)).toEqual({});
  });

  it("says a press is on its way and disables every button meanwhile", () => {
    const view = controlsView(waiting, false, { action: once, phase: "sending" });
    expect(view.approve?.status).toBe("Sending allow once…");
    expect(view.approve?.disabled).toBe(true);
    expect(view.stop?.disabled).toBe(true);
  });

  it("keeps an answered approval's buttons disabled until the run stops waiting for it", () => {
    const view = controlsView(waiting, false, { action: once, phase: "sent" });
    expect(view.approve).toMatchObject({ disabled: true, status: "Sent: allow once. Waiting for the run…" });
    expect(view.stop?.disabled).toBe(false);
    const next = { ...waiting, waiting: { kind: "approval" as const, approvalId: "ffff0000-1" } };
    expect(controlsView(next, false, { action: once, phase: "sent" }).approve?.disabled).toBe(false);
  });

  it("shows Stopping… after Stop was sent, until the run's end takes the buttons away", () => {
    const view = controlsView(waiting, false, { action: stop, phase: "sent" });
    expect(view.stop).toEqual({ label: "Stopping…", disabled: true });
    expect(view.approve?.disabled).toBe(true);
    expect(
      controlsView({ ...waiting, state: "aborted", endedAt: T0 + 1 }, false, { action: stop, phase: "sent" }),
    ).toEqual({});
  });

  it("says why a press failed and lets the person try again", () => {
    const view = controlsView(status(), false, {
      action: stop,
      phase: "failed",
      reason: "HTTP 403: no permission",
    });
    expect(view).toEqual({
      stop: { label: "Stop", disabled: false },
      error: "Could not send: HTTP 403: no permission",
    });
  });
});

describe("a newer box in the conversation", () => {
  const box = (over: Partial<PostLike> & { session?: string } = {}): PostLike => {
    const { session = "agent:main:mattermost:channel:abc", ...rest } = over;
    return {
      id: "p1",
      type: LIVE_STATUS_POST_TYPE,
      channel_id: "c1",
      root_id: "",
      create_at: 100,
      props: { live_status: status({ session }) },
      ...rest,
    };
  };

  it("supersedes a box when a later box of the same session is in the same channel and thread", () => {
    expect(isSuperseded(box(), [box(), box({ id: "p2", create_at: 200 })])).toBe(true);
  });

  it.each<[string, Partial<PostLike> & { session?: string }]>([
    ["an earlier box", { id: "p0", create_at: 50 }],
    ["another session's box", { id: "p2", create_at: 200, session: "agent:main:main" }],
    ["a box in another thread", { id: "p2", create_at: 200, root_id: "r9" }],
    ["a box in another channel", { id: "p2", create_at: 200, channel_id: "c2" }],
    ["a deleted box", { id: "p2", create_at: 200, delete_at: 300 }],
    ["a person's post", { id: "p2", create_at: 200, type: "" }],
  ])("does not count %s", (_name, other) => {
    expect(isSuperseded(box(), [box(other)])).toBe(false);
  });
});

describe("the plan as a to-do list", () => {
  const plan = [
    { step: "Read the notes", status: "completed" as const },
    { step: "Fix the route", status: "in_progress" as const },
    { step: "Run the tests", status: "pending" as const },
  ];

  it("marks done, current and pending steps and counts the done ones", () => {
    expect(planView(status({ plan }))).toEqual({
      count: "1/3 done",
      rows: [
        { key: "0", icon: "check", tone: "ok", iconLabel: "done", step: "Read the notes", current: false },
        {
          key: "1",
          icon: "spinner",
          tone: "active",
          iconLabel: "current",
          step: "Fix the route",
          current: true,
        },
        {
          key: "2",
          icon: "pending",
          tone: "muted",
          iconLabel: "pending",
          step: "Run the tests",
          current: false,
        },
      ],
    });
  });

  it("stops the current step's spinner once the box is final", () => {
    const row = planView(status({ plan, state: "aborted", endedAt: T0 + 1 }))?.rows[1];
    expect(row).toMatchObject({ icon: "pause", tone: "muted", iconLabel: "was current" });
  });

  it("has nothing to draw without a plan", () => {
    expect(planView(status())).toBeUndefined();
  });
});
