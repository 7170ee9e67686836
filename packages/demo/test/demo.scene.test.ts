import { readFile } from "node:fs/promises";
import { parseLiveStatus } from "@live-status/contract";
import { assertServedAccordingToSpec, type FakePost } from "@live-status/fake-mattermost";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../src/demo.ts";
import { PLUGIN_BUNDLE } from "../src/ensure-built.ts";
import type { PlayResult } from "../src/player.ts";
import { boxState, everything, isBox, isFinal } from "./support.ts";

let demo: Demo;
let first: PlayResult;
const lines: string[] = [];

beforeAll(async () => {
  demo = await startDemo({ port: 0, speed: 20, log: (line) => lines.push(line) });
  demo.begin(0);
  first = await demo.played();
}, 60_000);

afterAll(async () => {
  await demo?.stop();
});

const id = (ref: string): string => {
  const found = demo.world.ids.get(ref);
  if (!found) throw new Error(`no id for ${ref}`);
  return found;
};
const byId = (post: FakePost | undefined) => post?.id;

describe("the demo after one play of the scene", () => {
  it("plays every turn through live-status replay without a failure", () => {
    expect(first).toEqual({ failedTurns: 0, stopped: false });
    expect(demo.replayPids()).toHaveLength(4);
  });

  it("puts one final box under alice's question in town-square, then the bot's answer", () => {
    const town = demo.fake.postsIn(id("town"), { rootId: "" });
    const boxes = town.filter(isBox);
    expect(boxes).toHaveLength(1);
    const ask = town.findIndex((p) => p.id === id("ask-deploy"));
    const box = town.findIndex(isBox);
    expect(box).toBe(ask + 1);
    expect(town[box + 1]?.user_id).toBe(demo.fake.botUserId);
    expect(town[box + 1]?.message).toMatch(/^Found it\./);
    expect(boxes.map(boxState)).toEqual(["done"]);
  });

  it("shows in that box what the gateway recorded: the real tool calls, the sub-agent and its tools, tokens", () => {
    const box = demo.fake.postsIn(id("town"), { rootId: "" }).find(isBox);
    const status = parseLiveStatus(box?.props.live_status);
    expect(status?.tools.map((t) => [t.name, t.state])).toEqual([
      ["exec", "ok"],
      ["read", "ok"],
      ["sessions_spawn", "ok"],
      ["exec", "ok"],
      ["exec", "ok"],
    ]);
    expect(status?.tools[3]?.args).toContain("Bearer [redacted]");
    expect(status?.subagents).toEqual([
      expect.objectContaining({ label: "log digger", state: "done", toolCount: 2 }),
    ]);
    expect(status?.tokens.output).toBeGreaterThan(0);
    expect(box?.message).toContain("log digger");
  });

  it("keeps the thread's boxes in the thread: the first one deleted, the fresh one after alice's follow-up", () => {
    const thread = demo.fake.postsIn(id("town"), { rootId: id("release") });
    const all = demo.fake.postsIn(id("town"), { rootId: id("release"), includeDeleted: true });
    const live = thread.filter(isBox);
    const deleted = all.filter((p) => isBox(p) && p.delete_at > 0);
    expect(live).toHaveLength(1);
    expect(deleted).toHaveLength(1);
    // The old box sat right under bob's question; the fresh one comes after alice's follow-up,
    // and only the bot's answer to that follow-up comes after it.
    const allIds = all.map((p) => p.id);
    expect(allIds.indexOf(byId(deleted[0]) ?? "")).toBe(allIds.indexOf(id("ask-migration")) + 1);
    const liveAt = thread.findIndex(isBox);
    expect(thread[liveAt - 1]?.id).toBe(id("ask-rollout"));
    expect(thread.slice(liveAt + 1).map((p) => [p.user_id, p.message.split(" (")[0]])).toEqual([
      [demo.fake.botUserId, "Draft rollout note"],
    ]);
    expect(thread.at(-1)?.create_at).toBeGreaterThanOrEqual(live[0]?.create_at ?? Number.POSITIVE_INFINITY);
  });

  it("puts bob's DM box only in bob's DM", () => {
    const dm = demo.fake.postsIn(id("dm-bob"));
    expect(dm.filter(isBox)).toHaveLength(1);
    expect(dm.map((p) => (isBox(p) ? "box" : p.user_id))).toEqual([id("bob"), "box", demo.fake.botUserId]);
    expect(demo.fake.postsIn(id("dm-alice"), { includeDeleted: true }).filter(isBox)).toEqual([]);
    expect(demo.fake.postsIn(id("offtopic"), { includeDeleted: true }).filter(isBox)).toEqual([]);
  });

  it("leaves exactly four boxes, all written by the bot and all final", () => {
    const boxes = demo.fake.posts().filter(isBox);
    expect(boxes).toHaveLength(4);
    expect(boxes.every((p) => p.user_id === demo.fake.botUserId)).toBe(true);
    expect(boxes.every(isFinal)).toBe(true);
    expect(boxes.map(boxState)).toEqual(["done", "done", "done", "done"]);
  });

  it("never lets a secret from the tool arguments reach a post", () => {
    const text = everything(demo.fake);
    for (const secret of demo.scene.secrets) expect(text).not.toContain(secret);
    expect(text).toContain("Bearer [redacted]");
    expect(text).toContain("postgres://deploy:[redacted]@db.staging.acme.dev");
  });

  it("spoke Mattermost's API as the spec describes, through the demo's own port", () => {
    assertServedAccordingToSpec(demo.fake);
    const calls = demo.fake.requests().map((r) => `${r.method} ${r.path.replace(/[a-z0-9]{26}/g, "{id}")}`);
    expect(new Set(calls)).toEqual(
      new Set([
        "GET /api/v4/users/me",
        "POST /api/v4/posts",
        "PUT /api/v4/posts/{id}/patch",
        "DELETE /api/v4/posts/{id}",
        "POST /api/v4/channels/direct",
        "GET /api/v4/users/me",
      ]),
    );
  });

  it("told the terminal about each turn and what happened to the boxes", () => {
    const text = lines.join("\n");
    for (const n of [1, 2, 3, 4]) expect(text).toContain(`▶ Turn ${n}/4`);
    expect(text).toContain("◻ box created in ~town-square");
    expect(text).toContain("◼ box finalized: done");
    expect(text).toContain("✂ old box removed from a thread in ~town-square");
    expect(text).toContain("◻ box created in the DM bob ↔ openclaw");
    for (const secret of demo.scene.secrets) expect(text).not.toContain(secret);
  });
});

describe("the web view", () => {
  it("serves the page with its scripts: React, the registerPlugin shim, the real webapp bundle, the demo", async () => {
    const res = await fetch(demo.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual([
      "/static/react.js",
      "/static/react-dom.js",
      "/static/host.js",
      "/static/plugins/live-status/main.js",
      "/static/demo.js",
    ]);
    for (const src of scripts) {
      const asset = await fetch(new URL(src ?? "", demo.url));
      expect([src, asset.status, asset.headers.get("content-type")]).toEqual([
        src,
        200,
        "text/javascript; charset=utf-8",
      ]);
    }
    const plugin = await (await fetch(new URL("/static/plugins/live-status/main.js", demo.url))).text();
    expect(plugin).toBe(await readFile(PLUGIN_BUNDLE, "utf8"));
  });

  it("answers the page's poll with the world and the live posts, deleted ones left out", async () => {
    const state = (await (await fetch(new URL("/demo/api/state", demo.url))).json()) as ReturnType<
      Demo["state"]
    >;
    expect(state.channels.map((c) => [c.kind, c.name])).toEqual([
      ["channel", "town-square"],
      ["channel", "off-topic"],
      ["dm", "alice"],
      ["dm", "bob"],
    ]);
    expect(state.play).toMatchObject({ phase: "done", plays: 1, turn: { index: 3, total: 4 } });
    expect(state.posts.filter((p) => p.type === "custom_live_status")).toHaveLength(3);
    expect(state.posts.some((p) => p.id === demo.fake.posts().find((q) => q.delete_at > 0)?.id)).toBe(false);
  });

  it("refuses actions from other sites", async () => {
    const res = await fetch(new URL("/demo/api/play", demo.url), {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: "{}",
    });
    expect(res.status).toBe(403);
    const form = await fetch(new URL("/demo/api/play", demo.url), { method: "POST", body: "a=b" });
    expect(form.status).toBe(403);
  });

  it("forwards the Mattermost API, WebSocket included, to the fake", async () => {
    const me = await fetch(new URL("/api/v4/users/me", demo.url), {
      headers: { authorization: `Bearer ${demo.fake.botToken}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(demo.fake.botUserId);

    const alice = demo.fake.user("alice");
    const ws = new WebSocket(`${demo.url.replace("http", "ws")}api/v4/websocket`);
    const messages: unknown[] = [];
    await new Promise<void>((ok, fail) => {
      ws.onerror = () => fail(new Error("websocket failed"));
      ws.onopen = () =>
        ws.send(
          JSON.stringify({ seq: 1, action: "authentication_challenge", data: { token: alice?.token } }),
        );
      ws.onmessage = (m) => {
        messages.push(JSON.parse(String(m.data)));
        if (messages.length === 2) ok();
      };
    });
    ws.close();
    expect(messages).toContainEqual(expect.objectContaining({ event: "hello" }));
    expect(messages).toContainEqual({ status: "OK", seq_reply: 1 });
  });
});

describe("playing the scene again", () => {
  it("wakes each conversation's session again: the old boxes leave, fresh ones come at the bottom", async () => {
    const res = await fetch(new URL("/demo/api/play", demo.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(202);
    const busy = await fetch(new URL("/demo/api/play", demo.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(busy.status).toBe(409);
    expect(await demo.played()).toEqual({ failedTurns: 0, stopped: false });

    for (const [ref, root] of [
      ["town", ""],
      ["town", "release"],
      ["dm-bob", undefined],
    ] as const) {
      const posts = demo.fake.postsIn(id(ref), root === undefined ? {} : { rootId: root && id(root) });
      const boxes = posts.filter(isBox);
      expect(boxes).toHaveLength(1);
      expect(boxes.every(isFinal)).toBe(true);
      // The live box answers the newest question: it sits after the last person's message.
      const lastPerson = posts.findLastIndex((p) => p.user_id !== demo.fake.botUserId);
      expect(posts.findIndex(isBox)).toBe(lastPerson + 1);
    }
    // Play 1 replaced one thread box; play 2 replaced the channel's, the DM's and the thread's twice.
    expect(demo.fake.posts().filter((p) => isBox(p) && p.delete_at > 0)).toHaveLength(5);
  }, 60_000);
});
