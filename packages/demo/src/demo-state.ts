/** What the web view polls (`GET /demo/api/state`): the team, the posts it draws, the play's progress. */
import type { FakePost } from "@live-status/fake-mattermost";
import type { Place, WorldView } from "./world.ts";

/** A post as the web view gets it. */
export type ViewPost = Pick<
  FakePost,
  "id" | "channel_id" | "root_id" | "user_id" | "message" | "type" | "props" | "create_at" | "edit_at"
>;

export interface PlayProgress {
  phase: "waiting" | "playing" | "done" | "stopped";
  plays: number;
  turn: { index: number; total: number; title: string; caption: string; place: Place } | null;
}

/** What `GET /demo/api/state` answers. */
export interface DemoState extends WorldView {
  title: string;
  posts: ViewPost[];
  play: PlayProgress;
  remote: { state: string };
}

export function viewPost(p: FakePost): ViewPost {
  const { id, channel_id, root_id, user_id, message, type, props, create_at, edit_at } = p;
  return { id, channel_id, root_id, user_id, message, type, props, create_at, edit_at };
}

/** The state as of now: posts not deleted, each with only what the view draws; a copy of the progress. */
export function demoState(o: {
  view: WorldView;
  title: string;
  posts: readonly FakePost[];
  progress: PlayProgress;
  remoteState: string;
}): DemoState {
  return {
    ...o.view,
    title: o.title,
    posts: o.posts.filter((p) => p.delete_at === 0).map(viewPost),
    play: structuredClone(o.progress),
    remote: { state: o.remoteState },
  };
}
