import { describe, expect, it } from "vitest";
import { themeVars, toneColor } from "./theme.ts";

describe("themeVars", () => {
  it("carries the Mattermost theme colours into CSS variables", () => {
    const vars = themeVars({
      centerChannelBg: "#1f1f1f",
      centerChannelColor: "#dddddd",
      linkColor: "#5d89ea",
      onlineIndicator: "#06d6a0",
      awayIndicator: "#ffbc1f",
      errorTextColor: "rgb(255, 102, 102)",
    });
    expect(vars).toEqual({
      "--ls-fg": "#dddddd",
      "--ls-bg": "#1f1f1f",
      "--ls-active": "#5d89ea",
      "--ls-ok": "#06d6a0",
      "--ls-warn": "#ffbc1f",
      "--ls-error": "rgb(255, 102, 102)",
    });
  });

  it("falls back to the default light theme for missing keys or no theme", () => {
    expect(themeVars(undefined)["--ls-bg"]).toBe("#ffffff");
    expect(themeVars({ centerChannelBg: "#000" })["--ls-fg"]).toBe("#3f4350");
  });

  it("refuses theme values that are not plain colours", () => {
    const vars = themeVars({ centerChannelBg: "red;background:url(https://x)", linkColor: "url(x)" });
    expect(vars["--ls-bg"]).toBe("#ffffff");
    expect(vars["--ls-active"]).toBe("#386fe5");
  });
});

describe("toneColor", () => {
  it("maps every tone to a theme variable", () => {
    for (const tone of ["active", "ok", "error", "warn", "muted"] as const) {
      expect(toneColor(tone)).toMatch(/^var\(--ls-[a-z]+\)$/);
    }
  });
});
