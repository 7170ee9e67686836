/**
 * Debian's Chromium for browser tests (`apt-get install -y chromium`); playwright-core downloads no
 * browser of its own. Shared by the webapp's and the demo's browser tests.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  // Without these, Chromium keeps dialling out, which this network refuses.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Whether a browser suite runs: always in CI (where a missing Chromium must fail the run), and
 * elsewhere only when Chromium is installed, with a loud note when it is not.
 */
export function browserTestsRun(suite: string): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) return true;
  console.warn(
    `\n${"!".repeat(78)}\n!! SKIPPING ${suite}: no Chromium at ${CHROMIUM}.\n` +
      `!! Install it with: apt-get update && apt-get install -y chromium\n${"!".repeat(78)}\n`,
  );
  return false;
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`CI needs Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Collects the page's console errors and warnings and its uncaught errors, for a "console stays clean" test. */
export function collectConsoleProblems(page: Page, into: string[] = []): string[] {
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") into.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => into.push(`pageerror: ${e.message}`));
  return into;
}
