import {
  type FakeChannel,
  type FakeMattermost,
  type FakeUser,
  startFakeMattermost,
} from "@live-status/fake-mattermost";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserHost, type HostStore } from "./host.ts";

// The host against the fake Mattermost over real HTTP. Node's fetch keeps no cookie jar, so the wrapper
// adds the session cookie as the browser would; everything else (path, headers, body) is the host's own.
let fake: FakeMattermost;
let alice: FakeUser;
let town: FakeChannel;

beforeAll(async () => {
  fake = await startFakeMattermost({
    botUsername: "livebot",
    users: ["alice"],
    channels: [{ type: "O", name: "town", members: ["alice"] }],
  });
  alice = fake.user("alice") as FakeUser;
  town = fake.channelByName("town") as FakeChannel;
});

afterAll(async () => {
  await fake?.close();
});

function signedIn(cookies = () => `MMCSRF=${alice.csrf}; other=1`, store?: unknown) {
  return browserHost({
    basePath: "/",
    cookies,
    ...(store !== undefined && { store: store as HostStore }),
    fetch: (input, init) =>
      fetch(`${fake.url}${String(input)}`, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), cookie: `MMAUTHTOKEN=${alice.token}` },
      }),
  });
}

describe("browserHost", () => {
  it("creates a post as the signed-in person, with the session's CSRF token", async () => {
    await signedIn().createPost({ channel_id: town.id, root_id: "", message: "@livebot stop" });
    expect(fake.postsIn(town.id).map((p) => [p.user_id, p.message])).toEqual([[alice.id, "@livebot stop"]]);
  });

  it("fails with the server's status and message when the write is refused", async () => {
    await expect(
      signedIn(() => "").createPost({ channel_id: town.id, root_id: "", message: "x" }),
    ).rejects.toThrow(/^HTTP 401: /);
  });

  it("reads a post and the channel's posts since a time", async () => {
    const host = signedIn();
    const first = fake.userPost(town.id, alice.id, "first");
    const later = fake.userPost(town.id, alice.id, "later");
    expect((await host.getPost(first.id)).id).toBe(first.id);
    const since = (await host.postsSince(town.id, later.create_at - 1)).map((p) => p.id);
    expect(since).toContain(later.id);
  });

  it("takes the bot's username from the page's store, else asks the server", async () => {
    const store: HostStore = {
      getState: () => ({
        entities: { users: { profiles: { [fake.botUserId]: { username: "from-store" } } } },
      }),
      subscribe: () => () => {},
    };
    const before = fake.requests().length;
    expect(await signedIn(undefined, store).username(fake.botUserId)).toBe("from-store");
    expect(fake.requests().length).toBe(before);
    expect(await signedIn().username(fake.botUserId)).toBe("livebot");
  });

  it("knows a person is signed in only from the store's current user", () => {
    const store = (currentUserId?: string): HostStore => ({
      getState: () => ({ entities: { users: { ...(currentUserId && { currentUserId }), profiles: {} } } }),
      subscribe: () => () => {},
    });
    expect(signedIn(undefined, store(alice.id)).signedIn()).toBe(true);
    expect(signedIn(undefined, store()).signedIn()).toBe(false);
    expect(signedIn().signedIn()).toBe(false);
  });

  it("treats a store that is not a Redux store as an empty page", () => {
    const host = signedIn(undefined, {});
    expect(host.signedIn()).toBe(false);
    expect(host.loadedPosts()).toEqual([]);
    expect(typeof host.subscribe(() => {})).toBe("function");
  });
});

describe("browserHost: loaded posts", () => {
  it("gives the same list until the page's posts change", () => {
    let state = { entities: { posts: { posts: { a: { id: "a" } } as Record<string, { id: string }> } } };
    const host = browserHost({ store: { getState: () => state, subscribe: () => () => {} } });
    const first = host.loadedPosts();
    expect(host.loadedPosts()).toBe(first);
    state = { entities: { posts: { posts: { ...state.entities.posts.posts, b: { id: "b" } } } } };
    expect(host.loadedPosts().map((p) => p.id)).toEqual(["a", "b"]);
  });
});
