// @vitest-environment happy-dom
import type { LiveStatusV1 } from "@live-status/contract";
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { busyRun, props, T0 } from "../../test/fixtures.ts";
import { LiveStatusPost, type LiveStatusPostProps } from "./LiveStatusPost.tsx";
import { STYLE_ELEMENT_ID } from "./styles.ts";

const DARK = { centerChannelBg: "#1f1f1f", centerChannelColor: "#dddddd", onlineIndicator: "#06d6a0" };

function draw(live: unknown, extra: Partial<LiveStatusPostProps> = {}) {
  const post = { id: "p1", message: "main: running", props: { live_status: live } };
  return render(createElement(LiveStatusPost, { post, theme: DARK, ...extra }));
}

function box(): HTMLElement {
  return screen.getByRole("region");
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 + 65_000 });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("LiveStatusPost header", () => {
  it("shows agent, state and elapsed time of a running box", () => {
    draw(props().live_status);
    expect(box().getAttribute("aria-label")).toBe("Live status: main, Running");
    expect(box().textContent).toContain("mainRunning");
    expect(screen.getByTitle("Elapsed").textContent).toBe("1m 05s");
  });

  it("ticks the elapsed time once a second while running", () => {
    draw(props().live_status);
    act(() => vi.advanceTimersByTime(3_000));
    expect(screen.getByTitle("Elapsed").textContent).toBe("1m 08s");
  });

  it("stops ticking once the box is final", () => {
    const { rerender } = draw(props().live_status);
    const done: LiveStatusV1 = { ...props().live_status, state: "done", endedAt: T0 + 70_000 };
    rerender(createElement(LiveStatusPost, { post: { props: { live_status: done } }, theme: DARK }));
    expect(vi.getTimerCount()).toBe(0);
    expect(screen.getByTitle("Duration").textContent).toBe("1m 10s");
  });

  it("clears its timer when unmounted", () => {
    const { unmount } = draw(props().live_status);
    expect(vi.getTimerCount()).toBe(1);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("starts no timer for a final box", () => {
    draw(props({ state: "done", endedAt: T0 + 1_000 }).live_status);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("LiveStatusPost body", () => {
  it("collapses earlier tool calls and expands them on click", () => {
    draw(busyRun());
    const list = screen.getByRole("list", { name: "Tool calls" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(5);
    const more = screen.getByRole("button", { name: "Show 3 earlier" });
    expect(more.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(more);
    expect(within(list).getAllByRole("listitem")).toHaveLength(8);
    expect(screen.getByRole("button", { name: "Hide earlier" }).getAttribute("aria-expanded")).toBe("true");
  });

  it("shows fewer tool calls in the right-hand sidebar", () => {
    draw(busyRun(), { isRHS: true });
    expect(within(screen.getByRole("list", { name: "Tool calls" })).getAllByRole("listitem")).toHaveLength(3);
    expect(box().className).toContain("ls-compact");
  });

  it("names a failed call's status and shows its error", () => {
    draw(busyRun());
    fireEvent.click(screen.getByRole("button", { name: "Show 3 earlier" }));
    expect(screen.getAllByRole("img", { name: "failed" })).toHaveLength(1);
    expect(screen.getByText(/exit code 2/)).toBeTruthy();
  });

  it("lists sub-agents with their tool counts, and the totals in the footer", () => {
    draw(busyRun());
    const subs = within(screen.getByRole("list", { name: "Sub-agents" })).getAllByRole("listitem");
    expect(subs.map((li) => li.textContent)).toEqual([
      expect.stringContaining("docs researcherrunning · 4 tools · now web_fetch"),
      expect.stringContaining("test writerdone · 7 tools"),
    ]);
    expect(box().textContent).toContain("8 tool calls · 18k in · 2.3k out tokens");
  });

  it("explains an interrupted run", () => {
    draw(props({ state: "interrupted", endedAt: T0 + 5_000 }).live_status);
    expect(box().textContent).toContain("Interrupted");
    expect(box().textContent).toMatch(/stopped without reporting an end/);
  });

  it("shows why it cannot draw unreadable props, and the post's text instead", () => {
    draw({ v: 9 });
    expect(box().textContent).toContain("Live status unreadable");
    expect(box().textContent).toMatch(/newer Live Status/);
    expect(box().textContent).toContain("main: running");
  });
});

describe("LiveStatusPost theme", () => {
  it("sets the theme colours on the box and adds its stylesheet once", () => {
    draw(props().live_status);
    draw(props().live_status);
    expect(document.querySelectorAll(`#${STYLE_ELEMENT_ID}`)).toHaveLength(1);
    const style = screen.getAllByRole("region")[0]?.getAttribute("style") ?? "";
    expect(style).toContain("--ls-bg: #1f1f1f");
    expect(style).toContain("--ls-ok: #06d6a0");
    expect(style).toContain("--ls-tone: var(--ls-active)");
  });
});
