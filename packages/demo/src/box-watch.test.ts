import type { LiveStatusV1 } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import {
  type BoxChange,
  BoxReporter,
  type BoxSnapshot,
  boxSnapshots,
  boxSummary,
  diffBoxes,
  type PostLike,
} from "./box-watch.ts";
import { boxLine } from "./progress.ts";

function status(over: Partial<LiveStatusV1> = {}): LiveStatusV1 {
  return {
    v: 1,
    session: "agent:main:mattermost:channel:c",
    state: "running",
    startedAt: 1,
    thinking: false,
    tools: [],
    toolsOmitted: 0,
    subagents: [],
    tokens: { input: 0, output: 0 },
    ...over,
  };
}

function box(id: string, live: LiveStatusV1, over: Partial<PostLike> = {}): PostLike {
  return {
    id,
    channel_id: "c",
    root_id: "",
    delete_at: 0,
    type: "custom_live_status",
    props: { live_status: live },
    ...over,
  };
}

const snap = (posts: PostLike[]) => new Map(boxSnapshots(posts).map((b): [string, BoxSnapshot] => [b.id, b]));
const tool = { callId: "c1", name: "exec", state: "running" as const, startedAt: 1 };

describe("box watcher", () => {
  it("ignores ordinary posts and reads a box's activity and counts", () => {
    const [only, ...rest] = boxSnapshots([
      { ...box("p", status()), type: "" },
      box("b", status({ tools: [tool], tokens: { input: 24_817, output: 1_190 }, thinking: true }), {
        root_id: "r",
      }),
    ]);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ id: "b", place: { channelId: "c", rootId: "r" }, activity: "running exec" });
    expect(only && boxSummary(only)).toBe("running exec · 1 tool call · 24.8k in / 1.2k out");
  });

  it("reports a new box, then its updates, then its final state once", () => {
    const created = diffBoxes(new Map(), boxSnapshots([box("b", status())]));
    expect(created.map((c) => c.kind)).toEqual(["created"]);
    const before = snap([box("b", status())]);
    expect(diffBoxes(before, boxSnapshots([box("b", status({ tools: [tool] }))])).map((c) => c.kind)).toEqual(
      ["updated"],
    );
    const done = box("b", status({ state: "done", endedAt: 9 }));
    expect(diffBoxes(before, boxSnapshots([done])).map((c) => c.kind)).toEqual(["finalized"]);
    expect(diffBoxes(snap([done]), boxSnapshots([done]))).toEqual([]);
  });

  it("does not report a box falling back to 'working' between two tool calls", () => {
    const running = box("b", status({ tools: [tool] }));
    const between = box("b", status({ tools: [{ ...tool, state: "ok", endedAt: 2 }] }));
    expect(diffBoxes(snap([running]), boxSnapshots([between]))).toEqual([]);
  });

  it("reports a box that was deleted, once, and says a fresh one follows", () => {
    const live = box("b", status({ state: "done", endedAt: 9 }));
    const gone = { ...live, delete_at: 5 };
    const changes = diffBoxes(snap([live]), boxSnapshots([gone]));
    expect(changes.map((c) => c.kind)).toEqual(["removed"]);
    expect(diffBoxes(snap([gone]), boxSnapshots([gone]))).toEqual([]);
    const line = changes[0] && boxLine(changes[0], () => "a thread in ~town-square");
    expect(line).toContain("old box removed from a thread in ~town-square");
  });
});

describe("BoxReporter", () => {
  it("reports each change of a box once, at the look that first sees it", () => {
    let posts: PostLike[] = [];
    const changes: BoxChange["kind"][] = [];
    const reporter = new BoxReporter(
      () => posts,
      (c) => changes.push(c.kind),
    );
    reporter.check();
    expect(changes).toEqual([]);
    posts = [box("b", status())];
    reporter.check();
    reporter.check();
    expect(changes).toEqual(["created"]);
    posts = [box("b", status({ state: "done", endedAt: 9 }))];
    reporter.check();
    reporter.check();
    expect(changes).toEqual(["created", "finalized"]);
  });
});
