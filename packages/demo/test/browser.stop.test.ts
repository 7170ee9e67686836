/**
 * The demo page at 800 px and when the demo is stopped mid-turn: the header keeps its title clear of
 * the buttons, Escape closes the dialog, and Ctrl-C (the same `stop()`) leaves the page showing the
 * box finalized as interrupted, not running.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserTestsRun, launchChromium } from "../../webapp/test/chromium.ts";
import { type Demo, startDemo } from "../src/demo.ts";

const runs = browserTestsRun("the demo's stop and layout browser test");

describe.skipIf(!runs)("the demo page at 800 px, stopped mid-turn", () => {
  let demo: Demo;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    demo = await startDemo({ port: 0, speed: 1 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 800, height: 700 }, deviceScaleFactor: 1 });
    demo.begin(60_000);
    await page.goto(demo.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("keeps the channel title clear of the header buttons, and the title on one line", async () => {
    await page.locator(".channel-header__name").getByText("Town Square").waitFor();
    const boxes = await page.evaluate(() =>
      [
        ".channel-header__title",
        ...[...document.querySelectorAll(".channel-header__actions button")].map(
          (_, i) => `.channel-header__actions button:nth-child(${i + 1})`,
        ),
      ].map((sel) => {
        const r = (document.querySelector(sel) as HTMLElement).getBoundingClientRect();
        return { sel, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      }),
    );
    const [title, ...buttons] = boxes;
    expect(buttons).toHaveLength(3);
    for (const b of buttons) {
      const overlap =
        title && b.left < title.right && b.right > title.left && b.top < title.bottom && b.bottom > title.top;
      expect({ button: b.sel, overlap }).toEqual({ button: b.sel, overlap: false });
      expect(b.right).toBeLessThanOrEqual(800);
    }
    const name = page.locator(".channel-header__name");
    expect((await name.boundingBox())?.height).toBeLessThanOrEqual(26);
  });

  it("closes the dialog with Escape", async () => {
    await page.getByRole("button", { name: "Use your Mattermost…" }).click();
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
  });

  it("shows the box interrupted, not running, after the demo is stopped during a turn", async () => {
    const box = page.locator(".center .ls-box").first();
    await expect
      .poll(() => box.getAttribute("aria-label"), { timeout: 30_000 })
      .toBe("Live status: main, Running");
    await demo.stop();
    expect(await box.getAttribute("aria-label")).toBe("Live status: main, Interrupted");
    expect(await page.locator(".narration").first().innerText()).toMatch(/stopped/i);
  }, 60_000);
});
