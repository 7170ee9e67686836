import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsRun, launchChromium } from "../../webapp/test/chromium.ts";
import { type Demo, startDemo } from "../src/demo.ts";
import type { PlayResult } from "../src/player.ts";
import { REPO_ROOT } from "../src/replay-child.ts";

// The committed screenshot is refreshed on request only; a test run writes to the gitignored .tmp/.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? join(REPO_ROOT, "docs/screenshots/demo.png")
  : join(REPO_ROOT, ".tmp/screenshots/demo.png");

// The committed screenshot shows the recorded timing (a 19 s first turn, as a live run takes);
// ordinary runs play three times faster.
const SPEED = process.env.UPDATE_SCREENSHOTS ? 1 : 3;
const SLOW = 3 / SPEED;

const runs = browserTestsRun("the demo's browser test");

describe.skipIf(!runs)("the demo page in headless Chromium", () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;
  let played: Promise<PlayResult>;
  const consoleProblems: string[] = [];
  const sawRunning: string[] = [];

  beforeAll(async () => {
    // React's development build, so its warnings reach the console check.
    demo = await startDemo({ port: 0, speed: SPEED, reactBuild: "development" });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") consoleProblems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleProblems.push(`pageerror: ${e.message}`));
    // The scene starts when the page first asks for the state.
    demo.begin(60_000);
    await page.goto(demo.url);
    played = demo.played();
  }, 60_000 * SLOW);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("loads the real webapp plugin through registerPlugin, as Mattermost does", async () => {
    expect(await page.evaluate(() => window.__demoPlugins?.map((p) => p.id))).toEqual(["live-status"]);
  });

  it(
    "draws the running box with the webapp's component under alice's question, without buttons nobody could use",
    async () => {
      const box = page.locator(".center .ls-box").first();
      await box.waitFor();
      sawRunning.push((await box.getAttribute("aria-label")) ?? "");
      expect(sawRunning[0]).toBe("Live status: main, Running");
      const post = page.locator(".center li.post").filter({ has: page.locator(".ls-box") });
      expect(await post.locator(".post__author").innerText()).toBe("openclaw");
      expect(await post.getAttribute("data-post-type")).toBe("custom_live_status");
      // Nobody is signed in to the demo page, so a press could send nothing: no Stop, no approval buttons.
      expect(await box.locator(".ls-button").count()).toBe(0);
      expect(await box.getByRole("button", { name: "Stop" }).count()).toBe(0);
    },
    30_000 * SLOW,
  );

  it(
    "follows the scene into the thread, where the box of the follow-up replaces the first one",
    async () => {
      await page.locator(".rhs").waitFor({ timeout: 30_000 * SLOW });
      // Stay in the thread from here on, whatever the scene does next.
      await page.getByRole("button", { name: "Follow the scene" }).click();
      await page
        .locator(".rhs")
        .getByText("Can you also draft the rollout note")
        .waitFor({ timeout: 30_000 * SLOW });
      // Then the old box leaves and the fresh one sits right under the follow-up: one box in the thread.
      const shape = async () => {
        const order = await page
          .locator(".rhs li.post")
          .evaluateAll((posts) =>
            posts.map((p) => (p.querySelector(".ls-box") ? "box" : (p.textContent ?? ""))),
          );
        const followUp = order.findIndex((text) => text.includes("draft the rollout note"));
        return {
          boxes: order.filter((x) => x === "box").length,
          boxAfterFollowUp: order.indexOf("box") === followUp + 1,
        };
      };
      await expect.poll(shape, { timeout: 15_000 * SLOW }).toEqual({ boxes: 1, boxAfterFollowUp: true });
    },
    40_000 * SLOW,
  );

  it(
    "ends with every box final in its own conversation and no problems in the console",
    async () => {
      expect(await played).toEqual({ failedTurns: 0, stopped: false });
      await page.getByRole("button", { name: "Play again" }).waitFor();
      // Following the scene again goes to where it ended: bob's DM.
      await page.getByRole("button", { name: "Follow the scene" }).click();
      await expect.poll(() => page.locator(".channel-header__name").innerText()).toContain("bob");
      expect(await page.locator(".channel-header__name").innerText()).toContain("bob");
      await expect
        .poll(() => page.locator(".center .ls-box").getAttribute("aria-label"))
        .toBe("Live status: main, Done");

      await page.getByRole("button", { name: "Town Square" }).click();
      await page.getByRole("button", { name: /7 replies/ }).click();
      const centerBoxes = page.locator(".center .ls-box");
      const threadBoxes = page.locator(".rhs .ls-box");
      expect(await centerBoxes.count()).toBe(1);
      expect(await centerBoxes.getAttribute("aria-label")).toBe("Live status: main, Done");
      await expect.poll(() => threadBoxes.count()).toBe(1);
      expect(await threadBoxes.getAttribute("aria-label")).toBe("Live status: main, Done");
      expect(await page.locator(".center .ls-box").innerText()).toContain("Bearer [redacted]");
      expect(await page.content()).not.toContain(demo.scene.secrets[0]);

      await page.mouse.move(0, 0);
      await mkdir(join(SCREENSHOT, ".."), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, animations: "disabled" });
      expect(consoleProblems).toEqual([]);
    },
    60_000 * SLOW,
  );

  it("hands the Mattermost theme to the box: the dark theme turns it dark", async () => {
    await page.getByRole("button", { name: "Switch to the dark theme" }).click();
    const colours = await page.evaluate(() => {
      const box = document.querySelector(".center .ls-box") as HTMLElement;
      return [
        getComputedStyle(box).color,
        getComputedStyle(document.querySelector(".app") as HTMLElement).backgroundColor,
      ];
    });
    expect(colours).toEqual(["rgb(227, 228, 232)", "rgb(25, 27, 31)"]);
    expect(consoleProblems).toEqual([]);
  });
});
