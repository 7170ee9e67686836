// The box's buttons in headless Chromium, against the fake Mattermost over real HTTP: the page is
// served on the same origin as the API (as Mattermost serves its webapp) and signed in as alice with
// the session cookies, so every press is a real request the fake authorizes as her.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LIVE_STATUS_POST_TYPE, type LiveStatusV1 } from "@live-status/contract";
import {
  type FakeChannel,
  type FakeMattermost,
  type FakePost,
  type FakeUser,
  startFakeMattermost,
} from "@live-status/fake-mattermost";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebapp, PACKAGE_DIR } from "../scripts/build.ts";
import { browserTestsRun, collectConsoleProblems, launchChromium } from "./chromium.ts";
import { status, T0, tool } from "./fixtures.ts";

const runs = browserTestsRun("the webapp controls browser test");
const THEME = {
  centerChannelBg: "#ffffff",
  centerChannelColor: "#3f4350",
  linkColor: "#386fe5",
  awayIndicator: "#ffbc1f",
  errorTextColor: "#d24b4e",
};

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="/react.js"></script><script src="/react-dom.js"></script>
<script>
  window.__plugins = [];
  window.registerPlugin = (id, plugin) => window.__plugins.push({ id, plugin });
</script>
<script src="/main.js"></script>
<script>
  // The slice of Mattermost's Redux store the plugin reads: loaded posts and user profiles.
  const listeners = new Set();
  window.__state = { entities: { posts: { posts: {} }, users: { currentUserId: "__CURRENT_USER__", profiles: {} } } };
  const store = { getState: () => window.__state, subscribe: (l) => { listeners.add(l); return () => listeners.delete(l); } };
  window.setCurrentUser = (id) => {
    window.__state = { ...window.__state, entities: { ...window.__state.entities, users: { currentUserId: id, profiles: {} } } };
    for (const l of listeners) l();
  };
  window.loadPosts = (posts) => {
    const all = { ...window.__state.entities.posts.posts };
    for (const p of posts) all[p.id] = p;
    window.__state = { ...window.__state, entities: { ...window.__state.entities, posts: { posts: all } } };
    for (const l of listeners) l();
  };
  const postTypes = {};
  for (const { plugin } of window.__plugins)
    plugin.initialize({ registerPostTypeComponent: (t, c) => { postTypes[t] = c; } }, store);
  const roots = {};
  window.showBox = (id, post, theme) => {
    if (!roots[id]) {
      const frame = document.createElement("div");
      frame.id = id;
      document.body.appendChild(frame);
      roots[id] = ReactDOM.createRoot(frame);
    }
    roots[id].render(React.createElement(postTypes["custom_live_status"], { post, theme }));
  };
</script>
</head><body></body></html>`;

describe.skipIf(!runs)("the box's buttons in headless Chromium", () => {
  let dir: string;
  let fake: FakeMattermost;
  let alice: FakeUser;
  let town: FakeChannel;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let seq = 0;
  const consoleProblems: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "live-status-controls-"));
    const { bundlePath } = await buildWebapp(dir);
    const nodeModules = resolve(PACKAGE_DIR, "../../node_modules");
    const files: Record<string, string> = {
      "/main.js": bundlePath,
      "/react.js": join(nodeModules, "react/umd/react.development.js"),
      "/react-dom.js": join(nodeModules, "react-dom/umd/react-dom.development.js"),
    };
    fake = await startFakeMattermost({
      botUsername: "livebot",
      users: ["alice"],
      channels: [{ type: "O", name: "town", members: ["alice"] }],
    });
    alice = fake.user("alice") as FakeUser;
    town = fake.channelByName("town") as FakeChannel;
    server = createServer(async (req, res) => {
      const path = req.url ?? "/";
      if (path.startsWith("/api/v4/")) return forward(req, res, `${fake.url}${path}`);
      if (path === "/")
        return void res
          .writeHead(200, { "content-type": "text/html" })
          .end(PAGE.replace("__CURRENT_USER__", alice.id));
      const file = files[path];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "text/javascript" }).end(await readFile(file));
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    const context = await browser.newContext();
    await context.addCookies([
      { name: "MMAUTHTOKEN", value: alice.token, url: origin, httpOnly: true },
      { name: "MMCSRF", value: alice.csrf, url: origin },
    ]);
    page = await context.newPage();
    collectConsoleProblems(page, consoleProblems);
    await page.goto(origin);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The bot writes a box into a fresh thread of `town`, as the gateway plugin does. */
  async function botBox(live: LiveStatusV1, rootId?: string): Promise<FakePost> {
    const root = rootId ?? fake.userPost(town.id, alice.id, `@livebot job ${++seq}`).id;
    const res = await fetch(`${fake.url}/api/v4/posts`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.botToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        channel_id: town.id,
        root_id: root,
        message: "box",
        type: LIVE_STATUS_POST_TYPE,
        props: { live_status: live },
      }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as FakePost;
  }

  async function botEdit(post: FakePost, live: LiveStatusV1): Promise<FakePost> {
    const res = await fetch(`${fake.url}/api/v4/posts/${post.id}/patch`, {
      method: "PUT",
      headers: { authorization: `Bearer ${fake.botToken}`, "content-type": "application/json" },
      body: JSON.stringify({ message: "box", props: { live_status: live } }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as FakePost;
  }

  async function show(post: FakePost) {
    const id = `box-${post.id}`;
    await page.evaluate(([i, p, t]) => window.showBox(i, p, t), [id, post, THEME] as const);
    const frame = page.locator(`#${id}`);
    await frame.locator(".ls-box").waitFor();
    return frame;
  }

  /** What alice posted into the box's conversation after it, as the fake stored it. */
  function pressesAfter(box: FakePost) {
    return fake
      .postsIn(town.id, { rootId: box.root_id })
      .filter((p) => p.user_id === alice.id && p.create_at >= box.create_at)
      .map((p) => ({ user: p.user_id, channel: p.channel_id, root: p.root_id, text: p.message }));
  }

  const waitingFor = (approvalId: string) =>
    status({
      tools: [tool({ callId: "c1", name: "exec", args: "npm publish", state: "running", startedAt: T0 })],
      waiting: { kind: "approval", approvalId, command: "npm publish", callId: "c1" },
    });

  it.each([
    ["Approve once", "allow-once"],
    ["Always", "allow-always"],
    ["Deny", "deny"],
  ])(
    "%s posts /approve with that decision as the person who clicked, into the run's thread",
    async (label, decision) => {
      const approvalId = `${decision.slice(0, 2)}c0ffee-1111-4222-8333-444455556666`;
      const box = await botBox(waitingFor(approvalId));
      const frame = await show(box);
      expect(await frame.getByRole("group", { name: "Approval" }).innerText()).toContain(
        "Waiting for approval: npm publish",
      );
      await frame.getByRole("button", { name: label }).click();
      await frame.getByRole("status").filter({ hasText: "Sent:" }).waitFor();
      expect(pressesAfter(box)).toEqual([
        {
          user: alice.id,
          channel: town.id,
          root: box.root_id,
          text: `@livebot /approve ${approvalId.slice(0, 8)} ${decision}`,
        },
      ]);
      for (const name of ["Approve once", "Always", "Deny"])
        expect(await frame.getByRole("button", { name }).isDisabled()).toBe(true);
      // The run goes on: the approval buttons go, Stop stays.
      await page.evaluate(([i, p, t]) => window.showBox(i, p, t), [
        `box-${box.id}`,
        await botEdit(box, status()),
        THEME,
      ] as const);
      expect(await frame.getByRole("button").allInnerTexts()).toEqual(["Stop"]);
    },
  );

  it("Stop posts stop, shows Stopping… until the run's end arrives, and then no button is left", async () => {
    const box = await botBox(
      status({
        plan: [
          { step: "Read", status: "completed" },
          { step: "Fix", status: "in_progress" },
        ],
      }),
    );
    const frame = await show(box);
    expect(await frame.getByRole("list", { name: "Plan" }).getByRole("listitem").allInnerTexts()).toEqual([
      "Read",
      "Fix",
    ]);
    expect(await frame.getByText("· 1/2 done").isVisible()).toBe(true);
    await frame.getByRole("button", { name: "Stop" }).click();
    await frame.getByRole("button", { name: "Stopping…" }).waitFor();
    expect(await frame.getByRole("button", { name: "Stopping…" }).isDisabled()).toBe(true);
    await expect
      .poll(() => pressesAfter(box))
      .toEqual([{ user: alice.id, channel: town.id, root: box.root_id, text: "@livebot stop" }]);
    const aborted = await botEdit(box, { ...status(), state: "aborted", endedAt: T0 + 5_000 });
    await page.evaluate(([i, p, t]) => window.showBox(i, p, t), [`box-${box.id}`, aborted, THEME] as const);
    await frame.getByText("Stopped", { exact: true }).waitFor();
    expect(await frame.getByRole("button").count()).toBe(0);
  });

  it("draws no buttons on a final box", async () => {
    const frame = await show(
      await botBox({ ...waitingFor("fin00000-1"), state: "done", endedAt: T0 + 9_000 }),
    );
    expect(await frame.getByRole("button").count()).toBe(0);
  });

  it("takes the buttons away when a newer box of the same session appears in the conversation", async () => {
    const old = await botBox(waitingFor("old00000-1"));
    const frame = await show(old);
    expect(await frame.getByRole("button").count()).toBe(4);
    const newer = await botBox(status(), old.root_id);
    await page.evaluate((posts) => window.loadPosts(posts), [old, newer]);
    await expect.poll(() => frame.getByRole("button").count()).toBe(0);
  });

  it("a stale box posts nothing: a newer box the page has not loaded yet, or an end it has not seen, takes its buttons away on press", async () => {
    const superseded = await botBox(status());
    const finished = await botBox(status());
    const one = await show(superseded);
    const two = await show(finished);
    await botBox(status(), superseded.root_id);
    await botEdit(finished, { ...status(), state: "done", endedAt: T0 + 1_000 });
    await one.getByRole("button", { name: "Stop" }).click();
    await two.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => one.getByRole("button").count()).toBe(0);
    await expect.poll(() => two.getByRole("button").count()).toBe(0);
    expect([...pressesAfter(superseded), ...pressesAfter(finished)]).toEqual([]);
  });

  it("draws no buttons on a page nobody is signed in to, where a press could send nothing", async () => {
    await page.evaluate(() => window.setCurrentUser(undefined));
    try {
      const box = await botBox(waitingFor("anon0000-1"));
      const frame = await show(box);
      expect(await frame.getByRole("group", { name: "Approval" }).innerText()).toContain(
        "Waiting for approval: npm publish",
      );
      expect(await frame.getByRole("button").count()).toBe(0);
    } finally {
      await page.evaluate((id) => window.setCurrentUser(id), alice.id);
    }
  });

  it("leaves no errors or warnings in the browser console", () => {
    expect(consoleProblems).toEqual([]);
  });
});

function forward(
  req: import("node:http").IncomingMessage,
  res: import("node:http").ServerResponse,
  url: string,
) {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        (e): e is [string, string] => typeof e[1] === "string" && e[0] !== "host",
      ),
    );
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const answer = await fetch(url, { method: req.method ?? "GET", headers, ...(body && { body }) });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
}

declare global {
  interface Window {
    showBox: (id: string, post: unknown, theme: unknown) => void;
    loadPosts: (posts: unknown[]) => void;
    setCurrentUser: (id: string | undefined) => void;
  }
}
