import * as React from "react";
import { toneColor } from "../theme.ts";
import type { IconName, Tone } from "../view-state.ts";

export interface IconProps {
  name: IconName;
  tone: Tone;
  /** Accessible name; omit when visible text next to the icon already says the same. */
  label?: string;
}

/** A 12 px inline SVG in the tone's theme colour; drawn, not a font glyph, so it looks the same everywhere. */
export function Icon({ name, tone, label }: IconProps): React.ReactElement {
  const a11y = label ? { role: "img", "aria-label": label } : { "aria-hidden": true };
  return (
    // biome-ignore lint/a11y/noSvgWithoutTitle: labelled through role/aria-label, or hidden when decorative.
    <svg
      className={name === "spinner" ? "ls-icon ls-spin" : "ls-icon"}
      viewBox="0 0 16 16"
      style={{ color: toneColor(tone) }}
      data-icon={name}
      {...a11y}
    >
      {label ? <title>{label}</title> : null}
      {shape(name)}
    </svg>
  );
}

function shape(name: IconName): React.ReactElement {
  const line = { fill: "none", stroke: "currentColor", strokeWidth: 2, strokeLinecap: "round" } as const;
  switch (name) {
    case "spinner":
      return (
        <g {...line}>
          <circle cx="8" cy="8" r="6" strokeOpacity="0.25" />
          <path d="M8 2a6 6 0 0 1 6 6" />
        </g>
      );
    case "check":
      return <path d="M3 8.5l3.2 3.2L13 4.8" {...line} strokeLinejoin="round" />;
    case "cross":
      return <path d="M4 4l8 8M12 4l-8 8" {...line} />;
    case "stop":
      return <rect x="3.5" y="3.5" width="9" height="9" rx="1.5" fill="currentColor" />;
    case "pause":
      return (
        <g fill="currentColor">
          <rect x="3.5" y="3" width="3" height="10" rx="1" />
          <rect x="9.5" y="3" width="3" height="10" rx="1" />
        </g>
      );
    case "pending":
      return <circle cx="8" cy="8" r="5.5" {...line} strokeWidth={1.5} />;
    default:
      return name satisfies never;
  }
}
