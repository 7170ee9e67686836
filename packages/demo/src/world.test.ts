import { describe, expect, it } from "vitest";
import type { SceneWorld } from "./scene.ts";
import { placeLabel, startSeededFake } from "./world.ts";

const world: SceneWorld = {
  team: "Acme",
  bot: "openclaw",
  users: ["alice", "bob"],
  channels: [
    {
      ref: "town",
      name: "town-square",
      displayName: "Town Square",
      purpose: "chatter",
      members: ["alice", "bob"],
    },
  ],
  dms: [{ ref: "dm-bob", with: "bob" }],
  history: [
    { ref: "release", in: "town", from: "bob", minutesAgo: 50, message: "Release checklist" },
    { in: "town", thread: "release", from: "alice", minutesAgo: 49, message: "Changelog is mine." },
    { in: "dm-bob", from: "bob", minutesAgo: 120, message: "Morning" },
  ],
};

describe("startSeededFake", () => {
  it("seeds the people, channels, DMs and earlier messages, oldest first with times in the past", async () => {
    const { fake, seeded } = await startSeededFake(world);
    try {
      const id = (ref: string) => seeded.ids.get(ref) ?? "";
      expect(seeded.view.users.map((u) => [u.username, u.isBot])).toEqual([
        ["openclaw", true],
        ["alice", false],
        ["bob", false],
      ]);
      expect(fake.channel(id("dm-bob"))?.members.sort()).toEqual([fake.botUserId, id("bob")].sort());
      const posts = fake.posts();
      expect(posts.map((p) => p.message)).toEqual(["Morning", "Release checklist", "Changelog is mine."]);
      expect(posts[2]?.root_id).toBe(id("release"));
      const now = Date.now();
      expect(posts.every((p) => p.create_at < now - 48 * 60_000)).toBe(true);
      expect(placeLabel(seeded.view, { channelId: id("town"), rootId: id("release") })).toBe(
        "a thread in ~town-square",
      );
      expect(placeLabel(seeded.view, { channelId: id("dm-bob") })).toBe("the DM bob ↔ openclaw");
    } finally {
      await fake.close();
    }
  });

  it("fails naming the unknown ref when the world cannot be seeded", async () => {
    const broken: SceneWorld = {
      ...world,
      history: [{ in: "nowhere", from: "alice", minutesAgo: 1, message: "x" }],
    };
    await expect(startSeededFake(broken)).rejects.toThrow("unknown ref nowhere");
  });
});
