import type { Tone } from "./view-state.ts";

/** The part of Mattermost's `theme` prop the box uses; every key may be missing on old or custom themes. */
export interface MattermostTheme {
  centerChannelBg?: string;
  centerChannelColor?: string;
  linkColor?: string;
  onlineIndicator?: string;
  awayIndicator?: string;
  errorTextColor?: string;
}

// Mattermost's default light theme ("Denim"), used for any key the host does not pass.
const FALLBACK: Required<MattermostTheme> = {
  centerChannelBg: "#ffffff",
  centerChannelColor: "#3f4350",
  linkColor: "#386fe5",
  onlineIndicator: "#3db887",
  awayIndicator: "#ffbc1f",
  errorTextColor: "#d24b4e",
};

/**
 * CSS custom properties that carry the theme into the box's stylesheet. The stylesheet derives
 * borders, tints and muted text from these with `color-mix`, so light and dark themes both work
 * without the box knowing which one it is in. Values that are not plain colours are ignored.
 */
export function themeVars(theme: unknown): Record<string, string> {
  const t = typeof theme === "object" && theme !== null ? (theme as Record<string, unknown>) : {};
  const pick = (key: keyof MattermostTheme): string => {
    const value = t[key];
    return typeof value === "string" && isColor(value) ? value : FALLBACK[key];
  };
  return {
    "--ls-fg": pick("centerChannelColor"),
    "--ls-bg": pick("centerChannelBg"),
    "--ls-active": pick("linkColor"),
    "--ls-ok": pick("onlineIndicator"),
    "--ls-warn": pick("awayIndicator"),
    "--ls-error": pick("errorTextColor"),
  };
}

/** The CSS colour expression for a tone. */
export function toneColor(tone: Tone): string {
  switch (tone) {
    case "active":
      return "var(--ls-active)";
    case "ok":
      return "var(--ls-ok)";
    case "error":
      return "var(--ls-error)";
    case "warn":
      return "var(--ls-warn)";
    case "muted":
      return "var(--ls-muted)";
    default:
      return tone satisfies never;
  }
}

// Theme values end up inside a style attribute; accept only colour syntax, never `url(` or `;`.
function isColor(value: string): boolean {
  return /^#[0-9a-f]{3,8}$/i.test(value) || /^(rgb|rgba|hsl|hsla)\([\d\s.,%/]+\)$/i.test(value);
}
