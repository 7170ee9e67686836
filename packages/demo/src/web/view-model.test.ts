import { describe, expect, it } from "vitest";
import type { ViewPost } from "../demo-state.ts";
import {
  avatarColour,
  CONTINUATION_MS,
  channelItems,
  countsByChannel,
  mergeShown,
  threadItems,
} from "./view-model.ts";

function post(id: string, over: Partial<ViewPost> = {}): ViewPost {
  return {
    id,
    channel_id: "town",
    root_id: "",
    user_id: "alice",
    message: id,
    type: "",
    props: {},
    create_at: 1_000,
    edit_at: 0,
    ...over,
  };
}
const shown = (posts: ViewPost[]) => posts.map((p) => ({ post: p, leaving: false }));

describe("channel view", () => {
  it("lists root posts oldest first, with their reply counts, as collapsed threads do", () => {
    const items = channelItems(
      shown([
        post("late", { create_at: 3_000 }),
        post("root", { create_at: 1_000, user_id: "bob" }),
        post("reply1", { root_id: "root", create_at: 4_000 }),
        post("reply2", { root_id: "root", create_at: 5_000 }),
        post("elsewhere", { channel_id: "dm" }),
      ]),
      "town",
    );
    expect(items.map((i) => [i.post.id, i.replies])).toEqual([
      ["root", 2],
      ["late", 0],
    ]);
  });

  it("folds a post into the one above when the same person writes again soon", () => {
    const items = channelItems(
      shown([
        post("a", { create_at: 0 }),
        post("b", { create_at: 60_000 }),
        post("c", { create_at: 60_000 + CONTINUATION_MS }),
        post("d", { create_at: 70_000 + CONTINUATION_MS, user_id: "bob" }),
      ]),
      "town",
    );
    expect(items.map((i) => i.continuation)).toEqual([false, true, false, false]);
  });
});

describe("thread view", () => {
  it("shows the root then its replies oldest first, and nothing once the root is gone", () => {
    const posts = [
      post("r2", { root_id: "root", create_at: 3 }),
      post("root"),
      post("r1", { root_id: "root", create_at: 2 }),
    ];
    expect(threadItems(shown(posts), "root").map((i) => i.post.id)).toEqual(["root", "r1", "r2"]);
    expect(threadItems(shown(posts.filter((p) => p.id !== "root")), "root")).toEqual([]);
  });
});

describe("mergeShown", () => {
  it("keeps a deleted post on screen as leaving for the fade, then drops it", () => {
    const first = mergeShown([], [post("a"), post("box")], 0, 1_000);
    const second = mergeShown(first, [post("a")], 100, 1_000);
    expect(second.map((s) => [s.post.id, s.leaving])).toEqual([
      ["a", false],
      ["box", true],
    ]);
    expect(mergeShown(second, [post("a")], 600, 1_000).map((s) => s.post.id)).toEqual(["a", "box"]);
    expect(mergeShown(second, [post("a")], 1_100, 1_000).map((s) => s.post.id)).toEqual(["a"]);
  });

  it("does not count a leaving reply in its root's replies", () => {
    const merged = mergeShown(
      shown([post("root"), post("r", { root_id: "root" })]),
      [post("root")],
      0,
      1_000,
    );
    expect(channelItems(merged, "town")[0]?.replies).toBe(0);
  });
});

describe("small helpers", () => {
  it("counts posts per channel and picks one stable avatar colour per name", () => {
    expect(countsByChannel([post("a"), post("b"), post("c", { channel_id: "dm" })])).toEqual(
      new Map([
        ["town", 2],
        ["dm", 1],
      ]),
    );
    expect(avatarColour("alice")).toBe(avatarColour("alice"));
    expect(avatarColour("alice")).toMatch(/^#[0-9a-f]{6}$/);
  });
});
