import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { LiveStatusV1 } from "@live-status/contract";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebapp, PACKAGE_DIR } from "../scripts/build.ts";
import { browserTestsRun, collectConsoleProblems, launchChromium } from "./chromium.ts";
import { busyRun, status, T0, tool } from "./fixtures.ts";

// The committed screenshots are refreshed on request only; a test run writes to the gitignored .tmp/.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? resolve(PACKAGE_DIR, "../../docs/screenshots")
  : resolve(PACKAGE_DIR, "../../.tmp/screenshots/webapp");
const NOW = T0 + 65_000;

const runs = browserTestsRun("the webapp browser test");

// Mattermost's default light ("Denim") and dark ("Onyx") themes, the keys the box reads.
const THEMES = {
  light: {
    centerChannelBg: "#ffffff",
    centerChannelColor: "#3f4350",
    linkColor: "#386fe5",
    onlineIndicator: "#3db887",
    awayIndicator: "#ffbc1f",
    errorTextColor: "#d24b4e",
  },
  dark: {
    centerChannelBg: "#191b1f",
    centerChannelColor: "#e3e4e8",
    linkColor: "#5d89ea",
    onlineIndicator: "#3db887",
    awayIndicator: "#f5ab00",
    errorTextColor: "#da6c6e",
  },
} as const;
type ThemeName = keyof typeof THEMES;

function doneRun(): LiveStatusV1 {
  const run = busyRun();
  const last = run.tools.at(-1);
  if (last) Object.assign(last, { state: "ok", endedAt: last.startedAt + 6_400 });
  for (const sub of run.subagents) Object.assign(sub, { state: "done", endedAt: sub.endedAt ?? T0 + 58_000 });
  return {
    ...run,
    state: "done",
    endedAt: T0 + 72_000,
    tokens: { input: 24_880, output: 3_104 },
    preview: "Built the webapp bundle; all 105 tests pass and the screenshots are in docs/screenshots.",
  };
}

function errorRun(): LiveStatusV1 {
  return status({
    state: "error",
    endedAt: T0 + 19_000,
    tools: [
      tool({ name: "read", args: "README.md", startedAt: T0 + 1_000, endedAt: T0 + 1_200 }),
      tool({
        callId: "c2",
        name: "exec",
        args: "npm run deploy",
        state: "error",
        startedAt: T0 + 2_000,
        endedAt: T0 + 14_500,
        error: "exit code 1: permission denied (publickey)",
      }),
    ],
    tokens: { input: 3_210, output: 412 },
    error: "Model provider answered 529 (overloaded) twice; giving up.",
  });
}

function interruptedRun(): LiveStatusV1 {
  return status({
    state: "interrupted",
    endedAt: T0 + 48_000,
    tools: [
      tool({
        name: "web_search",
        args: "openclaw gateway restart",
        startedAt: T0 + 1_000,
        endedAt: T0 + 2_800,
      }),
      tool({ callId: "c2", name: "exec", args: "npm run e2e", state: "running", startedAt: T0 + 3_000 }),
    ],
    toolsOmitted: 0,
    tokens: { input: 5_600, output: 240 },
  });
}

const TEST_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<style>
  body { margin: 0; font-family: "Open Sans", "Liberation Sans", Arial, sans-serif; font-size: 14px; }
  .frame { width: 600px; padding: 12px 16px; }
  .frame.rhs { width: 400px; }
</style>
<script src="/react.js"></script>
<script src="/react-dom.js"></script>
<script>
  // What Mattermost provides before it loads a plugin bundle.
  window.__plugins = [];
  window.registerPlugin = (id, plugin) => window.__plugins.push({ id, plugin });
</script>
<script src="/main.js"></script>
<script>
  const postTypes = {};
  const registry = { registerPostTypeComponent: (type, component) => { postTypes[type] = component; } };
  // Signed in, as every Mattermost page that loads plugins is: the running boxes show their buttons.
  const store = { getState: () => ({ entities: { users: { currentUserId: "u-me" } } }), subscribe: () => () => {} };
  for (const { plugin } of window.__plugins) plugin.initialize(registry, store);
  window.renderPost = (id, post, theme, isRHS) => {
    const frame = document.createElement("div");
    frame.id = id;
    frame.className = isRHS ? "frame rhs" : "frame";
    frame.style.background = theme.centerChannelBg;
    frame.style.color = theme.centerChannelColor;
    document.body.appendChild(frame);
    const Component = postTypes["custom_live_status"];
    ReactDOM.createRoot(frame).render(React.createElement(Component, { post, theme, isRHS, compactDisplay: false }));
  };
</script>
</head><body></body></html>`;

describe.skipIf(!runs)("status box in headless Chromium", () => {
  let dir: string;
  let server: Server;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  const consoleProblems: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "live-status-browser-"));
    const { bundlePath } = await buildWebapp(dir);
    const nodeModules = resolve(PACKAGE_DIR, "../../node_modules");
    const files: Record<string, [string, string]> = {
      "/main.js": [bundlePath, "text/javascript"],
      // Development builds, so React's own warnings reach the console check below.
      "/react.js": [join(nodeModules, "react/umd/react.development.js"), "text/javascript"],
      "/react-dom.js": [join(nodeModules, "react-dom/umd/react-dom.development.js"), "text/javascript"],
    };
    server = createServer((req, res) => {
      const path = req.url ?? "/";
      if (path === "/") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(TEST_PAGE);
        return;
      }
      const file = files[path];
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      readFile(file[0]).then(
        (body) => res.writeHead(200, { "content-type": file[1] }).end(body),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    collectConsoleProblems(page, consoleProblems);
    // A paused fake clock makes every elapsed text, and so every screenshot, repeatable.
    await page.clock.install({ time: NOW - 10_000 });
    await page.goto(baseUrl);
    await page.clock.pauseAt(NOW);
    await mkdir(SCREENSHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function show(id: string, live: LiveStatusV1, theme: ThemeName, isRHS = false) {
    const post = { id, message: `${live.agent}: ${live.state}`, props: { live_status: live } };
    await page.evaluate(([i, p, t, r]) => window.renderPost(i, p, t, r), [
      id,
      post,
      THEMES[theme],
      isRHS,
    ] as const);
    const frame = page.locator(`#${id}`);
    await frame.locator(".ls-box").waitFor();
    return frame;
  }

  async function snap(id: string) {
    await page.locator(`#${id}`).screenshot({ path: join(SCREENSHOTS, `${id}.png`), animations: "disabled" });
  }

  it("loads the bundle and registers the post type with the host's React", async () => {
    const ids = await page.evaluate(() => window.__plugins.map((p) => p.id));
    expect(ids).toEqual(["live-status"]);
  });

  it.each<ThemeName>(["light", "dark"])(
    "shows a running box with its latest tool calls (%s)",
    async (theme) => {
      const frame = await show(`running-${theme}`, busyRun(), theme);
      expect(await frame.locator(".ls-head").innerText()).toBe("main\nRunning\n· calling exec\n1m 05s");
      const rows = await frame
        .getByRole("list", { name: "Tool calls" })
        .getByRole("listitem")
        .allInnerTexts();
      expect(rows).toHaveLength(5);
      expect(rows[0]).toBe(
        "exec\nnpx tsc -p tsconfig.check.json\n3.0s\nexit code 2: Type 'string' is not assignable to 'number'.",
      );
      expect(rows[4]).toBe("exec\nnpm run build -w @live-status/webapp\n14s");
      expect(await frame.getByRole("img", { name: "running" }).count()).toBe(1);
      expect(await frame.getByRole("list", { name: "Sub-agents" }).innerText()).toMatch(
        /docs researcher\s+running · 4 tools · now web_fetch\s+45s\s+test writer\s+done · 7 tools\s+36s/,
      );
      expect(await frame.locator(".ls-foot").innerText()).toBe("8 tool calls · 18k in · 2.3k out tokens");
      await snap(`running-${theme}`);
    },
  );

  it("expands the earlier tool calls on click and collapses them again", async () => {
    const frame = page.locator("#running-light");
    const rows = frame.getByRole("list", { name: "Tool calls" }).getByRole("listitem");
    await frame.getByRole("button", { name: "Show 3 earlier" }).click();
    expect(await rows.count()).toBe(8);
    expect(await rows.first().innerText()).toBe("read\npackages/contract/src/live-status.ts\n0.3s");
    await frame.getByRole("button", { name: "Hide earlier" }).click();
    expect(await rows.count()).toBe(5);
  });

  it("keeps the right-hand sidebar box compact", async () => {
    const frame = await show("running-rhs-dark", busyRun(), "dark", true);
    expect(await frame.getByRole("list", { name: "Tool calls" }).getByRole("listitem").count()).toBe(3);
    expect(await frame.getByRole("button", { name: "Show 5 earlier" }).isVisible()).toBe(true);
    await snap("running-rhs-dark");
  });

  it.each<ThemeName>(["light", "dark"])(
    "shows a done box with its total duration, and not the answer posted beside it (%s)",
    async (theme) => {
      const frame = await show(`done-${theme}`, doneRun(), theme);
      expect(await frame.locator(".ls-head").innerText()).toBe("main\nDone\n1m 12s");
      expect(await frame.locator('[data-icon="spinner"]').count()).toBe(0);
      expect(await frame.getByText(/all 105 tests pass/).count()).toBe(0);
      expect(await frame.getByRole("list", { name: "Sub-agents" }).innerText()).not.toContain("running");
      expect(await frame.locator(".ls-foot").innerText()).toBe("8 tool calls · 24k in · 3.1k out tokens");
      await snap(`done-${theme}`);
    },
  );

  it.each<ThemeName>(["light", "dark"])(
    "shows a failed box with the error and the failed call (%s)",
    async (theme) => {
      const frame = await show(`error-${theme}`, errorRun(), theme);
      expect(await frame.locator(".ls-head").innerText()).toBe("main\nFailed\n19s");
      expect(
        await frame.getByText("Model provider answered 529 (overloaded) twice; giving up.").isVisible(),
      ).toBe(true);
      expect(await frame.getByRole("img", { name: "failed" }).count()).toBe(1);
      const rows = await frame
        .getByRole("list", { name: "Tool calls" })
        .getByRole("listitem")
        .allInnerTexts();
      expect(rows).toEqual([
        "read\nREADME.md\n0.2s",
        "exec\nnpm run deploy\n12s\nexit code 1: permission denied (publickey)",
      ]);
      await snap(`error-${theme}`);
    },
  );

  it.each<ThemeName>(["light", "dark"])("explains an interrupted box (%s)", async (theme) => {
    const frame = await show(`interrupted-${theme}`, interruptedRun(), theme);
    expect(await frame.locator(".ls-head").innerText()).toBe("main\nInterrupted\n48s");
    expect(await frame.getByText(/stopped without reporting an end/).isVisible()).toBe(true);
    expect(await frame.getByRole("img", { name: "did not finish" }).count()).toBe(1);
    expect(await frame.getByRole("listitem").last().innerText()).toBe("exec\nnpm run e2e\n45s");
    await snap(`interrupted-${theme}`);
  });

  it("draws the box in the theme's colours", async () => {
    const colours = await page.evaluate(() =>
      ["#running-light", "#running-dark"].map((id) => {
        const box = document.querySelector(`${id} .ls-box`) as HTMLElement;
        return [getComputedStyle(box).color, getComputedStyle(box).borderLeftColor];
      }),
    );
    expect(colours).toEqual([
      ["rgb(63, 67, 80)", "rgb(56, 111, 229)"],
      ["rgb(227, 228, 232)", "rgb(93, 137, 234)"],
    ]);
  });

  it("ticks the elapsed time of a running box and not of a final one", async () => {
    const running = await show("tick-running", busyRun(), "light");
    const done = await show("tick-done", doneRun(), "light");
    await page.clock.runFor(3_000);
    expect(await running.locator(".ls-elapsed").innerText()).toBe("1m 08s");
    expect(await running.getByRole("listitem").filter({ hasText: "npm run build" }).innerText()).toMatch(
      /17s$/,
    );
    expect(await done.locator(".ls-elapsed").innerText()).toBe("1m 12s");
  });

  it("shows a run waiting for approval, with its plan and the buttons to answer or stop it", async () => {
    const run = busyRun();
    const last = run.tools.at(-1);
    if (last) Object.assign(last, { callId: "c-pub", name: "exec", args: "npm publish --access public" });
    const waiting: LiveStatusV1 = {
      ...run,
      subagents: [],
      waiting: {
        kind: "approval",
        approvalId: "c81e2f4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
        command: "npm publish --access public",
        callId: "c-pub",
      },
      plan: [
        { step: "Build the webapp bundle", status: "completed" },
        { step: "Run the browser tests", status: "completed" },
        { step: "Publish the package", status: "in_progress" },
        { step: "Announce the release", status: "pending" },
      ],
    };
    const frame = await show("waiting-light", waiting, "light");
    expect(await frame.locator(".ls-head").innerText()).toMatch(
      /^main\nRunning\n· waiting for approval\n1m \d\ds$/,
    );
    expect(await frame.getByRole("list", { name: "Plan" }).getByRole("listitem").allInnerTexts()).toEqual([
      "Build the webapp bundle",
      "Run the browser tests",
      "Publish the package",
      "Announce the release",
    ]);
    expect(await frame.getByRole("img", { name: "current" }).count()).toBe(1);
    expect(await frame.getByRole("group", { name: "Approval" }).getByRole("button").allInnerTexts()).toEqual([
      "Approve once",
      "Always",
      "Deny",
    ]);
    expect(await frame.getByRole("button", { name: "Stop" }).isEnabled()).toBe(true);
    await snap("waiting-light");
  });

  it("says so when the post's status cannot be read", async () => {
    const post = { id: "bad", message: "main: running (3 tools)", props: { live_status: { v: 7 } } };
    await page.evaluate(([p, t]) => window.renderPost("unreadable", p, t, false), [
      post,
      THEMES.light,
    ] as const);
    const text = await page.locator("#unreadable .ls-box").innerText();
    expect(text).toContain("Live status unreadable");
    expect(text).toContain("main: running (3 tools)");
  });

  it("leaves no errors or warnings in the browser console", () => {
    expect(consoleProblems).toEqual([]);
  });
});

declare global {
  interface Window {
    __plugins: { id: string; plugin: unknown }[];
    renderPost: (id: string, post: unknown, theme: unknown, isRHS: boolean) => void;
  }
}
