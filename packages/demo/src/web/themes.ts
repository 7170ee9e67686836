/**
 * Mattermost's default light ("Denim") and dark ("Onyx") themes, with the keys Mattermost passes to
 * plugin components as `theme`. The page takes its own colours from the same values.
 */
export type ThemeName = "light" | "dark";

export interface Theme {
  type: string;
  sidebarBg: string;
  sidebarText: string;
  sidebarUnreadText: string;
  sidebarTextHoverBg: string;
  sidebarTextActiveBorder: string;
  sidebarTextActiveColor: string;
  sidebarHeaderBg: string;
  sidebarHeaderTextColor: string;
  sidebarTeamBarBg: string;
  onlineIndicator: string;
  awayIndicator: string;
  dndIndicator: string;
  mentionBg: string;
  mentionColor: string;
  centerChannelBg: string;
  centerChannelColor: string;
  newMessageSeparator: string;
  linkColor: string;
  buttonBg: string;
  buttonColor: string;
  errorTextColor: string;
  mentionHighlightBg: string;
  mentionHighlightLink: string;
  codeTheme: string;
}

export const THEMES: Readonly<Record<ThemeName, Theme>> = {
  light: {
    type: "Denim",
    sidebarBg: "#1e325c",
    sidebarText: "#ffffff",
    sidebarUnreadText: "#ffffff",
    sidebarTextHoverBg: "#28427b",
    sidebarTextActiveBorder: "#5d89ea",
    sidebarTextActiveColor: "#ffffff",
    sidebarHeaderBg: "#192a4d",
    sidebarHeaderTextColor: "#ffffff",
    sidebarTeamBarBg: "#14213e",
    onlineIndicator: "#3db887",
    awayIndicator: "#ffbc1f",
    dndIndicator: "#d24b4e",
    mentionBg: "#ffffff",
    mentionColor: "#1e325c",
    centerChannelBg: "#ffffff",
    centerChannelColor: "#3f4350",
    newMessageSeparator: "#cc8f00",
    linkColor: "#386fe5",
    buttonBg: "#1c58d9",
    buttonColor: "#ffffff",
    errorTextColor: "#d24b4e",
    mentionHighlightBg: "#ffd470",
    mentionHighlightLink: "#1b1d22",
    codeTheme: "github",
  },
  dark: {
    type: "Onyx",
    sidebarBg: "#202228",
    sidebarText: "#ffffff",
    sidebarUnreadText: "#ffffff",
    sidebarTextHoverBg: "#25262a",
    sidebarTextActiveBorder: "#4a7ce8",
    sidebarTextActiveColor: "#ffffff",
    sidebarHeaderBg: "#24272d",
    sidebarHeaderTextColor: "#ffffff",
    sidebarTeamBarBg: "#121317",
    onlineIndicator: "#3db887",
    awayIndicator: "#f5ab00",
    dndIndicator: "#d24b4e",
    mentionBg: "#4b7ce7",
    mentionColor: "#ffffff",
    centerChannelBg: "#191b1f",
    centerChannelColor: "#e3e4e8",
    newMessageSeparator: "#1adbdb",
    linkColor: "#5d89ea",
    buttonBg: "#4a7ce8",
    buttonColor: "#ffffff",
    errorTextColor: "#da6c6e",
    mentionHighlightBg: "#0d6e6e",
    mentionHighlightLink: "#a4f4f4",
    codeTheme: "monokai",
  },
};

/** CSS custom properties for the page's own stylesheet. */
export function pageVars(t: Theme): Record<string, string> {
  return {
    "--sidebar-bg": t.sidebarBg,
    "--sidebar-text": t.sidebarText,
    "--sidebar-hover": t.sidebarTextHoverBg,
    "--sidebar-active-border": t.sidebarTextActiveBorder,
    "--sidebar-header-bg": t.sidebarHeaderBg,
    "--team-bar-bg": t.sidebarTeamBarBg,
    "--mention-bg": t.mentionBg,
    "--mention-color": t.mentionColor,
    "--center-bg": t.centerChannelBg,
    "--center-color": t.centerChannelColor,
    "--link": t.linkColor,
    "--button-bg": t.buttonBg,
    "--button-color": t.buttonColor,
    "--online": t.onlineIndicator,
    "--away": t.awayIndicator,
    "--error": t.errorTextColor,
    "--highlight-bg": t.mentionHighlightBg,
    "--highlight-link": t.mentionHighlightLink,
  };
}
