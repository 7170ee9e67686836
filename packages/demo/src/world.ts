import { type FakeMattermost, startFakeMattermost } from "@live-status/fake-mattermost";
import type { HistoryPost, SceneWorld } from "./scene.ts";

/** A channel as the web view lists it. */
export interface WorldChannel {
  id: string;
  ref: string;
  kind: "channel" | "dm";
  name: string;
  displayName: string;
  purpose: string;
  /** For a DM: the person the bot talks with. */
  with?: string;
}

export interface WorldUser {
  id: string;
  username: string;
  isBot: boolean;
}

/** What the web view needs to draw the team: names for the ids the posts carry. */
export interface WorldView {
  team: string;
  users: WorldUser[];
  channels: WorldChannel[];
}

/** The seeded world: `ids` maps every ref and username to its Mattermost id. */
export interface SeededWorld {
  ids: Map<string, string>;
  view: WorldView;
}

/** Where a message or a box lives: a channel or DM, and a thread root when it is a reply. */
export interface Place {
  channelId: string;
  rootId?: string;
}

/** The fake's clock during seeding: earlier messages get their own times, then real time runs. */
export class SeedClock {
  #fixed: number | undefined;
  readonly now = (): number => this.#fixed ?? Date.now();
  set(at: number | undefined): void {
    this.#fixed = at;
  }
}

/**
 * Creates the scene's channels and DMs in the fake (people and the bot come from the fake's
 * options) and writes the earlier messages with times in the past, oldest first.
 */
export function seedWorld(fake: FakeMattermost, world: SceneWorld, clock: SeedClock): SeededWorld {
  const ids = new Map<string, string>();
  const users: WorldUser[] = [];
  for (const name of [world.bot, ...world.users]) {
    const user = name === world.bot ? fake.bot : (fake.user(name) ?? fake.addUser(name));
    ids.set(name, user.id);
    users.push({ id: user.id, username: name, isBot: name === world.bot });
  }
  const idOf = (name: string): string => {
    const id = ids.get(name);
    if (id === undefined) throw new Error(`unknown ref ${name}`);
    return id;
  };
  const channels: WorldChannel[] = [];
  for (const c of world.channels) {
    const made = fake.addChannel("O", c.name, c.members.map(idOf));
    ids.set(c.ref, made.id);
    channels.push({
      id: made.id,
      ref: c.ref,
      kind: "channel",
      name: c.name,
      displayName: c.displayName,
      purpose: c.purpose,
    });
  }
  for (const d of world.dms) {
    const made = fake.addChannel("D", undefined, [idOf(d.with)]);
    ids.set(d.ref, made.id);
    channels.push({
      id: made.id,
      ref: d.ref,
      kind: "dm",
      name: d.with,
      displayName: d.with,
      purpose: "",
      with: d.with,
    });
  }

  const start = Date.now();
  // Stable sort: equal times keep the file's order, so a question stays before its answer.
  const ordered = [...world.history].sort((a, b) => b.minutesAgo - a.minutesAgo);
  ordered.forEach((h: HistoryPost, i) => {
    clock.set(start - h.minutesAgo * 60_000 + i);
    const post = fake.userPost(
      idOf(h.in),
      idOf(h.from),
      h.message,
      h.thread === undefined ? undefined : idOf(h.thread),
    );
    if (h.ref !== undefined) ids.set(h.ref, post.id);
  });
  clock.set(undefined);
  return { ids, view: { team: world.team, users, channels } };
}

/** A short, readable name for a place in terminal lines: `~town-square`, `a thread in ~town-square`, `the DM bob ↔ openclaw`. */
export function placeLabel(view: WorldView, place: Place): string {
  const channel = view.channels.find((c) => c.id === place.channelId);
  const bot = view.users.find((u) => u.isBot)?.username ?? "bot";
  if (channel?.kind === "dm") return `the DM ${channel.with} ↔ ${bot}`;
  const base = channel === undefined ? place.channelId : `~${channel.name}`;
  return place.rootId ? `a thread in ${base}` : base;
}

/**
 * Starts a fake Mattermost with the world's people and the bot, seeded by {@link seedWorld}; closes
 * it again when seeding fails.
 */
export async function startSeededFake(
  world: SceneWorld,
): Promise<{ fake: FakeMattermost; seeded: SeededWorld }> {
  const clock = new SeedClock();
  const fake = await startFakeMattermost({ botUsername: world.bot, users: world.users, now: clock.now });
  try {
    return { fake, seeded: seedWorld(fake, world, clock) };
  } catch (error) {
    await fake.close();
    throw error;
  }
}
