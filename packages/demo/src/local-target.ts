import type { FakeMattermost } from "@live-status/fake-mattermost";
import { bindEvents } from "./bind.ts";
import { createPost } from "./mattermost-rest.ts";
import type { TurnTarget } from "./player.ts";
import type { SceneTurn } from "./scene.ts";
import type { Place, SeededWorld } from "./world.ts";

/**
 * The demo's own fake Mattermost as a target: people write through the fake (as a person would in
 * the web app), the bot answers through the REST API with its token, and the pipeline connects to
 * `url` (the demo's port, which forwards the API to the fake).
 */
export function localTarget(fake: FakeMattermost, world: SeededWorld, url: string): TurnTarget {
  const id = (ref: string): string => idOf(ref, world.ids);
  const placeOf = (turn: SceneTurn): Place => turnPlace(turn, world.ids);
  return {
    url,
    token: fake.botToken,
    async say(turn) {
      const place = placeOf(turn);
      const post = fake.userPost(place.channelId, id(turn.post.from), turn.post.message, place.rootId);
      // A later play binds the ref to the newest message: the next turn answers that one.
      world.ids.set(turn.post.ref, post.id);
      return { postId: post.id, place };
    },
    events: (turn, clock) => bindEvents(turn.events, world.ids, clock),
    async answer(turn, place) {
      await createPost(
        { url, token: fake.botToken },
        {
          channelId: place.channelId,
          message: turn.answer.message,
          ...(place.rootId && { rootId: place.rootId }),
        },
      );
    },
  };
}

/** Where a turn's message goes in the seeded world: its channel, and its thread root when it is a reply. */
export function turnPlace(turn: SceneTurn, ids: ReadonlyMap<string, string>): Place {
  const channelId = idOf(turn.post.in, ids);
  return turn.post.thread === undefined ? { channelId } : { channelId, rootId: idOf(turn.post.thread, ids) };
}

function idOf(ref: string, ids: ReadonlyMap<string, string>): string {
  const found = ids.get(ref);
  if (found === undefined) throw new Error(`unknown ref ${ref}`);
  return found;
}
