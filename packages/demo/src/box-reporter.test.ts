import type { LiveStatusV1 } from "@live-status/contract";
import { describe, expect, it } from "vitest";
import { BoxReporter } from "./box-reporter.ts";
import type { BoxChange, PostLike } from "./box-watch.ts";

const running: LiveStatusV1 = {
  v: 1,
  session: "agent:main:mattermost:channel:c",
  state: "running",
  startedAt: 1,
  thinking: false,
  tools: [],
  toolsOmitted: 0,
  subagents: [],
  tokens: { input: 0, output: 0 },
};

const box = (live: LiveStatusV1): PostLike => ({
  id: "b",
  channel_id: "c",
  root_id: "",
  delete_at: 0,
  type: "custom_live_status",
  props: { live_status: live },
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
    posts = [box(running)];
    reporter.check();
    reporter.check();
    expect(changes).toEqual(["created"]);
    posts = [box({ ...running, state: "done", endedAt: 9 })];
    reporter.check();
    reporter.check();
    expect(changes).toEqual(["created", "finalized"]);
  });
});
