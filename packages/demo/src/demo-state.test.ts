import type { FakePost } from "@live-status/fake-mattermost";
import { describe, expect, it } from "vitest";
import { demoState, type PlayProgress } from "./demo-state.ts";

const post = (id: string, deleteAt = 0): FakePost =>
  ({
    id,
    channel_id: "c",
    root_id: "",
    user_id: "u",
    message: `m ${id}`,
    type: "",
    props: {},
    create_at: 1,
    edit_at: 0,
    update_at: 1,
    delete_at: deleteAt,
    pending_post_id: "secret-pending",
    metadata: {},
  }) as unknown as FakePost;

describe("demoState", () => {
  const progress: PlayProgress = { phase: "playing", plays: 1, turn: null };
  const state = () =>
    demoState({
      view: { team: "Acme", users: [], channels: [] },
      title: "A morning",
      posts: [post("a"), post("gone", 5)],
      progress,
      remoteState: "idle",
    });

  it("gives the page the posts not deleted, each with only the fields it draws", () => {
    expect(state().posts).toEqual([
      {
        id: "a",
        channel_id: "c",
        root_id: "",
        user_id: "u",
        message: "m a",
        type: "",
        props: {},
        create_at: 1,
        edit_at: 0,
      },
    ]);
    expect(state()).toMatchObject({ team: "Acme", title: "A morning", remote: { state: "idle" } });
  });

  it("answers a copy of the progress, which later steps do not change", () => {
    const answered = state();
    progress.plays = 2;
    expect(answered.play.plays).toBe(1);
  });
});
